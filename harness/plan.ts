import { join } from "node:path";
import { manifestsOf, validateManifests, type Manifest } from "./manifests";
import { DEFAULT_REGION, runUnderMocks, type ProgramRun } from "./mockEngine";
import type { PolicyPackConfig } from "@pulumi/policy";
import { evaluatePolicies, loadPolicyConfig, type Violation } from "../policy/offline";
import { PROJECT, PROJECT_ROOT, readStackFile } from "./stackFile";
import { offlineZones } from "./zones";
import { formatProblems } from "../config/messages";
import { rawStackConfig } from "../config/rawConfig";
import { ConfigError } from "../config/read";
import { validateStackConfig } from "../config/validate";
import type { PhaseTimer } from "./phaseTimer";

export interface Plan {
    readonly stack: string;
    /** The stack's `aws:region`. */
    readonly region: string;
    readonly run: ProgramRun;
    readonly manifests: readonly Manifest[];
    readonly schemaProblems: readonly string[];
    readonly placeholders: readonly string[];
    /** What the plan could not check offline, and example values to replace: reported, never fatal. */
    readonly notices: readonly string[];
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
    /** Charged with the plan's phases. */
    readonly timer?: PhaseTimer;
}

/** The program function index.ts exports. */
export async function loadProgram(): Promise<() => unknown> {
    const program = (await import("../index")) as unknown as { default?: () => unknown } | (() => unknown);
    const entry = typeof program === "function" ? program : program.default;
    if (typeof entry !== "function") throw new Error("index.ts must export the program function (export = async () => ...)");
    return entry;
}

/**
 * Validates the stack's config as the program will, but knowing which secrets are placeholders: the rules on
 * their values are reported as not checked instead of passing. Throws the program's ConfigError.
 */
function offlineNotices(stack: string, config: Readonly<Record<string, string>>, placeholders: readonly string[]): string[] {
    const result = validateStackConfig(rawStackConfig({
        project: PROJECT,
        stack,
        keys: Object.keys(config),
        get: (key) => config[`${PROJECT}:${key}`],
        ...(config["aws:region"] !== undefined ? { region: config["aws:region"] } : {}),
        unreadableSecrets: new Set(placeholders),
    }));
    if (!result.ok) throw new ConfigError(stack, formatProblems(result.problems));
    const region = config["aws:region"] ?? DEFAULT_REGION;
    return [
        ...result.notices.map((notice) => formatProblems([notice]).trim()),
        ...(offlineZones(region).checked ? [] : [`network.availabilityZones: not checked offline (no sourced zone list for ${region}; the program checks the account's zones at pulumi up)`]),
    ];
}

/** Runs the real program (index.ts) for a stack under the mock engine and validates its manifests. */
export async function planStack(stack: string, options: PlanOptions = {}): Promise<Plan> {
    const lap = (phase: string): void => options.timer?.lap(phase);
    const file = readStackFile(stack, options.root);
    const config = { ...file.config, ...options.configOverrides };
    const placeholders = file.placeholders.filter((key) => options.configOverrides?.[`${PROJECT}:${key}`] === undefined);
    const notices = [...file.notices, ...offlineNotices(stack, config, placeholders)];
    lap("stack file and config validation");
    const program = await loadProgram();
    lap("program modules");
    const run = await runUnderMocks({
        project: PROJECT,
        stack,
        config,
        secretKeys: file.secretKeys,
        program,
    });
    lap("program under mocks");
    const manifests = manifestsOf(run.resources);
    const schemaProblems = await validateManifests(manifests);
    lap("Kubernetes schemas");
    const violations = evaluatePolicies(run.resources, { config: options.policyConfig ?? loadPolicyConfig(stack, join(options.root ?? PROJECT_ROOT, "policy")) });
    lap("policies");
    return { stack, region: config["aws:region"] ?? DEFAULT_REGION, run, manifests, schemaProblems, placeholders, notices, violations };
}
