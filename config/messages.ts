import type { z } from "zod";

/** One problem with the stack config: where, and what is wrong (what is allowed). */
export interface ConfigProblem {
    /** Dotted key path below the project namespace, e.g. `routes.additional[0].allowlist[1]`. */
    readonly key: string;
    readonly message: string;
}

export function keyPath(path: readonly PropertyKey[]): string {
    return path.reduce<string>((text, part) => {
        if (typeof part === "number") return `${text}[${part}]`;
        return text === "" ? String(part) : `${text}.${String(part)}`;
    }, "");
}

/** Something the config leaves unchecked or suspicious without being wrong: printed, never fatal. */
export type ConfigNotice = ConfigProblem;

/**
 * Control characters (C0, DEL, C1) and bidirectional overrides as visible escapes: a key or value echoed in a
 * message must not move the cursor, recolour the terminal or reorder the text around it.
 */
export function escapeControlCharacters(text: string): string {
    return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
    return problems.map((problem) => escapeControlCharacters(`  ${problem.key}: ${problem.message}`.replaceAll("\n", "\\n"))).join("\n");
}

function describeInput(input: unknown): string {
    if (input === null) return "null";
    if (Array.isArray(input)) return "a list";
    if (typeof input === "object") return "an object";
    if (typeof input === "string") return "a string";
    return `${typeof input} ${String(input)}`;
}

const EXPECTED: Record<string, string> = {
    string: "a string",
    number: "a number",
    boolean: "true or false",
    object: "an object of keys",
    array: "a list",
};

type RawIssue = z.core.$ZodRawIssue;

/** YAML has already turned an unquoted 1.30 into the number 1.3; only quoting keeps the text. */
function numberForStringMessage(input: number): string {
    const text = String(input);
    const oneDecimal = /^[0-9]+\.[0-9]$/.test(text);
    return oneDecimal
        ? `is the number ${text}, not text: YAML reads an unquoted ${text}0 as ${text} (quote it in the stack file, e.g. "${text}0")`
        : `is the number ${text}, not text (quote it in the stack file: "${text}")`;
}

/**
 * Zod's per-parse error map: turns the issues that have no message of their own in the schema into
 * "what is wrong (what is allowed)". Messages given in the schema take precedence over this map.
 */
export function issueMessage(issue: RawIssue): string | undefined {
    switch (issue.code) {
        case "invalid_type":
            if (issue.input === undefined) return "is not set (required)";
            if (issue.expected === "string" && typeof issue.input === "number") return numberForStringMessage(issue.input);
            return `is ${describeInput(issue.input)} (expected ${EXPECTED[issue.expected] ?? issue.expected})`;
        case "invalid_value":
            return `is ${JSON.stringify(issue.input)} (allowed: ${issue.values.map((value) => String(value)).join(", ")})`;
        case "too_small":
            if (issue.origin === "array") return `has ${(issue.input as unknown[]).length} entries (at least ${String(issue.minimum)})`;
            if (issue.origin === "string") return `is too short (at least ${String(issue.minimum)} characters)`;
            return `is ${String(issue.input)} (at least ${String(issue.minimum)})`;
        case "too_big":
            if (issue.origin === "array") return `has ${(issue.input as unknown[]).length} entries (at most ${String(issue.maximum)})`;
            if (issue.origin === "string") return `is too long (at most ${String(issue.maximum)} characters)`;
            return `is ${String(issue.input)} (at most ${String(issue.maximum)})`;
        case "invalid_format":
            if (issue.format === "starts_with") return `is ${JSON.stringify(issue.input)} (must start with "${String((issue as { prefix?: string }).prefix)}")`;
            return `is ${JSON.stringify(issue.input)} (expected format: ${issue.format})`;
        case "invalid_union":
            return `has no valid "protocol" (allowed: http, tcp)`;
        case "unrecognized_keys": {
            const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape ?? {};
            return `unknown key (allowed: ${Object.keys(shape).join(", ")})`;
        }
        default:
            return undefined;
    }
}

/** Turns zod issues into problems, one per unknown key. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
    return issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((unknownKey) => ({ key: keyPath([...issue.path, unknownKey]), message: issue.message }));
        }
        return [{ key: keyPath(issue.path), message: issue.message }];
    });
}
