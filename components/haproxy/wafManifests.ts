import type * as k8s from "@pulumi/kubernetes";


/**
 * Pure builders of the ModSecurity SPOA agent (jcmoraisjr/modsecurity-spoa), after haproxy-ingress
 * docs/static/resources/modsecurity-deployment.yaml at v0.16.1: port 12345 (`spop`), `-n` workers,
 * TCP probes. The image ships OWASP CRS with SecRuleEngine On.
 */

export const WAF_NAME = "modsecurity-spoa";
export const WAF_PORT = 12345;
export const WAF_LABELS = { "app.kubernetes.io/name": "modsecurity-spoa", "app.kubernetes.io/component": "waf" } as const;

export interface WafDeploymentInput {
    readonly image: string;
    readonly replicas: number;
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
                securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                topologySpreadConstraints: [
                    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...WAF_LABELS } } },
                    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...WAF_LABELS } } },
                ],
                containers: [{
                    name: "modsecurity-spoa",
                    image: input.image,
                    imagePullPolicy: "IfNotPresent",
                    args: ["-p", String(WAF_PORT), "-n", "2"],
                    ports: [{ name: "spop", containerPort: WAF_PORT, protocol: "TCP" }],
                    readinessProbe: { ...SPOP_PROBE, initialDelaySeconds: 5 },
                    livenessProbe: { ...SPOP_PROBE, initialDelaySeconds: 30 },
                    resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                    // The image has no USER (runs as root, per its Dockerfile); it needs no capability
                    // to listen on 12345, so all are dropped.
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                }],
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
