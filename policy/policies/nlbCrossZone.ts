import type { ResourceValidationPolicy } from "@pulumi/policy";
import { text } from "../lib/props";
import { ResourceType } from "../lib/types";

/** With externalTrafficPolicy Local, a zone without a controller pod would drop its share of traffic. */
export const nlbCrossZone: ResourceValidationPolicy = {
    name: "nlb-cross-zone",
    description: "Network load balancers enable cross-zone load balancing (off by default for NLBs).",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.loadBalancer || text(args.props.loadBalancerType) !== "network") return;
        if (args.props.enableCrossZoneLoadBalancing === true) return;
        reportViolation(
            `NLB ${args.name}: cross-zone load balancing is off, so each zone's nodes get only that zone's clients: ` +
                "set enableCrossZoneLoadBalancing: true",
        );
    },
};
