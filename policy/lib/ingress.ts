import {
    ANNOTATION_PREFIX,
    HAPROXYTECH_PREFIX,
    INGRESS_CLASS,
    INGRESS_CLASS_ANNOTATION,
    IngressKey,
    LEGACY_ALLOWLIST_KEY,
    LEGACY_ANNOTATION_PREFIX,
} from "../../components/haproxy/keys";
import type { ResourceValidationArgs } from "@pulumi/policy";
import type { Props } from "./props";
import { list, objectRef, record, text, texts } from "./props";
import { ResourceType } from "./types";

export { HAPROXYTECH_PREFIX, INGRESS_CLASS_ANNOTATION, LEGACY_ALLOWLIST_KEY };

/**
 * A read-only view of an Ingress as haproxy-ingress v0.16 sees it; key names come from keys.ts.
 * Annotation values are read one key at a time: during a preview an unknown value (an allowlist
 * holding a NAT address not yet allocated) then stops only the checks that need that value.
 */

/** The prefixes haproxy-ingress reads by default, preferred first (it wins on conflict). */
export const ACCEPTED_PREFIXES = [ANNOTATION_PREFIX, LEGACY_ANNOTATION_PREFIX] as const;

export interface IngressView {
    /** `namespace/name`. */
    readonly ref: string;
    /** Raw annotations: read values through haproxyKey / annotationText. */
    readonly annotations: Props;
    readonly className: string | undefined;
    /** Non-empty `spec.rules[].host` values. */
    readonly ruleHosts: readonly string[];
    readonly tlsHosts: readonly string[];
    /** A tcp-service-port Ingress: plain TCP frontend, no HTTP features. */
    readonly isTcp: boolean;
}

export interface KeyValue {
    /** The annotation as written, prefix included. */
    readonly annotation: string;
    readonly value: string;
}

export function annotationText(annotations: Props, annotation: string): string | undefined {
    return Object.hasOwn(annotations, annotation) ? text(annotations[annotation]) : undefined;
}

/** The annotation haproxy-ingress reads `key` from (the preferred prefix wins), without reading its value. */
export function haproxyKeyName(annotations: Props, key: string): string | undefined {
    return ACCEPTED_PREFIXES.map((prefix) => `${prefix}${key}`).find((annotation) => Object.hasOwn(annotations, annotation));
}

/** The value haproxy-ingress reads for `key`. */
export function haproxyKey(annotations: Props, key: string): KeyValue | undefined {
    const annotation = haproxyKeyName(annotations, key);
    const value = annotation === undefined ? undefined : annotationText(annotations, annotation);
    return annotation === undefined || value === undefined ? undefined : { annotation, value };
}

export function ingressView(props: Props): IngressView {
    const metadata = record(props.metadata);
    const spec = record(props.spec);
    const annotations = record(metadata.annotations);
    return {
        ref: objectRef(props),
        annotations,
        className: annotationText(annotations, INGRESS_CLASS_ANNOTATION) ?? text(spec.ingressClassName),
        ruleHosts: list(spec.rules).map((rule) => text(record(rule).host) ?? "").filter((host) => host !== ""),
        tlsHosts: list(spec.tls).flatMap((entry) => texts(record(entry).hosts)),
        isTcp: haproxyKeyName(annotations, IngressKey.tcpServicePort) !== undefined,
    };
}

/** Ingresses this controller serves (its class, set either way). */
export function isHaproxyIngress(view: IngressView): boolean {
    return view.className === INGRESS_CLASS;
}

/** The Ingress a resource-policy call is about, when it is one this controller serves. */
export function haproxyIngressOf(args: ResourceValidationArgs): IngressView | undefined {
    if (args.type !== ResourceType.ingress) return undefined;
    const ingress = ingressView(args.props);
    return isHaproxyIngress(ingress) ? ingress : undefined;
}

/** The allowlist haproxy-ingress applies: allowlist-source-range, else the legacy alias. */
export function effectiveAllowlist(annotations: Props): KeyValue | undefined {
    return haproxyKey(annotations, IngressKey.allowlistSourceRange) ?? haproxyKey(annotations, LEGACY_ALLOWLIST_KEY);
}

/** DNS names compare case-insensitively and without the root dot. */
export function normaliseHost(host: string): string {
    return host.toLowerCase().replace(/\.$/, "");
}
