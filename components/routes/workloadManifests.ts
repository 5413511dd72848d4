import type * as k8s from "@pulumi/kubernetes";
import { ACTIVEMQ, type WorkloadSpec } from "../../config/routeTable";
import type { EnvFromConfig, EnvVarConfig } from "../../config/schema";
import { CANARY_TRACK, STABLE_TRACK, TRACK_LABEL } from "./annotations";

/** Pure builders of the workloads behind routes: web Deployments, their Services, and ActiveMQ. */

export function appLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "commerce-edge" };
}

const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
};

/**
 * A web workload's Deployment. Stable pods carry `track=stable`, canary pods `track=canary`; the one
 * Service selects both and haproxy-ingress splits between them by those labels (blue-green).
 */
export function webDeploymentSpec(name: string, workload: WorkloadSpec, track: "stable" | "canary"): k8s.types.input.apps.v1.DeploymentSpec {
    const selector = { ...appLabels(name), [TRACK_LABEL]: track === "stable" ? STABLE_TRACK : CANARY_TRACK };
    const probe = (path: string) => ({ httpGet: { path, port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    return {
        replicas: track === "stable" ? workload.replicas : 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
            metadata: { labels: selector },
            spec: {
                automountServiceAccountToken: false,
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                topologySpreadConstraints: [
                    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } },
                    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } },
                ],
                containers: [{
                    name,
                    image: track === "stable" ? workload.image : (workload.canaryImage ?? workload.image),
                    imagePullPolicy: "IfNotPresent",
                    ports: [{ name: "http", containerPort: workload.containerPort, protocol: "TCP" }],
                    ...(workload.env.length > 0 ? { env: workload.env.map(containerEnvVar) } : {}),
                    ...(workload.envFrom.length > 0 ? { envFrom: workload.envFrom.map(containerEnvFrom) } : {}),
                    readinessProbe: { ...probe(workload.readinessPath), initialDelaySeconds: 10 },
                    livenessProbe: { ...probe(workload.livenessPath), initialDelaySeconds: 120 },
                    resources: { requests: { cpu: workload.cpu, memory: workload.memory }, limits: { memory: workload.memory } },
                    securityContext: RESTRICTED_CONTAINER,
                }],
            },
        },
    };
}

/** A config env entry as the container's `env` item: a value, or a reference to a ConfigMap or Secret key. */
export function containerEnvVar(variable: EnvVarConfig): k8s.types.input.core.v1.EnvVar {
    if (variable.configMapKeyRef) return { name: variable.name, valueFrom: { configMapKeyRef: { ...variable.configMapKeyRef } } };
    if (variable.secretKeyRef) return { name: variable.name, valueFrom: { secretKeyRef: { ...variable.secretKeyRef } } };
    if (variable.value !== undefined) return { name: variable.name, value: variable.value };
    throw new Error(`env ${variable.name} has neither a value nor a reference`);
}

export function containerEnvFrom(source: EnvFromConfig): k8s.types.input.core.v1.EnvFromSource {
    if (source.secret) return { secretRef: { name: source.secret } };
    if (source.configMap) return { configMapRef: { name: source.configMap } };
    throw new Error("an envFrom entry names neither a ConfigMap nor a Secret");
}

export function webServiceSpec(name: string, port: number): k8s.types.input.core.v1.ServiceSpec {
    return {
        type: "ClusterIP",
        selector: appLabels(name),
        ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }],
    };
}

export const ACTIVEMQ_DATA_PATH = "/opt/apache-activemq/data";
export const ACTIVEMQ_STORAGE_CLASS = "gp3-retain";

export interface ActiveMqInput {
    readonly image: string;
    readonly storageGiB: number;
    readonly credentialsSecretName: string;
}

/**
 * One ActiveMQ Classic broker with KahaDB on a gp3 volume that survives the pod (Retain). The image's
 * entrypoint reads ACTIVEMQ_CONNECTION_USER/PASSWORD and ACTIVEMQ_WEB_USER/PASSWORD (apache/activemq assembly/src/docker/entrypoint.sh)
 * and edits conf/ in place, so the root filesystem stays writable; it runs as root with no capability.
 */
export function activemqStatefulSetSpec(input: ActiveMqInput): k8s.types.input.apps.v1.StatefulSetSpec {
    const labels = appLabels(ACTIVEMQ.serviceName);
    const secretEnv = (envName: string, key: string) => ({ name: envName, valueFrom: { secretKeyRef: { name: input.credentialsSecretName, key } } });
    return {
        serviceName: ACTIVEMQ.serviceName,
        replicas: 1,
        selector: { matchLabels: labels },
        podManagementPolicy: "OrderedReady",
        updateStrategy: { type: "RollingUpdate" },
        template: {
            metadata: { labels },
            spec: {
                automountServiceAccountToken: false,
                terminationGracePeriodSeconds: 60,
                securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                containers: [{
                    name: "activemq",
                    image: input.image,
                    imagePullPolicy: "IfNotPresent",
                    env: [
                        secretEnv("ACTIVEMQ_CONNECTION_USER", "brokerUser"),
                        secretEnv("ACTIVEMQ_CONNECTION_PASSWORD", "brokerPassword"),
                        secretEnv("ACTIVEMQ_WEB_USER", "adminUser"),
                        secretEnv("ACTIVEMQ_WEB_PASSWORD", "adminPassword"),
                        // ActiveMQ 6 binds the Jetty console to 127.0.0.1 unless jetty.host says otherwise.
                        { name: "JDK_JAVA_OPTIONS", value: "-Djetty.host=0.0.0.0" },
                    ],
                    ports: [
                        { name: "openwire", containerPort: ACTIVEMQ.openwirePort, protocol: "TCP" },
                        { name: "console", containerPort: ACTIVEMQ.consolePort, protocol: "TCP" },
                    ],
                    readinessProbe: { tcpSocket: { port: "openwire" }, initialDelaySeconds: 15, periodSeconds: 10, failureThreshold: 3 },
                    livenessProbe: { tcpSocket: { port: "openwire" }, initialDelaySeconds: 90, periodSeconds: 20, failureThreshold: 3 },
                    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    volumeMounts: [{ name: "data", mountPath: ACTIVEMQ_DATA_PATH }],
                }],
            },
        },
        volumeClaimTemplates: [{
            metadata: { name: "data", labels },
            spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: ACTIVEMQ_STORAGE_CLASS,
                resources: { requests: { storage: `${input.storageGiB}Gi` } },
            },
        }],
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    };
}

export function activemqServiceSpec(): k8s.types.input.core.v1.ServiceSpec {
    return {
        type: "ClusterIP",
        selector: appLabels(ACTIVEMQ.serviceName),
        ports: [
            { name: "openwire", port: ACTIVEMQ.openwirePort, targetPort: "openwire", protocol: "TCP" },
            { name: "console", port: ACTIVEMQ.consolePort, targetPort: "console", protocol: "TCP" },
        ],
    };
}
