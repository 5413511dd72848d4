import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
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

/** Where the image keeps the broker (apache/activemq assembly/src/docker/Dockerfile at activemq-6.1.7: ACTIVEMQ_HOME). */
const ACTIVEMQ_HOME = "/opt/apache-activemq";
export const ACTIVEMQ_DATA_PATH = `${ACTIVEMQ_HOME}/data`;
export const ACTIVEMQ_STORAGE_CLASS = "gp3-retain";
/**
 * The broker's volume claim: the name the StatefulSet's former volumeClaimTemplate ("data", pod "activemq-0") gave it,
 * so that a stack created before adopts its claim, and its data, instead of starting empty.
 */
export const ACTIVEMQ_CLAIM_NAME = `data-${ACTIVEMQ.serviceName}-0`;
/**
 * The image's base (eclipse-temurin:17-jre, Ubuntu) has the account 1000; the image sets no USER. The broker writes
 * only to data/ (the volume, group-owned through fsGroup) and tmp/ (an emptyDir); conf/ is world-readable (0644,
 * assembly descriptors common-bin.xml) and the entrypoint no longer edits it.
 */
export const ACTIVEMQ_UID = 1000;

/** A `.properties` entry as java.util.Properties.load reads it (ISO-8859-1, backslash escapes: Properties javadoc). */
export function propertiesEntry(key: string, value: string): string {
    const escape = (text: string, isKey: boolean): string => [...text].map((character, index) => {
        const code = character.charCodeAt(0);
        if (character === "\\") return "\\\\";
        if (character === " " && (isKey || index === 0)) return "\\ ";
        if ("=:#!".includes(character)) return `\\${character}`;
        if (code < 0x20 || code > 0x7e) return Array.from({ length: character.length }, (_, unit) => `\\u${character.charCodeAt(unit).toString(16).padStart(4, "0")}`).join("");
        return character;
    }).join("");
    return `${escape(key, true)}=${escape(value, false)}`;
}

export interface ActiveMqUsers {
    readonly admin: { readonly name: string; readonly password: string };
    readonly broker: { readonly name: string; readonly password: string };
}

/** The files of conf/ that hold credentials, all from the broker's Secret. */
export interface ActiveMqCredentialFiles {
    readonly "users.properties": string;
    readonly "groups.properties": string;
    readonly "credentials.properties": string;
}

/** Keys of the broker's Secret, each mounted as the conf/ file of that name. */
export const ACTIVEMQ_CREDENTIAL_FILES = ["users.properties", "groups.properties", "credentials.properties"] as const satisfies readonly (keyof ActiveMqCredentialFiles)[];

/**
 * The JAAS realm the image's login.config names "activemq" (PropertiesLoginModule over users.properties and
 * groups.properties in conf/): the web console admits the groups "admins" and "users" (conf/jetty.xml), the broker
 * anyone it authenticates. The broker's client user is in neither console group.
 *
 * credentials.properties is what the console's own JMS connection logs in with: webapps/admin/WEB-INF/
 * webconsole-embedded.xml connects to vm://localhost as ${activemq.username}/${activemq.password}, which a Spring
 * PropertyPlaceholderConfigurer reads from ${activemq.conf}/credentials.properties (the image's file says
 * system/manager, a user this realm does not have). It is the broker's client user. Spring reads the file with
 * Properties.load, so the same escaping holds; it also expands "${…}" inside a value, which validation refuses in
 * that password.
 */
export function activemqCredentialFiles(users: ActiveMqUsers): ActiveMqCredentialFiles {
    return {
        "users.properties": `${propertiesEntry(users.admin.name, users.admin.password)}\n${propertiesEntry(users.broker.name, users.broker.password)}\n`,
        "groups.properties": `${propertiesEntry("admins", users.admin.name)}\n${propertiesEntry("clients", users.broker.name)}\n`,
        "credentials.properties": `${propertiesEntry("activemq.username", users.broker.name)}\n${propertiesEntry("activemq.password", users.broker.password)}\n`,
    };
}

/**
 * What the broker may use of the heap and of its volume before producer flow control holds producers back (ActiveMQ
 * "Producer Flow Control"). Without <systemUsage> BrokerService.getSystemUsage() sets a fixed 1 GB memory limit, and
 * the image runs the JVM with -Xmx1G (ACTIVEMQ_OPTS_MEMORY, assembly/src/docker/Dockerfile), so flow control would
 * never start before an OutOfMemoryError; 70 % of the heap is what the image's activemq.xml sets.
 *
 * KahaDB (the store) and the temporary store (data/localhost/tmp_storage) share the one volume: 80 % and 10 % of its
 * file system (PercentLimitUsage, measured by the broker), so that together they stop short of a full disk. The other
 * 10 % hold ext4's own metadata (the EBS CSI driver formats through kubernetes/mount-utils, mkfs.ext4 -m0: no blocks
 * reserved for root; journal and inode tables take about 2 %) and the broker's logs (1 MB rolling files,
 * conf/log4j2.properties). The percentages follow `storageGiB`: every minute the broker measures the file system again
 * and raises the limits once they can grow by 64 MiB (schedulePeriodForDiskUsageCheck, diskUsageCheckRegrowThreshold:
 * BrokerService.checkUsageLimit), so an expanded volume is used without a restart.
 */
export const ACTIVEMQ_USAGE = {
    memoryPercentOfJvmHeap: 70,
    storePercentOfVolume: 80,
    tempPercentOfVolume: 10,
    diskCheckPeriodMs: 60_000,
    regrowThreshold: "64 mb",
} as const;

/** Messages kept for a slow topic consumer before the oldest are discarded: the image's activemq.xml. */
export const ACTIVEMQ_TOPIC_PENDING_MESSAGE_LIMIT = 1000;

/**
 * The broker's own activemq.xml, mounted over the image's: the image's destination policy and usage limits, KahaDB on
 * the volume, OpenWire only (the one protocol routed), JMX without a remote connector, and authentication through the
 * "activemq" JAAS realm, so that no credential passes through the image entrypoint's unescaped sed
 * (assembly/src/docker/entrypoint.sh runs it only when ACTIVEMQ_CONNECTION_USER or ACTIVEMQ_WEB_USER is set; neither
 * is). jetty.xml, the web console, stays the image's.
 */
export function activemqBrokerXml(): string {
    const usage = ACTIVEMQ_USAGE;
    return [
        `<beans xmlns="http://www.springframework.org/schema/beans" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`,
        `  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd`,
        `  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">`,
        `  <!-- \${activemq.data}, \${activemq.conf}: system properties the start script sets -->`,
        `  <bean class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer"/>`,
        `  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="localhost" dataDirectory="\${activemq.data}"`,
        `      schedulePeriodForDiskUsageCheck="${usage.diskCheckPeriodMs}" diskUsageCheckRegrowThreshold="${usage.regrowThreshold}">`,
        `    <destinationPolicy><policyMap><policyEntries>`,
        `      <policyEntry topic=">"><pendingMessageLimitStrategy><constantPendingMessageLimitStrategy limit="${ACTIVEMQ_TOPIC_PENDING_MESSAGE_LIMIT}"/></pendingMessageLimitStrategy></policyEntry>`,
        `    </policyEntries></policyMap></destinationPolicy>`,
        `    <managementContext><managementContext createConnector="false"/></managementContext>`,
        `    <persistenceAdapter><kahaDB directory="\${activemq.data}/kahadb"/></persistenceAdapter>`,
        `    <plugins><jaasAuthenticationPlugin configuration="activemq"/></plugins>`,
        `    <systemUsage><systemUsage>`,
        `      <memoryUsage><memoryUsage percentOfJvmHeap="${usage.memoryPercentOfJvmHeap}"/></memoryUsage>`,
        `      <storeUsage><storeUsage percentLimit="${usage.storePercentOfVolume}"/></storeUsage>`,
        `      <tempUsage><tempUsage percentLimit="${usage.tempPercentOfVolume}"/></tempUsage>`,
        `    </systemUsage></systemUsage>`,
        `    <transportConnectors>`,
        `      <transportConnector name="openwire" uri="tcp://0.0.0.0:${ACTIVEMQ.openwirePort}?maximumConnections=1000&amp;wireFormat.maxFrameSize=104857600"/>`,
        `    </transportConnectors>`,
        `    <shutdownHooks><bean xmlns="http://www.springframework.org/schema/beans" class="org.apache.activemq.hooks.SpringContextHook"/></shutdownHooks>`,
        `  </broker>`,
        `  <import resource="jetty.xml"/>`,
        `</beans>`,
        ``,
    ].join("\n");
}

export interface ActiveMqInput {
    readonly image: string;
    readonly configMapName: string;
    readonly credentialsSecretName: string;
    /** Rolls the broker when its activemq.xml changes: a digest of the ConfigMap's data. */
    readonly configChecksum: string;
    /**
     * Rolls the broker when its credentials change: the Secret's resourceVersion, which the API server changes on every
     * write. Not a hash of the passwords: pod annotations are readable by anyone who may list pods, and a hash of a
     * password invites a dictionary attack, salted or not when the salt sits beside it. Only a key that pod readers
     * cannot see, random and kept from one `up` to the next, would prevent that, and keeping one needs a resource with
     * state of its own (the random provider's plugin, or a dynamic provider). The price of resourceVersion: another
     * write to the Secret (a label added by hand, once Pulumi has refreshed it) restarts the broker once.
     */
    readonly credentialsVersion: pulumi.Input<string>;
}

/** The broker's volume claim, its own object: growing `storageGiB` expands the volume in place (gp3-retain allows it). */
export function activemqClaimSpec(storageGiB: number): k8s.types.input.core.v1.PersistentVolumeClaimSpec {
    return {
        accessModes: ["ReadWriteOnce"],
        storageClassName: ACTIVEMQ_STORAGE_CLASS,
        resources: { requests: { storage: `${storageGiB}Gi` } },
    };
}

/**
 * One ActiveMQ Classic broker with KahaDB on a gp3 volume that survives the pod (Retain). It runs as UID 1000 with no
 * capability, its configuration and credential files mounted file by file into conf/ (the rest of conf/ stays the image's).
 * The console listens on all addresses: the image's ACTIVEMQ_OPTS sets -Djetty.host=0.0.0.0 (Dockerfile), which the
 * jettyPort bean of conf/jetty.xml keeps (WebConsolePort.start prefers the system property to its 127.0.0.1).
 */
export function activemqStatefulSetSpec(input: ActiveMqInput): k8s.types.input.apps.v1.StatefulSetSpec {
    const labels = appLabels(ACTIVEMQ.serviceName);
    const conf = (file: string, volume: string) => ({ name: volume, mountPath: `${ACTIVEMQ_HOME}/conf/${file}`, subPath: file, readOnly: true });
    return {
        serviceName: ACTIVEMQ.serviceName,
        replicas: 1,
        selector: { matchLabels: labels },
        podManagementPolicy: "OrderedReady",
        updateStrategy: { type: "RollingUpdate" },
        template: {
            metadata: {
                labels,
                annotations: { "commerce-edge/config-checksum": input.configChecksum, "commerce-edge/credentials-version": input.credentialsVersion },
            },
            spec: {
                automountServiceAccountToken: false,
                terminationGracePeriodSeconds: 60,
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: ACTIVEMQ_UID,
                    runAsGroup: ACTIVEMQ_UID,
                    fsGroup: ACTIVEMQ_UID,
                    // A volume written as root before keeps working: the kubelet hands it to the group once.
                    fsGroupChangePolicy: "OnRootMismatch",
                    seccompProfile: { type: "RuntimeDefault" },
                },
                containers: [{
                    name: "activemq",
                    image: input.image,
                    imagePullPolicy: "IfNotPresent",
                    ports: [
                        { name: "openwire", containerPort: ACTIVEMQ.openwirePort, protocol: "TCP" },
                        { name: "console", containerPort: ACTIVEMQ.consolePort, protocol: "TCP" },
                    ],
                    readinessProbe: { tcpSocket: { port: "openwire" }, initialDelaySeconds: 15, periodSeconds: 10, failureThreshold: 3 },
                    livenessProbe: { tcpSocket: { port: "openwire" }, initialDelaySeconds: 90, periodSeconds: 20, failureThreshold: 3 },
                    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
                    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
                    volumeMounts: [
                        { name: "data", mountPath: ACTIVEMQ_DATA_PATH },
                        // java.io.tmpdir of the start script (ACTIVEMQ_TMP): Jetty unpacks the console here.
                        { name: "tmp", mountPath: `${ACTIVEMQ_HOME}/tmp` },
                        conf("activemq.xml", "config"),
                        ...ACTIVEMQ_CREDENTIAL_FILES.map((file) => conf(file, "credentials")),
                    ],
                }],
                volumes: [
                    { name: "data", persistentVolumeClaim: { claimName: ACTIVEMQ_CLAIM_NAME } },
                    { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
                    { name: "config", configMap: { name: input.configMapName, items: [{ key: "activemq.xml", path: "activemq.xml" }] } },
                    {
                        name: "credentials",
                        secret: {
                            secretName: input.credentialsSecretName,
                            defaultMode: 0o440,
                            items: ACTIVEMQ_CREDENTIAL_FILES.map((file) => ({ key: file, path: file })),
                        },
                    },
                ],
            },
        },
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
