import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PublicPort } from "../../config/routeTable";
import { CONTROLLER_PORTS } from "../../config/routeTable";
import {
    CONTROLLER_LABELS,
    CONTROLLER_NAME,
    CONTROLLER_NAMESPACE,
    controllerClusterRoleRules,
    controllerConfigData,
    controllerDeploymentSpec,
    controllerMetricsServiceSpec,
    controllerRoleRules,
    controllerServiceSpec,
} from "./controllerManifests";
import { disruptionBudgetSpec } from "../disruptionBudget";
import { namespacePodSecurity, plainPodTemplate, podSecurityMetadata } from "../security/podSecurity";
import { INGRESS_CLASS, INGRESS_CONTROLLER } from "./keys";
import { wafConfigFiles, wafConfigHash, type WafConfigInput } from "./wafConfig";
import { WAF_LABELS, WAF_NAME, WAF_PORT, wafDeploymentSpec, wafServiceSpec } from "./wafManifests";
import { contentHash } from "../contentHash";

export interface IngressControllerArgs {
    /** Kubernetes provider of the cluster. */
    readonly provider: k8s.Provider;
    /** @default "quay.io/jcmoraisjr/haproxy-ingress:v0.16.1" */
    readonly image: string;
    /** @default 2; 3 in production */
    readonly replicas: number;
    /** 80, 443 and the TCP route ports, with their fixed NodePorts (the NLB targets the same list). */
    readonly publicPorts: readonly PublicPort[];
    /** @default "quay.io/jcmoraisjr/modsecurity-spoa:v0.14" */
    readonly wafImage: string;
    /** @default 2 */
    readonly wafReplicas: number;
    /** Default `waf-mode` of WAF-enabled paths. @default "deny" */
    readonly wafMode: "deny" | "detect";
    /** The agent's ModSecurity settings and per-route exclusions (wafConfigInput). */
    readonly wafConfig: WafConfigInput;
    /** Default certificate: PEM pair (secret Outputs), an existing Secret `namespace/name`, or none (self-signed). */
    readonly defaultCertificate?: { readonly certificate: pulumi.Input<string>; readonly privateKey: pulumi.Input<string> } | { readonly existingSecret: string };
    /** Published in every Ingress's status: the NLB's DNS name. */
    readonly publishAddress: pulumi.Input<string>;
    /** Annotate the metrics Service for Prometheus. @default true */
    readonly prometheusScrape: boolean;
    /** Create a prometheus-operator ServiceMonitor. @default false */
    readonly serviceMonitor: boolean;
    readonly production: boolean;
}

/**
 * jcmoraisjr/haproxy-ingress v0.16 and its ModSecurity SPOA agent: namespace, RBAC, IngressClass,
 * global ConfigMap (PROXY on every port, WAF endpoints), Deployment, PDB, NodePort and metrics Services.
 */
export class IngressController extends pulumi.ComponentResource {
    readonly namespace: string = CONTROLLER_NAMESPACE;
    readonly ingressClassName: string = INGRESS_CLASS;
    /** `ip:port` of the WAF agent Service, as written to `modsecurity-endpoints`. */
    readonly modsecurityEndpoints: pulumi.Output<string>;
    /** Resources the routes' Ingresses need in place before the controller can admit them. */
    readonly ready: pulumi.Resource[];
    /** The controller's namespace, which its NetworkPolicies wait for. */
    readonly namespaceResource: k8s.core.v1.Namespace;

    constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:k8s:IngressController", name, {}, opts);
        const options = { parent: this, provider: args.provider };
        const labels = { "app.kubernetes.io/part-of": "commerce-edge", "app.kubernetes.io/managed-by": "pulumi" };

        const certificate = args.defaultCertificate;
        const defaultCertificate = certificate && "existingSecret" in certificate ? certificate.existingSecret : certificate ? `${CONTROLLER_NAMESPACE}/default-tls` : undefined;
        const controllerInput = {
            image: args.image,
            replicas: args.replicas,
            publicPorts: args.publicPorts,
            configMapName: CONTROLLER_NAME,
            serviceAccountName: CONTROLLER_NAME,
            production: args.production,
            ...(defaultCertificate ? { defaultCertificate } : {}),
        };
        const wafFiles = wafConfigFiles(args.wafConfig);
        const wafConfigMapName = `${WAF_NAME}-${wafConfigHash(wafFiles)}`;
        const wafSpec = wafDeploymentSpec({ image: args.wafImage, replicas: args.wafReplicas, configMapName: wafConfigMapName, configFiles: wafFiles.map((file) => file.name) });
        // The checksum and publish address do not touch the pod's security fields.
        const podSecurity = namespacePodSecurity(CONTROLLER_NAMESPACE, [
            { name: CONTROLLER_NAME, template: plainPodTemplate(CONTROLLER_NAME, controllerDeploymentSpec(controllerInput)) },
            { name: WAF_NAME, template: plainPodTemplate(WAF_NAME, wafSpec) },
        ]);
        const securityMetadata = podSecurityMetadata(podSecurity);
        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: CONTROLLER_NAMESPACE, ...securityMetadata, labels: { ...labels, ...securityMetadata.labels } },
        }, options);
        this.namespaceResource = namespace;
        const inNamespace = { ...options, dependsOn: [namespace] };

        // Named after its content: a change creates a new ConfigMap, which changes the pod template
        // (a rolling update that keeps the old agents until the new ones load the files), and Pulumi
        // deletes the old one after the Deployment has rolled.
        const wafConfigMap = new k8s.core.v1.ConfigMap(`${name}-waf-config`, {
            metadata: { name: wafConfigMapName, namespace: CONTROLLER_NAMESPACE, labels: { ...labels, ...WAF_LABELS } },
            immutable: true,
            data: Object.fromEntries(wafFiles.map((file) => [file.name, file.content])),
        }, inNamespace);
        const wafDeployment = new k8s.apps.v1.Deployment(`${name}-waf`, {
            metadata: { name: WAF_NAME, namespace: CONTROLLER_NAMESPACE, labels: { ...labels, ...WAF_LABELS } },
            spec: wafSpec,
        // The spec names the ConfigMap as a plain string (the Pod Security check needs plain data), so wait for it here.
        }, { ...options, dependsOn: [namespace, wafConfigMap] });
        new k8s.policy.v1.PodDisruptionBudget(`${name}-waf`, {
            metadata: { name: WAF_NAME, namespace: CONTROLLER_NAMESPACE, labels: { ...labels, ...WAF_LABELS } },
            spec: disruptionBudgetSpec(WAF_LABELS),
        }, inNamespace);
        const wafService = new k8s.core.v1.Service(`${name}-waf`, {
            metadata: { name: WAF_NAME, namespace: CONTROLLER_NAMESPACE, labels: { ...labels, ...WAF_LABELS } },
            spec: wafServiceSpec(),
        }, inNamespace);
        // haproxy-ingress docs point modsecurity-endpoints at the agent Service's ClusterIP.
        this.modsecurityEndpoints = pulumi.interpolate`${wafService.spec.clusterIP}:${WAF_PORT}`;

        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE, labels },
        }, inNamespace);
        const clusterRole = new k8s.rbac.v1.ClusterRole(`${name}-cr`, {
            metadata: { name: CONTROLLER_NAME, labels },
            rules: controllerClusterRoleRules(),
        }, options);
        const clusterRoleBinding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-crb`, {
            metadata: { name: CONTROLLER_NAME, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: CONTROLLER_NAME },
            subjects: [{ kind: "ServiceAccount", name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE }],
        }, { ...options, dependsOn: [clusterRole, serviceAccount] });
        const role = new k8s.rbac.v1.Role(`${name}-role`, {
            metadata: { name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE, labels },
            rules: controllerRoleRules(),
        }, inNamespace);
        const roleBinding = new k8s.rbac.v1.RoleBinding(`${name}-rb`, {
            metadata: { name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: CONTROLLER_NAME },
            subjects: [{ kind: "ServiceAccount", name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE }],
        }, { ...options, dependsOn: [role, serviceAccount] });

        const ingressClass = new k8s.networking.v1.IngressClass(`${name}-class`, {
            metadata: { name: INGRESS_CLASS, labels },
            spec: { controller: INGRESS_CONTROLLER },
        }, options);

        // Plain maps with Outputs inside, not one apply: a first preview then knows every value but the truly
        // unknown ones (the agent's ClusterIP, the checksum over the ConfigMap, the NLB name), so policies can
        // check the rest.
        const configData = controllerConfigData({ modsecurityEndpoints: this.modsecurityEndpoints, wafMode: args.wafMode, balanceAlgorithm: "leastconn" });
        const configMap = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: { name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE, labels },
            data: configData,
        }, inNamespace);

        const defaultCertificateSecret = certificate && !("existingSecret" in certificate)
            ? new k8s.core.v1.Secret(`${name}-default-tls`, {
                metadata: { name: "default-tls", namespace: CONTROLLER_NAMESPACE, labels },
                type: "kubernetes.io/tls",
                stringData: { "tls.crt": pulumi.secret(certificate.certificate), "tls.key": pulumi.secret(certificate.privateKey) },
            }, inNamespace)
            : undefined;

        const checksum = pulumi.output(configData).apply((data) => contentHash(JSON.stringify(data), 16));
        const deployment = new k8s.apps.v1.Deployment(`${name}-controller`, {
            metadata: { name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE, labels: { ...labels, ...CONTROLLER_LABELS } },
            spec: controllerDeploymentSpec({ ...controllerInput, configChecksum: checksum, publishAddress: args.publishAddress }),
        // The certificate Secret first, or the pods start on the self-signed fallback until the next sync.
        }, { ...options, dependsOn: [namespace, configMap, clusterRoleBinding, roleBinding, wafDeployment, ...(defaultCertificateSecret ? [defaultCertificateSecret] : [])] });

        new k8s.policy.v1.PodDisruptionBudget(`${name}-controller`, {
            metadata: { name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE, labels },
            spec: disruptionBudgetSpec(CONTROLLER_LABELS),
        }, inNamespace);

        new k8s.core.v1.Service(`${name}-nodeports`, {
            metadata: { name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE, labels },
            spec: controllerServiceSpec(args.publicPorts),
        }, inNamespace);

        const metricsService = new k8s.core.v1.Service(`${name}-metrics`, {
            metadata: {
                name: `${CONTROLLER_NAME}-metrics`,
                namespace: CONTROLLER_NAMESPACE,
                labels: { ...labels, ...CONTROLLER_LABELS, "commerce-edge/metrics": "true" },
                ...(args.prometheusScrape
                    ? { annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(CONTROLLER_PORTS.metrics.containerPort), "prometheus.io/path": "/metrics" } }
                    : {}),
            },
            spec: controllerMetricsServiceSpec(),
        }, inNamespace);

        if (args.serviceMonitor) {
            new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: { name: CONTROLLER_NAME, namespace: CONTROLLER_NAMESPACE, labels },
                spec: {
                    selector: { matchLabels: { "commerce-edge/metrics": "true" } },
                    endpoints: [{ port: "metrics", path: "/metrics" }, { port: "haproxy-metrics", path: "/metrics" }],
                },
            }, { ...options, dependsOn: [metricsService] });
        }

        this.ready = [ingressClass, deployment];
        this.registerOutputs({ modsecurityEndpoints: this.modsecurityEndpoints });
    }
}
