import { crossKeyProblems } from "./rules";
import { issueMessage, problemsFromIssues, type ConfigProblem } from "./messages";
import { buildRouteTable, type RouteTable } from "./routeTable";
import { SECRET_KEYS, stackConfigSchema, type StackConfig } from "./schema";

export type ValidationResult =
    | { readonly ok: true; readonly config: StackConfig; readonly routeTable: RouteTable }
    | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export interface RawStackConfig {
    /** Values of the project's config keys, without the `<project>:` prefix; structured values already parsed. */
    readonly values: Readonly<Record<string, unknown>>;
    /** Keys that were set with `--secret`. */
    readonly secretKeys: ReadonlySet<string>;
}

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

/**
 * Validates the stack config in two passes: the schema (every key, type, range and format), then,
 * when the structure is sound, the rules that compare keys (zone membership, duplicates, ports,
 * production tier). Pure: no Pulumi runtime, nothing registered.
 */
export function validateStackConfig(raw: RawStackConfig): ValidationResult {
    const problems: ConfigProblem[] = [];
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
