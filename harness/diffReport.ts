import { formatCostDelta, type CostEstimate } from "./cost";
import { dangerousChanges, isUnknown, summaryLine, type PlanDiff, type PropertyChange, type ResourceChange } from "./planDiff";

/**
 * out/<stack>/diff.md. Its first line is the summary line exactly; then `## Dangerous changes`,
 * `## Changes by component` and `## Monthly cost`. When the base does not plan, nothing is compared: the first
 * line starts with NOT_COMPARABLE instead, and no section follows. pull-request-comment.yml relies on that layout.
 */

/** How diff.md and `npm run diff` start when the base does not plan. */
export const NOT_COMPARABLE = "Not comparable:";

export interface DiffReportInput {
    readonly stack: string;
    readonly diff: PlanDiff;
    /** e.g. "`HEAD` (6f9aea9)". */
    readonly baseLabel: string;
    readonly headLabel: string;
    /** Absent when the region has no prices. */
    readonly baseCost?: CostEstimate;
    readonly headCost?: CostEstimate;
    /** Lines shown under the header: a base that did not plan, dependencies that differ, secrets whose ciphertext changed. */
    readonly notes: readonly string[];
    readonly topologyChanged: boolean;
}

const MAX_VALUE = 100;

function value(raw: unknown): string {
    if (raw === undefined) return "(none)";
    if (isUnknown(raw)) return `(known after ${raw.knownAfter} is replaced)`;
    const text = JSON.stringify(raw);
    return `\`${text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text}\``;
}

function changeLine(change: PropertyChange): string {
    if (change.secret) return `  - \`${change.path}\`: changed (secret, value not shown)`;
    return `  - \`${change.path}\`: ${value(change.old)} → ${value(change.new)}`;
}

/** ` (was \`…\`)` for a resource that continues another through an alias. */
const former = (change: ResourceChange): string => (change.formerLabel ? ` (was \`${change.formerLabel}\`)` : "");

function heading(change: ResourceChange): string {
    const forced = change.forcedBy.length > 0 ? ` — forced by ${[...new Set(change.forcedBy.map((reason) => `\`${reason.path}\``))].join(", ")}` : "";
    const deleteFirst = change.deleteFirst ? " (deleted before its replacement is created)" : "";
    return `- **${change.action}** \`${change.label}\`${former(change)}${forced}${deleteFirst}`;
}

function dangerousLine(change: ResourceChange): string[] {
    const lines = [`- **${change.failures.length > 0 ? `${change.action} that fails` : change.action}** \`${change.label}\`${former(change)} (${change.group})`];
    for (const reason of change.forcedBy) lines.push(`  - \`${reason.path}\` forces the replacement: ${reason.because} (${reason.source})`);
    for (const reason of change.failures) lines.push(`  - \`${reason.path}\`: ${reason.because} (${reason.source})`);
    if (change.deleteFirst) lines.push("  - deleted before its replacement is created (a named object): absent in between");
    if (change.danger) lines.push(`  - ${change.danger}`);
    return lines;
}

export function diffMarkdown(input: DiffReportInput): string {
    const { diff } = input;
    const dangerous = dangerousChanges(diff);
    const groups = new Map<string, ResourceChange[]>();
    for (const change of diff.changes) groups.set(change.group, [...(groups.get(change.group) ?? []), change]);
    return [
        summaryLine(diff),
        "",
        `Stack \`${input.stack}\`: ${input.baseLabel} → ${input.headLabel}. Offline plans under Pulumi's mocks: cloud-computed values are fakes, and "known after X is replaced" is what \`pulumi preview\` shows as unknown.${input.topologyChanged ? " The traffic topology changes (summary.md shows the new one)." : ""}`,
        ...input.notes.map((note) => `\n> ${note}`),
        "",
        "## Dangerous changes",
        "",
        ...(dangerous.length === 0 ? ["None: no stateful or address-bearing resource is replaced or deleted, no object is deleted before its replacement, and no change fails."] : dangerous.flatMap(dangerousLine)),
        "",
        "## Changes by component",
        "",
        ...(diff.changes.length === 0 ? ["No change.", ""] : [...groups.entries()].flatMap(([group, changes]) => [
            `### ${group}`,
            "",
            ...changes.flatMap((change) => [heading(change), ...change.changes.map(changeLine), ...change.cautions.map((caution) => `  - note: ${caution}`)]),
            "",
        ])),
        ...(diff.unknownTypes.length > 0 ? [`Types without a row in harness/replaceOnChange.ts (their changes are shown as updates): ${diff.unknownTypes.map((type) => `\`${type}\``).join(", ")}.`, ""] : []),
        "## Monthly cost",
        "",
        input.baseCost && input.headCost ? formatCostDelta(input.baseCost, input.headCost) : "No estimate: the stack's region has no prices in harness/cost.ts.",
        "",
    ].join("\n");
}

export interface NotComparableInput {
    readonly stack: string;
    readonly baseLabel: string;
    readonly headLabel: string;
    /** Why the base does not plan: its error message. */
    readonly reason: string;
    readonly notes: readonly string[];
}

/** The first line of diff.md and of `npm run diff`'s output when the base does not plan. */
export function notComparableLine(input: Pick<NotComparableInput, "stack" | "baseLabel" | "reason">): string {
    return `${NOT_COMPARABLE} the base ${input.baseLabel} does not plan \`${input.stack}\` (${input.reason.split("\n")[0]!.replace(/:$/, "")}), so nothing was compared.`;
}

/** diff.md when the base does not plan: no summary line and no verdict on dangerous changes, which would claim a comparison. */
export function notComparableMarkdown(input: NotComparableInput): string {
    return [
        notComparableLine(input),
        "",
        `Stack \`${input.stack}\`: ${input.baseLabel} → ${input.headLabel}. Without a plan of the base, this diff cannot say what an update creates, replaces or deletes: \`pulumi preview\` against the live stack can. summary.md describes the working tree's plan.`,
        "",
        "```text",
        input.reason,
        "```",
        ...input.notes.map((note) => `\n> ${note}`),
        "",
    ].join("\n");
}
