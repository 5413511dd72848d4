import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ingressView, isHaproxyIngress } from "../lib/ingress";
import { ResourceType } from "../lib/types";

/** Each public host gets its own DNS record, certificate and allowlist; a wildcard routes names nobody reviewed. */
export const ingressNoWildcardHost: ResourceValidationPolicy = {
    name: "ingress-no-wildcard-host",
    description: "Ingresses of class haproxy name every host; no wildcard rule hosts.",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.ingress) return;
        const ingress = ingressView(args.props);
        if (!isHaproxyIngress(ingress)) return;
        for (const host of ingress.ruleHosts.filter((ruleHost) => ruleHost.includes("*"))) {
            reportViolation(`Ingress ${ingress.ref}: host ${host} is a wildcard: route each public host by its full name`);
        }
    },
};
