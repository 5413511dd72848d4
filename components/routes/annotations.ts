import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../../config/cidr";
import type { HttpRoute, TcpRoute } from "../../config/routeTable";
import { annotation, IngressKey } from "../haproxy/keys";

/**
 * Route annotations, built from the typed route model. Only keys haproxy-ingress v0.16 reads at the
 * scope used (Path/Backend for HTTP, TCP/Backend for tcp-service-port Ingresses) are emitted, under
 * the haproxy-ingress.github.io/ prefix. PROXY is not here: it is a ConfigMap (Global) matter.
 */

/** Pod label that tells stable and canary pods of one Service apart (haproxy-ingress blue-green). */
export const TRACK_LABEL = "track";
export const STABLE_TRACK = "stable";
export const CANARY_TRACK = "canary";

/** Canonical, de-duplicated, comma-separated CIDR list as `allowlist-source-range` takes it. */
export function renderAllowlist(cidrs: readonly string[]): string {
    const canonical = cidrs.map((text) => {
        const parsed = parseCidr(text);
        if (!parsed.ok) throw new Error(`allowlist entry ${parsed.problem}`);
        return parsed.cidr.canonical;
    });
    return [...new Set(canonical)].join(",");
}

/**
 * The route's `allowlist-source-range` value. With `allowNatEgress` it also admits the cluster's NAT
 * addresses, which stay unknown until AWS allocates them: only this one value is then unknown in a preview.
 */
export function routeAllowlist(route: Pick<HttpRoute | TcpRoute, "allowlist" | "allowNatEgress">, natPublicIps: pulumi.Input<string[]>): pulumi.Input<string> {
    if (!route.allowNatEgress) return renderAllowlist(route.allowlist);
    return pulumi.output(natPublicIps).apply((ips) => renderAllowlist([...route.allowlist, ...ips.map((ip) => `${ip}/32`)]));
}

/** The inverse of renderAllowlist: the entries of an allowlist annotation value. */
export function parseAllowlist(value: string): string[] {
    return value.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
}

export type HttpAnnotationInput = Pick<HttpRoute, "waf" | "maxBodyBytes" | "balanceAlgorithm" | "tls" | "rewriteTarget" | "canary" | "timeouts">;

/**
 * `allowlist` is the rendered value (routeAllowlist); the other values are known from the route table, so an unknown
 * allowlist (NAT addresses in a preview) stays the one unknown value.
 */
export function httpRouteAnnotations<Allowlist extends pulumi.Input<string>>(route: HttpAnnotationInput, allowlist: Allowlist): Record<string, Allowlist | string> {
    const annotations: Record<string, Allowlist | string> = {
        [annotation(IngressKey.allowlistSourceRange)]: allowlist,
        [annotation(IngressKey.balanceAlgorithm)]: route.balanceAlgorithm,
        [annotation(IngressKey.sslRedirect)]: String(route.tls),
    };
    if (route.waf !== "off") {
        annotations[annotation(IngressKey.waf)] = "modsecurity";
        annotations[annotation(IngressKey.wafMode)] = route.waf;
    }
    // Rendered before the WAF's deny (haproxy-ingress v0.16.1 haproxy.tmpl: use-service lua.send-413 on req.body_size).
    if (route.maxBodyBytes !== undefined) annotations[annotation(IngressKey.proxyBodySize)] = String(route.maxBodyBytes);
    if (route.rewriteTarget !== undefined) annotations[annotation(IngressKey.rewriteTarget)] = route.rewriteTarget;
    if (route.canary) {
        const weight = route.canary.weightPercent ?? 0;
        annotations[annotation(IngressKey.blueGreenBalance)] = `${TRACK_LABEL}=${STABLE_TRACK}=${100 - weight},${TRACK_LABEL}=${CANARY_TRACK}=${weight}`;
        annotations[annotation(IngressKey.blueGreenMode)] = "deploy";
        if (route.canary.header) annotations[annotation(IngressKey.blueGreenHeader)] = `${route.canary.header}:${TRACK_LABEL}`;
    }
    const timeouts = route.timeouts;
    if (timeouts?.connect) annotations[annotation(IngressKey.timeoutConnect)] = timeouts.connect;
    if (timeouts?.server) annotations[annotation(IngressKey.timeoutServer)] = timeouts.server;
    if (timeouts?.queue) annotations[annotation(IngressKey.timeoutQueue)] = timeouts.queue;
    if (timeouts?.httpRequest) annotations[annotation(IngressKey.timeoutHttpRequest)] = timeouts.httpRequest;
    return annotations;
}

export type TcpAnnotationInput = Pick<TcpRoute, "port" | "balanceAlgorithm">;

/**
 * A tcp-service-port Ingress. PROXY is accepted through the ConfigMap default and repeated per
 * Ingress so that the route still works if the default changes. WAF is HTTP-only and not emitted.
 */
export function tcpRouteAnnotations<Allowlist extends pulumi.Input<string>>(route: TcpAnnotationInput, allowlist: Allowlist): Record<string, Allowlist | string> {
    return {
        [annotation(IngressKey.tcpServicePort)]: String(route.port),
        [annotation(IngressKey.tcpServiceProxyProtocol)]: "true",
        [annotation(IngressKey.allowlistSourceRange)]: allowlist,
        [annotation(IngressKey.balanceAlgorithm)]: route.balanceAlgorithm,
    };
}
