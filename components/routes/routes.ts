import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { disruptionBudgetSpec } from "../disruptionBudget";
import { ACTIVEMQ, type HttpRoute, type RouteTable, type TcpRoute } from "../../config/routeTable";
import { namespacePodSecurity, plainPodTemplate, podSecurityMetadata, type NamedPodTemplate } from "../security/podSecurity";
import { httpRouteAnnotations, routeAllowlist, tcpRouteAnnotations } from "./annotations";
import { httpIngressSpec, tcpIngressSpec } from "./ingressManifests";
import { ACTIVEMQ_CONFIG_MAP, ACTIVEMQ_CREDENTIALS_SECRET, ACTIVEMQ_RESOURCE_NAMES, namespaceResourceName, routeResourceNames } from "./names";
import {
    ACTIVEMQ_CLAIM_NAME,
    ACTIVEMQ_STORAGE_CLASS,
    activemqBrokerXml,
    ACTIVEMQ_CREDENTIAL_FILES,
    activemqClaimSpec,
    activemqCredentialFiles,
    activemqServiceSpec,
    activemqStatefulSetSpec,
    appLabels,
    webDeploymentSpec,
    webServiceSpec,
} from "./workloadManifests";
import { contentHash } from "../contentHash";

export interface RoutesArgs {
    readonly provider: k8s.Provider;
    /** A provider that adopts objects that exist already (upsertExistingObjects): used for ActiveMQ's volume claim only. */
    readonly claimProvider: k8s.Provider;
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

/**
 * Every route of the table: its Ingress (annotations from the typed route), and the workload behind it
 * when the program deploys one (Cortex, ActiveMQ, additional routes with `workload`).
 */
export class Routes extends pulumi.ComponentResource {
    /** The namespaces it creates, by name. */
    readonly namespaces: ReadonlyMap<string, k8s.core.v1.Namespace>;

    constructor(name: string, args: RoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:k8s:Routes", name, {}, opts);
        const options = { parent: this, provider: args.provider };
        const table = args.routeTable;

        const workloads = table.http.flatMap((route) => route.workload
            ? [{
                route,
                workload: route.workload,
                stable: webDeploymentSpec(route.backend.name, route.workload, "stable"),
                canary: route.workload.canaryImage ? webDeploymentSpec(route.backend.name, route.workload, "canary") : undefined,
            }]
            : []);
        const brokerXml = activemqBrokerXml();
        const brokerInput = {
            image: args.activemq.image,
            configMapName: ACTIVEMQ_CONFIG_MAP,
            credentialsSecretName: ACTIVEMQ_CREDENTIALS_SECRET,
            configChecksum: contentHash(brokerXml, 16),
        };
        // The credentials' version does not touch the pod's security fields.
        const brokerSpec = activemqStatefulSetSpec({ ...brokerInput, credentialsVersion: "" });

        // Each namespace's Pod Security level comes from the pods it runs.
        const podsByNamespace = new Map<string, NamedPodTemplate[]>();
        const addPods = (namespace: string, name: string, spec: { template: unknown }): void => {
            podsByNamespace.set(namespace, [...(podsByNamespace.get(namespace) ?? []), { name, template: plainPodTemplate(name, spec) }]);
        };
        for (const { route, stable, canary } of workloads) {
            addPods(route.namespace, route.backend.name, stable);
            if (canary) addPods(route.namespace, `${route.backend.name}-canary`, canary);
        }
        addPods(ACTIVEMQ.namespace, ACTIVEMQ.serviceName, brokerSpec);
        const namespaces = new Map([...podsByNamespace].map(([namespace, pods]) => {
            const securityMetadata = podSecurityMetadata(namespacePodSecurity(namespace, pods));
            return [namespace, new k8s.core.v1.Namespace(namespaceResourceName(namespace), {
                metadata: { name: namespace, ...securityMetadata, labels: { ...MANAGED, ...securityMetadata.labels } },
            }, options)] as const;
        }));
        this.namespaces = namespaces;
        const namespaceFor = (namespace: string): k8s.core.v1.Namespace => namespaces.get(namespace)!;

        for (const { route, workload, stable, canary } of workloads) {
            const namespace = namespaceFor(route.namespace);
            const inNamespace = { ...options, dependsOn: [namespace] };
            const names = routeResourceNames(route);
            const metadata = { name: route.backend.name, namespace: route.namespace, labels: { ...MANAGED, ...appLabels(route.backend.name) } };
            new k8s.apps.v1.Deployment(names.deployment.resourceName, { metadata, spec: stable }, inNamespace);
            if (canary) {
                new k8s.apps.v1.Deployment(names.canary.resourceName, {
                    metadata: { ...metadata, name: names.canary.objectName },
                    spec: canary,
                }, inNamespace);
            }
            new k8s.core.v1.Service(names.service.resourceName, { metadata, spec: webServiceSpec(route.backend.name, route.backend.port) }, inNamespace);
            if (workload.replicas >= 2) {
                new k8s.policy.v1.PodDisruptionBudget(names.pdb.resourceName, {
                    metadata,
                    spec: disruptionBudgetSpec(appLabels(route.backend.name)),
                }, inNamespace);
            }
        }

        const activemqNamespace = namespaceFor(ACTIVEMQ.namespace);
        const inActivemq = { ...options, dependsOn: [activemqNamespace] };
        const activemqLabels = { ...MANAGED, ...appLabels(ACTIVEMQ.serviceName) };
        const files = pulumi.secret(pulumi.all([args.activemq.adminPassword, args.activemq.brokerPassword]).apply(([adminPassword, brokerPassword]) =>
            activemqCredentialFiles({ admin: { name: "admin", password: adminPassword }, broker: { name: "broker", password: brokerPassword } })));
        // Only the files the broker mounts: no further plaintext copy of a password in the cluster. A key dropped here
        // leaves a live Secret: the provider applies stringData as data (pulumi-kubernetes clients/unstructured.go,
        // normalizeSecret), and Server-Side Apply removes the fields only this manager set (unlike stringData itself,
        // kubernetes/kubernetes#108008).
        const credentials = new k8s.core.v1.Secret(ACTIVEMQ_RESOURCE_NAMES.credentials, {
            metadata: { name: ACTIVEMQ_CREDENTIALS_SECRET, namespace: ACTIVEMQ.namespace, labels: activemqLabels },
            type: "Opaque",
            stringData: Object.fromEntries(ACTIVEMQ_CREDENTIAL_FILES.map((file) => [file, files.apply((contents) => contents[file])])),
        }, inActivemq);
        const brokerConfig = new k8s.core.v1.ConfigMap(ACTIVEMQ_RESOURCE_NAMES.config, {
            metadata: { name: ACTIVEMQ_CONFIG_MAP, namespace: ACTIVEMQ.namespace, labels: activemqLabels },
            data: { "activemq.xml": brokerXml },
        }, inActivemq);
        const storageClass = new k8s.storage.v1.StorageClass(ACTIVEMQ_RESOURCE_NAMES.storageClass, {
            metadata: { name: ACTIVEMQ_STORAGE_CLASS, labels: MANAGED },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true" },
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        }, options);
        // Its own object, not a volumeClaimTemplate (immutable): growing storageGiB resizes the volume in place. Through the
        // claim provider, which adopts the claim a stack created before already has; retained, as it holds the broker's data.
        // Not awaited: the broker's rollout is the signal, and a WaitForFirstConsumer claim binds only with its pod.
        const claim = new k8s.core.v1.PersistentVolumeClaim(ACTIVEMQ_RESOURCE_NAMES.claim, {
            metadata: { name: ACTIVEMQ_CLAIM_NAME, namespace: ACTIVEMQ.namespace, labels: activemqLabels, annotations: { "pulumi.com/skipAwait": "true" } },
            spec: activemqClaimSpec(args.activemq.storageGiB),
        }, { parent: this, provider: args.claimProvider, dependsOn: [activemqNamespace, storageClass], retainOnDelete: true });
        new k8s.core.v1.Service(ACTIVEMQ_RESOURCE_NAMES.service, {
            metadata: { name: ACTIVEMQ.serviceName, namespace: ACTIVEMQ.namespace, labels: activemqLabels },
            spec: activemqServiceSpec(),
        }, inActivemq);
        new k8s.apps.v1.StatefulSet(ACTIVEMQ_RESOURCE_NAMES.broker, {
            metadata: { name: ACTIVEMQ.serviceName, namespace: ACTIVEMQ.namespace, labels: activemqLabels },
            spec: activemqStatefulSetSpec({ ...brokerInput, credentialsVersion: credentials.metadata.apply((metadata) => metadata.resourceVersion ?? "") }),
        // Not on the Service: Pulumi's Service await waits for endpoints, which only these pods provide.
        }, { ...options, dependsOn: [activemqNamespace, brokerConfig, claim, ...args.storageReady] });

        // Annotations stay a plain map: a preview then knows every value but a NAT allowlist (Pulumi sends
        // nested Outputs value by value), so policies can check the WAF and other keys before the first up.
        const ingress = (route: HttpRoute | TcpRoute, annotations: (allowlist: pulumi.Input<string>) => Record<string, pulumi.Input<string>>, spec: k8s.types.input.networking.v1.IngressSpec): void => {
            const names = routeResourceNames(route);
            const namespace = namespaces.get(route.namespace);
            new k8s.networking.v1.Ingress(names.ingress.resourceName, {
                metadata: {
                    name: names.ingress.objectName,
                    namespace: route.namespace,
                    labels: MANAGED,
                    annotations: annotations(routeAllowlist(route, args.natPublicIps)),
                },
                spec,
            // Not on the backend: the Ingress await needs only its Endpoints object to exist and the status the
            // controller publishes (pulumi-kubernetes await/ingress.go), so waiting for the rollout would only delay it.
            // On its Namespace when the program creates it, which the API server needs first.
            }, { ...options, dependsOn: [...args.controllerReady, ...(namespace ? [namespace] : [])] });
        };
        for (const route of table.http) ingress(route, (allowlist) => httpRouteAnnotations(route, allowlist), httpIngressSpec(route));
        for (const route of table.tcp) ingress(route, (allowlist) => tcpRouteAnnotations(route, allowlist), tcpIngressSpec(route));
        this.registerOutputs({});
    }
}
