import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { RecordedResource } from "../harness/mockEngine";
import { POLICIES } from "./allPolicies";

/**
 * Runs the pack's policies without the Pulumi engine: the same policy objects index.ts hands to
 * PolicyPack, called as the analyzer calls them (validateResource per resource, validateStack once),
 * with enforcement levels and config reconciled the way `pulumi preview --policy-pack-config` does.
 */

export type ViolationLevel = "advisory" | "mandatory" | "disabled";

export interface Violation {
    readonly policy: string;
    /** URN of the offending resource, or "stack" for a stack-wide finding. */
    readonly resource: string;
    readonly message: string;
    readonly level: ViolationLevel;
}

/** A resource as the engine shows it to policies (a real PolicyResource fits), for callers without a RecordedResource. */
export interface PolicyResourceLike {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Readonly<Record<string, unknown>>;
    readonly parent?: string | { readonly urn: string };
    readonly dependencies?: readonly (string | { readonly urn: string })[];
}

export interface EvaluateOptions {
    /** Per-policy enforcement levels and properties, as in policy/config.<stack>.json; defaults apply where unset. */
    readonly config?: PolicyPackConfig;
    /** Also run disabled policies (the engine skips them) and report their findings at level "disabled". */
    readonly includeDisabled?: boolean;
}

const POLICY_DIRECTORY = __dirname;
const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const ALL = "all";

type Policy = ResourceValidationPolicy | StackValidationPolicy;
type PolicyConfigEntry = PolicyPackConfig[string];

/** Thrown by `notApplicable()`: the policy has nothing to say about this resource. */
class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

function entryLevel(entry: PolicyConfigEntry | undefined): EnforcementLevel | undefined {
    return typeof entry === "string" ? entry : entry?.enforcementLevel;
}

/** Engine order: the policy's own level, then `all`, then the policy's entry; remediate validates as mandatory. */
function levelOf(policy: Policy, config: PolicyPackConfig): ViolationLevel {
    const level = entryLevel(config[policy.name]) ?? entryLevel(config[ALL]) ?? policy.enforcementLevel ?? "advisory";
    return level === "remediate" ? "mandatory" : level;
}

function propertiesOf(entry: PolicyConfigEntry | undefined): Record<string, unknown> {
    if (entry === undefined || typeof entry === "string") return {};
    return Object.fromEntries(Object.entries(entry).filter(([key]) => key !== "enforcementLevel"));
}

function typeProblem(value: unknown, schema: PolicyConfigJSONSchema): string | undefined {
    const matches: Record<string, (candidate: unknown) => boolean> = {
        boolean: (candidate) => typeof candidate === "boolean",
        integer: (candidate) => Number.isInteger(candidate),
        number: (candidate) => typeof candidate === "number",
        string: (candidate) => typeof candidate === "string",
        array: (candidate) => Array.isArray(candidate),
        object: (candidate) => candidate !== null && typeof candidate === "object" && !Array.isArray(candidate),
    };
    if (typeof schema.type === "string" && !matches[schema.type]?.(value)) return `must be of type ${schema.type}`;
    if (schema.enum !== undefined && !schema.enum.includes(value as never)) return `must be one of ${JSON.stringify(schema.enum)}`;
    if (schema.minimum !== undefined && typeof value === "number" && value < schema.minimum) return `must be at least ${schema.minimum}`;
    if (Array.isArray(value) && schema.items !== undefined && typeof schema.items === "object" && !Array.isArray(schema.items)) {
        const itemSchema = schema.items;
        const problems = value.map((item) => typeProblem(item, itemSchema)).filter((problem) => problem !== undefined);
        if (problems.length > 0) return `items ${problems[0]}`;
    }
    return undefined;
}

/**
 * Rejects bad levels and values off a policy's schema, as the CLI does, and also unknown policies and
 * properties, which the CLI ignores: a typo then fails loudly instead of silently keeping a default.
 */
function checkConfig(config: PolicyPackConfig): void {
    const byName = new Map(POLICIES.map((policy) => [policy.name, policy]));
    const problems: string[] = [];
    for (const [name, entry] of Object.entries(config)) {
        const policy = byName.get(name);
        if (name !== ALL && policy === undefined) {
            problems.push(`unknown policy "${name}" (known: ${[...byName.keys()].join(", ")})`);
            continue;
        }
        if (typeof entry !== "string" && (entry === null || typeof entry !== "object" || Array.isArray(entry))) {
            problems.push(`${name}: expected an enforcement level or an object`);
            continue;
        }
        const level = entryLevel(entry);
        if (level !== undefined && !LEVELS.includes(level)) problems.push(`${name}: enforcement level "${String(level)}" is not one of ${LEVELS.join(", ")}`);
        const schema: PolicyConfigSchema = policy?.configSchema ?? { properties: {} };
        for (const [property, value] of Object.entries(propertiesOf(entry))) {
            const propertySchema = Object.hasOwn(schema.properties, property) ? schema.properties[property] : undefined;
            const problem = propertySchema === undefined ? "is not a property of this policy" : typeof propertySchema === "object" ? typeProblem(value, propertySchema) : undefined;
            if (problem !== undefined) problems.push(`${name}.${property} ${problem}`);
        }
    }
    if (problems.length > 0) throw new Error(`Invalid policy config:\n  ${problems.join("\n  ")}`);
}

function urnOf(reference: string | { readonly urn: string }): string {
    return typeof reference === "string" ? reference : reference.urn;
}

function options(parent: string | undefined): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(parent !== undefined ? { parent } : {}),
    };
}

/** `isType(aws.s3.Bucket)` compares the class's type token, as the analyzer does. */
function isTypeOf(type: string): (resourceClass: unknown) => boolean {
    return (resourceClass) => (resourceClass as { __pulumiType?: unknown }).__pulumiType === type;
}

function asTypeOf(type: string, props: Record<string, unknown>): (resourceClass: unknown) => Record<string, unknown> | undefined {
    return (resourceClass) => (isTypeOf(type)(resourceClass) ? props : undefined);
}

/** PolicyResources with parent and dependencies linked by URN (recorded inputs stand in for outputs). */
function toPolicyResources(resources: readonly (RecordedResource | PolicyResourceLike)[]): PolicyResource[] {
    const built = resources.map((resource) => {
        // Not copied: copying would read every value, and a preview's unknown-checking props throw on unknown ones.
        const props = ("props" in resource ? resource.props : resource.inputs) as Record<string, unknown>;
        const parent = resource.parent === undefined ? undefined : urnOf(resource.parent);
        const policyResource: PolicyResource = {
            type: resource.type,
            name: resource.name,
            urn: resource.urn,
            props,
            opts: options(parent),
            dependencies: [],
            propertyDependencies: {},
            isType: isTypeOf(resource.type),
            asType: asTypeOf(resource.type, props) as PolicyResource["asType"],
        };
        return { resource, policyResource, parent };
    });
    const byUrn = new Map(built.map(({ policyResource }) => [policyResource.urn, policyResource]));
    for (const { resource, policyResource, parent } of built) {
        policyResource.parent = parent === undefined ? undefined : byUrn.get(parent);
        for (const dependency of resource.dependencies ?? []) {
            const target = byUrn.get(urnOf(dependency));
            if (target !== undefined) policyResource.dependencies.push(target);
        }
        const provider = "provider" in resource && resource.provider !== undefined ? byUrn.get(resource.provider) : undefined;
        if (provider !== undefined) policyResource.provider = { type: provider.type, name: provider.name, urn: provider.urn, props: provider.props };
    }
    return built.map(({ policyResource }) => policyResource);
}

/** Runs one validation; swallows only notApplicable, and refuses async policies (the plan is synchronous). */
function run(policy: Policy, where: string, validation: () => Promise<void> | void): void {
    try {
        if (validation() instanceof Promise) throw new Error("returned a Promise; offline evaluation supports synchronous policies only");
    } catch (error) {
        if (error instanceof NotApplicable) return;
        throw new Error(`Policy ${policy.name} failed on ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
}

/** Evaluates every policy of the pack against `resources` and returns the violations, in policy order. */
export function evaluatePolicies(resources: readonly (RecordedResource | PolicyResourceLike)[], options: EvaluateOptions = {}): Violation[] {
    const config = options.config ?? {};
    checkConfig(config);
    const policyResources = toPolicyResources(resources);
    const violations: Violation[] = [];
    for (const policy of POLICIES) {
        const level = levelOf(policy, config);
        if (level === "disabled" && options.includeDisabled !== true) continue;
        const properties = propertiesOf(config[policy.name]);
        const getConfig = <T extends object>(): T => ({ ...properties }) as T;
        const record = (resource: string, message: string): void => {
            violations.push({ policy: policy.name, resource, message, level });
        };
        if ("validateStack" in policy) {
            const args = { resources: policyResources, stackTags: new Map<string, string>(), getConfig, notApplicable };
            run(policy, "the stack", () => policy.validateStack(args, (message, urn) => record(urn ?? "stack", message)));
            continue;
        }
        const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
        for (const resource of policyResources) {
            const args: ResourceValidationArgs = {
                type: resource.type,
                name: resource.name,
                urn: resource.urn,
                props: resource.props,
                opts: resource.opts,
                ...(resource.provider !== undefined ? { provider: resource.provider } : {}),
                stackTags: new Map(),
                isType: isTypeOf(resource.type),
                asType: asTypeOf(resource.type, resource.props) as ResourceValidationArgs["asType"],
                getConfig,
                notApplicable,
            };
            for (const validation of validations) run(policy, resource.urn, () => validation(args, (message) => record(resource.urn, message)));
        }
    }
    return violations;
}

/** The level each policy runs at under `config` (default: every policy's own level). */
export function enforcementLevels(config: PolicyPackConfig = {}): Record<string, ViolationLevel> {
    checkConfig(config);
    return Object.fromEntries(POLICIES.map((policy) => [policy.name, levelOf(policy, config)]));
}

/** The policy config of a stack: policy/config.<stack>.json if present, else {} (every policy at its default). */
export function loadPolicyConfig(stack: "dev" | "production" | string, directory: string = POLICY_DIRECTORY): PolicyPackConfig {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new Error(`"${stack}" is not a stack name`);
    const file = join(directory, `config.${stack}.json`);
    if (!existsSync(file)) return {};
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`${file} must hold a JSON object of policy names`);
    return parsed as PolicyPackConfig;
}
