import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CONTROLLER_PORTS, type PublicPort } from "../../config/routeTable";
import type { BalanceAlgorithm } from "../../config/schema";
import { DRAIN_TIMINGS } from "../timings";
import { GlobalKey, INGRESS_CLASS, IngressKey, type GlobalKeyName } from "./keys";

/**
 * Pure builders of the haproxy-ingress v0.16 controller objects. Sources: haproxy-ingress chart 0.16.1
 * (RBAC, probes, scratch volumes) and docs keys.md / command-line.md at v0.16.1.
 */


export const CONTROLLER_NAMESPACE = "ingress-controller";
export const CONTROLLER_NAME = "haproxy-ingress";
export const CONTROLLER_LABELS = { "app.kubernetes.io/name": "haproxy-ingress", "app.kubernetes.io/component": "controller" } as const;
/** Idle timeout of established TCP/tunnel sessions; OpenWire's inactivity monitor pings every 30 s. */
export const TUNNEL_TIMEOUT = "1h";

export interface ControllerConfigInput {
    /** `ip:port` of every ModSecurity SPOA agent endpoint (the agent Service's ClusterIP: unknown before it exists). */
    readonly modsecurityEndpoints: pulumi.Input<string>;
    readonly wafMode: "deny" | "detect";
    readonly balanceAlgorithm: BalanceAlgorithm;
}

/**
 * The global ConfigMap. PROXY is accepted on HTTP/HTTPS (use-proxy-protocol) and, as the default for
 * every tcp-service-port Ingress, on TCP (tcp-service-proxy-protocol): the NLB sends PROXY v2 on every
 * target group, so both must be on.
 */
export function controllerConfigData(input: ControllerConfigInput): Record<GlobalKeyName | typeof IngressKey.wafMode, pulumi.Input<string>> {
    return {
        [GlobalKey.useProxyProtocol]: "true",
        [GlobalKey.tcpServiceProxyProtocol]: "true",
        [GlobalKey.httpPort]: String(CONTROLLER_PORTS.http.containerPort),
        [GlobalKey.httpsPort]: String(CONTROLLER_PORTS.https.containerPort),
        [GlobalKey.healthzPort]: String(CONTROLLER_PORTS.healthz.containerPort),
        [GlobalKey.statsPort]: String(CONTROLLER_PORTS.stats.containerPort),
        [GlobalKey.prometheusPort]: String(CONTROLLER_PORTS.haproxyMetrics.containerPort),
        [GlobalKey.modsecurityEndpoints]: input.modsecurityEndpoints,
        // Without a verdict in time the request passes: haproxy-ingress v0.16.1 haproxy.tmpl denies only
        // on txn.modsec.code > 0 (README "Fail-open when the agent is down or slow").
        [GlobalKey.modsecurityTimeoutProcessing]: "1s",
        // haproxy-ingress v0.16.1 renders no body buffering for WAF backends, so the agent got whatever body bytes came
        // with the headers; buffered, it gets the body up to the buffer's size (README "Request bodies and the WAF").
        // The global value is every backend's default, so a backend shared by WAF and non-WAF paths buffers too.
        [GlobalKey.configBackend]: "option http-buffer-request",
        [IngressKey.wafMode]: input.wafMode,
        [GlobalKey.balanceAlgorithm]: input.balanceAlgorithm,
        [GlobalKey.sslRedirect]: "true",
        [GlobalKey.sslOptions]: "no-sslv3 no-tlsv10 no-tlsv11 no-tls-tickets",
        [GlobalKey.hsts]: "true",
        [GlobalKey.hstsMaxAge]: "31536000",
        [GlobalKey.hstsIncludeSubdomains]: "false",
        [GlobalKey.timeoutClient]: "50s",
        [GlobalKey.timeoutTunnel]: TUNNEL_TIMEOUT,
        [GlobalKey.timeoutStop]: "10m",
        // Access logs to the container's stdout (keys.md "Syslog"; master-worker is the default since v0.15).
        [GlobalKey.syslogEndpoint]: "stdout",
        [GlobalKey.syslogFormat]: "raw",
    };
}

/**
 * ClusterRole of chart 0.16.1 (clusterrole.yaml): EndpointSlices are required since v0.16. The chart's
 * Gateway API rules are left out: the controller runs with --watch-gateway=false.
 */
/** An RBAC rule as plain data (the SDK's input type also admits Outputs). */
export interface PolicyRule {
    readonly apiGroups: string[];
    readonly resources: string[];
    readonly verbs: string[];
}

export function controllerClusterRoleRules(): PolicyRule[] {
    return [
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
        { apiGroups: [""], resources: ["configmaps", "endpoints", "nodes", "secrets"], verbs: ["list", "watch"] },
        { apiGroups: [""], resources: ["namespaces", "nodes"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods", "services"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingressclasses"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses/status"], verbs: ["patch", "update"] },
    ];
}

/** Role in the controller namespace (chart role.yaml): leader-election leases and own objects. */
export function controllerRoleRules(): PolicyRule[] {
    return [
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
        { apiGroups: [""], resources: ["pods", "secrets", "namespaces"], verbs: ["get"] },
        { apiGroups: ["apps"], resources: ["daemonsets", "replicasets"], verbs: ["get"] },
        { apiGroups: [""], resources: ["configmaps", "endpoints"], verbs: ["get", "create", "update"] },
    ];
}

export interface ControllerDeploymentInput {
    readonly image: string;
    readonly replicas: number;
    readonly publicPorts: readonly PublicPort[];
    readonly configMapName: string;
    readonly serviceAccountName: string;
    /** `namespace/name` of the default certificate Secret; absent = the controller's self-signed one. */
    readonly defaultCertificate?: string;
    /**
     * Address written to every Ingress's status (`--publish-address`, v0.16 options.go): the NLB's DNS
     * name, so that Pulumi's Ingress await and external tools see the real entry point.
     */
    readonly publishAddress?: pulumi.Input<string>;
    /** Checksum of the ConfigMap's inputs, so that a change rolls the pods. */
    readonly configChecksum?: pulumi.Input<string>;
    readonly production: boolean;
}

const PROBE_TIMING = { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 };

/**
 * Drain on stop: close HAProxy's healthz frontend through its admin socket (the image ships socat;
 * services.go puts admin.sock in /var/run/haproxy), so the NLB health check fails and new flows go to
 * other nodes, then keep serving open connections while the NLB notices.
 */
export const DRAIN_COMMAND = `echo 'disable frontend healthz' | socat stdio /var/run/haproxy/admin.sock; sleep ${DRAIN_TIMINGS.controllerPreStopSleepSeconds}`;

export function controllerContainerPorts(publicPorts: readonly PublicPort[]): k8s.types.input.core.v1.ContainerPort[] {
    return [
        ...publicPorts.map((port) => ({ name: port.name, containerPort: port.containerPort, protocol: "TCP" })),
        { name: "healthz", containerPort: CONTROLLER_PORTS.healthz.containerPort, protocol: "TCP" },
        { name: "stats", containerPort: CONTROLLER_PORTS.stats.containerPort, protocol: "TCP" },
        { name: "metrics", containerPort: CONTROLLER_PORTS.metrics.containerPort, protocol: "TCP" },
        { name: "haproxy-metrics", containerPort: CONTROLLER_PORTS.haproxyMetrics.containerPort, protocol: "TCP" },
    ];
}

/**
 * The controller pods: non-root (UID 99, the image's haproxy user), read-only root filesystem with the
 * chart's scratch mounts, every capability dropped but NET_BIND_SERVICE. The image sets that file
 * capability on /usr/local/sbin/haproxy (rootfs/Dockerfile), and the kernel refuses to exec a binary
 * whose file capabilities fall outside the bounding set (capabilities(7)), so it must stay in the set.
 * With allowPrivilegeEscalation false HAProxy does not gain it, so it listens on 8080/8443
 * (http-port/https-port) and the NLB maps 80/443 onto them.
 */
export function controllerDeploymentSpec(input: ControllerDeploymentInput): k8s.types.input.apps.v1.DeploymentSpec {
    const args: pulumi.Input<string>[] = [
        `--configmap=${CONTROLLER_NAMESPACE}/${input.configMapName}`,
        `--ingress-class=${INGRESS_CLASS}`,
        "--sort-backends",
        "--watch-gateway=false",
        // /debug/pprof on the healthz port (10254) is on by default (command-line.md "Stats"; options.go).
        "--profiling=false",
        ...(input.defaultCertificate ? [`--default-ssl-certificate=${input.defaultCertificate}`] : []),
        ...(input.publishAddress !== undefined ? [pulumi.concat("--publish-address=", input.publishAddress)] : []),
    ];
    const spread = (topologyKey: string, whenUnsatisfiable: string): k8s.types.input.core.v1.TopologySpreadConstraint => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable,
        labelSelector: { matchLabels: { ...CONTROLLER_LABELS } },
    });
    return {
        replicas: input.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...CONTROLLER_LABELS } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        minReadySeconds: 10,
        template: {
            metadata: {
                labels: { ...CONTROLLER_LABELS },
                ...(input.configChecksum !== undefined ? { annotations: { "commerce-edge/config-checksum": input.configChecksum } } : {}),
            },
            spec: {
                serviceAccountName: input.serviceAccountName,
                terminationGracePeriodSeconds: DRAIN_TIMINGS.controllerTerminationGraceSeconds,
                securityContext: { runAsNonRoot: true, runAsUser: 99, runAsGroup: 99, fsGroup: 99, seccompProfile: { type: "RuntimeDefault" } },
                topologySpreadConstraints: [
                    spread("topology.kubernetes.io/zone", input.production ? "DoNotSchedule" : "ScheduleAnyway"),
                    spread("kubernetes.io/hostname", "DoNotSchedule"),
                ],
                containers: [{
                    name: "haproxy-ingress",
                    image: input.image,
                    imagePullPolicy: "IfNotPresent",
                    args,
                    env: [
                        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                        { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                    ],
                    ports: controllerContainerPorts(input.publicPorts),
                    // Ready = HAProxy's own healthz (what the NLB checks); alive = the controller's, which a
                    // drain does not close, so the kubelet never restarts a draining pod.
                    readinessProbe: { httpGet: { path: CONTROLLER_PORTS.healthz.path, port: "healthz" }, ...PROBE_TIMING, initialDelaySeconds: 10 },
                    livenessProbe: { httpGet: { path: "/healthz", port: "metrics" }, ...PROBE_TIMING, initialDelaySeconds: 60 },
                    lifecycle: { preStop: { exec: { command: ["sh", "-c", DRAIN_COMMAND] } } },
                    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } },
                    securityContext: {
                        allowPrivilegeEscalation: false,
                        readOnlyRootFilesystem: true,
                        runAsNonRoot: true,
                        capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
                    },
                    volumeMounts: [
                        { name: "scratch", mountPath: "/etc/haproxy", subPath: "etc-haproxy" },
                        { name: "scratch", mountPath: "/var/lib/haproxy", subPath: "var-lib-haproxy" },
                        { name: "scratch", mountPath: "/var/run/haproxy", subPath: "var-run-haproxy" },
                        { name: "scratch", mountPath: "/tmp", subPath: "tmp" },
                    ],
                }],
                volumes: [{ name: "scratch", emptyDir: { sizeLimit: "256Mi" } }],
            },
        },
    };
}

/**
 * NodePort Service with fixed NodePorts: the NLB's target groups point at exactly these.
 * `externalTrafficPolicy: Local` keeps the client's node hop out and makes the healthz NodePort fail
 * on nodes without a controller pod, so the NLB only targets nodes that can serve.
 */
export function controllerServiceSpec(publicPorts: readonly PublicPort[]): k8s.types.input.core.v1.ServiceSpec {
    return {
        type: "NodePort",
        externalTrafficPolicy: "Local",
        selector: { ...CONTROLLER_LABELS },
        ports: [
            ...publicPorts.map((port) => ({ name: port.name, port: port.port, targetPort: port.name, nodePort: port.nodePort, protocol: "TCP" })),
            {
                name: "healthz",
                port: CONTROLLER_PORTS.healthz.containerPort,
                targetPort: "healthz",
                nodePort: CONTROLLER_PORTS.healthz.nodePort,
                protocol: "TCP",
            },
        ],
    };
}

/** In-cluster only: stats page and metrics, never on the NLB. */
export function controllerMetricsServiceSpec(): k8s.types.input.core.v1.ServiceSpec {
    return {
        type: "ClusterIP",
        selector: { ...CONTROLLER_LABELS },
        ports: [
            { name: "metrics", port: CONTROLLER_PORTS.metrics.containerPort, targetPort: "metrics", protocol: "TCP" },
            { name: "haproxy-metrics", port: CONTROLLER_PORTS.haproxyMetrics.containerPort, targetPort: "haproxy-metrics", protocol: "TCP" },
            { name: "stats", port: CONTROLLER_PORTS.stats.containerPort, targetPort: "stats", protocol: "TCP" },
        ],
    };
}
