/**
 * Values the Kubernetes API server validates, checked the same way before anything is created.
 * Sources: k8s.io/apimachinery pkg/util/validation/validation.go (IsDNS1123Label, IsDNS1123Subdomain,
 * IsDNS1035Label), pkg/api/resource/quantity.go (the quantity grammar), and kubernetes
 * pkg/apis/networking/validation/validation.go (validateIngressRules, validateHTTPIngressPath,
 * validateIngressBackend: Service names through ValidateServiceName, a DNS-1035 label).
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_LABEL = 63;
const MAX_SUBDOMAIN = 253;

/** Namespaces, and names of Ingresses, Deployments and PodDisruptionBudgets here (all kept to labels). */
export function dns1123LabelProblem(value: string): string | undefined {
    if (value.length > MAX_LABEL) return `is ${value.length} characters (a DNS-1123 label has at most ${MAX_LABEL})`;
    if (!DNS1123_LABEL.test(value)) return "is not a DNS-1123 label (a-z, 0-9 and \"-\", starting and ending with a letter or digit)";
    return undefined;
}

/** Service names (ValidateServiceName): they must also start with a letter. */
export function dns1035LabelProblem(value: string): string | undefined {
    if (value.length > MAX_LABEL) return `is ${value.length} characters (a DNS-1035 label has at most ${MAX_LABEL})`;
    if (!DNS1035_LABEL.test(value)) return "is not a DNS-1035 label (a-z, 0-9 and \"-\", starting with a letter and ending with a letter or digit: it names a Service)";
    return undefined;
}

export function dns1123SubdomainProblem(value: string): string | undefined {
    if (value.length > MAX_SUBDOMAIN) return `is ${value.length} characters (a DNS-1123 subdomain has at most ${MAX_SUBDOMAIN})`;
    if (!DNS1123_SUBDOMAIN.test(value)) return "is not a DNS-1123 subdomain (dot-separated a-z, 0-9 and \"-\", each part starting and ending with a letter or digit)";
    return undefined;
}

/** Sequences and endings the API server refuses in Prefix and Exact paths (invalidPathSequences/Suffixes). */
const INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES = ["/..", "/."];
/**
 * Characters a path may hold here: RFC 3986 path characters without the quote, so that it is safe in
 * haproxy-ingress's map files and single-quoted HAProxy arguments; `%` only as a %XX escape.
 */
const PATH_CHARACTERS = /^\/([A-Za-z0-9\-._~!$&()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

/** An Ingress path of type Prefix or Exact, as the API server and HAProxy take it. */
export function ingressPathProblem(path: string): string | undefined {
    if (!path.startsWith("/")) return `${JSON.stringify(path)} is not an absolute path (must start with "/")`;
    const sequence = INVALID_PATH_SEQUENCES.find((bad) => path.includes(bad));
    if (sequence) return `${JSON.stringify(path)} contains "${sequence}" (the Kubernetes API refuses it in Prefix and Exact paths)`;
    const suffix = INVALID_PATH_SUFFIXES.find((bad) => path.endsWith(bad));
    if (suffix) return `${JSON.stringify(path)} ends with "${suffix}" (the Kubernetes API refuses it in Prefix and Exact paths)`;
    if (!PATH_CHARACTERS.test(path)) {
        return `${JSON.stringify(path)} has a character outside URL path characters (letters, digits, - . _ ~ ! $ & ( ) * + , ; = : @ / and %XX escapes; no quotes, spaces or control characters)`;
    }
    return undefined;
}

/** RFC 3986 path and query characters without the quote: what the kubelet sends in its request line. */
const PROBE_PATH_CHARACTERS = /^\/([A-Za-z0-9\-._~!$&()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;

/**
 * An HTTP probe path: the kubelet parses it as a URL reference (kubernetes pkg/probe/http/request.go formatURL), so
 * a query is allowed and the Ingress-only sequences (`//`, `/./`) are not refused; it never reaches HAProxy.
 */
export function probePathProblem(path: string): string | undefined {
    if (!path.startsWith("/")) return `${JSON.stringify(path)} is not an absolute path (must start with "/")`;
    if (!PROBE_PATH_CHARACTERS.test(path)) {
        return `${JSON.stringify(path)} has a character outside URL path and query characters (letters, digits, - . _ ~ ! $ & ( ) * + , ; = : @ / ? and %XX escapes; no quotes, spaces, fragments or control characters)`;
    }
    return undefined;
}

/** The path elements Kubernetes Prefix matching compares: split on "/", empty elements (trailing slash) ignored. */
export function pathElements(path: string): string[] {
    return path.split("/").filter((element) => element !== "");
}

/** apimachinery pkg/api/resource quantity.go and suffix.go: binary, decimal (n, u and m included) or exponent suffixes. */
const QUANTITY = /^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?$/;

/** A non-negative resource quantity; `memory` refuses the sub-unit suffixes (512m is half a byte). */
export function quantityProblem(value: string, resource: "cpu" | "memory"): string | undefined {
    if (!QUANTITY.test(value)) {
        return `${JSON.stringify(value)} is not a Kubernetes quantity (a number with an optional suffix: ${resource === "cpu" ? "250m, 0.5, 2" : "512Mi, 2Gi, 1G"})`;
    }
    const subUnit = ({ m: "millibytes", u: "microbytes", n: "nanobytes" } as const)[value.slice(-1) as "m" | "u" | "n"];
    if (resource === "memory" && subUnit) return `${JSON.stringify(value)} is in ${subUnit} (use Mi or Gi, e.g. 512Mi)`;
    return undefined;
}
