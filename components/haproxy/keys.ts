/**
 * haproxy-ingress v0.16 configuration keys: the one module that spells them.
 * Source: jcmoraisjr/haproxy-ingress@v0.16.1 docs/content/en/docs/configuration/keys.md; the full
 * catalogue with scopes is keyCatalog.json beside this file.
 */
import catalog from "./keyCatalog.json";

export const ANNOTATION_PREFIX = "haproxy-ingress.github.io/";
/** The backward-compatible prefix the controller also reads by default (`--annotations-prefix`). */
export const LEGACY_ANNOTATION_PREFIX = "ingress.kubernetes.io/";

/** Kubernetes' pre-IngressClass annotation; haproxy-ingress lets it win over spec.ingressClassName. */
export const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
/** Backward-compatible alias of allowlist-source-range, ignored when that key is also set (keys.md "Allowlist"). */
export const LEGACY_ALLOWLIST_KEY = "whitelist-source-range";
/** haproxytech/kubernetes-ingress's prefix: haproxy-ingress does not read it. */
export const HAPROXYTECH_PREFIX = "haproxy.org/";

export type KeyScope = "Global" | "Host" | "Backend" | "Path" | "TCP";

/** Every documented key and the scope it is read at. */
export const KEY_SCOPES: Readonly<Record<string, KeyScope>> = catalog.keys as Record<string, KeyScope>;

/** Keys read from Ingress/Service annotations (Path, Backend, Host and TCP scopes). */
export const IngressKey = {
    allowlistSourceRange: "allowlist-source-range",
    waf: "waf",
    wafMode: "waf-mode",
    proxyBodySize: "proxy-body-size",
    balanceAlgorithm: "balance-algorithm",
    sslRedirect: "ssl-redirect",
    rewriteTarget: "rewrite-target",
    blueGreenBalance: "blue-green-balance",
    blueGreenMode: "blue-green-mode",
    blueGreenHeader: "blue-green-header",
    timeoutConnect: "timeout-connect",
    timeoutServer: "timeout-server",
    timeoutQueue: "timeout-queue",
    timeoutHttpRequest: "timeout-http-request",
    tcpServicePort: "tcp-service-port",
    tcpServiceProxyProtocol: "tcp-service-proxy-protocol",
} as const;

/** Keys of the controller's global ConfigMap (Global scope, or defaults for the other scopes). */
export const GlobalKey = {
    useProxyProtocol: "use-proxy-protocol",
    tcpServiceProxyProtocol: "tcp-service-proxy-protocol",
    modsecurityEndpoints: "modsecurity-endpoints",
    modsecurityTimeoutProcessing: "modsecurity-timeout-processing",
    configBackend: "config-backend",
    balanceAlgorithm: "balance-algorithm",
    sslRedirect: "ssl-redirect",
    hsts: "hsts",
    hstsMaxAge: "hsts-max-age",
    hstsIncludeSubdomains: "hsts-include-subdomains",
    httpPort: "http-port",
    httpsPort: "https-port",
    healthzPort: "healthz-port",
    statsPort: "stats-port",
    prometheusPort: "prometheus-port",
    timeoutClient: "timeout-client",
    timeoutTunnel: "timeout-tunnel",
    timeoutStop: "timeout-stop",
    sslOptions: "ssl-options",
    syslogEndpoint: "syslog-endpoint",
    syslogFormat: "syslog-format",
} as const;

export type IngressKeyName = (typeof IngressKey)[keyof typeof IngressKey];
export type GlobalKeyName = (typeof GlobalKey)[keyof typeof GlobalKey];

/** The annotation name of a key under the preferred prefix. */
export function annotation(key: IngressKeyName): string {
    return `${ANNOTATION_PREFIX}${key}`;
}

/** The IngressClass of this controller and the controller string it matches (keys.md "Class matter"). */
export const INGRESS_CLASS = "haproxy";
export const INGRESS_CONTROLLER = "haproxy-ingress.github.io/controller";
