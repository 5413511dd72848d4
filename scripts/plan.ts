import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { criticalPath, formatCriticalPath, formatMargins, margins } from "../harness/criticalPath";
import { planFails, planStack, type Plan } from "../harness/plan";
import { ProgramFailure } from "../harness/mockEngine";
import { PROJECT_ROOT } from "../harness/stackFile";
import { summaryMarkdown } from "../harness/summary";
import type { Violation } from "../policy/offline";

/**
 * Offline plan: runs index.ts for a stack under Pulumi's mocks and writes out/<stack>/resources.json,
 * manifests.yaml, policy.json and summary.md. Exits 1 on config, program or schema errors.
 *   npm run plan -- [stack]    (default: dev)
 */

function resourcesDocument(plan: Plan): unknown[] {
    return plan.run.resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        ...(resource.parent ? { parent: resource.parent } : {}),
        ...(resource.provider ? { provider: resource.provider } : {}),
        custom: resource.custom,
        dependencies: resource.dependencies,
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
    ].join("\n");
}

function formatViolations(violations: readonly Violation[], stack: string): string {
    if (violations.length === 0) return `Policy pack (policy/config.${stack}.json): no violations`;
    return [
        `Policy pack (policy/config.${stack}.json): ${violations.length} violation(s)`,
        ...violations.map((violation) => `  [${violation.level}] ${violation.policy} · ${violation.resource.split("::").pop() ?? violation.resource}: ${violation.message}`),
    ].join("\n");
}

async function main(): Promise<number> {
    const stack = process.argv[2] ?? "dev";
    let plan: Plan;
    try {
        plan = await planStack(stack);
    } catch (error) {
        const cause = error instanceof ProgramFailure ? error.cause : error;
        const message = cause instanceof Error ? cause.message : String(cause);
        const isUserError = cause instanceof Error && (cause.name === "ConfigError" || (cause as { code?: string }).code === "ENOENT");
        console.error(isUserError ? message : `The program failed: ${cause instanceof Error ? (cause.stack ?? message) : message}`);
        return 1;
    }
    if (plan.schemaProblems.length > 0) {
        console.error(`Kubernetes schema errors in the plan of "${stack}":\n${plan.schemaProblems.map((problem) => `  ${problem}`).join("\n")}`);
        return 1;
    }
    const { violations } = plan;
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
        console.error(`Mandatory policy violations: the plan of "${stack}" fails.`);
        return 1;
    }
    return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
    console.error(error);
    process.exit(1);
});
