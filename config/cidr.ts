import ipaddr from "ipaddr.js";

/** A CIDR block that parsed cleanly: host bits zero, prefix in range for its family. */
export interface ParsedCidr {
    readonly family: "ipv4" | "ipv6";
    readonly prefixLength: number;
    /** Canonical text, e.g. `10.0.0.0/8` or `2001:db8::/32`. */
    readonly canonical: string;
}

export type CidrResult = { readonly ok: true; readonly cidr: ParsedCidr } | { readonly ok: false; readonly problem: string };

const EXAMPLE = "address/prefix, e.g. 10.0.0.0/16 or 2001:db8::/32";

/**
 * Parses an IPv4 or IPv6 CIDR block strictly: an explicit prefix length in range for the family
 * (0-32 or 0-128) and no host bits set, so that `10.0.0.1/8` is refused rather than silently widened.
 */
export function parseCidr(text: string): CidrResult {
    const slash = text.indexOf("/");
    if (slash < 0 || slash !== text.lastIndexOf("/")) {
        return { ok: false, problem: `"${text}" is not a CIDR block (${EXAMPLE})` };
    }
    const addressText = text.slice(0, slash);
    const prefixText = text.slice(slash + 1);
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    if (ipaddr.IPv4.isValidFourPartDecimal(addressText)) {
        address = ipaddr.IPv4.parse(addressText);
    } else if (ipaddr.IPv6.isValid(addressText) && !addressText.includes("%")) {
        address = ipaddr.IPv6.parse(addressText);
    } else {
        return { ok: false, problem: `"${addressText}" in "${text}" is not an IPv4 or IPv6 address (${EXAMPLE})` };
    }
    const family = address.kind();
    const maxPrefix = family === "ipv4" ? 32 : 128;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > maxPrefix) {
        return {
            ok: false,
            problem: `prefix "/${prefixText}" in "${text}" is out of range (${family === "ipv4" ? "IPv4" : "IPv6"}: /0 to /${maxPrefix})`,
        };
    }
    const prefixLength = Number(prefixText);
    const network = networkAddress(address, prefixLength);
    if (network.toNormalizedString() !== address.toNormalizedString()) {
        return {
            ok: false,
            problem: `"${text}" has host bits set (host bits must be zero: use ${network.toString()}/${prefixLength})`,
        };
    }
    return { ok: true, cidr: { family, prefixLength, canonical: `${network.toString()}/${prefixLength}` } };
}

/** The problem with a CIDR text, or undefined when it is valid. */
export function cidrProblem(text: string): string | undefined {
    const result = parseCidr(text);
    return result.ok ? undefined : result.problem;
}

function networkAddress(address: ipaddr.IPv4 | ipaddr.IPv6, prefixLength: number): ipaddr.IPv4 | ipaddr.IPv6 {
    const bytes = address.toByteArray();
    const masked = bytes.map((byte, index) => {
        const bitsBefore = index * 8;
        if (bitsBefore >= prefixLength) return 0;
        const keep = Math.min(8, prefixLength - bitsBefore);
        return byte & ((0xff << (8 - keep)) & 0xff);
    });
    return ipaddr.fromByteArray(masked);
}
