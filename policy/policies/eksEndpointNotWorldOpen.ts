import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isWorldOpen } from "../../config/cidr";
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
        const open = cidrs === undefined || cidrs.length === 0 ? "publicAccessCidrs unset (AWS default 0.0.0.0/0)" : cidrs.find(isWorldOpen);
        if (open === undefined) return;
        reportViolation(
            `${clusterLabel(args.type, args.name)}: the public API endpoint admits every address (${open}): ` +
                "set publicAccessCidrs to the operators' CIDRs, or endpointPublicAccess: false",
        );
    },
};
