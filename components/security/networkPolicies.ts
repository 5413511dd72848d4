import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ACTIVEMQ, type RouteTable } from "../../config/routeTable";
import { CONTROLLER_NAME, CONTROLLER_NAMESPACE } from "../haproxy/controllerManifests";
import { WAF_NAME } from "../haproxy/wafManifests";
import { NAMESPACE_POLICIES, networkPolicyResourceName } from "../routes/names";
import { appLabels } from "../routes/workloadManifests";
import {
    activemqEgress,
    activemqPolicySpec,
    configuredEgress,
    controllerBackends,
    controllerPolicySpec,
    defaultDenySpec,
    dnsEgressSpec,
    wafPolicySpec,
    workloadPolicySpec,
} from "./networkPolicyManifests";

export interface ClusterNetworkPoliciesArgs {
    readonly provider: k8s.Provider;
    readonly routeTable: RouteTable;
    /** Every namespace the program creates, by name: each denies all traffic but DNS, then admits its workloads' needs. */
    readonly namespaces: ReadonlyMap<string, k8s.core.v1.Namespace>;
    /** The VPC's CIDR blocks (NLB health checks come from there; pods and nodes live there). */
    readonly vpcCidrs: pulumi.Input<string[]>;
    /** ClusterIP of the `kubernetes` Service, which the controller watches. */
    readonly apiServerAddress: pulumi.Input<string>;
    /** Namespaces whose pods may scrape the controller's metrics and stats. @default ["monitoring"] */
    readonly metricsScraperNamespaces: readonly string[];
    /** Namespaces whose pods may connect to ActiveMQ's OpenWire port directly. @default Cortex's namespace */
    readonly activemqClients: readonly string[];
}

/** A policy to create: where, under which name, with which spec. */
interface PlannedPolicy {
    readonly namespace: string;
    readonly name: string;
    readonly spec: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicySpec>;
}

/**
 * Least privilege between pods: a default-deny and a DNS policy in every namespace the program owns,
 * and one policy per workload (controller, WAF agent, ActiveMQ, each deployed route workload) that
 * admits exactly its peers. Enforcement is the VPC CNI's (`enableNetworkPolicy`).
 *
 * Each namespace's default-deny is created after that namespace's other policies: in one update they would otherwise
 * be created in parallel, and on a live stack (pods already running) default-deny could be enforced before what it
 * should let through. The network policy controller still reconciles policies concurrently (3 workers by default:
 * aws/amazon-network-policy-controller-k8s pkg/config/controller_config.go), so this narrows that window; it cannot
 * close it. Deleting, Pulumi removes default-deny first for the same reason.
 */
export class ClusterNetworkPolicies extends pulumi.ComponentResource {
    constructor(name: string, args: ClusterNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:k8s:ClusterNetworkPolicies", name, {}, opts);
        const table = args.routeTable;
        // Outside the apply: only the address stays unknown in a first preview, not the whole spec.
        const apiServerCidr = pulumi.output(args.apiServerAddress).apply((address) => `${address}/32`);
        const allows: PlannedPolicy[] = [
            ...[...args.namespaces.keys()].map((namespace) => ({ namespace, name: NAMESPACE_POLICIES.dns, spec: dnsEgressSpec() })),
            {
                namespace: CONTROLLER_NAMESPACE,
                name: CONTROLLER_NAME,
                spec: pulumi.output(args.vpcCidrs).apply((vpcCidrs) => controllerPolicySpec({
                    publicPorts: table.publicPorts,
                    vpcCidrs,
                    apiServerCidr,
                    backends: controllerBackends(table),
                    metricsScraperNamespaces: args.metricsScraperNamespaces,
                })),
            },
            { namespace: CONTROLLER_NAMESPACE, name: WAF_NAME, spec: wafPolicySpec() },
            { namespace: ACTIVEMQ.namespace, name: ACTIVEMQ.serviceName, spec: activemqPolicySpec(args.activemqClients) },
            ...table.http.flatMap((route) => route.workload
                ? [{
                    namespace: route.namespace,
                    name: route.backend.name,
                    spec: workloadPolicySpec({
                        podLabels: appLabels(route.backend.name),
                        controllerPorts: [route.workload.containerPort],
                        egress: [
                            ...(args.activemqClients.includes(route.namespace) ? [activemqEgress()] : []),
                            ...configuredEgress(route.workload.egress),
                        ],
                    }),
                }]
                : []),
        ];
        const denies: PlannedPolicy[] = [...args.namespaces.keys()].map((namespace) => ({ namespace, name: NAMESPACE_POLICIES.defaultDeny, spec: defaultDenySpec() }));

        // The names these policies had before networkPolicyResourceName, where unambiguous, as aliases: a live stack's
        // policies are renamed in its state, instead of new resources applying the objects that exist and the old
        // resources then deleting those same objects.
        const formerName = (policy: PlannedPolicy): string => `${name}-${policy.namespace}-${policy.name}`;
        const formerNames = new Map<string, number>();
        for (const policy of [...allows, ...denies]) formerNames.set(formerName(policy), (formerNames.get(formerName(policy)) ?? 0) + 1);

        const create = (policy: PlannedPolicy, dependsOn: pulumi.Resource[]): k8s.networking.v1.NetworkPolicy => {
            const namespace = args.namespaces.get(policy.namespace);
            if (!namespace) throw new Error(`no namespace ${policy.namespace} among those the program creates (${[...args.namespaces.keys()].join(", ")})`);
            const aliases = formerNames.get(formerName(policy)) === 1 ? [{ name: formerName(policy) }] : [];
            return new k8s.networking.v1.NetworkPolicy(networkPolicyResourceName(policy.namespace, policy.name), {
                metadata: { name: policy.name, namespace: policy.namespace, labels: { "app.kubernetes.io/part-of": "commerce-edge", "app.kubernetes.io/managed-by": "pulumi" } },
                spec: policy.spec,
            }, { parent: this, provider: args.provider, dependsOn: [namespace, ...dependsOn], aliases });
        };
        const created = allows.map((policy) => ({ namespace: policy.namespace, resource: create(policy, []) }));
        for (const deny of denies) create(deny, created.filter((allow) => allow.namespace === deny.namespace).map((allow) => allow.resource));
        this.registerOutputs({});
    }
}
