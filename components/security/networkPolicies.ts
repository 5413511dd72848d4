import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ACTIVEMQ, type RouteTable } from "../../config/routeTable";
import { CONTROLLER_NAME, CONTROLLER_NAMESPACE } from "../haproxy/controllerManifests";
import { WAF_NAME } from "../haproxy/wafManifests";
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

/**
 * Least privilege between pods: a default-deny and a DNS policy in every namespace the program owns,
 * and one policy per workload (controller, WAF agent, ActiveMQ, each deployed route workload) that
 * admits exactly its peers. Enforcement is the VPC CNI's (`enableNetworkPolicy`).
 */
export class ClusterNetworkPolicies extends pulumi.ComponentResource {
    constructor(name: string, args: ClusterNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:k8s:ClusterNetworkPolicies", name, {}, opts);
        const policy = (namespace: string, policyName: string, spec: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicySpec>): void => {
            const namespaceResource = args.namespaces.get(namespace);
            if (!namespaceResource) throw new Error(`no namespace ${namespace} among those the program creates (${[...args.namespaces.keys()].join(", ")})`);
            new k8s.networking.v1.NetworkPolicy(`${name}-${namespace}-${policyName}`, {
                metadata: { name: policyName, namespace, labels: { "app.kubernetes.io/part-of": "commerce-edge", "app.kubernetes.io/managed-by": "pulumi" } },
                spec,
            }, { parent: this, provider: args.provider, dependsOn: [namespaceResource] });
        };

        for (const namespace of args.namespaces.keys()) {
            policy(namespace, "default-deny", defaultDenySpec());
            policy(namespace, "allow-dns", dnsEgressSpec());
        }

        const table = args.routeTable;
        policy(CONTROLLER_NAMESPACE, CONTROLLER_NAME, pulumi.all([args.vpcCidrs, args.apiServerAddress]).apply(([vpcCidrs, apiServerAddress]) => controllerPolicySpec({
            publicPorts: table.publicPorts,
            vpcCidrs,
            apiServerAddress,
            backends: controllerBackends(table),
            metricsScraperNamespaces: args.metricsScraperNamespaces,
        })));
        policy(CONTROLLER_NAMESPACE, WAF_NAME, wafPolicySpec());
        policy(ACTIVEMQ.namespace, ACTIVEMQ.serviceName, activemqPolicySpec(args.activemqClients));

        for (const route of table.http) {
            if (!route.workload) continue;
            policy(route.namespace, route.backend.name, workloadPolicySpec({
                podLabels: appLabels(route.backend.name),
                controllerPorts: [route.workload.containerPort],
                egress: [
                    ...(args.activemqClients.includes(route.namespace) ? [activemqEgress()] : []),
                    ...configuredEgress(route.workload.egress),
                ],
            }));
        }
        this.registerOutputs({});
    }
}
