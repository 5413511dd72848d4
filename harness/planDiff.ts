import { createHmac, randomBytes } from "node:crypto";
import { engineUrn, type RecordedResource } from "./mockEngine";
import { isLocalComponent, REPLACE_ON_CHANGE, valueAt, type PropertyRule, type RuleContext, type TypeRow } from "./replaceOnChange";

/**
 * A semantic diff of two offline plans, as `pulumi preview` would report it: per resource create,
 * update, replace or delete, with the changed input paths. Replacement follows replaceOnChange.ts.
 * A resource is matched to the old one its URN or one of its aliases names, as the engine does.
 *
 * Like a preview, the outputs of a resource being replaced are unknown until it is: an input of
 * another resource that carries one of them (its fake id, ARN, DNS name, address…) changes to
 * "known after the replacement", and that change is judged by the same table. A resource whose
 * provider is replaced is replaced (pulumi/pulumi step_generator.go, providerChanged).
 *
 * Secrets: the recorded inputs hold "[secret]"; a change is detected by comparing, in memory only,
 * a hash of each secret value keyed with a random per-process salt, and reported as "changed" without
 * a value.
 */

export type Action = "create" | "update" | "replace" | "delete";

/** A new value that is known only once this resource has been replaced. */
export interface Unknown {
    readonly knownAfter: string;
}

export type Segment = string | number;

export interface PropertyChange {
    /** Display path, Pulumi-style: `spec.rules[0].host`, `metadata.annotations["a.b/c"]`. */
    readonly path: string;
    readonly segments: readonly Segment[];
    /** Absent when the property is added. */
    readonly old?: unknown;
    /** Absent when the property is removed. */
    readonly new?: unknown | Unknown;
    /** A secret: only that it changed is known. */
    readonly secret?: boolean;
}

export interface Reason {
    readonly path: string;
    readonly because: string;
    readonly source: string;
}

export interface ResourceChange {
    readonly urn: string;
    readonly type: string;
    /** e.g. `Ingress cortex/cortex`, `Vpc edge-dev`. */
    readonly label: string;
    /** The label it had in the base, when it continues a resource of another URN through an alias. */
    readonly formerLabel?: string;
    /** The local components it belongs to, outermost first, e.g. `Cluster edge-dev`. */
    readonly group: string;
    readonly action: Action;
    readonly changes: readonly PropertyChange[];
    /** What forces the replacement. */
    readonly forcedBy: readonly Reason[];
    /** Planned changes that the cloud API rejects or does not apply. */
    readonly failures: readonly Reason[];
    /** A named Kubernetes object deleted before its replacement is created. */
    readonly deleteFirst: boolean;
    /** Why replacing or deleting it is dangerous; present only when it is replaced or deleted. */
    readonly danger?: string;
    readonly cautions: readonly string[];
}

export interface PlanDiff {
    readonly counts: Readonly<Record<Action | "unchanged", number>>;
    /** Every resource that changes, by group then label. */
    readonly changes: readonly ResourceChange[];
    /** Types without a row in the replace-on-change table: their changes count as updates. */
    readonly unknownTypes: readonly string[];
}

export function isUnknown(value: unknown): value is Unknown {
    return value !== null && typeof value === "object" && typeof (value as Unknown).knownAfter === "string" && Object.keys(value).length === 1;
}

/** Resources a diff counts: custom resources and remote components, not this project's local components. */
function counted(resource: RecordedResource): boolean {
    return !isLocalComponent(resource.type);
}

function typeName(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

export function resourceLabel(resource: Pick<RecordedResource, "type" | "name" | "inputs">): string {
    if (resource.type.startsWith("pulumi:providers:")) return `Provider ${typeName(resource.type)} ${resource.name}`;
    if (resource.type.startsWith("kubernetes:")) {
        const metadata = (resource.inputs.metadata ?? {}) as { name?: string; namespace?: string };
        return `${typeName(resource.type)} ${metadata.namespace ? `${metadata.namespace}/` : ""}${metadata.name ?? resource.name}`;
    }
    return `${typeName(resource.type)} ${resource.name}`;
}

function groupOf(resource: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): string {
    const chain: string[] = [];
    for (let parent = resource.parent ? byUrn.get(resource.parent) : undefined; parent; parent = parent.parent ? byUrn.get(parent.parent) : undefined) {
        if (isLocalComponent(parent.type)) chain.unshift(`${typeName(parent.type)} ${parent.name}`);
    }
    return chain.length > 0 ? chain.join(" › ") : "stack";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

export function formatPath(segments: readonly Segment[]): string {
    return segments.map((segment, index) => {
        if (typeof segment === "number") return `[${segment}]`;
        if (!/^[A-Za-z_$][\w$-]*$/.test(segment)) return `[${JSON.stringify(segment)}]`;
        return index === 0 ? segment : `.${segment}`;
    }).join("");
}

const change = (segments: readonly Segment[], rest: Omit<PropertyChange, "path" | "segments">): PropertyChange => ({ path: formatPath(segments), segments, ...rest });

/** Leaf changes between two input trees; arrays of scalars change as a whole. */
function diffValues(segments: readonly Segment[], oldValue: unknown, newValue: unknown, skip: (segments: readonly Segment[]) => boolean, into: PropertyChange[]): void {
    if (skip(segments) || deepEqual(oldValue, newValue)) return;
    if (isPlainObject(oldValue) && isPlainObject(newValue)) {
        for (const key of [...new Set([...Object.keys(oldValue), ...Object.keys(newValue)])].sort()) diffValues([...segments, key], oldValue[key], newValue[key], skip, into);
        return;
    }
    const objects = (value: unknown[]): boolean => value.some((item) => isPlainObject(item) || Array.isArray(item));
    if (Array.isArray(oldValue) && Array.isArray(newValue) && oldValue.length === newValue.length && (objects(oldValue) || objects(newValue))) {
        oldValue.forEach((item, index) => diffValues([...segments, index], item, newValue[index], skip, into));
        return;
    }
    into.push(change(segments, { ...(oldValue === undefined ? {} : { old: oldValue }), ...(newValue === undefined ? {} : { new: newValue }) }));
}

/** The mock engine's secret paths: `a.b[0].c` (keys without dots). */
const segmentsOf = (path: string): Segment[] =>
    path.split(/\.|(?=\[)/).map((segment) => (/^\[(\d+)\]$/.test(segment) ? Number(segment.slice(1, -1)) : segment));

function valueAtSegments(root: unknown, segments: readonly Segment[]): unknown {
    return segments.reduce<unknown>((value, segment) => {
        if (typeof segment === "number") return Array.isArray(value) ? value[segment] : undefined;
        return isPlainObject(value) ? value[segment] : undefined;
    }, root);
}

/** A copy of `root` with the value at `segments` (which exists) replaced. */
function withValueAt(root: Readonly<Record<string, unknown>>, segments: readonly Segment[], value: unknown): Record<string, unknown> {
    const copy = structuredClone(root) as Record<string, unknown>;
    const parent = segments.slice(0, -1).reduce<unknown>((node, segment) => (node as Record<string | number, unknown>)[segment], copy) as Record<string | number, unknown>;
    parent[segments[segments.length - 1]!] = value;
    return copy;
}

/** A change at or below a rule's dotted path (array indices ignored). */
function under(segments: readonly Segment[], prefix: string): boolean {
    if (prefix === "") return true;
    const keys = segments.filter((segment): segment is string => typeof segment === "string");
    const wanted = prefix.split(".");
    return wanted.every((key, index) => keys[index] === key);
}
const startsWith = (segments: readonly Segment[], prefix: readonly Segment[]): boolean => prefix.every((segment, index) => segments[index] === segment);

/** Keyed hashes of the secret values, in memory only: equal hashes mean an equal value. */
function secretHashes(resource: RecordedResource, salt: Buffer): Map<string, string> {
    return new Map(resource.secretPaths.map((path) => [path, createHmac("sha256", salt).update(JSON.stringify(valueAtSegments(resource.rawInputs, segmentsOf(path))) ?? "").digest("hex")]));
}

/** Strings a resource's outputs carry that its inputs do not: what becomes unknown while it is replaced. */
export function computedMarkers(resource: RecordedResource): string[] {
    const inputs = new Set<string>();
    const collect = (value: unknown, into: Set<string>): void => {
        if (typeof value === "string") into.add(value);
        else if (Array.isArray(value)) value.forEach((item) => collect(item, into));
        else if (isPlainObject(value)) Object.values(value).forEach((item) => collect(item, into));
    };
    collect(resource.inputs, inputs);
    const outputs = new Set<string>([resource.id]);
    collect(resource.computed, outputs);
    // Short strings (versions, "aws") would match by accident; the fakes are long and distinctive.
    return [...outputs].filter((value) => value.length >= 8 && !inputs.has(value));
}

function leaves(value: unknown, segments: readonly Segment[], into: [readonly Segment[], unknown][]): [readonly Segment[], unknown][] {
    if (Array.isArray(value)) value.forEach((item, index) => leaves(item, [...segments, index], into));
    else if (isPlainObject(value)) {
        if (typeof value.$ref === "string") into.push([segments, value]);
        else for (const [key, child] of Object.entries(value)) leaves(child, [...segments, key], into);
    } else into.push([segments, value]);
    return into;
}

interface Evaluation {
    readonly forcedBy: Reason[];
    readonly failures: Reason[];
    readonly cautions: string[];
}

function evaluate(row: TypeRow | undefined, changes: readonly PropertyChange[], context: RuleContext): Evaluation {
    const result: Evaluation = { forcedBy: [], failures: [], cautions: [] };
    if (!row) return result;
    const applies = (rule: PropertyRule): boolean => {
        const matching = changes.filter((candidate) => under(candidate.segments, rule.path));
        if (matching.length === 0) return false;
        return !rule.when || rule.when(valueAt(context.oldInputs, rule.path), valueAt(context.newInputs, rule.path), context);
    };
    for (const rule of row.rules) {
        if (!applies(rule)) continue;
        (rule.effect === "replace" ? result.forcedBy : result.failures).push({ path: rule.path, because: rule.because, source: rule.source });
    }
    for (const caution of row.cautions ?? []) {
        if (changes.some((candidate) => under(candidate.segments, caution.path))) result.cautions.push(`${caution.path === "" ? "change" : `\`${caution.path}\``}: ${caution.note} (${caution.source})`);
    }
    return result;
}

/** Resources in an order where everything a resource consumes comes before it. */
function topological(resources: readonly RecordedResource[], byUrn: ReadonlyMap<string, RecordedResource>): RecordedResource[] {
    const children = new Map<string, string[]>();
    for (const resource of resources) if (resource.parent && isLocalComponent(byUrn.get(resource.parent)?.type ?? "")) children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource.urn]);
    const ordered: RecordedResource[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (resource: RecordedResource): void => {
        if (state.has(resource.urn)) return;
        state.set(resource.urn, "visiting");
        // A dependency on a local component is a dependency on what it contains.
        const before = [...(children.get(resource.urn) ?? []), ...resource.dependencies, ...(resource.provider ? [resource.provider] : []), ...leaves(resource.inputs, [], []).flatMap(([, value]) => (isPlainObject(value) && typeof value.$ref === "string" ? [value.$ref] : []))];
        for (const urn of before) {
            const next = byUrn.get(urn);
            if (next && state.get(urn) !== "visiting") visit(next);
        }
        state.set(resource.urn, "done");
        ordered.push(resource);
    };
    [...resources].sort((a, b) => a.urn.localeCompare(b.urn)).forEach(visit);
    return ordered;
}

/** The engine refuses to delete a protected resource, or to replace one that stays protected. */
function protectedFrom(action: "replace" | "delete"): Reason {
    return {
        path: "protect",
        because: `protected: the engine refuses to ${action} it (\`pulumi state unprotect\` it first, if that is intended)`,
        source: action === "replace" ? "pulumi/pulumi pkg/resource/deploy/step_generator.go (unable to replace resource … marked for protection)" : "pulumi/pulumi pkg/resource/deploy/step.go DeleteStep.Apply (unable to delete resource … marked for protection)",
    };
}

/** `inputs` with each unknown value of `changes` in place. */
function withUnknowns(inputs: Readonly<Record<string, unknown>>, changes: readonly Pick<PropertyChange, "segments" | "new">[]): Readonly<Record<string, unknown>> {
    return changes.filter((candidate) => isUnknown(candidate.new)).reduce((result, unknown) => withValueAt(result, unknown.segments, unknown.new), inputs);
}

/**
 * A created or replaced resource whose exclusive range overlaps one of an old resource in the same scope (replaceOnChange.ts
 * exclusiveRange): the old ones all exist while it is created, except its own old self when it is deleted first.
 */
function rangeConflicts(row: TypeRow | undefined, resource: RecordedResource, newInputs: Readonly<Record<string, unknown>>, base: readonly RecordedResource[], deletedFirst: RecordedResource | undefined): Reason[] {
    const range = row?.exclusiveRange;
    if (!range) return [];
    const mine = valueAt(newInputs, range.path);
    const scope = valueAt(newInputs, range.scope);
    if (typeof mine !== "string" || scope === undefined || isUnknown(scope)) return [];
    return base
        .filter((other) => other.type === resource.type && other !== deletedFirst && deepEqual(valueAt(other.inputs, range.scope), scope))
        .flatMap((other) => {
            const theirs = valueAt(other.inputs, range.path);
            if (typeof theirs !== "string" || !range.overlaps(mine, theirs)) return [];
            return [{
                path: range.path,
                because: `${mine} overlaps ${theirs} of the old \`${resourceLabel(other)}\`, which still exists when this one is created (Pulumi creates replacements first and deletes old resources last): ${range.refusal}`,
                source: range.source,
            }];
        });
}

const urnParts = (urn: string): { stack: string; project: string; name: string; type: string } => {
    const [prefix = "", project = "", qualifiedType = "", ...name] = urn.split("::");
    return { stack: prefix.replace(/^urn:pulumi:/, ""), project, name: name.join("::"), type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1) };
};

interface OldMatch {
    /** The base resource each head resource continues, by head URN. */
    readonly oldOf: ReadonlyMap<string, RecordedResource>;
    /** Base URNs a head resource continues through an alias: they are moved, not deleted. */
    readonly aliased: ReadonlySet<string>;
    /** Head resources whose alias the engine refuses, with why. */
    readonly conflicts: ReadonlyMap<string, Reason>;
}

/**
 * The base resource each head resource continues, as the engine finds it (pulumi/pulumi pkg/resource/deploy/
 * step_generator.go getOldResource): its own URN first, then its aliases in order, then the aliases it inherits from
 * a parent that was itself found by an alias (generateAliases, inheritedChildAlias: the parent's old URN as the
 * parent, and the parent's old name in place of its new one at the start of the child's name). Parents are matched
 * before their children, as they register first.
 */
function matchOld(base: ReadonlyMap<string, RecordedResource>, head: readonly RecordedResource[], headByUrn: ReadonlyMap<string, RecordedResource>): OldMatch {
    const depth = (resource: RecordedResource): number => {
        let count = 0;
        for (let parent = resource.parent; parent; parent = headByUrn.get(parent)?.parent) count++;
        return count;
    };
    const oldOf = new Map<string, RecordedResource>();
    const claimedBy = new Map<string, string>();
    const aliasOf = new Map<string, string>();
    const conflicts = new Map<string, Reason>();
    for (const resource of [...head].sort((a, b) => depth(a) - depth(b) || a.urn.localeCompare(b.urn))) {
        const parentAlias = resource.parent ? aliasOf.get(resource.parent) : undefined;
        const inherited = (type: string, name: string): string[] => {
            if (!parentAlias || !resource.parent) return [];
            const { stack, project, name: parentName } = urnParts(resource.parent);
            const oldName = name.startsWith(parentName) ? `${urnParts(parentAlias).name}${name.slice(parentName.length)}` : name;
            return [engineUrn(stack, project, parentAlias, type, oldName)];
        };
        const aliases = [...new Set([
            ...resource.aliases,
            ...inherited(resource.type, resource.name),
            ...resource.aliases.flatMap((alias) => inherited(urnParts(alias).type, urnParts(alias).name)),
        ])];
        const found = [resource.urn, ...aliases].find((urn) => base.has(urn));
        if (!found) continue;
        oldOf.set(resource.urn, base.get(found)!);
        if (found === resource.urn) continue;
        aliasOf.set(resource.urn, found);
        const rival = headByUrn.has(found) ? found : claimedBy.get(found);
        if (rival !== undefined) {
            conflicts.set(resource.urn, {
                path: "aliases",
                because: `its alias ${found} is also claimed by ${rival}: the engine refuses the registration`,
                source: "pulumi/pulumi step_generator.go getOldResource (Duplicate resource alias)",
            });
        }
        claimedBy.set(found, resource.urn);
    }
    return { oldOf, aliased: new Set(claimedBy.keys()), conflicts };
}

export interface DiffOptions {
    /** Salt of the secret hashes. @default random per call */
    readonly salt?: Buffer;
}

/** The semantic diff from `base` to `head` (each a plan's recorded resources). */
export function diffPlans(base: readonly RecordedResource[], head: readonly RecordedResource[], options: DiffOptions = {}): PlanDiff {
    const salt = options.salt ?? randomBytes(32);
    const baseByUrn = new Map(base.map((resource) => [resource.urn, resource]));
    const headByUrn = new Map(head.map((resource) => [resource.urn, resource]));
    const { oldOf, aliased, conflicts } = matchOld(baseByUrn, head, headByUrn);
    /** Replaced resources by head URN: their label and their old state. */
    const replaced = new Map<string, { readonly label: string; readonly old: RecordedResource }>();
    const results: ResourceChange[] = [];
    const unknownTypes = new Set<string>();
    const counts: Record<Action | "unchanged", number> = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 };
    // Components whose descendants include a replaced resource: a dependency on one of them sees its outputs change.
    const ancestorsOf = (urn: string): string[] => {
        const chain: string[] = [];
        for (let parent = headByUrn.get(urn)?.parent ?? baseByUrn.get(urn)?.parent; parent; parent = headByUrn.get(parent)?.parent) chain.push(parent);
        return chain;
    };
    /** Inputs that carry outputs of a resource being replaced (or a reference to it): unknown until it is. */
    const unknownsOf = (resource: RecordedResource): { path: string; segments: readonly Segment[]; new: Unknown }[] => {
        const consumed = new Set([...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()]);
        const found = new Map<string, { path: string; segments: readonly Segment[]; new: Unknown }>();
        for (const [replacedUrn, { label, old }] of replaced) {
            const reaches = consumed.has(replacedUrn) || ancestorsOf(replacedUrn).some((ancestor) => consumed.has(ancestor));
            const markers = reaches ? computedMarkers(old) : [];
            for (const [segments, value] of leaves(resource.inputs, [], [])) {
                const refersTo = isPlainObject(value) && value.$ref === replacedUrn;
                const carries = typeof value === "string" && markers.some((marker) => value.includes(marker));
                const path = formatPath(segments);
                if ((refersTo || carries) && !found.has(path)) found.set(path, { path, segments, new: { knownAfter: label } });
            }
        }
        return [...found.values()];
    };

    for (const resource of topological(head, headByUrn)) {
        if (!counted(resource)) continue;
        const old = oldOf.get(resource.urn);
        const formerLabel = old && old.urn !== resource.urn ? resourceLabel(old) : undefined;
        const common = { urn: resource.urn, type: resource.type, label: resourceLabel(resource), ...(formerLabel ? { formerLabel } : {}), group: groupOf(resource, headByUrn) };
        const row = REPLACE_ON_CHANGE[resource.type];
        if (!old) {
            counts.create++;
            const failures = rangeConflicts(row, resource, withUnknowns(resource.inputs, unknownsOf(resource)), base, undefined);
            results.push({ ...common, action: "create", changes: [], forcedBy: [], failures, deleteFirst: false, cautions: [] });
            continue;
        }
        if (!row) unknownTypes.add(resource.type);

        const secretPaths = [...new Set([...old.secretPaths, ...resource.secretPaths])].sort();
        const isSecret = (segments: readonly Segment[]): boolean => secretPaths.some((secret) => startsWith(segments, segmentsOf(secret)));
        const changes: PropertyChange[] = [];
        diffValues([], old.inputs, resource.inputs, isSecret, changes);
        const oldHashes = secretHashes(old, salt);
        const newHashes = secretHashes(resource, salt);
        for (const path of secretPaths) {
            if (oldHashes.get(path) !== newHashes.get(path)) changes.push(change(segmentsOf(path), { secret: true }));
        }

        const changedPaths = new Set(changes.map((candidate) => candidate.path));
        for (const unknown of unknownsOf(resource)) {
            if (changedPaths.has(unknown.path) || isSecret(unknown.segments)) continue;
            changes.push(change(unknown.segments, { old: valueAtSegments(old.inputs, unknown.segments), new: unknown.new }));
            changedPaths.add(unknown.path);
        }

        // Rules judge the new inputs with the unknown values in place, as a preview's would be.
        const newInputs = withUnknowns(resource.inputs, changes);
        const providerInputs = resource.provider ? headByUrn.get(resource.provider)?.inputs : undefined;
        const createdDependencyTypes = Object.fromEntries(Object.entries(resource.propertyDependencies).map(([key, urns]) =>
            [key, [...new Set(urns.filter((urn) => headByUrn.has(urn) && !oldOf.has(urn)).map((urn) => headByUrn.get(urn)!.type))]]));
        const evaluation = evaluate(row, changes, { oldInputs: old.inputs, newInputs, createdDependencyTypes, ...(providerInputs ? { providerInputs } : {}) });
        if (resource.provider && replaced.has(resource.provider)) {
            evaluation.forcedBy.push({ path: "provider", because: `its provider ${replaced.get(resource.provider)!.label} is replaced`, source: "pulumi/pulumi pkg/resource/deploy/step_generator.go (providerChanged)" });
        }
        const conflict = conflicts.get(resource.urn);
        if (conflict) evaluation.failures.push(conflict);
        // A registration the engine refuses is shown even when its inputs are the same.
        const action: Action | undefined = evaluation.forcedBy.length > 0 ? "replace" : changes.length > 0 || conflict ? "update" : undefined;
        if (!action) {
            counts.unchanged++;
            continue;
        }
        counts[action]++;
        let deleteFirst = false;
        if (action === "replace") {
            replaced.set(resource.urn, { label: common.label, old });
            if (old.protect && resource.protect) evaluation.failures.push(protectedFrom("replace"));
            evaluation.failures.push(...rangeConflicts(row, resource, newInputs, base, resource.deleteBeforeReplace ? old : undefined));
            const fixed = row?.fixedName;
            const name = fixed ? valueAt(resource.inputs, fixed.path) : undefined;
            const sameScope = !fixed?.scope || valueAt(resource.inputs, fixed.scope) === valueAt(old.inputs, fixed.scope);
            if (fixed && typeof name === "string" && name === valueAt(old.inputs, fixed.path) && sameScope) {
                if (fixed.onReplace === "deleteFirst" || resource.deleteBeforeReplace) deleteFirst = true;
                else {
                    evaluation.failures.push({
                        path: fixed.path,
                        because: `the name "${name}" is fixed: Pulumi creates the replacement before deleting the old one, and the name is still taken (replace it with deleteBeforeReplace, or rename)`,
                        source: fixed.source,
                    });
                }
            }
        }
        results.push({
            ...common,
            action,
            changes,
            forcedBy: evaluation.forcedBy,
            failures: evaluation.failures,
            deleteFirst,
            ...(action === "replace" && row?.danger ? { danger: row.danger } : {}),
            cautions: evaluation.cautions,
        });
    }

    for (const resource of base) {
        if (!counted(resource) || headByUrn.has(resource.urn) || aliased.has(resource.urn)) continue;
        counts.delete++;
        const danger = REPLACE_ON_CHANGE[resource.type]?.danger;
        results.push({
            urn: resource.urn,
            type: resource.type,
            label: resourceLabel(resource),
            group: groupOf(resource, baseByUrn),
            action: "delete",
            changes: [],
            forcedBy: [],
            failures: resource.protect ? [protectedFrom("delete")] : [],
            deleteFirst: false,
            ...(danger ? { danger } : {}),
            cautions: [],
        });
    }
    results.sort((a, b) => a.group.localeCompare(b.group) || a.label.localeCompare(b.label) || a.urn.localeCompare(b.urn));
    return { counts, changes: results, unknownTypes: [...unknownTypes].sort() };
}

/**
 * Dangerous first: replacements and deletions of stateful or address-bearing resources, changes that
 * fail, and objects deleted before their replacement exists (a controller without its ConfigMap serves
 * defaults in between).
 */
export function dangerousChanges(diff: PlanDiff): ResourceChange[] {
    return diff.changes.filter((change) => change.danger !== undefined || change.failures.length > 0 || change.deleteFirst);
}

export function summaryLine(diff: PlanDiff): string {
    const { create, update, replace, delete: deleted, unchanged } = diff.counts;
    return `Resources: ${create} to create, ${update} to update, ${replace} to replace, ${deleted} to delete, ${unchanged} unchanged`;
}
