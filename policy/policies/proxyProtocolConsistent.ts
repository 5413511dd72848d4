import type { StackValidationPolicy } from "@pulumi/policy";
import { GlobalKey, IngressKey } from "../../components/haproxy/keys";
import { haproxyKey } from "../lib/ingress";
import type { ControllerConfig } from "../lib/stack";
import { CONTROLLER_DEFAULTS, CONTROLLER_SCHEMA, configValue, findObject, haproxyIngresses, nlbTargetGroups, shown } from "../lib/stack";
import { ResourceType } from "../lib/types";

interface Config extends ControllerConfig {
    /** PROXY v2 must be on (not merely consistent): the allowlists need the client address. */
    readonly requireProxyProtocol: boolean;
}

const DEFAULTS: Config = { ...CONTROLLER_DEFAULTS, requireProxyProtocol: true };
const PROXY_KEYS = [GlobalKey.useProxyProtocol, GlobalKey.tcpServiceProxyProtocol] as const;

/**
 * A PROXY header hitting a bind without accept-proxy, or a bind waiting for a header that never
 * comes, breaks every connection on that port: NLB and controller must agree on every port.
 */
export const proxyProtocolConsistent: StackValidationPolicy = {
    name: "proxy-protocol-consistent",
    description:
        "PROXY v2 is on for every NLB target group exactly when the controller ConfigMap accepts PROXY on HTTP and TCP " +
        "(use-proxy-protocol and tcp-service-proxy-protocol \"true\", not overridden by a TCP Ingress).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            ...CONTROLLER_SCHEMA,
            requireProxyProtocol: {
                type: "boolean",
                default: DEFAULTS.requireProxyProtocol,
                description: "Require PROXY v2 on (allowlists see the client address only through it), not just consistency.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config: Config = { ...DEFAULTS, ...args.getConfig<Partial<Config>>() };
        const groups = nlbTargetGroups(args.resources);
        if (groups.length === 0) return;
        const configMap = findObject(args.resources, ResourceType.configMap, config.controllerConfigMap);
        const tcpIngresses = haproxyIngresses(args.resources).filter(({ ingress }) => ingress.isTcp);
        const proxyOn = config.requireProxyProtocol || groups.some((group) => group.props.proxyProtocolV2 === true);
        const wanted = proxyOn ? "true" : "false";

        const silentGroups = proxyOn ? groups.filter((group) => group.props.proxyProtocolV2 !== true) : [];
        for (const group of silentGroups) {
            reportViolation(
                `NLB target group ${group.name} (port ${String(group.props.port)}) does not send PROXY v2, but the controller expects it ` +
                    "on every port and the allowlists need the client address: set proxyProtocolV2: true",
                group.urn,
            );
        }
        if (configMap === undefined) {
            if (proxyOn) {
                reportViolation(
                    `The controller ConfigMap ${config.controllerConfigMap} is not in the stack, so nothing makes haproxy-ingress accept ` +
                        "the PROXY v2 header the NLB sends: create it, or set controllerConfigMap in this policy's config",
                );
            }
            return;
        }
        for (const key of PROXY_KEYS) {
            const value = configValue(configMap, key);
            if ((value === "true") === proxyOn) continue;
            reportViolation(
                proxyOn
                    ? `Controller ConfigMap ${config.controllerConfigMap}: ${key} is ${shown(value)}, but the NLB target groups send PROXY v2: set ${key}: "true"`
                    : `Controller ConfigMap ${config.controllerConfigMap}: ${key} is "true", but no NLB target group sends PROXY v2: ` +
                          "set proxyProtocolV2: true on every target group",
                configMap.urn,
            );
        }
        for (const { resource, ingress } of tcpIngresses) {
            const override = haproxyKey(ingress.annotations, IngressKey.tcpServiceProxyProtocol);
            if (override === undefined || (override.value === "true") === proxyOn) continue;
            reportViolation(
                `Ingress ${ingress.ref}: ${override.annotation}: ${override.value} overrides the ConfigMap, but the NLB ` +
                    `${proxyOn ? "sends" : "does not send"} PROXY v2: set it to "${wanted}" or remove it`,
                resource.urn,
            );
        }
    },
};
