/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity): binary suffixes Ki, Mi, Gi,
 * Ti, decimal k, M, G, T, and m (milli). NaN for what does not parse.
 */

const FACTORS: Readonly<Record<string, number>> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

function parse(quantity: unknown): number {
    const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(quantity ?? ""));
    return match ? Number(match[1]) * FACTORS[match[2] ?? ""]! : Number.NaN;
}

/** A memory or storage quantity in GiB. */
export function gibibytes(quantity: unknown): number {
    return parse(quantity) / 2 ** 30;
}

/** A CPU quantity in cores ("250m" = 0.25). */
export function cpuCores(quantity: unknown): number {
    return parse(quantity);
}
