import ipaddr from "ipaddr.js";

/** Public and private subnet CIDRs of a VPC, one of each per availability zone. */
export interface SubnetLayout {
    readonly publicCidrs: readonly string[];
    readonly privateCidrs: readonly string[];
}

/**
 * How subnets are carved. `zoneIndexed`: a zone's subnets depend only on the VPC CIDR and the zone's index, so adding
 * a zone only adds subnets. `legacy`: the layout before it, sized by the zone count (a stack created with it keeps it;
 * changing its zone count re-carves every subnet).
 */
export const SUBNET_LAYOUTS = ["zoneIndexed", "legacy"] as const;
export type SubnetLayoutKind = (typeof SUBNET_LAYOUTS)[number];

/** Zones the zone-indexed layout reserves subnets for: the VPC is split for this many up front. */
export const MAX_INDEXED_ZONES = 3;

/** AWS refuses subnets smaller than /28. */
export const SMALLEST_SUBNET_PREFIX = 28;

function toInt(address: string): number {
    return ipaddr.IPv4.parse(address).toByteArray().reduce((value, byte) => value * 256 + byte, 0);
}

function toAddress(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function block(base: number, prefixLength: number, index: number): string {
    return `${toAddress(base + index * 2 ** (32 - prefixLength))}/${prefixLength}`;
}

function parseVpc(vpcCidr: string): { base: number; prefix: number } {
    const [address, prefixText] = vpcCidr.split("/");
    return { base: toInt(address ?? ""), prefix: Number(prefixText) };
}

function tooSmall(vpcCidr: string, zones: number, publicPrefix: number): Error {
    return new Error(`${vpcCidr} is too small for ${zones} AZs: public subnets would be /${publicPrefix} (AWS allows at most /${SMALLEST_SUBNET_PREFIX})`);
}

/**
 * The VPC in four quarters: zone i's private subnet (nodes and pods, which take VPC addresses with the VPC CNI) is
 * quarter i, and the last quarter holds the public subnets (NAT gateways and NLB nodes) as its sixteenths 12 + i.
 * Example: 10.0.0.0/16 → private /18 at 10.0.0.0, 10.0.64.0, 10.0.128.0; public /20 at 10.0.192.0, 10.0.208.0,
 * 10.0.224.0; 10.0.240.0/20 stays free. A 3-zone stack of the legacy layout has exactly these subnets.
 */
function zoneIndexedLayout(vpcCidr: string, availabilityZones: number): SubnetLayout {
    if (availabilityZones > MAX_INDEXED_ZONES) throw new Error(`${availabilityZones} AZs is more than the ${MAX_INDEXED_ZONES} the zone-indexed layout reserves subnets for`);
    const { base, prefix } = parseVpc(vpcCidr);
    if (prefix + 4 > SMALLEST_SUBNET_PREFIX) throw tooSmall(vpcCidr, availabilityZones, prefix + 4);
    const zones = Array.from({ length: availabilityZones }, (_, index) => index);
    return {
        privateCidrs: zones.map((index) => block(base, prefix + 2, index)),
        publicCidrs: zones.map((index) => block(base, prefix + 4, 12 + index)),
    };
}

/**
 * The layout before zoneIndexed: private subnets get the largest blocks that fit the zone count, and the last block
 * of that size is split again for the public subnets. Every CIDR depends on the zone count.
 */
function legacyLayout(vpcCidr: string, availabilityZones: number): SubnetLayout {
    const { base, prefix } = parseVpc(vpcCidr);
    const privateBits = Math.ceil(Math.log2(availabilityZones + 1));
    const publicBits = Math.ceil(Math.log2(availabilityZones));
    const privatePrefix = prefix + privateBits;
    const publicPrefix = privatePrefix + publicBits;
    if (publicPrefix > SMALLEST_SUBNET_PREFIX) throw tooSmall(vpcCidr, availabilityZones, publicPrefix);
    const publicBase = base + (2 ** privateBits - 1) * 2 ** (32 - privatePrefix);
    return {
        privateCidrs: Array.from({ length: availabilityZones }, (_, index) => block(base, privatePrefix, index)),
        publicCidrs: Array.from({ length: availabilityZones }, (_, index) => block(publicBase, publicPrefix, index)),
    };
}

/** One private and one public subnet per AZ of an IPv4 VPC block. */
export function subnetLayout(vpcCidr: string, availabilityZones: number, kind: SubnetLayoutKind = "zoneIndexed"): SubnetLayout {
    if (!Number.isInteger(availabilityZones) || availabilityZones < 1) throw new Error(`availabilityZones must be a positive integer, got ${availabilityZones}`);
    return kind === "zoneIndexed" ? zoneIndexedLayout(vpcCidr, availabilityZones) : legacyLayout(vpcCidr, availabilityZones);
}

/** The layout's problem for a config check, or undefined when it fits. */
export function subnetLayoutProblem(vpcCidr: string, availabilityZones: number, kind: SubnetLayoutKind): string | undefined {
    try {
        subnetLayout(vpcCidr, availabilityZones, kind);
        return undefined;
    } catch (error) {
        return (error as Error).message;
    }
}
