import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import ipaddr from "ipaddr.js";
import { ACTIVEMQ, CONTROLLER_PORTS, type PublicPort, type RouteTable } from "../../config/routeTable";
import type { EgressRuleConfig } from "../../config/schema";
import { CONTROLLER_LABELS, CONTROLLER_NAMESPACE } from "../haproxy/controllerManifests";
import { WAF_LABELS, WAF_PORT } from "../haproxy/wafManifests";
import { deployedServices } from "../routes/names";
import { appLabels } from "../routes/workloadManifests";

/**
 * Pure builders of the NetworkPolicies: every namespace the program creates denies all traffic, then
 * each workload is admitted exactly what it needs. Enforced by the VPC CNI's network policy agent,
 * whose behaviour decides several details (aws/amazon-network-policy-controller-k8s
 * pkg/resolvers/endpoints.go; aws/aws-network-policy-agent pkg/fwruleprocessor/fw_rule_processor.go):
 * - it filters on the pod's veth, before kube-proxy's DNAT, so egress to a Service is matched on its
 *   ClusterIP: the controller adds the ClusterIPs of Services whose selector a peer's podSelector
 *   matches, and a Service without a selector (the API server's) needs an ipBlock of its ClusterIP;
 * - traffic from the pod's own node is always allowed, so kubelet probes need no rule.
 */

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type NetworkPolicyRule = { readonly peers: NetworkPolicyPeer[]; readonly ports: readonly number[] };

/** Set by Kubernetes on every namespace (kubernetes.io/docs/reference/labels-annotations-taints). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
/** CoreDNS pods in kube-system carry this label (EKS user guide, "Manage CoreDNS"). */
export const DNS_POD_LABELS = { "k8s-app": "kube-dns" } as const;
/** HTTPS port of the `kubernetes` Service and of the EKS API endpoint. */
export const API_SERVER_PORT = 443;

export function namespacePeer(namespace: string): NetworkPolicyPeer {
    return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } };
}

function namespacesPeer(namespaces: readonly string[]): NetworkPolicyPeer {
    return { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values: [...namespaces].sort() }] } };
}

/** Pods with these labels in that namespace; every pod of it when no labels are given. */
export function podsPeer(namespace: string, podLabels?: Readonly<Record<string, string>>): NetworkPolicyPeer {
    return { ...namespacePeer(namespace), ...(podLabels ? { podSelector: { matchLabels: { ...podLabels } } } : {}) };
}

function tcp(ports: readonly number[]): { protocol: string; port: number }[] {
    return [...new Set(ports)].sort((a, b) => a - b).map((port) => ({ protocol: "TCP", port }));
}

function ingressRules(rules: readonly NetworkPolicyRule[]): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    return rules.map((rule) => ({ from: rule.peers, ports: tcp(rule.ports) }));
}

function egressRules(rules: readonly NetworkPolicyRule[]): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    return rules.map((rule) => ({ to: rule.peers, ports: tcp(rule.ports) }));
}

/** Selects every pod of its namespace and allows nothing: the base other policies add to. */
export function defaultDenySpec(): NetworkPolicySpec {
    return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

/** Every pod of the namespace may query CoreDNS (UDP and TCP 53; the agent adds the kube-dns ClusterIP). */
export function dnsEgressSpec(): NetworkPolicySpec {
    return {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{
            to: [{ ...namespacePeer("kube-system"), podSelector: { matchLabels: { ...DNS_POD_LABELS } } }],
            ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        }],
    };
}

/** The address of the `kubernetes` Service: the first address of the service range (kubernetes pkg/controlplane/services.go). */
export function apiServerServiceAddress(serviceCidr: string): string {
    const [network] = ipaddr.parseCIDR(serviceCidr);
    const bytes = network.toByteArray();
    for (let index = bytes.length - 1; index >= 0; index--) {
        bytes[index] = (bytes[index]! + 1) % 256;
        if (bytes[index] !== 0) break;
    }
    return ipaddr.fromByteArray(bytes).toString();
}

/** Pods the controller forwards to: which, and on which container ports. */
export interface BackendPeer {
    readonly namespace: string;
    /** Labels of the program's own pods; absent for an existing Service (every pod of its namespace). */
    readonly podLabels?: Readonly<Record<string, string>>;
    readonly ports: readonly number[];
}

/**
 * Every backend of the route table, merged per namespace and pods. haproxy-ingress sends to the
 * endpoints (pod IP and target port), so the ports are the pods', not the Services'.
 *
 * A Service the program deploys (whichever route names it) is reached by its pods' labels. Any other is reached as
 * every pod of its namespace, as the program does not know its selector; so its routes are merged per namespace:
 * a rule per Service would admit the same pods on the same ports. Validation keeps those namespaces out of the
 * ones the program creates (programNamespaceBackendProblems).
 */
export function controllerBackends(table: RouteTable): BackendPeer[] {
    const deployed = new Set(deployedServices(table).map((service) => `${service.namespace}/${service.name}`));
    const backends = new Map<string, { namespace: string; podLabels?: Record<string, string>; ports: Set<number> }>();
    for (const route of [...table.http, ...table.tcp]) {
        const { backend } = route;
        const programOwned = deployed.has(`${backend.namespace}/${backend.name}`);
        const podLabels = programOwned ? appLabels(backend.name) : undefined;
        const key = `${backend.namespace}/${programOwned ? backend.name : "*"}`;
        const entry = backends.get(key) ?? { namespace: backend.namespace, ...(podLabels ? { podLabels } : {}), ports: new Set<number>() };
        entry.ports.add(backend.targetPort ?? backend.port);
        backends.set(key, entry);
    }
    return [...backends.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, entry]) => ({ namespace: entry.namespace, ...(entry.podLabels ? { podLabels: entry.podLabels } : {}), ports: [...entry.ports].sort((a, b) => a - b) }));
}

export interface ControllerPolicyInput {
    readonly publicPorts: readonly PublicPort[];
    /** The VPC's CIDR blocks: NLB health checks come from there, and pods and nodes live there. */
    readonly vpcCidrs: readonly string[];
    /** ClusterIP of the `kubernetes` Service as a /32; EKS computes the service range, so it may be unknown in a preview. */
    readonly apiServerCidr: pulumi.Input<string>;
    readonly backends: readonly BackendPeer[];
    readonly metricsScraperNamespaces: readonly string[];
}

/**
 * The controller's pods. Client traffic arrives through the NLB's NodePorts with the client's own
 * address (instance targets preserve it: ELB docs, "Edit target group attributes", Client IP
 * preservation) and externalTrafficPolicy Local (no SNAT), so the traffic ports admit any IPv4 source
 * except the VPC's: a pod connecting directly could otherwise write its own PROXY header and pass any
 * allowlist. Health checks come from the NLB's private addresses, inside the VPC, to healthz only.
 */
export function controllerPolicySpec(input: ControllerPolicyInput): NetworkPolicySpec {
    const ingress: NetworkPolicyRule[] = [
        { peers: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...input.vpcCidrs] } }], ports: input.publicPorts.map((port) => port.containerPort) },
        { peers: input.vpcCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [CONTROLLER_PORTS.healthz.containerPort] },
        ...(input.metricsScraperNamespaces.length > 0
            ? [{
                peers: [namespacesPeer(input.metricsScraperNamespaces)],
                ports: [CONTROLLER_PORTS.metrics.containerPort, CONTROLLER_PORTS.haproxyMetrics.containerPort, CONTROLLER_PORTS.stats.containerPort],
            }]
            : []),
    ];
    const egress: NetworkPolicyRule[] = [
        { peers: [{ ipBlock: { cidr: input.apiServerCidr } }], ports: [API_SERVER_PORT] },
        { peers: [{ podSelector: { matchLabels: { ...WAF_LABELS } } }], ports: [WAF_PORT] },
        ...input.backends.map((backend) => ({ peers: [podsPeer(backend.namespace, backend.podLabels)], ports: backend.ports })),
    ];
    return {
        podSelector: { matchLabels: { ...CONTROLLER_LABELS } },
        policyTypes: ["Ingress", "Egress"],
        ingress: ingressRules(ingress),
        egress: egressRules(egress),
    };
}

/** The WAF agent: the controller's SPOE connections only; it calls nothing (DNS aside). */
export function wafPolicySpec(): NetworkPolicySpec {
    return {
        podSelector: { matchLabels: { ...WAF_LABELS } },
        policyTypes: ["Ingress", "Egress"],
        ingress: ingressRules([{ peers: [{ podSelector: { matchLabels: { ...CONTROLLER_LABELS } } }], ports: [WAF_PORT] }]),
        egress: [],
    };
}

const controllerPods = (): NetworkPolicyPeer => podsPeer(CONTROLLER_NAMESPACE, CONTROLLER_LABELS);

/** The destinations of a workload's `egress` config. */
export function configuredEgress(rules: readonly EgressRuleConfig[]): NetworkPolicyRule[] {
    return rules.map((rule) => {
        if (rule.cidr) return { peers: [{ ipBlock: { cidr: rule.cidr } }], ports: rule.ports };
        if (rule.namespace) return { peers: [namespacePeer(rule.namespace)], ports: rule.ports };
        throw new Error("an egress rule names neither a cidr nor a namespace");
    });
}

export interface WorkloadPolicyInput {
    readonly podLabels: Readonly<Record<string, string>>;
    /** Ports the controller forwards to. */
    readonly controllerPorts: readonly number[];
    /** Further clients: namespaces whose pods may connect, and on which ports. */
    readonly clients?: { readonly namespaces: readonly string[]; readonly ports: readonly number[] };
    readonly egress: readonly NetworkPolicyRule[];
}

/** A workload behind a route: the controller in, its configured destinations out. */
export function workloadPolicySpec(input: WorkloadPolicyInput): NetworkPolicySpec {
    const clients = input.clients && input.clients.namespaces.length > 0 ? [{ peers: [namespacesPeer(input.clients.namespaces)], ports: input.clients.ports }] : [];
    return {
        podSelector: { matchLabels: { ...input.podLabels } },
        policyTypes: ["Ingress", "Egress"],
        ingress: ingressRules([{ peers: [controllerPods()], ports: input.controllerPorts }, ...clients]),
        egress: egressRules(input.egress),
    };
}

/** ActiveMQ: the controller on OpenWire and the console, the documented in-cluster clients on OpenWire. */
export function activemqPolicySpec(inClusterClients: readonly string[]): NetworkPolicySpec {
    return workloadPolicySpec({
        podLabels: appLabels(ACTIVEMQ.serviceName),
        controllerPorts: [ACTIVEMQ.openwirePort, ACTIVEMQ.consolePort],
        clients: { namespaces: inClusterClients, ports: [ACTIVEMQ.openwirePort] },
        egress: [],
    });
}

/** Egress of a program workload in a namespace that may use the broker. */
export function activemqEgress(): NetworkPolicyRule {
    return { peers: [podsPeer(ACTIVEMQ.namespace, appLabels(ACTIVEMQ.serviceName))], ports: [ACTIVEMQ.openwirePort] };
}
