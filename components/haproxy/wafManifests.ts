import type * as k8s from "@pulumi/kubernetes";
import { WAF_CONFIG_DIR } from "./wafConfig";

/**
 * Pure builders of the ModSecurity SPOA agent (jcmoraisjr/modsecurity-spoa), after haproxy-ingress
 * docs/static/resources/modsecurity-deployment.yaml at v0.16.1: port 12345 (`spop`), `-n` workers,
 * TCP probes. The ModSecurity configuration is this program's (wafConfig.ts), from a ConfigMap.
 */

export const WAF_NAME = "modsecurity-spoa";
export const WAF_PORT = 12345;
export const WAF_LABELS = { "app.kubernetes.io/name": "modsecurity-spoa", "app.kubernetes.io/component": "waf" } as const;

/** `nobody` in the image's Alpine base: the image has no USER of its own. */
export const WAF_USER_ID = 65534;

export interface WafDeploymentInput {
    readonly image: string;
    readonly replicas: number;
    /** The ConfigMap holding the files of wafConfigFiles; its name changes with its content. */
    readonly configMapName: string;
    /** The files' names, in load order. */
    readonly configFiles: readonly string[];
}

const SPOP_PROBE = { tcpSocket: { port: "spop" }, periodSeconds: 5, timeoutSeconds: 4 };

export function wafDeploymentSpec(input: WafDeploymentInput): k8s.types.input.apps.v1.DeploymentSpec {
    return {
        replicas: input.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...WAF_LABELS } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
            metadata: { labels: { ...WAF_LABELS } },
            spec: {
                automountServiceAccountToken: false,
                securityContext: { runAsNonRoot: true, runAsUser: WAF_USER_ID, runAsGroup: WAF_USER_ID, seccompProfile: { type: "RuntimeDefault" } },
                topologySpreadConstraints: [
                    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...WAF_LABELS } } },
                    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...WAF_LABELS } } },
                ],
                containers: [{
                    name: "modsecurity-spoa",
                    image: input.image,
                    imagePullPolicy: "IfNotPresent",
                    // start.sh includes the files after `--` in this order, instead of the image's defaults.
                    args: ["-p", String(WAF_PORT), "-n", "2", "--", ...input.configFiles.map((file) => `${WAF_CONFIG_DIR}/${file}`)],
                    ports: [{ name: "spop", containerPort: WAF_PORT, protocol: "TCP" }],
                    readinessProbe: { ...SPOP_PROBE, initialDelaySeconds: 5 },
                    livenessProbe: { ...SPOP_PROBE, initialDelaySeconds: 30 },
                    resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                    // Non-root with a read-only root: 12345 needs no capability, and the agent writes only to
                    // /tmp: start.sh's mktemp, ModSecurity's global lock files (apr_temp_dir_get) and
                    // SecTmpDir/SecDataDir of engine.conf. The image's files are world-readable.
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
                    volumeMounts: [
                        { name: "config", mountPath: WAF_CONFIG_DIR, readOnly: true },
                        { name: "tmp", mountPath: "/tmp" },
                    ],
                }],
                volumes: [
                    { name: "config", configMap: { name: input.configMapName } },
                    { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                ],
            },
        },
    };
}

export function wafServiceSpec(): k8s.types.input.core.v1.ServiceSpec {
    return {
        type: "ClusterIP",
        selector: { ...WAF_LABELS },
        ports: [{ name: "spop", port: WAF_PORT, targetPort: "spop", protocol: "TCP" }],
    };
}
