import type { PolicyResource } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { IngressView } from "./ingress";
import { ingressView, isHaproxyIngress } from "./ingress";
import { objectRef, record, text } from "./props";
import { ResourceType } from "./types";

/** Where the stack policies find the controller; config, because the pack never reads the program. */
export interface ControllerConfig {
    /** `namespace/name` of the ConfigMap passed to the controller as `--configmap`. */
    readonly controllerConfigMap: string;
    /** `namespace/name` of the controller Deployment. */
    readonly controllerDeployment: string;
}

export const CONTROLLER_DEFAULTS: ControllerConfig = {
    controllerConfigMap: "ingress-controller/haproxy-ingress",
    controllerDeployment: "ingress-controller/haproxy-ingress",
};

export const CONTROLLER_SCHEMA: Record<keyof ControllerConfig, PolicyConfigJSONSchema> = {
    controllerConfigMap: {
        type: "string",
        default: CONTROLLER_DEFAULTS.controllerConfigMap,
        description: "namespace/name of the controller's global ConfigMap (its --configmap argument).",
    },
    controllerDeployment: {
        type: "string",
        default: CONTROLLER_DEFAULTS.controllerDeployment,
        description: "namespace/name of the haproxy-ingress controller Deployment.",
    },
};

export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
    return resources.filter((resource) => resource.type === type);
}

/** The Kubernetes object of `type` whose `namespace/name` is `ref`. */
export function findObject(resources: readonly PolicyResource[], type: string, ref: string): PolicyResource | undefined {
    return ofType(resources, type).find((resource) => objectRef(resource.props) === ref);
}

/** Target groups of network load balancers: the NLB-only protocols (an ALB's are HTTP/HTTPS). */
export function nlbTargetGroups(resources: readonly PolicyResource[]): PolicyResource[] {
    const nlbProtocols = new Set(["TCP", "TLS", "UDP", "TCP_UDP"]);
    return ofType(resources, ResourceType.targetGroup).filter((group) => nlbProtocols.has(text(group.props.protocol) ?? ""));
}

export function networkLoadBalancers(resources: readonly PolicyResource[]): PolicyResource[] {
    return ofType(resources, ResourceType.loadBalancer).filter((lb) => text(lb.props.loadBalancerType) === "network");
}

/** One ConfigMap value; read key by key so that an unknown value elsewhere in `data` does not stop the check. */
export function configValue(configMap: PolicyResource | undefined, key: string): string | undefined {
    const data = record(configMap?.props.data);
    return Object.hasOwn(data, key) ? text(data[key]) : undefined;
}

/** Ingresses of class haproxy, with their view. */
export function haproxyIngresses(resources: readonly PolicyResource[]): { resource: PolicyResource; ingress: IngressView }[] {
    return ofType(resources, ResourceType.ingress)
        .map((resource) => ({ resource, ingress: ingressView(resource.props) }))
        .filter(({ ingress }) => isHaproxyIngress(ingress));
}

/** How messages show a ConfigMap value. */
export function shown(value: string | undefined): string {
    return value === undefined ? "unset" : `"${value}"`;
}
