import type { ResourceValidationPolicy } from "@pulumi/policy";
import { haproxyIngressOf } from "../lib/ingress";

/** Each public host gets its own DNS record, certificate and allowlist; a wildcard routes names nobody reviewed. */
export const ingressNoWildcardHost: ResourceValidationPolicy = {
    name: "ingress-no-wildcard-host",
    description: "Ingresses of class haproxy name every host; no wildcard rule hosts.",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateResource: (args, reportViolation) => {
        const ingress = haproxyIngressOf(args);
        if (!ingress) return;
        for (const host of ingress.ruleHosts.filter((ruleHost) => ruleHost.includes("*"))) {
            reportViolation(`Ingress ${ingress.ref}: host ${host} is a wildcard: route each public host by its full name`);
        }
    },
};
