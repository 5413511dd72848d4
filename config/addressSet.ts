import ipaddr from "ipaddr.js";
import { GLOBAL_UNICAST_IPV6, NON_GLOBAL_IPV4, NON_GLOBAL_IPV6, type SpecialBlock } from "./specialAddresses";

/**
 * Allowlists judged by the set of addresses they admit, not by their spelling. Every address lives in one
 * 128-bit space where IPv4 a.b.c.d is the IPv4-mapped ::ffff:a.b.c.d, because that is how HAProxy matches: an
 * IPv4 client that matches no IPv4 pattern is looked up again as ::ffff:a.b.c.d among the IPv6 patterns
 * (HAProxy 2.8 src/pattern.c pat_match_ip), so `::/0` or `::ffff:0:0/96` admit every IPv4 client.
 * haproxy-ingress v0.16 turns `!` entries into exceptions: rejected first, and with no other entry everything
 * else is admitted (pkg/converters/ingress/annotations/updater.go splitDualCIDR; haproxy.tmpl `allow_exception`).
 */

/** An inclusive range of the 128-bit space. */
interface Range {
    readonly first: bigint;
    readonly last: bigint;
}

export interface AddressBlock {
    /** The entry as written, `!` included. */
    readonly text: string;
    readonly exception: boolean;
    readonly writtenAs: "ipv4" | "ipv6";
    readonly range: Range;
}

export type BlockResult = { readonly ok: true; readonly block: AddressBlock } | { readonly ok: false; readonly problem: string };

const IPV4_MAPPED_BASE = 0xffffn << 32n;
const IPV4_SPACE: Range = { first: IPV4_MAPPED_BASE, last: IPV4_MAPPED_BASE + 0xffffffffn };
const ALL_BITS = 128n;

function toBigInt(bytes: readonly number[]): bigint {
    return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function rangeOf(address: ipaddr.IPv4 | ipaddr.IPv6, prefixLength: number): Range {
    const isV4 = address.kind() === "ipv4";
    const base = isV4 ? IPV4_MAPPED_BASE | toBigInt(address.toByteArray()) : toBigInt(address.toByteArray());
    const hostBits = ALL_BITS - BigInt(isV4 ? 96 + prefixLength : prefixLength);
    const size = 1n << hostBits;
    const first = (base >> hostBits) << hostBits;
    return { first, last: first + size - 1n };
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
    if (!text.includes("%") && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
    return undefined;
}

/**
 * An entry as haproxy-ingress reads it: a CIDR (host bits masked, as Go's net.ParseCIDR does) or a bare
 * address, optionally `!`-prefixed.
 */
export function parseAllowlistEntry(text: string): BlockResult {
    const exception = text.startsWith("!");
    const body = exception ? text.slice(1) : text;
    const slash = body.indexOf("/");
    const address = parseAddress(slash < 0 ? body : body.slice(0, slash));
    const maxPrefix = address?.kind() === "ipv4" ? 32 : 128;
    const prefixText = slash < 0 ? String(maxPrefix) : body.slice(slash + 1);
    if (!address || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > maxPrefix) {
        return { ok: false, problem: `"${body}" is not an IP address or CIDR block (e.g. 203.0.113.10, 10.0.0.0/16, 2001:db8::/32)` };
    }
    return { ok: true, block: { text, exception, writtenAs: address.kind(), range: rangeOf(address, Number(prefixText)) } };
}

/** A CIDR block already checked by `parseCidr` (strict: host bits zero). */
export function blockOfCidr(cidr: string): AddressBlock {
    const result = parseAllowlistEntry(cidr);
    if (!result.ok || result.block.exception) throw new Error(`blockOfCidr: "${cidr}" is not a plain CIDR block`);
    return result.block;
}

/** Whether two CIDR blocks share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const [first, second] = [blockOfCidr(a).range, blockOfCidr(b).range];
    return first.first <= second.last && second.first <= first.last;
}

/** Sorted, merged ranges. */
function union(ranges: readonly Range[]): Range[] {
    const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const merged: Range[] = [];
    for (const range of sorted) {
        const last = merged.at(-1);
        if (last && range.first <= last.last + 1n) {
            merged[merged.length - 1] = { first: last.first, last: range.last > last.last ? range.last : last.last };
        } else {
            merged.push(range);
        }
    }
    return merged;
}

function intersect(set: readonly Range[], target: Range): Range[] {
    return set
        .map((range) => ({ first: range.first > target.first ? range.first : target.first, last: range.last < target.last ? range.last : target.last }))
        .filter((range) => range.first <= range.last);
}

function subtract(set: readonly Range[], removed: readonly Range[]): Range[] {
    let remaining = union(set);
    for (const cut of union(removed)) {
        remaining = remaining.flatMap((range) => {
            if (cut.last < range.first || cut.first > range.last) return [range];
            return [
                ...(cut.first > range.first ? [{ first: range.first, last: cut.first - 1n }] : []),
                ...(cut.last < range.last ? [{ first: cut.last + 1n, last: range.last }] : []),
            ];
        });
    }
    return remaining;
}

function covers(set: readonly Range[], target: readonly Range[]): boolean {
    return subtract(target, set).length === 0;
}

const rangesOf = (blocks: readonly SpecialBlock[]): Range[] => blocks.map((block) => blockOfCidr(block.cidr).range);
const GLOBAL_IPV4 = subtract([IPV4_SPACE], rangesOf(NON_GLOBAL_IPV4));
const GLOBAL_IPV6 = subtract([blockOfCidr(GLOBAL_UNICAST_IPV6).range], rangesOf(NON_GLOBAL_IPV6));

/** The IPv4 clients an allowlist admits, in the mapped space (see the module comment). */
function admittedIpv4(blocks: readonly AddressBlock[]): Range[] {
    const rules = blocks.filter((block) => !block.exception).map((block) => block.range);
    const exceptions = blocks.filter((block) => block.exception).map((block) => block.range);
    return intersect(subtract(rules.length === 0 ? [IPV4_SPACE] : rules, exceptions), IPV4_SPACE);
}

function admittedIpv6(blocks: readonly AddressBlock[]): Range[] {
    const rules = blocks.filter((block) => !block.exception).map((block) => block.range);
    const exceptions = blocks.filter((block) => block.exception).map((block) => block.range);
    return subtract(rules.length === 0 ? [{ first: 0n, last: (1n << ALL_BITS) - 1n }] : rules, exceptions);
}

/** The families of which the list admits every globally reachable address, whatever the spelling. */
export function worldOpenFamilies(blocks: readonly AddressBlock[]): ("IPv4" | "IPv6")[] {
    return [
        ...(covers(admittedIpv4(blocks), GLOBAL_IPV4) ? (["IPv4"] as const) : []),
        ...(covers(admittedIpv6(blocks), GLOBAL_IPV6) ? (["IPv6"] as const) : []),
    ];
}

/** What an entry can match among the IPv4 clients of an IPv4-only listener. */
export type Ipv4Reach =
    | { readonly kind: "internet" }
    /** IPv6 outside the IPv4-mapped range: no IPv4 client matches it. */
    | { readonly kind: "ipv6" }
    /** Only addresses no internet client has; `documentation` when they are all example ranges. */
    | { readonly kind: "special"; readonly documentation: boolean; readonly names: readonly string[] };

export function ipv4Reach(block: AddressBlock): Ipv4Reach {
    const ipv4Part = intersect([block.range], IPV4_SPACE);
    if (ipv4Part.length === 0) return { kind: "ipv6" };
    if (intersect(GLOBAL_IPV4, ipv4Part[0]!).length > 0) return { kind: "internet" };
    const touched = NON_GLOBAL_IPV4.filter((special) => intersect([blockOfCidr(special.cidr).range], ipv4Part[0]!).length > 0);
    return { kind: "special", documentation: touched.every((special) => special.documentation === true), names: [...new Set(touched.map((special) => special.name))] };
}
