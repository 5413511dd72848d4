import type { StackValidationPolicy } from "@pulumi/policy";
import { record, text } from "../lib/props";
import { nlbTargetGroups } from "../lib/stack";

const TRAFFIC_PORT = "traffic-port";

/** Every traffic port expects a PROXY header; a health check there gets rejected and marks healthy nodes down. */
export const nlbHealthCheckOffProxyPort: StackValidationPolicy = {
    name: "nlb-health-check-off-proxy-port",
    description:
        "NLB target-group health checks target a port that does not expect PROXY (the controller's healthz NodePort), " +
        "never traffic-port or another target group's port.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateStack: (args, reportViolation) => {
        const groups = nlbTargetGroups(args.resources);
        const trafficPorts = new Set(groups.map((group) => String(group.props.port)));
        for (const group of groups) {
            const healthCheck = record(group.props.healthCheck);
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
