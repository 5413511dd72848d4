import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ACTIVEMQ, type HttpRoute, type RouteTable, type TcpRoute } from "../../config/routeTable";
import { httpRouteAnnotations, tcpRouteAnnotations } from "./annotations";
import { httpIngressSpec, tcpIngressSpec } from "./ingressManifests";
import {
    ACTIVEMQ_STORAGE_CLASS,
    activemqServiceSpec,
    activemqStatefulSetSpec,
    appLabels,
    webDeploymentSpec,
    webServiceSpec,
} from "./workloadManifests";

export interface RoutesArgs {
    readonly provider: k8s.Provider;
    readonly routeTable: RouteTable;
    /** The cluster's NAT addresses, admitted on routes with `allowNatEgress`. */
    readonly natPublicIps: pulumi.Input<string[]>;
    /** What ActiveMQ's volume claim needs to bind (the EBS CSI driver). */
    readonly storageReady: pulumi.Input<pulumi.Resource>[];
    /** Objects the Ingresses wait for: the IngressClass and the controller that publishes their status. */
    readonly controllerReady: pulumi.Input<pulumi.Resource>[];
    readonly activemq: {
        readonly image: string;
        readonly storageGiB: number;
        readonly adminPassword: pulumi.Input<string>;
        readonly brokerPassword: pulumi.Input<string>;
    };
}

const MANAGED = { "app.kubernetes.io/managed-by": "pulumi" };

function allowlistWithNat(route: HttpRoute | TcpRoute, natPublicIps: pulumi.Input<string[]>): pulumi.Output<string[]> {
    if (!route.allowNatEgress) return pulumi.output([...route.allowlist]);
    return pulumi.output(natPublicIps).apply((ips) => [...route.allowlist, ...ips.map((ip) => `${ip}/32`)]);
}

/**
 * Every route of the table: its Ingress (annotations from the typed route), and the workload behind it
 * when the program deploys one (Cortex, ActiveMQ, additional routes with `workload`).
 */
export class Routes extends pulumi.ComponentResource {
    constructor(name: string, args: RoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:k8s:Routes", name, {}, opts);
        const options = { parent: this, provider: args.provider };
        const table = args.routeTable;

        const namespaces = new Map<string, k8s.core.v1.Namespace>();
        const namespaceFor = (namespace: string): k8s.core.v1.Namespace => {
            let resource = namespaces.get(namespace);
            if (!resource) {
                resource = new k8s.core.v1.Namespace(`${namespace}-ns`, {
                    metadata: { name: namespace, labels: { ...MANAGED, "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" } },
                }, options);
                namespaces.set(namespace, resource);
            }
            return resource;
        };

        for (const route of table.http) {
            if (!route.workload) continue;
            const namespace = namespaceFor(route.namespace);
            const inNamespace = { ...options, dependsOn: [namespace] };
            const metadata = { name: route.backend.name, namespace: route.namespace, labels: { ...MANAGED, ...appLabels(route.backend.name) } };
            new k8s.apps.v1.Deployment(`${route.name}-deployment`, { metadata, spec: webDeploymentSpec(route.backend.name, route.workload, "stable") }, inNamespace);
            if (route.workload.canaryImage) {
                new k8s.apps.v1.Deployment(`${route.name}-canary`, {
                    metadata: { ...metadata, name: `${route.backend.name}-canary` },
                    spec: webDeploymentSpec(route.backend.name, route.workload, "canary"),
                }, inNamespace);
            }
            new k8s.core.v1.Service(`${route.name}-service`, { metadata, spec: webServiceSpec(route.backend.name, route.backend.port) }, inNamespace);
            if (route.workload.replicas >= 2) {
                new k8s.policy.v1.PodDisruptionBudget(`${route.name}-pdb`, {
                    metadata,
                    spec: { maxUnavailable: 1, selector: { matchLabels: appLabels(route.backend.name) } },
                }, inNamespace);
            }
        }

        const activemqNamespace = namespaceFor(ACTIVEMQ.namespace);
        const inActivemq = { ...options, dependsOn: [activemqNamespace] };
        const activemqLabels = { ...MANAGED, ...appLabels(ACTIVEMQ.serviceName) };
        const credentials = new k8s.core.v1.Secret("activemq-credentials", {
            metadata: { name: "activemq-credentials", namespace: ACTIVEMQ.namespace, labels: activemqLabels },
            type: "Opaque",
            stringData: {
                adminUser: "admin",
                adminPassword: pulumi.secret(args.activemq.adminPassword),
                brokerUser: "broker",
                brokerPassword: pulumi.secret(args.activemq.brokerPassword),
            },
        }, inActivemq);
        const storageClass = new k8s.storage.v1.StorageClass("activemq-storage", {
            metadata: { name: ACTIVEMQ_STORAGE_CLASS, labels: MANAGED },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true" },
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        }, options);
        new k8s.core.v1.Service("activemq-service", {
            metadata: { name: ACTIVEMQ.serviceName, namespace: ACTIVEMQ.namespace, labels: activemqLabels },
            spec: activemqServiceSpec(),
        }, inActivemq);
        new k8s.apps.v1.StatefulSet("activemq-broker", {
            metadata: { name: ACTIVEMQ.serviceName, namespace: ACTIVEMQ.namespace, labels: activemqLabels },
            spec: activemqStatefulSetSpec({ image: args.activemq.image, storageGiB: args.activemq.storageGiB, credentialsSecretName: "activemq-credentials" }),
        // Not on the Service: Pulumi's Service await waits for endpoints, which only these pods provide.
        }, { ...options, dependsOn: [activemqNamespace, credentials, storageClass, ...args.storageReady] });

        const ingress = (route: HttpRoute | TcpRoute, annotations: (allowlist: string[]) => Record<string, string>, spec: k8s.types.input.networking.v1.IngressSpec): void => {
            new k8s.networking.v1.Ingress(`${route.name}-ingress`, {
                metadata: {
                    name: route.name,
                    namespace: route.namespace,
                    labels: MANAGED,
                    annotations: allowlistWithNat(route, args.natPublicIps).apply(annotations),
                },
                spec,
            // Not on the backend: the Ingress await needs only its Endpoints object to exist and the status the
            // controller publishes (pulumi-kubernetes await/ingress.go), so waiting for the rollout would only delay it.
            }, { ...options, dependsOn: [...args.controllerReady] });
        };
        for (const route of table.http) ingress(route, (allowlist) => httpRouteAnnotations(route, allowlist), httpIngressSpec(route));
        for (const route of table.tcp) ingress(route, (allowlist) => tcpRouteAnnotations(route, allowlist), tcpIngressSpec(route));
        this.registerOutputs({});
    }
}
