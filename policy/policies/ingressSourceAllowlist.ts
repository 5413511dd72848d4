import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ANNOTATION_PREFIX, IngressKey } from "../../components/haproxy/keys";
import { isWorldOpen, parseCidr } from "../../config/cidr";
import { effectiveAllowlist, haproxyIngressOf } from "../lib/ingress";

interface Config {
    /** Accept 0.0.0.0/0 or ::/0 in the allowlist (a deliberately public route). */
    readonly allowWorldOpen: boolean;
}

const DEFAULTS: Config = { allowWorldOpen: false };

/** haproxy-ingress accepts bare addresses as single hosts; `!` marks an exception (v0.12+). */
function entryProblem(entry: string): string | undefined {
    const block = entry.startsWith("!") ? entry.slice(1) : entry;
    if (block.includes("/")) {
        const parsed = parseCidr(block);
        return parsed.ok ? undefined : parsed.problem;
    }
    const asHost = parseCidr(`${block}/${block.includes(":") ? 128 : 32}`);
    return asHost.ok ? undefined : `"${block}" is not an IP address or CIDR block (e.g. 203.0.113.10, 10.0.0.0/16, 2001:db8::/32)`;
}

/** The allowlist is checked against the PROXY client address, so it is the route's real access control. */
export const ingressSourceAllowlist: ResourceValidationPolicy = {
    name: "ingress-source-allowlist",
    description: "Ingresses of class haproxy carry a source allowlist of valid CIDRs or addresses, none world-open unless allowed.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            allowWorldOpen: {
                type: "boolean",
                default: DEFAULTS.allowWorldOpen,
                description: "Accept 0.0.0.0/0 or ::/0 as an allowlist entry.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const ingress = haproxyIngressOf(args);
        if (!ingress) return;
        const config: Config = { ...DEFAULTS, ...args.getConfig<Partial<Config>>() };
        const allowlist = effectiveAllowlist(ingress.annotations);
        const entries = (allowlist?.value ?? "").split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
        if (!allowlist || entries.length === 0) {
            reportViolation(
                `Ingress ${ingress.ref} has no source allowlist, so every client can reach it: ` +
                    `set ${ANNOTATION_PREFIX}${IngressKey.allowlistSourceRange} to the clients' CIDRs`,
            );
            return;
        }
        for (const entry of entries) {
            const problem = entryProblem(entry);
            if (problem !== undefined) {
                reportViolation(`Ingress ${ingress.ref}: ${allowlist.annotation} entry ${problem}`);
            } else if (!config.allowWorldOpen && !entry.startsWith("!") && isWorldOpen(entry)) {
                reportViolation(
                    `Ingress ${ingress.ref}: ${allowlist.annotation} contains ${entry}, which admits every address: ` +
                        "list the clients' CIDRs (or set allowWorldOpen in this policy's config for a public route)",
                );
            }
        }
    },
};
