import type { BalanceAlgorithm, CanaryConfig, EgressRuleConfig, EnvFromConfig, EnvVarConfig, RouteWafMode, StackConfig, TimeoutsConfig, WorkloadConfig } from "./schema";

/**
 * The route table: every HTTP host/path and every TCP port, derived once from the stack config.
 * The NLB, the controller, the routes and DNS all read this one table.
 */

export interface ServiceTarget {
    readonly namespace: string;
    readonly name: string;
    readonly port: number;
    /** Port the Service's pods listen on, when it differs from `port` (existing Services only). */
    readonly targetPort?: number;
}

/** A workload the program deploys behind a route. */
export interface WorkloadSpec {
    readonly image: string;
    readonly containerPort: number;
    readonly replicas: number;
    readonly livenessPath: string;
    readonly readinessPath: string;
    readonly cpu: string;
    readonly memory: string;
    readonly canaryImage?: string;
    readonly env: readonly EnvVarConfig[];
    readonly envFrom: readonly EnvFromConfig[];
    /** Destinations its pods may connect to besides DNS. */
    readonly egress: readonly EgressRuleConfig[];
}

export interface HttpRoute {
    readonly kind: "http";
    /** Config key the route came from, for messages. */
    readonly configKey: string;
    readonly name: string;
    readonly namespace: string;
    readonly host: string;
    readonly path: string;
    readonly pathType: "Prefix" | "Exact";
    readonly backend: ServiceTarget;
    /** Present when the program deploys the backend (Cortex, or an additional route with `workload`). */
    readonly workload?: WorkloadSpec;
    readonly allowlist: readonly string[];
    readonly allowNatEgress: boolean;
    readonly waf: RouteWafMode;
    /** CRS rule ids the WAF skips on this route's host and path. */
    readonly wafExclusions: readonly number[];
    /** Larger request bodies are refused with 413 (deny-mode routes: the agent would see only part of them). */
    readonly maxBodyBytes?: number;
    readonly balanceAlgorithm: BalanceAlgorithm;
    readonly tls: boolean;
    readonly rewriteTarget?: string;
    readonly canary?: { readonly weightPercent?: number; readonly header?: string };
    readonly timeouts?: TimeoutsConfig;
    /** Routes on the same host whose requests this one deliberately takes a share of. */
    readonly overlaps?: readonly string[];
}

export interface TcpRoute {
    readonly kind: "tcp";
    readonly configKey: string;
    readonly name: string;
    readonly namespace: string;
    readonly port: number;
    readonly nodePort: number;
    readonly backend: ServiceTarget;
    readonly allowlist: readonly string[];
    readonly allowNatEgress: boolean;
    readonly tlsOffload: boolean;
    readonly balanceAlgorithm: BalanceAlgorithm;
}

/** A port the NLB listens on, and where the controller receives it. */
export interface PublicPort {
    /** Port name, also the Service and container port name (≤ 15 characters). */
    readonly name: string;
    readonly port: number;
    readonly containerPort: number;
    readonly nodePort: number;
    readonly protocol: "http" | "https" | "tcp";
}

export interface RouteTable {
    readonly http: readonly HttpRoute[];
    readonly tcp: readonly TcpRoute[];
    /** Every distinct public hostname, sorted. */
    readonly hosts: readonly string[];
    /** 80, 443 and one per TCP route, in that order. */
    readonly publicPorts: readonly PublicPort[];
}

/**
 * The controller listens on unprivileged ports so that it runs without NET_BIND_SERVICE
 * (haproxy-ingress "External HAProxy: a word about security"); the NLB maps 80/443 onto them.
 */
export const CONTROLLER_PORTS = {
    http: { containerPort: 8080, nodePort: 30080 },
    https: { containerPort: 8443, nodePort: 30443 },
    /** HAProxy's own `monitor-uri /healthz` frontend, never behind accept-proxy. */
    healthz: { containerPort: 10253, nodePort: 30253, path: "/healthz" },
    stats: { containerPort: 1936 },
    metrics: { containerPort: 10254 },
    /** HAProxy's internal Prometheus exporter (`prometheus-port`), as the chart sets it. */
    haproxyMetrics: { containerPort: 9101 },
} as const;

/** Ports a TCP route may not take: the controller's own listeners. */
export const RESERVED_CONTAINER_PORTS: readonly number[] = [
    CONTROLLER_PORTS.http.containerPort,
    CONTROLLER_PORTS.https.containerPort,
    CONTROLLER_PORTS.healthz.containerPort,
    CONTROLLER_PORTS.stats.containerPort,
    CONTROLLER_PORTS.metrics.containerPort,
    CONTROLLER_PORTS.haproxyMetrics.containerPort,
];

export const RESERVED_NODE_PORTS: readonly number[] = [
    CONTROLLER_PORTS.http.nodePort,
    CONTROLLER_PORTS.https.nodePort,
    CONTROLLER_PORTS.healthz.nodePort,
];

/** Default NodePort of a TCP route: stable for a given port, whatever other routes exist. */
export function defaultTcpNodePort(port: number): number {
    return 31000 + (port % 1000);
}

export const ACTIVEMQ = {
    namespace: "activemq",
    serviceName: "activemq",
    openwirePort: 61616,
    consolePort: 8161,
} as const;

export const CORTEX = { namespace: "cortex", name: "cortex", port: 8080 } as const;

/**
 * Cortex container resources from Elastic Path's own guidance (Commerce 8.5 docs, "Cortex Container",
 * Resource allocation): 0.5 cores and 4608 MB non-production, 3 cores and 5120 MB production-like,
 * for a 3584 MB Java heap.
 */
export const CORTEX_RESOURCES = {
    nonProduction: { cpu: "500m", memory: "4608Mi" },
    production: { cpu: "3", memory: "5120Mi" },
} as const;

function defaultReplicas(config: StackConfig): number {
    return config.environment === "production" ? 3 : 2;
}

type WorkloadInput = Omit<WorkloadSpec, "replicas" | "canaryImage"> & { readonly replicas?: number | undefined };

function workloadSpec(config: StackConfig, workload: WorkloadInput, canary: CanaryConfig | undefined): WorkloadSpec {
    return {
        ...workload,
        replicas: workload.replicas ?? defaultReplicas(config),
        ...(canary?.image ? { canaryImage: canary.image } : {}),
    };
}

/** A workload of `routes.additional`: one health path for both probes, no environment. */
function additionalWorkload(workload: WorkloadConfig): WorkloadInput {
    return {
        image: workload.image,
        containerPort: workload.containerPort,
        replicas: workload.replicas,
        livenessPath: workload.healthPath,
        readinessPath: workload.healthPath,
        cpu: workload.cpu,
        memory: workload.memory,
        env: [],
        envFrom: [],
        egress: workload.egress,
    };
}

function canaryRouting(canary: CanaryConfig | undefined): HttpRoute["canary"] {
    if (!canary) return undefined;
    return {
        ...(canary.weightPercent !== undefined ? { weightPercent: canary.weightPercent } : {}),
        ...(canary.header ? { header: canary.header } : {}),
    };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
    return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Derives the route table from a structurally valid config. */
export function buildRouteTable(config: StackConfig): RouteTable {
    const { cortex, activemq } = config.routes;
    const defaultWaf: RouteWafMode = config.ingress.wafMode;
    const wafOf = (waf: RouteWafMode) => ({ waf, ...optional("maxBodyBytes", waf === "deny" ? config.ingress.waf.maxBodyBytes : undefined) });
    const http: HttpRoute[] = [];
    const tcp: TcpRoute[] = [];

    const cortexBackend = cortex.service ?? { namespace: CORTEX.namespace, name: CORTEX.name, port: CORTEX.port };
    const cortexResources = config.environment === "production" ? CORTEX_RESOURCES.production : CORTEX_RESOURCES.nonProduction;
    http.push({
        kind: "http",
        configKey: "routes.cortex",
        name: "cortex",
        namespace: cortexBackend.namespace,
        host: cortex.host,
        path: cortex.path,
        pathType: "Prefix",
        backend: cortexBackend,
        ...optional(
            "workload",
            cortex.service || !cortex.image
                ? undefined
                : workloadSpec(
                      config,
                      {
                          image: cortex.image,
                          containerPort: CORTEX.port,
                          replicas: cortex.replicas,
                          livenessPath: cortex.livenessPath,
                          readinessPath: cortex.readinessPath,
                          cpu: cortex.cpu ?? cortexResources.cpu,
                          memory: cortex.memory ?? cortexResources.memory,
                          env: cortex.env,
                          envFrom: cortex.envFrom,
                          egress: cortex.egress,
                      },
                      cortex.canary,
                  ),
        ),
        allowlist: cortex.allowlist,
        allowNatEgress: cortex.allowNatEgress,
        ...wafOf(cortex.wafMode ?? defaultWaf),
        wafExclusions: cortex.wafExclusions,
        balanceAlgorithm: cortex.balanceAlgorithm,
        tls: true,
        ...optional("canary", canaryRouting(cortex.canary)),
        ...optional("timeouts", cortex.timeouts),
    });

    http.push({
        kind: "http",
        configKey: "routes.activemq",
        name: "activemq-console",
        namespace: ACTIVEMQ.namespace,
        host: activemq.consoleHost,
        path: "/",
        pathType: "Prefix",
        backend: { namespace: ACTIVEMQ.namespace, name: ACTIVEMQ.serviceName, port: ACTIVEMQ.consolePort },
        allowlist: activemq.consoleAllowlist,
        allowNatEgress: false,
        ...wafOf(defaultWaf),
        wafExclusions: [],
        balanceAlgorithm: "leastconn",
        tls: true,
    });

    tcp.push({
        kind: "tcp",
        configKey: "routes.activemq",
        name: "activemq-openwire",
        namespace: ACTIVEMQ.namespace,
        port: activemq.openwirePort,
        nodePort: defaultTcpNodePort(activemq.openwirePort),
        backend: { namespace: ACTIVEMQ.namespace, name: ACTIVEMQ.serviceName, port: ACTIVEMQ.openwirePort },
        allowlist: activemq.allowlist,
        allowNatEgress: activemq.allowNatEgress,
        tlsOffload: activemq.tlsOffload,
        balanceAlgorithm: "leastconn",
    });

    config.routes.additional.forEach((route, index) => {
        const configKey = `routes.additional[${index}]`;
        if (route.protocol === "http") {
            // An Ingress reaches only Services of its own namespace.
            const namespace = route.service?.namespace ?? route.namespace ?? route.name;
            const backend = route.service ?? { namespace, name: route.name, port: route.workload?.containerPort ?? 8080 };
            http.push({
                kind: "http",
                configKey,
                name: route.name,
                namespace,
                host: route.host,
                path: route.path,
                pathType: route.pathType,
                backend,
                ...optional("workload", route.workload && !route.service
                    ? workloadSpec(config, additionalWorkload(route.workload), route.canary)
                    : undefined),
                allowlist: route.allowlist,
                allowNatEgress: route.allowNatEgress,
                ...wafOf(route.wafMode ?? defaultWaf),
                wafExclusions: route.wafExclusions,
                balanceAlgorithm: route.balanceAlgorithm,
                tls: route.tls,
                ...optional("rewriteTarget", route.rewriteTarget),
                ...optional("canary", canaryRouting(route.canary)),
                ...optional("timeouts", route.timeouts),
                ...optional("overlaps", route.overlaps),
            });
        } else {
            tcp.push({
                kind: "tcp",
                configKey,
                name: route.name,
                namespace: route.service.namespace,
                port: route.port,
                nodePort: route.nodePort ?? defaultTcpNodePort(route.port),
                backend: route.service,
                allowlist: route.allowlist,
                allowNatEgress: route.allowNatEgress,
                tlsOffload: route.tlsOffload,
                balanceAlgorithm: route.balanceAlgorithm,
            });
        }
    });

    const publicPorts: PublicPort[] = [
        { name: "http", port: 80, protocol: "http", ...pick(CONTROLLER_PORTS.http) },
        { name: "https", port: 443, protocol: "https", ...pick(CONTROLLER_PORTS.https) },
        ...tcp.map((route) => ({ name: `tcp-${route.port}`, port: route.port, containerPort: route.port, nodePort: route.nodePort, protocol: "tcp" as const })),
    ];

    return {
        http,
        tcp,
        hosts: [...new Set(http.map((route) => route.host))].sort(),
        publicPorts,
    };
}

function pick(ports: { containerPort: number; nodePort: number }): { containerPort: number; nodePort: number } {
    return { containerPort: ports.containerPort, nodePort: ports.nodePort };
}
