import type { StackValidationPolicy } from "@pulumi/policy";
import { record, text } from "../lib/props";
import { nlbTargetGroups } from "../lib/stack";

const TRAFFIC_PORT = "traffic-port";

/**
 * Every traffic port expects a PROXY header; a health check there gets rejected and marks healthy nodes down.
 * With PROXY v2 on, AWS also sends the header on health-check connections (ELB docs, NLB target group
 * "Proxy protocol"), so an HTTP(S) check against the PROXY-free healthz port fails too: only TCP works.
 */
export const nlbHealthCheckOffProxyPort: StackValidationPolicy = {
    name: "nlb-health-check-off-proxy-port",
    description:
        "NLB target-group health checks target a port that does not expect PROXY (the controller's healthz NodePort), " +
        "never traffic-port or another target group's port, and over TCP when PROXY v2 is on.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateStack: (args, reportViolation) => {
        const groups = nlbTargetGroups(args.resources);
        const trafficPorts = new Set(groups.map((group) => String(group.props.port)));
        for (const group of groups) {
            const healthCheck = record(group.props.healthCheck);
            const protocol = text(healthCheck.protocol)?.toUpperCase();
            if (group.props.proxyProtocolV2 === true && (protocol === "HTTP" || protocol === "HTTPS")) {
                reportViolation(
                    `NLB target group ${group.name}: an ${protocol} health check carries the PROXY v2 header the NLB adds to ` +
                        "health-check connections too, which the healthz port rejects: set healthCheck.protocol to TCP",
                    group.urn,
                );
            }
            const port = text(healthCheck.port) ?? (typeof healthCheck.port === "number" ? String(healthCheck.port) : TRAFFIC_PORT);
            if (port !== TRAFFIC_PORT && !trafficPorts.has(port)) continue;
            const which = port === TRAFFIC_PORT ? `${TRAFFIC_PORT} (${String(group.props.port)})` : `traffic port ${port}`;
            reportViolation(
                `NLB target group ${group.name}: the health check targets ${which}, which expects a PROXY header: ` +
                    "point healthCheck.port at the controller's healthz NodePort",
                group.urn,
            );
        }
    },
};
