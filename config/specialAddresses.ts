/**
 * Address blocks no internet client can connect from. Sources: the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890, BCP 153: the blocks whose "Globally Reachable" is False), IPv4 multicast (RFC 5771) and
 * the IPv4 reserved block (RFC 1112 section 4). 192.0.0.0/24 holds two globally reachable anycast service
 * addresses (192.0.0.9, 192.0.0.10), which answer requests and never open client connections.
 */

export interface SpecialBlock {
    readonly cidr: string;
    readonly name: string;
    /** Example ranges: an allowlist entry in them is a placeholder, not a mistake about routing. */
    readonly documentation?: true;
}

export const NON_GLOBAL_IPV4: readonly SpecialBlock[] = [
    { cidr: "0.0.0.0/8", name: "\"this network\" (RFC 791)" },
    { cidr: "10.0.0.0/8", name: "private-use (RFC 1918)" },
    { cidr: "100.64.0.0/10", name: "shared address space (RFC 6598)" },
    { cidr: "127.0.0.0/8", name: "loopback (RFC 1122)" },
    { cidr: "169.254.0.0/16", name: "link-local (RFC 3927)" },
    { cidr: "172.16.0.0/12", name: "private-use (RFC 1918)" },
    { cidr: "192.0.0.0/24", name: "IETF protocol assignments (RFC 6890)" },
    { cidr: "192.0.2.0/24", name: "documentation TEST-NET-1 (RFC 5737)", documentation: true },
    { cidr: "192.88.99.0/24", name: "deprecated 6to4 relay anycast (RFC 7526)" },
    { cidr: "192.168.0.0/16", name: "private-use (RFC 1918)" },
    { cidr: "198.18.0.0/15", name: "benchmarking (RFC 2544)" },
    { cidr: "198.51.100.0/24", name: "documentation TEST-NET-2 (RFC 5737)", documentation: true },
    { cidr: "203.0.113.0/24", name: "documentation TEST-NET-3 (RFC 5737)", documentation: true },
    { cidr: "224.0.0.0/4", name: "multicast (RFC 5771)" },
    { cidr: "240.0.0.0/4", name: "reserved (RFC 1112)" },
];

/** Within global unicast 2000::/3 (RFC 4291), the blocks that are not globally reachable. */
export const GLOBAL_UNICAST_IPV6 = "2000::/3";
export const NON_GLOBAL_IPV6: readonly SpecialBlock[] = [
    // Taken whole: the registry marks a few service blocks inside it globally reachable (2001:1::1/128, 2001:1::2/128,
    // 2001:3::/32 AMT, 2001:4:112::/48 AS112, 2001:20::/28 ORCHIDv2, 2001:30::/28 DRIP), none a client network; and
    // the config refuses IPv6 allowlist entries anyway, the NLB being IPv4-only.
    { cidr: "2001::/23", name: "IETF protocol assignments (RFC 2928)" },
    { cidr: "2001:db8::/32", name: "documentation (RFC 3849)", documentation: true },
    { cidr: "2002::/16", name: "6to4 (RFC 3056)" },
];
