import { estimateMonthlyCost, formatCost, unpricedRegion, type CostOptions } from "./cost";
import { SECRET_MARKER } from "./mockEngine";
import type { Plan } from "./plan";
import { computedMarkers } from "./planDiff";
import { containsPlaceholder } from "./stackFile";
import { topologyMarkdown } from "./topology";

/**
 * out/<stack>/summary.md: what a reviewer wants from a plan at a glance. Resource counts by type, the
 * stack outputs (fake values marked), the policy verdict, the estimated monthly cost and the
 * traffic topology.
 */

function flatten(value: unknown, key: string, into: [string, unknown][]): [string, unknown][] {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        for (const [child, inner] of Object.entries(value)) flatten(inner, `${key}.${child}`, into);
    } else into.push([key, value]);
    return into;
}

const cell = (text: string): string => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function summaryMarkdown(plan: Plan, costOptions: CostOptions = {}): string {
    const resources = plan.run.resources;
    const counts = new Map<string, number>();
    for (const resource of resources) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    const markers = resources.flatMap(computedMarkers);
    const outputs = Object.entries(plan.run.outputs).flatMap(([key, value]) => flatten(value, key, [])).map(([key, value]) => {
        const text = typeof value === "string" ? value : JSON.stringify(value);
        const fake = markers.some((marker) => text.includes(marker));
        const placeholder = plan.placeholders.some((name) => containsPlaceholder(text, name));
        const note = text === SECRET_MARKER ? "secret" : fake ? "**fake**: computed at deploy time (by AWS or Kubernetes)" : placeholder ? "**placeholder** for a secret" : "";
        return `| \`${key}\` | \`${cell(text)}\` | ${note} |`;
    });
    const violations = plan.violations;
    return [
        `# Offline plan of \`${plan.stack}\``,
        "",
        `${resources.length} resources, ${plan.manifests.length} Kubernetes objects (schema-valid) in ${plan.region}. Planned under Pulumi's mocks: no cloud was asked, so every value AWS computes (ids, ARNs, DNS names, addresses) is a fake, marked below.`,
        ...(plan.placeholders.length > 0 ? ["", `Secrets not readable offline, planned with marked placeholders: ${plan.placeholders.map((name) => `\`${name}\``).join(", ")}.`] : []),
        "",
        "## Outputs",
        "",
        "| output | planned value | |",
        "|---|---|---|",
        ...outputs,
        "",
        "## Policy",
        "",
        violations.length === 0
            ? `Policy pack (policy/config.${plan.stack}.json): no violations.`
            : [`Policy pack (policy/config.${plan.stack}.json): ${violations.length} violation(s).`, "", "| level | policy | resource | message |", "|---|---|---|---|",
                ...violations.map((violation) => `| ${violation.level} | ${violation.policy} | ${cell(violation.resource.split("::").pop() ?? violation.resource)} | ${cell(violation.message)} |`)].join("\n"),
        "",
        "## Monthly cost",
        "",
        unpricedRegion(plan.region) ?? formatCost(estimateMonthlyCost(resources, plan.region, costOptions)),
        "",
        "## Topology",
        "",
        topologyMarkdown(resources),
        "",
        "## Resources by type",
        "",
        "| type | count |",
        "|---|---:|",
        ...[...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => `| \`${type}\` | ${count} |`),
        "",
    ].join("\n");
}
