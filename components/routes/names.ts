import { ACTIVEMQ, type HttpRoute, type RouteTable, type TcpRoute } from "../../config/routeTable";
import { CONTROLLER_NAME, CONTROLLER_NAMESPACE } from "../haproxy/controllerManifests";
import { WAF_NAME } from "../haproxy/wafManifests";
import { ACTIVEMQ_CLAIM_NAME, ACTIVEMQ_STORAGE_CLASS } from "./workloadManifests";

/**
 * The one place that names what the Routes and ClusterNetworkPolicies components create: Pulumi resource names
 * (which, with the type and the parent, make the URN: two equal ones stop the whole update) and Kubernetes object
 * names. Config validation reads the same functions to refuse collisions before anything is registered.
 */

export interface NamedResource {
    /** Pulumi type token, e.g. kubernetes:apps/v1:Deployment. */
    readonly type: string;
    /** Pulumi resource name. */
    readonly resourceName: string;
    /** The Kubernetes object it applies. */
    readonly object: { readonly namespace?: string; readonly name: string };
}

const TYPES = {
    namespace: "kubernetes:core/v1:Namespace",
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    claim: "kubernetes:core/v1:PersistentVolumeClaim",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
} as const;

/**
 * The two NetworkPolicies of every namespace the program creates. A deployed workload's own policy takes the
 * workload's name, so no workload may be named like these.
 */
export const NAMESPACE_POLICIES = { defaultDeny: "default-deny", dns: "allow-dns" } as const;
export const RESERVED_WORKLOAD_NAMES: readonly string[] = Object.values(NAMESPACE_POLICIES);

/**
 * Pulumi name of a NetworkPolicy. "/" is in neither a namespace (a DNS label) nor a policy name, so no two
 * namespace and policy pairs share a name (joined by "-", namespace a-b with policy c was namespace a with b-c).
 */
export function networkPolicyResourceName(namespace: string, policyName: string): string {
    return `${namespace}/${policyName}`;
}

/** Namespaces the Routes component creates: ActiveMQ's and each deployed workload's. */
export function routeNamespaces(table: RouteTable): string[] {
    return [...new Set([ACTIVEMQ.namespace, ...table.http.filter((route) => route.workload).map((route) => route.namespace)])];
}

/** The Services the Routes component creates: ActiveMQ's and each deployed workload's. */
export function deployedServices(table: RouteTable): { readonly namespace: string; readonly name: string }[] {
    return [
        { namespace: ACTIVEMQ.namespace, name: ACTIVEMQ.serviceName },
        ...table.http.filter((route) => route.workload).map((route) => ({ namespace: route.namespace, name: route.backend.name })),
    ];
}

export function namespaceResourceName(namespace: string): string {
    return `${namespace}-ns`;
}

/** Names of one route's resources; the workload ones exist only when the program deploys its backend. */
export function routeResourceNames(route: HttpRoute | TcpRoute) {
    const workloadName = route.backend.name;
    return {
        ingress: { resourceName: `${route.name}-ingress`, objectName: route.name },
        deployment: { resourceName: `${route.name}-deployment`, objectName: workloadName },
        canary: { resourceName: `${route.name}-canary`, objectName: `${workloadName}-canary` },
        service: { resourceName: `${route.name}-service`, objectName: workloadName },
        pdb: { resourceName: `${route.name}-pdb`, objectName: workloadName },
    };
}

export const ACTIVEMQ_RESOURCE_NAMES = {
    credentials: "activemq-credentials",
    config: "activemq-config",
    storageClass: "activemq-storage",
    claim: "activemq-data",
    service: "activemq-service",
    broker: "activemq-broker",
} as const;
export const ACTIVEMQ_CREDENTIALS_SECRET = "activemq-credentials";
export const ACTIVEMQ_CONFIG_MAP = "activemq-config";

/**
 * Every resource a route may bring, workload ones included whenever the route deploys a workload (a canary
 * or a PDB added later must not collide either). Used to refuse duplicate URNs and Kubernetes objects.
 */
export function routeResources(route: HttpRoute | TcpRoute): NamedResource[] {
    const names = routeResourceNames(route);
    const inNamespace = (name: string) => ({ namespace: route.namespace, name });
    const resources: NamedResource[] = [{ type: TYPES.ingress, resourceName: names.ingress.resourceName, object: inNamespace(names.ingress.objectName) }];
    if (route.kind === "http" && route.workload) {
        resources.push(
            { type: TYPES.deployment, resourceName: names.deployment.resourceName, object: inNamespace(names.deployment.objectName) },
            { type: TYPES.deployment, resourceName: names.canary.resourceName, object: inNamespace(names.canary.objectName) },
            { type: TYPES.service, resourceName: names.service.resourceName, object: inNamespace(names.service.objectName) },
            { type: TYPES.pdb, resourceName: names.pdb.resourceName, object: inNamespace(names.pdb.objectName) },
            networkPolicy(route.namespace, route.backend.name),
        );
    }
    return resources;
}

function networkPolicy(namespace: string, policyName: string): NamedResource {
    return { type: TYPES.networkPolicy, resourceName: networkPolicyResourceName(namespace, policyName), object: { namespace, name: policyName } };
}

/**
 * The broker's fixed resources, the Namespace of each namespace a workload lives in, and the NetworkPolicies that are
 * not a route workload's: the two of every namespace the program creates (the controller's too), the controller's,
 * the WAF agent's and the broker's.
 */
export function sharedResources(table: RouteTable): NamedResource[] {
    const namespaces = routeNamespaces(table);
    return [
        ...[CONTROLLER_NAMESPACE, ...namespaces].flatMap((namespace) => Object.values(NAMESPACE_POLICIES).map((policyName) => networkPolicy(namespace, policyName))),
        networkPolicy(CONTROLLER_NAMESPACE, CONTROLLER_NAME),
        networkPolicy(CONTROLLER_NAMESPACE, WAF_NAME),
        networkPolicy(ACTIVEMQ.namespace, ACTIVEMQ.serviceName),
        { type: TYPES.secret, resourceName: ACTIVEMQ_RESOURCE_NAMES.credentials, object: { namespace: ACTIVEMQ.namespace, name: ACTIVEMQ_CREDENTIALS_SECRET } },
        { type: TYPES.configMap, resourceName: ACTIVEMQ_RESOURCE_NAMES.config, object: { namespace: ACTIVEMQ.namespace, name: ACTIVEMQ_CONFIG_MAP } },
        { type: TYPES.storageClass, resourceName: ACTIVEMQ_RESOURCE_NAMES.storageClass, object: { name: ACTIVEMQ_STORAGE_CLASS } },
        { type: TYPES.claim, resourceName: ACTIVEMQ_RESOURCE_NAMES.claim, object: { namespace: ACTIVEMQ.namespace, name: ACTIVEMQ_CLAIM_NAME } },
        { type: TYPES.service, resourceName: ACTIVEMQ_RESOURCE_NAMES.service, object: { namespace: ACTIVEMQ.namespace, name: ACTIVEMQ.serviceName } },
        { type: TYPES.statefulSet, resourceName: ACTIVEMQ_RESOURCE_NAMES.broker, object: { namespace: ACTIVEMQ.namespace, name: ACTIVEMQ.serviceName } },
        ...namespaces.map((namespace) => ({
            type: TYPES.namespace,
            resourceName: namespaceResourceName(namespace),
            object: { name: namespace },
        })),
    ];
}
