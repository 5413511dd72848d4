import { crossKeyProblems } from "./rules";
import { issueMessage, problemsFromIssues, type ConfigProblem } from "./messages";
import { buildRouteTable, type RouteTable } from "./routeTable";
import { SECRET_KEYS, stackConfigSchema, type StackConfig } from "./schema";

export type ValidationResult =
    | { readonly ok: true; readonly config: StackConfig; readonly routeTable: RouteTable }
    | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export interface RawStackConfig {
    /** The stack's name: it prefixes AWS resource names. */
    readonly stack: string;
    /** Values of the project's config keys, without the `<project>:` prefix; structured values already parsed. */
    readonly values: Readonly<Record<string, unknown>>;
    /** Keys that were set with `--secret`. */
    readonly secretKeys: ReadonlySet<string>;
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

/**
 * Validates the stack config in two passes: the schema (every key, type, range and format), then,
 * when the structure is sound, the rules that compare keys (zone membership, duplicates, ports,
 * production tier). Pure: no Pulumi runtime, nothing registered.
 */
export function validateStackConfig(raw: RawStackConfig): ValidationResult {
    const problems: ConfigProblem[] = stackNameProblems(raw.stack);
    for (const [key, value] of Object.entries(raw.values)) {
        if (SECRET_KEY_SET.has(key) && value !== undefined && !raw.secretKeys.has(key)) {
            problems.push({ key, message: `is set in plain text (a secret: pulumi config set --secret ${key} <value>)` });
        }
    }
    const parsed = stackConfigSchema.safeParse(raw.values, { error: issueMessage, reportInput: true });
    if (!parsed.success) {
        const schemaProblems = problemsFromIssues(parsed.error.issues).map((problem) =>
            SECRET_KEY_SET.has(problem.key) && problem.message.startsWith("is not set")
                ? { key: problem.key, message: `is not set (a secret: pulumi config set --secret ${problem.key} <value>)` }
                : problem,
        );
        return { ok: false, problems: [...problems, ...schemaProblems] };
    }
    const routeTable = buildRouteTable(parsed.data);
    problems.push(...crossKeyProblems(parsed.data, routeTable));
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, config: parsed.data, routeTable };
}
