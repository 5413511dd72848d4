import type { StackValidationPolicy } from "@pulumi/policy";
import { GlobalKey, IngressKey } from "../../components/haproxy/keys";
import { haproxyKey } from "../lib/ingress";
import type { ControllerConfig } from "../lib/stack";
import { CONTROLLER_DEFAULTS, CONTROLLER_SCHEMA, configValue, findObject, haproxyIngresses } from "../lib/stack";
import { ResourceType } from "../lib/types";

const WAF_ENGINE = "modsecurity";

/** `waf: modsecurity` without an SPOA agent to ask is silently a no-op: the route looks protected and is not. */
export const wafHasModsecurityEndpoints: StackValidationPolicy = {
    name: "waf-has-modsecurity-endpoints",
    description: "If any Ingress uses waf: modsecurity, the controller ConfigMap sets modsecurity-endpoints.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...CONTROLLER_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const config: ControllerConfig = { ...CONTROLLER_DEFAULTS, ...args.getConfig<Partial<ControllerConfig>>() };
        const protectedRefs = haproxyIngresses(args.resources)
            .filter(({ ingress }) => !ingress.isTcp && haproxyKey(ingress.annotations, IngressKey.waf)?.value === WAF_ENGINE)
            .map(({ ingress }) => ingress.ref);
        if (protectedRefs.length === 0) return;
        const configMap = findObject(args.resources, ResourceType.configMap, config.controllerConfigMap);
        const endpoints = (configValue(configMap, GlobalKey.modsecurityEndpoints) ?? "").trim();
        if (endpoints !== "") return;
        reportViolation(
            `${protectedRefs.length === 1 ? "Ingress" : "Ingresses"} ${protectedRefs.join(", ")} ${protectedRefs.length === 1 ? "uses" : "use"} ` +
                `waf: ${WAF_ENGINE}, but the controller ConfigMap ${config.controllerConfigMap} ` +
                `${configMap === undefined ? "is not in the stack" : `has no ${GlobalKey.modsecurityEndpoints}`}, so nothing is inspected: ` +
                `set ${GlobalKey.modsecurityEndpoints} to the ModSecurity SPOA agent's address (host:port)`,
            configMap?.urn,
        );
    },
};
