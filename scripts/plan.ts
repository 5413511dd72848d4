import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { criticalPath, formatCriticalPath, formatMargins, margins } from "../harness/criticalPath";
import { planFails, planStack, type Plan } from "../harness/plan";
import { ProgramFailure } from "../harness/mockEngine";
import { listStacks, PROJECT_ROOT } from "../harness/stackFile";
import { parsePlanArguments, usage } from "./planArguments";
import { printError } from "./printError";
import { summaryMarkdown } from "../harness/summary";
import { formatTimings, PhaseTimer } from "../harness/phaseTimer";
import { sourceMappedStack } from "../harness/sourceMappedStack";
import type { Violation } from "../policy/offline";

/**
 * Offline plan: runs index.ts for each stack under Pulumi's mocks and writes out/<stack>/resources.json
 * manifests.yaml, policy.json and summary.md. Exits 1 on config, program or schema errors, 2 on a bad command line.
 *   npm run plan -- [--help] [stack ...]    (default: dev)
 */

function resourcesDocument(plan: Plan): unknown[] {
    return plan.run.resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        ...(resource.parent ? { parent: resource.parent } : {}),
        ...(resource.provider ? { provider: resource.provider } : {}),
        custom: resource.custom,
        ...(resource.protect ? { protect: true } : {}),
        dependencies: resource.dependencies,
        ...(resource.aliases.length > 0 ? { aliases: resource.aliases } : {}),
        inputs: resource.inputs,
    }));
}

function summary(plan: Plan): string {
    const counts = new Map<string, number>();
    for (const resource of plan.run.resources) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    const width = Math.max(...[...counts.keys()].map((type) => type.length));
    const lines = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => `  ${type.padEnd(width)}  ${count}`);
    return [
        `Offline plan of stack "${plan.stack}": ${plan.run.resources.length} resources, ${plan.manifests.length} Kubernetes objects (schema-valid)`,
        ...lines,
        "Outputs:",
        ...Object.entries(plan.run.outputs).map(([key, value]) => `  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`),
        ...(plan.placeholders.length > 0 ? [`Secrets not readable offline, planned with marked placeholders: ${plan.placeholders.join(", ")}`] : []),
        ...(plan.notices.length > 0 ? ["Notices (not checked offline, or example values to replace):", ...plan.notices.map((notice) => `  ${notice}`)] : []),
        ...plan.run.warnings.map((warning) => `warning: ${warning}`),
    ].join("\n");
}

function formatViolations(violations: readonly Violation[], stack: string): string {
    if (violations.length === 0) return `Policy pack (policy/config.${stack}.json): no violations`;
    return [
        `Policy pack (policy/config.${stack}.json): ${violations.length} violation(s)`,
        ...violations.map((violation) => `  [${violation.level}] ${violation.policy} · ${violation.resource.split("::").pop() ?? violation.resource}: ${violation.message}`),
    ].join("\n");
}

/** Plans one stack; on failure prints why (a user's mistake without a stack trace) and returns undefined. */
async function planOrExplain(stack: string, timer: PhaseTimer): Promise<Plan | undefined> {
    let plan: Plan;
    try {
        plan = await planStack(stack, { timer });
    } catch (error) {
        const cause = error instanceof ProgramFailure ? error.cause : error;
        const message = cause instanceof Error ? cause.message : String(cause);
        const isUserError = cause instanceof Error && ["ConfigError", "StackFileError"].includes(cause.name);
        printError(isUserError ? message : `The program failed: ${cause instanceof Error ? sourceMappedStack(cause.stack ?? message) : message}`);
        return undefined;
    }
    if (plan.schemaProblems.length > 0) {
        printError(`Kubernetes schema errors in the plan of "${stack}":\n${plan.schemaProblems.map((problem) => `  ${problem}`).join("\n")}`);
        return undefined;
    }
    return plan;
}

/** Writes a plan's files and prints its report; returns the exit code. */
function writeAndReport(plan: Plan): number {
    const { stack, violations } = plan;
    const outDir = join(PROJECT_ROOT, "out", stack);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "resources.json"), `${JSON.stringify(resourcesDocument(plan), null, 2)}\n`);
    writeFileSync(join(outDir, "manifests.yaml"), plan.manifests.map((manifest) => stringify(manifest, { sortMapEntries: true })).join("---\n"));
    writeFileSync(join(outDir, "policy.json"), `${JSON.stringify(violations, null, 2)}\n`);
    writeFileSync(join(outDir, "summary.md"), summaryMarkdown(plan));
    console.log(summary(plan));
    const path = criticalPath(plan.run.resources);
    console.log(formatCriticalPath(path));
    console.log(formatMargins(margins(path, plan.run.resources)));
    console.log(formatViolations(violations, stack));
    console.log(`Wrote ${["resources.json", "manifests.yaml", "policy.json", "summary.md"].map((file) => join("out", stack, file)).join(", ")}`);
    if (planFails(plan)) {
        printError(`Mandatory policy violations: the plan of "${stack}" fails.`);
        return 1;
    }
    return 0;
}

async function main(): Promise<number> {
    const timer = new PhaseTimer();
    timer.lap("start-up and module load");
    const stacks = listStacks();
    const command = parsePlanArguments(process.argv.slice(2), stacks);
    if (command.kind === "help") {
        console.log(usage(stacks));
        return 0;
    }
    if (command.kind === "error") {
        printError(`npm run plan: ${command.message}`);
        return 2;
    }
    const plans: Plan[] = [];
    for (const stack of command.stacks) {
        const plan = await planOrExplain(stack, timer);
        if (plan) plans.push(plan);
    }
    if (plans.length < command.stacks.length) {
        if (command.stacks.length > 1) printError(`Nothing was written: every stack must plan (${command.stacks.filter((stack) => !plans.some((plan) => plan.stack === stack)).join(", ")} did not).`);
        return 1;
    }
    const code = plans.reduce((worst, plan) => Math.max(worst, writeAndReport(plan)), 0);
    timer.lap("reports and writes");
    console.log(formatTimings(timer));
    return code;
}

main().then((code) => process.exit(code), (error: unknown) => {
    printError(error instanceof Error ? sourceMappedStack(error.stack ?? error.message) : String(error));
    process.exit(1);
});
