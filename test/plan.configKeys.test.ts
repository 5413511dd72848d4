import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { referenceRows } from "../config/reference";
import { planStack, type Plan } from "../harness/plan";
import { typesWithoutPrice } from "../harness/cost";
import { dangerousChanges, diffPlans, resourceLabel, type PlanDiff, type ResourceChange } from "../harness/planDiff";
import { typesWithoutRow } from "../harness/replaceOnChange";
import { accepted, configsOf, KEY_CASES, LIVE_STACKS, overridesFor, type Config, type Effect, type KeyCase, type LiveStack, withDayTwoTable } from "./configKeyCases";

/**
 * Issue #13: every config key changed on a live stack, planned, and held to its case in test/configKeyCases.ts:
 * exactly what is updated, created, replaced, deleted or fails; whatever is stateful or address-bearing and replaced
 * or deleted (or a change that fails) is documented in the README.
 *
 * Plans are the cost (0.3-0.5 s each), so cases share them: each live stack is planned once, and cases whose declared
 * resources are disjoint are changed together in one plan, every change of that plan attributed to the one case that
 * declares its resource (a batch fails if a change belongs to none). Documented cases (those that replace or delete
 * something stateful, or fail) and refused ones are planned alone. A key that would also touch a resource another case of its batch
 * declares can only hide an effect equal to that case's (declared, and so harmless): anything dangerous shows.
 */

const ACTIONS = ["update", "create", "replace", "delete"] as const;

/**
 * What a change is to a case: the `npm run diff` label the resource has on the live stack (an object that moves
 * keeps the name it is known by), with a content hash (the WAF rules' ConfigMap) read as `<hash>`.
 */
interface Observed {
    readonly diff: PlanDiff;
    readonly labelOf: (change: ResourceChange) => string;
}

function declared(effect: Effect): Set<string> {
    return new Set([...ACTIONS.flatMap((action) => effect[action] ?? []), ...(effect.fail ?? [])]);
}

/** The effect that changes show. */
function effectOf(changes: readonly ResourceChange[], labelOf: Observed["labelOf"]): Effect {
    const effect: Record<string, string[]> = {};
    for (const action of ACTIONS) {
        const labels = changes.filter((change) => change.action === action).map(labelOf).sort();
        if (labels.length > 0) effect[action] = labels;
    }
    const failing = changes.filter((change) => change.failures.length > 0).map(labelOf).sort();
    if (failing.length > 0) effect.fail = failing;
    return effect;
}

const sorted = (effect: Effect): Effect => Object.fromEntries(Object.entries(effect).map(([action, labels]) => [action, Array.isArray(labels) ? [...labels].sort() : labels]));

const plansAlone = (keyCase: KeyCase): boolean => keyCase.documented !== undefined || keyCase.effect.refused !== undefined || declared(keyCase.effect).size === 0;

interface Batch {
    readonly live: KeyCase["live"];
    readonly cases: KeyCase[];
    readonly resources: Set<string>;
    /** The live stack's config with every case's change. */
    readonly changed: Config;
}

/** The config with one more case's change, if that change still applies (it finds what it changes). */
function withChange(config: Config, keyCase: KeyCase): Config | undefined {
    const changed = structuredClone(config);
    try {
        keyCase.edit(changed);
    } catch {
        return undefined;
    }
    return changed;
}

/** Cases grouped into plans: same live stack, disjoint declared resources, changes that apply one after another. */
function batchesOf(cases: readonly KeyCase[]): Batch[] {
    const batches: Batch[] = [];
    for (const keyCase of cases) {
        const resources = declared(keyCase.effect);
        const joins = (batch: Batch): Config | undefined => {
            if (plansAlone(keyCase) || batch.live !== keyCase.live || plansAlone(batch.cases[0]!) || [...resources].some((label) => batch.resources.has(label))) return undefined;
            const changed = withChange(batch.changed, keyCase);
            return changed && accepted((LIVE_STACKS[batch.live] as LiveStack).stack, changed) ? changed : undefined;
        };
        let joined = false;
        for (const [index, batch] of batches.entries()) {
            const changed = joins(batch);
            if (!changed) continue;
            batches[index] = { ...batch, cases: [...batch.cases, keyCase], resources: new Set([...batch.resources, ...resources]), changed };
            joined = true;
            break;
        }
        if (!joined) batches.push({ live: keyCase.live, cases: [keyCase], resources, changed: configsOf(keyCase).changed });
    }
    return batches;
}

const planCache = new Map<string, Promise<Plan>>();
function planOf(live: KeyCase["live"], config: Config): Promise<Plan> {
    const { stack } = LIVE_STACKS[live] as LiveStack;
    const configOverrides = overridesFor(stack, config);
    const key = `${stack} ${JSON.stringify(configOverrides)}`;
    if (!planCache.has(key)) planCache.set(key, withoutStackTraces(() => planStack(stack, { configOverrides })));
    return planCache.get(key)!;
}

/**
 * Pulumi's SDK captures a stack trace for every promise and resource it makes (runtime/debuggable.js, resource.js
 * source positions): more than half of a plan's time, for what the mock engine never reads. A failing plan still
 * reports its message.
 */
async function withoutStackTraces<T>(run: () => Promise<T>): Promise<T> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await run();
    } finally {
        Error.stackTraceLimit = limit;
    }
}

async function observe(live: KeyCase["live"], before: Config, after: Config): Promise<Observed> {
    const base = await planOf(live, before);
    const head = await planOf(live, after);
    const liveLabels = new Map(base.run.resources.map((resource) => [resource.urn, resourceLabel(resource)]));
    return {
        diff: diffPlans(base.run.resources, head.run.resources),
        labelOf: (change) => (liveLabels.get(change.urn) ?? change.label).replace(/-[0-9a-f]{10}$/, "-<hash>"),
    };
}

const observedBatches = new Map<Batch, Promise<Observed>>();
/** From the live stack to the stack with every change of the batch. */
function observeBatch(batch: Batch): Promise<Observed> {
    if (!observedBatches.has(batch)) observedBatches.set(batch, observe(batch.live, configsOf(batch.cases[0]!).live, batch.changed));
    return observedBatches.get(batch)!;
}

/** A case's effect planned alone, to name which case makes a change nobody declared. */
async function aloneEffect(keyCase: KeyCase): Promise<Effect> {
    const { live, changed } = configsOf(keyCase);
    const { diff, labelOf } = await observe(keyCase.live, live, changed);
    return effectOf(diff.changes, labelOf);
}

const describeCase = (keyCase: KeyCase): string => `${keyCase.key} on ${keyCase.live}: ${keyCase.change}`;

const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

/** The reference's keys, and those of them that hold no other key (the ones a user sets). */
const referenceKeys = referenceRows().map((row) => row.key);
const leafKeys = referenceKeys.filter((key) => !referenceKeys.some((other) => other.length > key.length && other.startsWith(key) && ".[ ".includes(other[key.length]!)));

describe("every config key has a day-2 case", () => {
    it("covers every key of the config reference a user sets, list entries' keys included", () => {
        const covered = new Set(KEY_CASES.map((keyCase) => keyCase.key));
        assert.deepEqual(leafKeys.filter((key) => !covered.has(key)), [], "keys without a case in test/configKeyCases.ts");
        assert.ok(leafKeys.length > 100, `${leafKeys.length} keys`);
    });

    it("names only keys the config reference has", () => {
        assert.deepEqual(KEY_CASES.map((keyCase) => keyCase.key).filter((key) => !referenceKeys.includes(key)), []);
    });

    it("changes something in every case, each (key, stack, change) once", () => {
        assert.deepEqual(KEY_CASES.filter((keyCase) => JSON.stringify(configsOf(keyCase).live) === JSON.stringify(configsOf(keyCase).changed)).map(describeCase), []);
        const names = KEY_CASES.map(describeCase);
        assert.deepEqual(names.filter((name, index) => names.indexOf(name) !== index), []);
    });

    it("documents each harm in a README section that exists", () => {
        for (const keyCase of KEY_CASES.filter((candidate) => candidate.documented)) {
            assert.match(readme, new RegExp(`^#{2,3} ${keyCase.documented!.section}$`, "m"), describeCase(keyCase));
        }
    });

    it("is the README's day-2 table (run npm run docs)", () => {
        assert.equal(readme, withDayTwoTable(readme));
    });
});

describe("each key changed on a live stack", () => {
    const batches = batchesOf(KEY_CASES);

    for (const batch of batches) {
        for (const keyCase of batch.cases) {
            it(describeCase(keyCase), async () => {
                if (keyCase.effect.refused !== undefined) {
                    await assert.rejects(aloneEffect(keyCase), (error: Error) => error.message.includes(keyCase.effect.refused!));
                    return;
                }
                const { diff, labelOf } = await observeBatch(batch);
                const mine = declared(keyCase.effect);
                const changes = batch.cases.length === 1 ? diff.changes : diff.changes.filter((change) => mine.has(labelOf(change)));
                assert.deepEqual(sorted(effectOf(changes, labelOf)), sorted(keyCase.effect));
                const harms = dangerousChanges({ ...diff, changes }).map((change) => `${change.action} ${labelOf(change)}${change.deleteFirst ? " (deleted first)" : ""}`);
                if (harms.length > 0) assert.ok(keyCase.documented, `replaces, deletes or fails on what holds state or an address, undocumented: ${harms.join(", ")}`);
                else assert.equal(keyCase.documented, undefined, "documented, but harms nothing stateful or address-bearing");
            });
        }
        if (batch.cases.length > 1) {
            it(`changes only what its cases declare, changed together: ${batch.cases.map((keyCase) => keyCase.key).join(", ")}`, async () => {
                const owned = new Set(batch.cases.flatMap((keyCase) => [...declared(keyCase.effect)]));
                const { diff, labelOf } = await observeBatch(batch);
                const strays = diff.changes.filter((change) => !owned.has(labelOf(change)));
                if (strays.length === 0) return;
                const alone: string[] = [];
                // One plan at a time: the mock engine is the process's.
                for (const keyCase of batch.cases) alone.push(`${describeCase(keyCase)}: ${JSON.stringify(await aloneEffect(keyCase))}`);
                assert.fail(`changes no case declares: ${strays.map((change) => `${change.action} ${labelOf(change)}`).join(", ")}\neach case planned alone:\n${alone.join("\n")}`);
            });
        }
    }
});

describe("the types the day-2 cases plan", () => {
    it("each have a replace-on-change row and a price (or a reason they cost nothing)", async () => {
        const plans = (await Promise.allSettled([...planCache.values()])).flatMap((settled) => (settled.status === "fulfilled" ? [settled.value] : []));
        assert.ok(plans.length > 10, `${plans.length} plans`);
        const resources = plans.flatMap((plan) => plan.run.resources);
        assert.deepEqual({ withoutRow: typesWithoutRow(resources), withoutPrice: typesWithoutPrice(resources) }, { withoutRow: [], withoutPrice: [] });
    });
});
