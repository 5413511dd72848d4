import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parseAllowlistEntry, worldOpenFamilies, type AddressBlock } from "../../config/addressSet";
import { clusterLabel, eksSettings } from "../lib/eks";

/** A world-reachable API server is one leaked credential away from the whole cluster. */
export const eksEndpointNotWorldOpen: ResourceValidationPolicy = {
    name: "eks-endpoint-not-world-open",
    description: "The EKS API endpoint is private, or public only to listed CIDRs (not 0.0.0.0/0 or ::/0, the AWS default).",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateResource: (args, reportViolation) => {
        const settings = eksSettings(args.type, args.props);
        if (!settings?.endpointPublicAccess) return;
        const cidrs = settings.publicAccessCidrs;
        const blocks = (cidrs ?? []).flatMap((cidr): AddressBlock[] => {
            const parsed = parseAllowlistEntry(cidr);
            return parsed.ok && !parsed.block.exception ? [parsed.block] : [];
        });
        // EKS admits the union of the blocks, so 0.0.0.0/1 with 128.0.0.0/1 is as open as 0.0.0.0/0.
        const open = cidrs === undefined || cidrs.length === 0
            ? "publicAccessCidrs unset (AWS default 0.0.0.0/0)"
            : worldOpenFamilies(blocks).length === 0
              ? undefined
              : (blocks.find((block) => worldOpenFamilies([block]).length > 0)?.text ?? `${cidrs.join(", ")} together`);
        if (open === undefined) return;
        reportViolation(
            `${clusterLabel(args.type, args.name)}: the public API endpoint admits every address (${open}): ` +
                "set publicAccessCidrs to the operators' CIDRs, or endpointPublicAccess: false",
        );
    },
};
