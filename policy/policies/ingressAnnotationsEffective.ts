import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { KeyScope } from "../../components/haproxy/keys";
import { ANNOTATION_PREFIX, GlobalKey, IngressKey, KEY_SCOPES } from "../../components/haproxy/keys";
import { BALANCE_ALGORITHMS } from "../../config/schema";
import type { IngressView } from "../lib/ingress";
import { ACCEPTED_PREFIXES, HAPROXYTECH_PREFIX, LEGACY_ALLOWLIST_KEY, annotationText, haproxyIngressOf, haproxyKeyName } from "../lib/ingress";

/** HAProxy 2.8 `balance` forms that take an argument; haproxy-ingress copies the value without validating it. */
const PARAMETRISED_ALGORITHM = /^(random\(\d+\)|rdp-cookie(\([\w.-]+\))?|hdr\([\w-]+\)( use_domain_only)?|uri( (whole|path-only|len \d+|depth \d+))*|url_param [\w.-]+( check_post)?|hash \S.*)$/;

/** Other controllers' vocabulary mapped to the HAProxy algorithm meant. */
const ALGORITHM_FIXES: ReadonlyMap<string, string> = new Map([
    ["least_conn", "leastconn"],
    ["least-conn", "leastconn"],
    ["round_robin", "roundrobin"],
    ["round-robin", "roundrobin"],
    ["ip_hash", "source"],
]);

/** haproxytech/kubernetes-ingress key names whose haproxy-ingress key differs. */
const HAPROXYTECH_EQUIVALENTS: ReadonlyMap<string, string> = new Map([
    ["load-balance", IngressKey.balanceAlgorithm],
    ["allow-list", IngressKey.allowlistSourceRange],
    ["whitelist", IngressKey.allowlistSourceRange],
]);

/** The documented scope of a key; own properties only, so `constructor` is not a key. */
function scopeOf(key: string): KeyScope | undefined {
    return Object.hasOwn(KEY_SCOPES, key) ? KEY_SCOPES[key] : undefined;
}

function isAlgorithm(value: string): boolean {
    return (BALANCE_ALGORITHMS as readonly string[]).includes(value) || PARAMETRISED_ALGORITHM.test(value);
}

function algorithmFix(value: string): string {
    const normalised = value.trim().toLowerCase();
    if (isAlgorithm(normalised)) return normalised;
    return ALGORITHM_FIXES.get(normalised) ?? `one of ${BALANCE_ALGORITHMS.join(", ")}`;
}

/** How to say `key: value` so that haproxy-ingress reads it. */
function fixFor(key: string, value: string): string {
    if (key === IngressKey.balanceAlgorithm) return `use ${ANNOTATION_PREFIX}${key}: ${algorithmFix(value)}`;
    if (scopeOf(key) === "Global") return `set ${key}: "${value}" in the controller ConfigMap`;
    return `use ${ANNOTATION_PREFIX}${key}: ${value}`;
}

function haproxytechProblem(annotation: string, value: string): string {
    const name = annotation.slice(HAPROXYTECH_PREFIX.length);
    const target = HAPROXYTECH_EQUIVALENTS.get(name) ?? (scopeOf(name) !== undefined ? name : undefined);
    const fix = target !== undefined ? fixFor(target, value) : `use the haproxy-ingress key for it under ${ANNOTATION_PREFIX}`;
    return `${annotation} has haproxytech's prefix, which haproxy-ingress ignores: ${fix}`;
}

/**
 * Why haproxy-ingress ignores or rejects `annotation` (a key under one of its prefixes), if it does.
 * `value` is read only by the checks that need it, so an unknown value in a preview stops only those.
 */
function keyProblem(ingress: IngressView, annotation: string, key: string, value: () => string): string | undefined {
    const scope = scopeOf(key);
    if (scope === undefined) {
        const equivalent = HAPROXYTECH_EQUIVALENTS.get(key);
        return `${annotation} is not a haproxy-ingress v0.16 key (ignored)${equivalent !== undefined ? `: ${fixFor(equivalent, value())}` : ""}`;
    }
    if (scope === "Global") {
        const tcpNote = key === GlobalKey.useProxyProtocol ? ` (TCP services also need ${GlobalKey.tcpServiceProxyProtocol}: "true")` : "";
        return `${annotation} is a Global key, read only from the controller ConfigMap (ignored on an Ingress): ${fixFor(key, value())}${tcpNote}`;
    }
    if (scope === "TCP" && !ingress.isTcp) {
        return `${annotation} applies only to Ingresses with ${ANNOTATION_PREFIX}${IngressKey.tcpServicePort} (ignored here)`;
    }
    if (ingress.isTcp && (key === IngressKey.waf || key === IngressKey.wafMode)) {
        return `${annotation} is ignored on a ${IngressKey.tcpServicePort} Ingress (the WAF inspects HTTP only): remove it`;
    }
    if (key === IngressKey.balanceAlgorithm && !isAlgorithm(value())) {
        return `${annotation}: ${value()} is not a HAProxy balance algorithm (HAProxy rejects the configuration): ${fixFor(key, value())}`;
    }
    const preferred = haproxyKeyName(ingress.annotations, key);
    if (preferred !== undefined && preferred !== annotation) {
        const preferredValue = annotationText(ingress.annotations, preferred);
        if (preferredValue !== value()) return `${annotation} is overridden by ${preferred}: ${String(preferredValue)}: remove one of them`;
    }
    const allowlist = key === LEGACY_ALLOWLIST_KEY ? haproxyKeyName(ingress.annotations, IngressKey.allowlistSourceRange) : undefined;
    if (allowlist !== undefined) return `${annotation} is ignored because ${allowlist} is set: merge it into that list`;
    return undefined;
}

/** Annotations that do nothing (or break the HAProxy config) hide a wrong belief about what is deployed. */
export const ingressAnnotationsEffective: ResourceValidationPolicy = {
    name: "ingress-annotations-effective",
    description:
        "Ingresses of class haproxy use only keys haproxy-ingress v0.16 reads at that place (no unknown, Global-scope or " +
        "haproxy.org/ keys) with values it accepts, such as a real HAProxy balance algorithm.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateResource: (args, reportViolation) => {
        const ingress = haproxyIngressOf(args);
        if (!ingress) return;
        for (const annotation of Object.keys(ingress.annotations)) {
            const value = (): string => annotationText(ingress.annotations, annotation) ?? "";
            if (annotation.startsWith(HAPROXYTECH_PREFIX)) {
                reportViolation(`Ingress ${ingress.ref}: ${haproxytechProblem(annotation, value())}`);
                continue;
            }
            const prefix = ACCEPTED_PREFIXES.find((candidate) => annotation.startsWith(candidate));
            const problem = prefix === undefined ? undefined : keyProblem(ingress, annotation, annotation.slice(prefix.length), value);
            if (problem !== undefined) reportViolation(`Ingress ${ingress.ref}: ${problem}`);
        }
    },
};
