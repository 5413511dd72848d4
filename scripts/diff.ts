import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { changedSecrets, checkoutBase, lockfilesDiffer, planBase, type ChangedSecret } from "../harness/basePlan";
import { estimateMonthlyCost, unpricedRegion } from "../harness/cost";
import { diffMarkdown, notComparableLine, notComparableMarkdown } from "../harness/diffReport";
import { ProgramFailure } from "../harness/mockEngine";
import { planFails, planStack, type Plan } from "../harness/plan";
import { dangerousChanges, diffPlans, summaryLine } from "../harness/planDiff";
import { listStacks, PROJECT_ROOT, StackFileError } from "../harness/stackFile";
import { summaryMarkdown } from "../harness/summary";
import { topologyMarkdown } from "../harness/topology";
import { formatTimings, PhaseTimer } from "../harness/phaseTimer";
import { diffUsage, parseDiffArguments } from "./diffArguments";
import { printError } from "./printError";

/**
 * Semantic plan diff: plans a stack at a base commit (a temporary git worktree) and in the working
 * tree, and writes out/<stack>/diff.md, out/<stack>/summary.md (of the working tree) and, when the
 * traffic topology changes, out/<stack>/topology.md.
 *   npm run diff -- [--help] [stack] [--base <git-ref>]     (default: dev, HEAD)
 * A base without Pulumi.<stack>.yaml is a new stack: everything is created. A base that does not plan is
 * compared with nothing: the output and diff.md start with "Not comparable: …" instead of the summary line.
 * Exits 1 when the working tree does not plan, or its plan fails (schema errors, mandatory policies), 2 on a bad
 * command line (checked before the base is checked out); the base's failure is not the working tree's, and does
 * not change the exit code.
 */

function describe(error: unknown): string {
    const cause = error instanceof ProgramFailure ? error.cause : error;
    return cause instanceof Error ? cause.message : String(cause);
}

/**
 * What diff.md says about secrets whose ciphertext changed. Keys only: never a ciphertext or a value. Pulumi encrypts
 * with a fresh random nonce each time (sdk/go/common/resource/config/crypt.go, encryptAES256GCGM), so a new
 * ciphertext may hold the same value; `pulumi preview` compares the decrypted values.
 */
function changedSecretNotes(stack: string, baseRoot: string): string[] {
    let changed: ChangedSecret[];
    try {
        changed = changedSecrets(stack, baseRoot);
    } catch (error) {
        if (!(error instanceof StackFileError)) throw error;
        return [`Secrets not compared: this tree does not read the base's Pulumi.${stack}.yaml (${error.message.split("\n")[0]!.replace(/:$/, "")}).`];
    }
    const keys = (sameValueInPlans: boolean): string => changed.filter((secret) => secret.sameValueInPlans === sameValueInPlans).map((secret) => secret.key).join(", ");
    return [
        ...(keys(false) ? [`Secret config changed in Pulumi.${stack}.yaml: ${keys(false)}. The ciphertext differs; the value is not readable offline and may be the same (each encryption is new), so what consumes it is counted as updated, values not shown.`] : []),
        ...(keys(true) ? [`Secret config changed in Pulumi.${stack}.yaml: ${keys(true)}. The ciphertext differs, but both sides were planned with the value in .offline-secrets.${stack}.yaml, so what consumes it shows no change here.`] : []),
    ];
}

async function main(): Promise<number> {
    const timer = new PhaseTimer();
    timer.lap("start-up and module load");
    const stacks = listStacks();
    const command = parseDiffArguments(process.argv.slice(2), stacks);
    if (command.kind === "help") {
        console.log(diffUsage(stacks));
        return 0;
    }
    if (command.kind === "error") {
        printError(`npm run diff: ${command.message}`);
        return 2;
    }
    const { stack, base } = command;
    const checkout = checkoutBase(base);
    const notes: string[] = [];
    let head: Plan;
    let basePlan: Plan | undefined;
    let baseFailure: string | undefined;
    try {
        try {
            head = await planStack(stack);
        } catch (error) {
            printError(`The working tree does not plan "${stack}": ${describe(error)}`);
            return 1;
        }
        timer.lap("working tree plan");
        if (!existsSync(join(checkout.dir, `Pulumi.${stack}.yaml`))) {
            notes.push(`The base commit ${checkout.sha.slice(0, 7)} has no Pulumi.${stack}.yaml: the stack is new, and everything in it is created.`);
        } else {
            try {
                basePlan = await planBase(checkout.dir, stack);
            } catch (error) {
                baseFailure = describe(error);
            }
        }
        if (basePlan !== undefined) notes.push(...changedSecretNotes(stack, checkout.dir));
        if (lockfilesDiffer(checkout.dir)) notes.push("package-lock.json differs from the base: both sides were planned with the working tree's dependencies.");
    } finally {
        checkout.remove();
    }
    timer.lap("base worktree and plan");

    const baseLabel = `\`${base}\` (${checkout.sha.slice(0, 7)})`;
    const headLabel = "the working tree";
    const outDir = join(PROJECT_ROOT, "out", stack);
    mkdirSync(outDir, { recursive: true });
    let topologyChanged = false;
    const headTopology = topologyMarkdown(head.run.resources);
    if (baseFailure !== undefined) {
        writeFileSync(join(outDir, "diff.md"), notComparableMarkdown({ stack, baseLabel, headLabel, reason: baseFailure, notes }));
        console.log([notComparableLine({ stack, baseLabel, reason: baseFailure }), ...baseFailure.split("\n").slice(1)].join("\n"));
    } else {
        const baseResources = basePlan?.run.resources ?? [];
        const diff = diffPlans(baseResources, head.run.resources);
        topologyChanged = basePlan === undefined || topologyMarkdown(baseResources) !== headTopology;
        const baseRegion = basePlan?.region ?? head.region;
        const priced = unpricedRegion(baseRegion) === undefined && unpricedRegion(head.region) === undefined;
        writeFileSync(join(outDir, "diff.md"), diffMarkdown({
            stack,
            diff,
            baseLabel,
            headLabel,
            ...(priced ? { baseCost: estimateMonthlyCost(baseResources, baseRegion), headCost: estimateMonthlyCost(head.run.resources, head.region) } : {}),
            notes,
            topologyChanged,
        }));
        console.log(summaryLine(diff));
        const dangerous = dangerousChanges(diff);
        if (dangerous.length > 0) console.log(`Dangerous changes: ${dangerous.map((change) => `${change.action}${change.failures.length > 0 ? " that fails" : ""} ${change.label}`).join("; ")}`);
    }
    writeFileSync(join(outDir, "summary.md"), summaryMarkdown(head));
    const topologyFile = join(outDir, "topology.md");
    if (topologyChanged) writeFileSync(topologyFile, `Traffic topology of \`${stack}\` (working tree):\n\n${headTopology}\n`);
    else rmSync(topologyFile, { force: true });
    for (const note of notes) console.log(note);
    console.log(`Wrote ${["diff.md", "summary.md", ...(topologyChanged ? ["topology.md"] : [])].map((file) => join("out", stack, file)).join(", ")}`);
    timer.lap("diff and reports");
    console.log(formatTimings(timer));
    if (planFails(head)) {
        printError(`The working tree's plan of "${stack}" fails (schema errors or mandatory policy violations): see npm run plan -- ${stack}.`);
        return 1;
    }
    return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
    printError(error instanceof Error ? error.message : String(error));
    process.exit(1);
});
