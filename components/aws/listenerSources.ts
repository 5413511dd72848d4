import { parseCidr } from "../../config/cidr";
import type { RouteTable } from "../../config/routeTable";

/**
 * Who may reach each NLB listener, enforced by the NLB's security group in front of HAProxy's own
 * allowlists (defence in depth). Pure, so config validation can count the rules before anything exists.
 */

export const ANYWHERE_IPV4 = "0.0.0.0/0";

export interface ListenerSources {
    readonly port: number;
    /** IPv4 blocks admitted; the NLB listens on IPv4 only, so a route's IPv6 entries need no rule. */
    readonly cidrs: readonly string[];
    /** Also admit the cluster's NAT addresses (known only once they exist). */
    readonly natEgress: boolean;
}

/**
 * 80 and 443 admit any address: HTTP routes with different allowlists share them, so HAProxy decides per
 * host and path. Each TCP route owns its port, so its allowlist can be applied at the NLB too.
 */
export function listenerSources(table: RouteTable): ListenerSources[] {
    const ipv4 = (cidrs: readonly string[]): string[] => cidrs.flatMap((cidr) => {
        const parsed = parseCidr(cidr);
        return parsed.ok && parsed.cidr.family === "ipv4" ? [parsed.cidr.canonical] : [];
    });
    return table.publicPorts.map((port) => {
        const route = table.tcp.find((candidate) => candidate.port === port.port);
        if (!route) return { port: port.port, cidrs: [ANYWHERE_IPV4], natEgress: false };
        const cidrs = [...new Set(ipv4(route.allowlist))];
        return cidrs.includes(ANYWHERE_IPV4)
            ? { port: port.port, cidrs: [ANYWHERE_IPV4], natEgress: false }
            : { port: port.port, cidrs, natEgress: route.allowNatEgress };
    });
}

/** Inbound rules the NLB's security group needs: one per port and source. */
export function inboundRuleCount(sources: readonly ListenerSources[], natGatewayCount: number): number {
    return sources.reduce((count, source) => count + source.cidrs.length + (source.natEgress ? natGatewayCount : 0), 0);
}
