import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ANNOTATION_PREFIX, IngressKey } from "../../components/haproxy/keys";
import { parseAllowlistEntry, worldOpenFamilies, type AddressBlock } from "../../config/addressSet";
import { parseCidr } from "../../config/cidr";
import { effectiveAllowlist, haproxyIngressOf } from "../lib/ingress";

interface Config {
    /** Accept 0.0.0.0/0 or ::/0 in the allowlist (a deliberately public route). */
    readonly allowWorldOpen: boolean;
}

const DEFAULTS: Config = { allowWorldOpen: false };

/**
 * haproxy-ingress accepts bare addresses as single hosts and `!` exceptions (v0.12+); a CIDR with host bits set
 * is masked silently, which hides what was meant, so it is reported (with the block as haproxy-ingress reads it).
 */
function parseEntry(entry: string): { readonly block?: AddressBlock; readonly problem?: string } {
    const body = entry.startsWith("!") ? entry.slice(1) : entry;
    const strict = body.includes("/") ? parseCidr(body) : undefined;
    const parsed = parseAllowlistEntry(entry);
    const problem = strict && !strict.ok ? strict.problem : parsed.ok ? undefined : parsed.problem;
    return { ...(parsed.ok ? { block: parsed.block } : {}), ...(problem !== undefined ? { problem } : {}) };
}

/** Why the admitted set is world-open: one entry alone, the entries together, or only exceptions. */
function worldOpenReason(blocks: readonly AddressBlock[]): string | undefined {
    const families = worldOpenFamilies(blocks);
    if (families.length === 0) return undefined;
    const alone = blocks.find((block) => !block.exception && worldOpenFamilies([block]).length > 0);
    if (alone) return `contains ${alone.text}, which admits every address`;
    if (blocks.every((block) => block.exception)) return `holds only exceptions (${blocks.map((block) => block.text).join(", ")}), which admit every other address`;
    return `admits every ${families.join(" and ")} address with its entries together (${blocks.map((block) => block.text).join(", ")})`;
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
        const blocks: AddressBlock[] = [];
        for (const entry of entries) {
            const { block, problem } = parseEntry(entry);
            if (problem !== undefined) reportViolation(`Ingress ${ingress.ref}: ${allowlist.annotation} entry ${problem}`);
            if (block) blocks.push(block);
        }
        const open = config.allowWorldOpen ? undefined : worldOpenReason(blocks);
        if (open !== undefined) {
            reportViolation(
                `Ingress ${ingress.ref}: ${allowlist.annotation} ${open}: ` +
                    "list the clients' CIDRs (or set allowWorldOpen in this policy's config for a public route)",
            );
        }
    },
};
