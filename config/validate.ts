import { acceptorFindings } from "./acceptorRules";
import { regionProblem } from "./awsFacts";
import { crossKeyProblems } from "./rules";
import { issueMessage, problemsFromIssues, type ConfigNotice, type ConfigProblem } from "./messages";
import { buildRouteTable, type RouteTable } from "./routeTable";
import { ENVIRONMENTS, SECRET_KEYS, stackConfigSchema, type Environment, type SecretKey, type StackConfig } from "./schema";

export type ValidationResult =
    | { readonly ok: true; readonly config: StackConfig; readonly routeTable: RouteTable; readonly notices: readonly ConfigNotice[] }
    | { readonly ok: false; readonly problems: readonly ConfigProblem[]; readonly notices: readonly ConfigNotice[] };

export interface RawStackConfig {
    /** The stack's name: it prefixes AWS resource names. */
    readonly stack: string;
    /** Values of the project's config keys, without the `<project>:` prefix; structured values already parsed. */
    readonly values: Readonly<Record<string, unknown>>;
    /**
     * Secret keys that are set but whose value the reader cannot see (the offline plan without the secret):
     * the rules on their value are skipped and reported as not checked, never passed.
     */
    readonly unreadableSecrets?: ReadonlySet<string>;
    /** `aws:region`, when set. */
    readonly region?: string;
    /** The other config keys, as `namespace:key`. */
    readonly otherKeys?: readonly string[];
}

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

/**
 * Longest stack name whose AWS names fit: target groups are auto-named `edge-<stack>-<port>` plus
 * Pulumi's `-` and 7 random characters, and ELB names allow 32 (CreateTargetGroup API reference).
 */
export const MAX_STACK_NAME_LENGTH = 32 - "edge-".length - "-65535".length - "-".length - 7;

/** Load balancer, target group and EKS names allow letters, digits and inner hyphens only. */
export function stackNameProblems(stack: string): ConfigProblem[] {
    const reasons = [
        ...(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(stack) ? [] : ["has characters AWS names refuse (lowercase letters, digits and inner hyphens)"]),
        ...(stack.length > MAX_STACK_NAME_LENGTH ? [`is ${stack.length} characters (at most ${MAX_STACK_NAME_LENGTH}: it prefixes target group names, which allow 32)`] : []),
    ];
    return reasons.length === 0 ? [] : [{ key: `stack name "${stack}"`, message: `${reasons.join("; ")}; rename it with pulumi stack rename` }];
}

/** Words in a stack name that say which tier it is; `environment` must agree (README "Stacks and tiers"). */
export const TIER_WORDS: Readonly<Record<Environment, readonly string[]>> = {
    dev: ["dev", "development"],
    staging: ["staging", "stage", "stg"],
    production: ["production", "prod", "prd"],
};

function tierProblems(stack: string, environment: Environment): ConfigProblem[] {
    const words = stack.split("-");
    const named = ENVIRONMENTS.filter((tier) => TIER_WORDS[tier].some((word) => words.includes(word)));
    if (named.length !== 1 || named[0] === environment) return [];
    return [{ key: "environment", message: `is ${environment}, but the stack "${stack}" is named like ${named[0]} (a stack named after a tier must be that tier: environment: ${named[0]})` }];
}

/** Namespaces this program reads: its own, and those of the providers it uses. */
export const PROVIDER_NAMESPACES = ["aws", "eks", "kubernetes", "pulumi"] as const;

function namespaceProblems(otherKeys: readonly string[]): ConfigProblem[] {
    return otherKeys
        .filter((key) => !(PROVIDER_NAMESPACES as readonly string[]).includes(key.slice(0, key.indexOf(":"))))
        .map((key) => ({
            key,
            message: `is in the namespace "${key.slice(0, key.indexOf(":"))}", which nothing reads (allowed: this project's and ${PROVIDER_NAMESPACES.join(", ")}; a misspelt namespace silently drops the key and its defaults apply)`,
        }));
}

/** The rules on a secret's value, reported when the value cannot be read. */
const SECRET_VALUE_RULES: Readonly<Record<SecretKey, string | undefined>> = {
    activemqAdminPassword: "at least 12 characters, printable ASCII",
    activemqBrokerPassword: "at least 12 characters, printable ASCII, no \"${\"",
    tlsCertificate: undefined,
    tlsPrivateKey: undefined,
};
/** Passes every value rule, so that nothing is refused on a value nobody could read. */
const UNREADABLE_STAND_IN = "unreadable-secret-stand-in";

/** YAML leaves a key with no value as null; like Pulumi's reader for top-level keys, that means "not set". */
function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).filter(([, child]) => child !== null).map(([key, child]) => [key, withoutNulls(child)]));
}

/**
 * Validates the stack config in two passes: the schema (every key, type, range and format), then,
 * when the structure is sound, the rules that compare keys (zone membership, duplicates, ports,
 * what AWS, Kubernetes and HAProxy accept, production tier). Pure: no Pulumi runtime, nothing registered.
 */
export function validateStackConfig(raw: RawStackConfig): ValidationResult {
    const problems: ConfigProblem[] = [...stackNameProblems(raw.stack), ...namespaceProblems(raw.otherKeys ?? [])];
    const notices: ConfigNotice[] = [];
    if (raw.region !== undefined) {
        const problem = regionProblem(raw.region);
        if (problem) problems.push({ key: "aws:region", message: problem });
    }
    const values = withoutNulls(raw.values) as Record<string, unknown>;
    for (const key of raw.unreadableSecrets ?? []) {
        if (!SECRET_KEY_SET.has(key)) continue;
        values[key] = UNREADABLE_STAND_IN;
        const rules = SECRET_VALUE_RULES[key as SecretKey];
        if (rules) notices.push({ key, message: `not checked offline: ${rules} (the stack file holds the secret encrypted, or not at all)` });
    }
    const parsed = stackConfigSchema.safeParse(values, { error: issueMessage, reportInput: true });
    if (!parsed.success) {
        const schemaProblems = problemsFromIssues(parsed.error.issues).map((problem) =>
            SECRET_KEY_SET.has(problem.key) && problem.message.startsWith("is not set")
                ? { key: problem.key, message: `is not set (a secret: pulumi config set --secret ${problem.key} <value>)` }
                : problem,
        );
        return { ok: false, problems: [...problems, ...schemaProblems], notices };
    }
    const routeTable = buildRouteTable(parsed.data);
    const acceptors = acceptorFindings(parsed.data, routeTable);
    problems.push(...tierProblems(raw.stack, parsed.data.environment), ...crossKeyProblems(parsed.data, routeTable), ...acceptors.problems);
    notices.push(...acceptors.notices);
    if (problems.length > 0) return { ok: false, problems, notices };
    return { ok: true, config: parsed.data, routeTable, notices };
}
