import { recordName } from "../components/aws/dns";
import { listenerPlan, nodePortsToAdmit } from "../components/aws/loadBalancer";
import { CONTROLLER_NAMESPACE } from "../components/haproxy/controllerManifests";
import { roleKey } from "../components/aws/accessEntries";
import { httpRouteAnnotations, renderAllowlist, tcpRouteAnnotations } from "../components/routes/annotations";
import { deployedServices, RESERVED_WORKLOAD_NAMES, routeNamespaces, routeResources, sharedResources } from "../components/routes/names";
import { blockOfCidr, ipv4Reach, worldOpenFamilies } from "./addressSet";
import {
    EKS_PUBLIC_ACCESS_CIDRS_MAX,
    instanceTypeProblem,
    NLB_LISTENERS_MAX,
    NLB_TARGETS_MAX_CROSS_ZONE,
    SECURITY_GROUP_RULES_DEFAULT_MAX,
} from "./awsFacts";
import { dns1035LabelProblem, pathElements } from "./kubernetesValues";
import type { ConfigNotice, ConfigProblem } from "./messages";
import { ACTIVEMQ, CONTROLLER_PORTS, CORTEX, type HttpRoute, type RouteTable, type TcpRoute } from "./routeTable";
import { natGatewayCount } from "./model";
import type { StackConfig } from "./schema";

/**
 * Rules that mirror what the real acceptors (the Kubernetes API server, HAProxy/haproxy-ingress, AWS, the
 * Pulumi engine) would refuse or silently get wrong, run on a config that passed the schema. Each rule names
 * its source; README "What is checked, and why" lists them all.
 */

export interface Findings {
    readonly problems: ConfigProblem[];
    readonly notices: ConfigNotice[];
}

type Route = HttpRoute | TcpRoute;

/** The config key that sets an HTTP route's host. */
export function hostKey(route: Pick<HttpRoute, "configKey">): string {
    return route.configKey === "routes.activemq" ? "routes.activemq.consoleHost" : `${route.configKey}.host`;
}

function isAdditional(route: Route): boolean {
    return route.configKey.startsWith("routes.additional");
}

/** Records `owner` as the first user of `id`; returns the earlier owner when there is one. */
export function claim<K>(owners: Map<K, string>, id: K, owner: string): string | undefined {
    const first = owners.get(id);
    if (first === undefined) owners.set(id, owner);
    return first;
}

/**
 * Route names name Pulumi resources and output keys, so they are unique across all routes: two equal
 * type+name pairs are a duplicate URN, which makes the engine refuse the whole update; two equal
 * httpEndpoints/tcpEndpoints keys silently keep one. Kubernetes objects (kind, namespace, name) must be
 * distinct too, or the second create fails with AlreadyExists.
 */
export function routeIdentityProblems(table: RouteTable): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const routes: Route[] = [...table.http, ...table.tcp];
    const names = new Map<string, string>();
    for (const route of routes) {
        const first = claim(names, route.name, route.configKey);
        if (first) {
            problems.push({
                key: `${route.configKey}.name`,
                message: `"${route.name}" is already the name of ${first} (route names are unique across all routes: they name Pulumi resources, whose duplicate URNs stop the whole update, and the keys of the endpoint outputs)`,
            });
        }
        if (route.kind === "http" && route.workload && isAdditional(route)) {
            const problem = dns1035LabelProblem(route.name);
            if (problem) problems.push({ key: `${route.configKey}.name`, message: `"${route.name}" ${problem}` });
        }
        if (route.kind === "http" && route.workload && RESERVED_WORKLOAD_NAMES.includes(route.backend.name)) {
            problems.push({
                key: `${route.configKey}.name`,
                message: `"${route.backend.name}" is the name of a NetworkPolicy in every namespace the program creates, and a workload's own policy takes the workload's name (any name but ${RESERVED_WORKLOAD_NAMES.join(", ")})`,
            });
        }
    }
    if (problems.length > 0) return problems;

    const owned = [
        ...sharedResources(table).map((resource) => ({ resource, owner: "routes.activemq" })),
        ...routes.flatMap((route) => routeResources(route).map((resource) => ({ resource, owner: route.configKey }))),
    ];
    const urns = new Map<string, string>();
    const objects = new Map<string, string>();
    for (const { resource, owner } of owned) {
        const firstUrn = claim(urns, `${resource.type}::${resource.resourceName}`, owner);
        const objectId = `${resource.type} ${resource.object.namespace ?? ""}/${resource.object.name}`;
        const firstObject = claim(objects, objectId, owner);
        const other = firstUrn ?? firstObject;
        if (other && other !== owner) {
            problems.push({
                key: `${owner}.name`,
                message: `makes ${resource.type.split(":").pop() ?? resource.type} ${resource.object.namespace ? `${resource.object.namespace}/` : ""}${resource.object.name} (Pulumi name ${resource.resourceName}), which ${other} also makes (rename the route)`,
            });
        }
    }
    const records = new Map<string, string>();
    for (const route of table.http) {
        const first = claim(records, recordName(route.host, "A"), route.host);
        if (first && first !== route.host) {
            problems.push({ key: hostKey(route), message: `"${route.host}" and "${first}" give the same Route53 record resource name ${recordName(route.host, "A")} (hosts that differ only in "-" versus "." cannot both be published)` });
        }
    }
    return problems;
}

type Overlap = { readonly kind: "none" } | { readonly kind: "same" } | { readonly kind: "winner"; readonly winner: HttpRoute; readonly loser: HttpRoute };

/**
 * Kubernetes path matching (Ingress docs, "Path types"/"Examples"): Prefix matches element-wise on
 * "/"-separated elements, a trailing slash ignored; Exact matches the whole path. Of two matching paths the
 * longest wins, and Exact beats Prefix on a tie. haproxy-ingress v0.16 implements Prefix with HAProxy's `dir`
 * map match and looks up Exact first (pkg/haproxy/types/maps.go).
 */
function overlap(a: HttpRoute, b: HttpRoute): Overlap {
    if (a.host !== b.host) return { kind: "none" };
    const isPrefixOf = (prefix: string[], path: string[]) => prefix.length <= path.length && prefix.every((element, index) => element === path[index]);
    const elementsA = pathElements(a.path);
    const elementsB = pathElements(b.path);
    if (a.pathType === "Exact" && b.pathType === "Exact") return a.path === b.path ? { kind: "same" } : { kind: "none" };
    if (a.pathType === "Prefix" && b.pathType === "Prefix") {
        if (!isPrefixOf(elementsA, elementsB) && !isPrefixOf(elementsB, elementsA)) return { kind: "none" };
        if (elementsA.length === elementsB.length) return { kind: "same" };
        return elementsA.length > elementsB.length ? { kind: "winner", winner: a, loser: b } : { kind: "winner", winner: b, loser: a };
    }
    const [exact, prefix] = a.pathType === "Exact" ? [a, b] : [b, a];
    return isPrefixOf(pathElements(prefix.path), pathElements(exact.path)) ? { kind: "winner", winner: exact, loser: prefix } : { kind: "none" };
}

/** A route that takes a share of another's requests must say so in `overlaps`; equal paths are refused outright. */
export function pathOverlapProblems(table: RouteTable): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const used = new Map<string, Set<string>>();
    table.http.forEach((route, index) => {
        for (const earlier of table.http.slice(0, index)) {
            const found = overlap(earlier, route);
            if (found.kind === "same") {
                problems.push({
                    key: route.configKey,
                    message: `host and path ${route.host}${route.path} are already routed by ${earlier.configKey} (one route per host, path and path type; a trailing slash does not make a Prefix path different)`,
                });
            } else if (found.kind === "winner" && !isAdditional(found.winner)) {
                // Cortex under the console's "/": the API host would serve the broker console on every other path.
                if (!isAdditional(found.loser)) {
                    problems.push({ key: hostKey(found.loser), message: `is also ${hostKey(found.winner)} (the ActiveMQ console takes every path of its host: give it a host of its own)` });
                }
            } else if (found.kind === "winner") {
                const declared = found.winner.overlaps ?? [];
                if (declared.includes(found.loser.name)) {
                    used.set(found.winner.configKey, (used.get(found.winner.configKey) ?? new Set()).add(found.loser.name));
                } else {
                    problems.push({
                        key: `${found.winner.configKey}.path`,
                        message: `${found.winner.pathType} ${found.winner.host}${found.winner.path} takes requests ${found.loser.configKey} (${found.loser.pathType} ${found.loser.path}) would otherwise serve, with its own allowlist and WAF (add "${found.loser.name}" to ${found.winner.configKey}.overlaps if that is intended, or use another path or host)`,
                    });
                }
            }
        }
    });
    for (const route of table.http) {
        (route.overlaps ?? []).forEach((name, index) => {
            if (!used.get(route.configKey)?.has(name)) {
                problems.push({ key: `${route.configKey}.overlaps[${index}]`, message: `names "${name}", whose requests this route does not take (only routes on the same host under this route's path: remove it)` });
            }
        });
    }
    return problems;
}

/**
 * A further route may not reach what a built-in route guards, nor the controller's own endpoints: it would
 * publish them around that route's allowlist and WAF (or publish stats, metrics, the WAF agent or the API server).
 */
export function protectedBackendProblems(config: StackConfig, table: RouteTable): ConfigProblem[] {
    const cortexBackend = config.routes.cortex.service ?? { namespace: CORTEX.namespace, name: CORTEX.name };
    const guarded = (route: Route): string | undefined => {
        const { namespace, name } = route.backend;
        if (namespace === ACTIVEMQ.namespace && name === ACTIVEMQ.serviceName) {
            return "is the ActiveMQ broker, which routes.activemq publishes behind its own allowlists (console: consoleAllowlist, OpenWire: allowlist)";
        }
        if (namespace === cortexBackend.namespace && name === cortexBackend.name) return "is the Cortex Service, which routes.cortex publishes with its allowlist and WAF (change routes.cortex instead)";
        if (namespace === CONTROLLER_NAMESPACE) {
            return `is in ${CONTROLLER_NAMESPACE}, the controller's namespace (its stats ${CONTROLLER_PORTS.stats.containerPort}, metrics ${CONTROLLER_PORTS.metrics.containerPort}/${CONTROLLER_PORTS.haproxyMetrics.containerPort} and the WAF agent stay inside the cluster)`;
        }
        if (["kube-system", "kube-public", "kube-node-lease"].includes(namespace)) return `is in ${namespace}, a Kubernetes system namespace`;
        if (namespace === "default" && name === "kubernetes") return "is the Kubernetes API server's Service";
        return undefined;
    };
    return [...table.http, ...table.tcp]
        .filter((route) => isAdditional(route) && (route.kind === "tcp" || !route.workload))
        .flatMap((route) => {
            const reason = guarded(route);
            return reason ? [{ key: `${route.configKey}.service`, message: `${route.backend.namespace}/${route.backend.name} ${reason} (route to your own Services only)` }] : [];
        });
}

/**
 * A route to a Service the program does not deploy, in a namespace it creates, would never be served: that namespace's
 * default-deny NetworkPolicy drops all traffic to and from pods that no policy of the program selects, and a policy
 * cannot select the Service's pods without its selector, which the program does not know.
 */
export function programNamespaceBackendProblems(table: RouteTable): ConfigProblem[] {
    const namespaces = new Set(routeNamespaces(table));
    const deployed = deployedServices(table);
    return [...table.http, ...table.tcp]
        .filter((route) => !(route.kind === "http" && route.workload) && namespaces.has(route.backend.namespace))
        .filter((route) => !deployed.some((service) => service.namespace === route.backend.namespace && service.name === route.backend.name))
        .map((route) => ({
            key: `${route.configKey}.service`,
            message: `${route.backend.namespace}/${route.backend.name} is in ${route.backend.namespace}, a namespace this program creates and closes with a default-deny NetworkPolicy, which drops all traffic of pods it does not deploy there (route to a Service in a namespace of your own, or let the program deploy the backend with workload)`,
        }));
}

interface CidrList {
    readonly key: string;
    readonly cidrs: readonly string[];
}

export function routeAllowlists(config: StackConfig): CidrList[] {
    return [
        { key: "routes.cortex.allowlist", cidrs: config.routes.cortex.allowlist },
        { key: "routes.activemq.allowlist", cidrs: config.routes.activemq.allowlist },
        { key: "routes.activemq.consoleAllowlist", cidrs: config.routes.activemq.consoleAllowlist },
        ...config.routes.additional.map((route, index) => ({ key: `routes.additional[${index}].allowlist`, cidrs: route.allowlist })),
    ];
}

export const ENDPOINT_CIDRS_KEY = "cluster.endpointPublicAccessCidrs";

/**
 * World-open judged on the union (HAProxy and EKS admit the union of the entries): one problem per entry that
 * is world-open by itself, else one for the list when its entries together admit every internet address.
 */
export function worldOpenProblems(list: CidrList, allowed: string): ConfigProblem[] {
    // An empty list admits nobody here (a route needs one; no public access CIDRs means a private endpoint).
    if (list.cidrs.length === 0) return [];
    const blocks = list.cidrs.map(blockOfCidr);
    if (worldOpenFamilies(blocks).length === 0) return [];
    const alone = list.cidrs.flatMap((cidr, index) => (worldOpenFamilies([blocks[index]!]).length > 0 ? [{ key: `${list.key}[${index}]`, message: `is ${cidr}, open to the world (${allowed})` }] : []));
    if (alone.length > 0) return alone;
    return [{ key: list.key, message: `admits every internet address together (${list.cidrs.join(", ")}), open to the world (${allowed})` }];
}

/**
 * Entries no client can ever match: the NLB is IPv4-only (ipAddressType ipv4, components/aws/loadBalancer.ts)
 * and internet-facing, so clients arrive from globally reachable IPv4 addresses (IANA special-purpose registry).
 * Documentation ranges are the stack files' example values: reported, not refused.
 */
export function unreachableEntryFindings(config: StackConfig): Findings {
    const problems: ConfigProblem[] = [];
    const notices: ConfigNotice[] = [];
    const natAdvice = config.network.existing
        ? "in-cluster callers arrive from the VPC's NAT addresses: list those"
        : "in-cluster callers arrive from the NAT addresses: set allowNatEgress: true";
    for (const list of routeAllowlists(config)) {
        list.cidrs.forEach((cidr, index) => {
            const key = `${list.key}[${index}]`;
            const reach = ipv4Reach(blockOfCidr(cidr));
            if (reach.kind === "ipv6") problems.push({ key, message: `is ${cidr}, an IPv6 block, but the NLB listens on IPv4 only (ipAddressType ipv4), so no client can match it (list IPv4 blocks)` });
            if (reach.kind === "special" && !reach.documentation) {
                problems.push({ key, message: `is ${cidr}, ${reach.names.join(", ")} addresses, from which no client reaches the internet-facing NLB (list the clients' public addresses; ${natAdvice})` });
            }
            if (reach.kind === "special" && reach.documentation) notices.push({ key, message: `is ${cidr}, a documentation range that matches no real client (replace the example value before deploying)` });
        });
    }
    config.cluster.endpointPublicAccessCidrs.forEach((cidr, index) => {
        const key = `${ENDPOINT_CIDRS_KEY}[${index}]`;
        const block = blockOfCidr(cidr);
        const reach = ipv4Reach(block);
        if (block.writtenAs === "ipv6") {
            problems.push({ key, message: `is ${cidr}, an IPv6 block (the public endpoint of an IPv4 cluster takes IPv4 CIDRs only: EKS VpcConfigRequest publicAccessCidrs)` });
        } else if (reach.kind === "special" && !reach.documentation) {
            problems.push({ key, message: `is ${cidr}, ${reach.names.join(", ")} addresses, which never reach the public API endpoint (list public addresses; in-VPC callers use the private endpoint)` });
        } else if (reach.kind === "special") {
            notices.push({ key, message: `is ${cidr}, a documentation range that matches no real client (replace the example value before deploying)` });
        }
    });
    if (config.cluster.endpointPublicAccessCidrs.length > EKS_PUBLIC_ACCESS_CIDRS_MAX) {
        problems.push({
            key: ENDPOINT_CIDRS_KEY,
            message: `has ${config.cluster.endpointPublicAccessCidrs.length} entries (EKS takes at most ${EKS_PUBLIC_ACCESS_CIDRS_MAX} public access CIDRs per cluster, a quota that cannot be raised: reach the API from inside the VPC instead)`,
        });
    }
    return { problems, notices };
}

/** Kubernetes refuses an object whose annotations total more than 256 KiB (apimachinery ValidateAnnotationsSize). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** The longest `allowlist-source-range` entry a NAT address adds at deploy time. */
const LONGEST_NAT_ENTRY = "255.255.255.255/32";

export function annotationSizeProblems(config: StackConfig, table: RouteTable): ConfigProblem[] {
    const natAddresses = natGatewayCount(config);
    const size = (annotations: Record<string, string>) => Object.entries(annotations).reduce((total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
    return [...table.http, ...table.tcp].flatMap((route) => {
        const allowlist = [...route.allowlist, ...(route.allowNatEgress ? Array<string>(natAddresses).fill(LONGEST_NAT_ENTRY) : [])];
        const rendered = renderAllowlist(allowlist);
        const bytes = size(route.kind === "http" ? httpRouteAnnotations(route, rendered) : tcpRouteAnnotations(route, rendered));
        if (bytes <= ANNOTATIONS_MAX_BYTES) return [];
        const key = route.configKey === "routes.activemq" ? (route.kind === "http" ? "routes.activemq.consoleAllowlist" : "routes.activemq.allowlist") : `${route.configKey}.allowlist`;
        return [{ key, message: `makes ${bytes} bytes of Ingress annotations (Kubernetes takes at most ${ANNOTATIONS_MAX_BYTES}: list fewer, wider blocks)` }];
    });
}

/** Limits the NLB, its target groups and the security groups run into (values and sources in awsFacts.ts). */
export function loadBalancerLimitProblems(config: StackConfig, table: RouteTable): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const listeners = listenerPlan(table.publicPorts).length;
    if (listeners > NLB_LISTENERS_MAX) {
        problems.push({ key: "routes.additional", message: `makes ${listeners} NLB listeners (80, 443 and one per TCP route; a Network Load Balancer takes at most ${NLB_LISTENERS_MAX}, a quota that cannot be raised)` });
    }
    // The NLB's own group is counted, allowlist sources included, by the listener-rules rule (rules.ts).
    const nodeRules = nodePortsToAdmit(table.publicPorts, CONTROLLER_PORTS.healthz.nodePort).length;
    if (nodeRules > SECURITY_GROUP_RULES_DEFAULT_MAX) {
        problems.push({
            key: "routes.additional",
            message: `needs ${nodeRules} inbound rules in the nodes' security group (one per NodePort the NLB sends to; AWS allows ${SECURITY_GROUP_RULES_DEFAULT_MAX} per group by default)`,
        });
    }
    const targets = config.cluster.nodeMaxSize * listeners;
    if (targets > NLB_TARGETS_MAX_CROSS_ZONE) {
        problems.push({
            key: "cluster.nodeMaxSize",
            message: `is ${config.cluster.nodeMaxSize}: every node is a target of each of the ${listeners} target groups, ${targets} targets in all (a cross-zone NLB takes at most ${NLB_TARGETS_MAX_CROSS_ZONE}: fewer nodes or fewer TCP routes)`,
        });
    }
    return problems;
}

export function clusterAcceptorProblems(config: StackConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    config.cluster.nodeInstanceTypes.forEach((instanceType, index) => {
        const problem = instanceTypeProblem(instanceType);
        if (problem) problems.push({ key: `cluster.nodeInstanceTypes[${index}]`, message: problem });
    });
    // Admins and viewers together: EKS takes one access entry per principal, whatever its policies.
    const roles = new Map<string, string>();
    const principals = [
        ...config.cluster.adminRoleArns.map((arn, index) => ({ arn, key: `cluster.adminRoleArns[${index}]` })),
        ...config.cluster.viewerRoleArns.map((arn, index) => ({ arn, key: `cluster.viewerRoleArns[${index}]` })),
    ];
    for (const { arn, key } of principals) {
        const first = claim(roles, roleKey(arn) ?? arn, key);
        if (first) problems.push({ key, message: `is the same role as ${first} (one access entry per principal: a second one fails with ResourceInUseException)` });
    }
    return problems;
}

/** Every acceptor rule that compares keys; run after the schema passed. */
export function acceptorFindings(config: StackConfig, table: RouteTable): Findings {
    const unreachable = unreachableEntryFindings(config);
    return {
        problems: [
            ...routeIdentityProblems(table),
            ...pathOverlapProblems(table),
            ...protectedBackendProblems(config, table),
            ...programNamespaceBackendProblems(table),
            ...unreachable.problems,
            ...annotationSizeProblems(config, table),
            ...loadBalancerLimitProblems(config, table),
            ...clusterAcceptorProblems(config),
        ],
        notices: unreachable.notices,
    };
}
