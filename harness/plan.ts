import { manifestsOf, validateManifests, type Manifest } from "./manifests";
import { DEFAULT_REGION, runUnderMocks, type ProgramRun } from "./mockEngine";
import type { PolicyPackConfig } from "@pulumi/policy";
import { evaluatePolicies, loadPolicyConfig, type Violation } from "../policy/offline";
import { PROJECT, readStackFile } from "./stackFile";

export interface Plan {
    readonly stack: string;
    /** The stack's `aws:region`. */
    readonly region: string;
    readonly run: ProgramRun;
    readonly manifests: readonly Manifest[];
    readonly schemaProblems: readonly string[];
    readonly placeholders: readonly string[];
    /** The policy pack's verdict on the plan, with the stack's policy config. */
    readonly violations: readonly Violation[];
}

/** A plan fails on schema errors and on mandatory policy violations. */
export function planFails(plan: Plan): boolean {
    return plan.schemaProblems.length > 0 || plan.violations.some((violation) => violation.level === "mandatory");
}

export interface PlanOptions {
    /** Replaces or adds config keys (full keys) after the stack file is read; for tests and benchmarks. */
    readonly configOverrides?: Readonly<Record<string, string>>;
    readonly root?: string;
    /** Policy config to evaluate with. @default policy/config.<stack>.json */
    readonly policyConfig?: PolicyPackConfig;
}

/** Runs the real program (index.ts) for a stack under the mock engine and validates its manifests. */
export async function planStack(stack: string, options: PlanOptions = {}): Promise<Plan> {
    const file = readStackFile(stack, options.root);
    const program = (await import("../index")) as unknown as { default?: () => unknown } | (() => unknown);
    const entry = typeof program === "function" ? program : program.default;
    if (typeof entry !== "function") throw new Error("index.ts must export the program function (export = async () => ...)");
    const config = { ...file.config, ...options.configOverrides };
    const run = await runUnderMocks({
        project: PROJECT,
        stack,
        config,
        secretKeys: file.secretKeys,
        program: entry,
    });
    const manifests = manifestsOf(run.resources);
    const violations = evaluatePolicies(run.resources, { config: options.policyConfig ?? loadPolicyConfig(stack) });
    return { stack, region: config["aws:region"] ?? DEFAULT_REGION, run, manifests, schemaProblems: await validateManifests(manifests), placeholders: file.placeholders, violations };
}
