import type { ResourceValidationPolicy } from "@pulumi/policy";
import { haproxyIngressOf, normaliseHost } from "../lib/ingress";

/** A TLS host entry covers the host itself or, as `*.zone`, exactly one label below the zone. */
function covers(tlsHost: string, host: string): boolean {
    const pattern = normaliseHost(tlsHost);
    const name = normaliseHost(host);
    if (!pattern.startsWith("*.")) return pattern === name;
    const firstDot = name.indexOf(".");
    return firstDot > 0 && name.slice(firstDot + 1) === pattern.slice(2);
}

/** haproxy-ingress serves a host over HTTPS (and redirects HTTP) only if an Ingress lists it in spec.tls. */
export const ingressTlsCoversHosts: ResourceValidationPolicy = {
    name: "ingress-tls-covers-hosts",
    description: "Every rule host of an Ingress of class haproxy is listed in its spec.tls.",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateResource: (args, reportViolation) => {
        const ingress = haproxyIngressOf(args);
        if (!ingress) return;
        for (const host of ingress.ruleHosts) {
            if (ingress.tlsHosts.some((tlsHost) => covers(tlsHost, host))) continue;
            reportViolation(`Ingress ${ingress.ref}: host ${host} is not in spec.tls, so it is served over plain HTTP: add it to spec.tls[].hosts`);
        }
    },
};
