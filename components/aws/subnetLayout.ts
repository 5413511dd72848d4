import ipaddr from "ipaddr.js";

/** Public and private subnet CIDRs of a VPC, one of each per availability zone. */
export interface SubnetLayout {
    readonly publicCidrs: readonly string[];
    readonly privateCidrs: readonly string[];
}

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

/**
 * Splits an IPv4 VPC block into one private and one public subnet per AZ. Private subnets (nodes and
 * pods, which take VPC addresses with the VPC CNI) get the large blocks; the last block of the same
 * size is split again for the public subnets (NAT gateways and NLB nodes only).
 * Example: 10.0.0.0/16 over 3 AZs → private /18 ×3, public /20 ×3.
 */
export function subnetLayout(vpcCidr: string, availabilityZones: number): SubnetLayout {
    if (!Number.isInteger(availabilityZones) || availabilityZones < 1) throw new Error(`availabilityZones must be a positive integer, got ${availabilityZones}`);
    const [address, prefixText] = vpcCidr.split("/");
    const vpcPrefix = Number(prefixText);
    const base = toInt(address ?? "");
    const privateBits = Math.ceil(Math.log2(availabilityZones + 1));
    const publicBits = Math.ceil(Math.log2(availabilityZones));
    const privatePrefix = vpcPrefix + privateBits;
    const publicPrefix = privatePrefix + publicBits;
    if (publicPrefix > SMALLEST_SUBNET_PREFIX) {
        throw new Error(`${vpcCidr} is too small for ${availabilityZones} AZs: public subnets would be /${publicPrefix} (AWS allows at most /${SMALLEST_SUBNET_PREFIX})`);
    }
    const privateCidrs = Array.from({ length: availabilityZones }, (_, index) => block(base, privatePrefix, index));
    const publicBase = base + (2 ** privateBits - 1) * 2 ** (32 - privatePrefix);
    const publicCidrs = Array.from({ length: availabilityZones }, (_, index) => block(publicBase, publicPrefix, index));
    return { publicCidrs, privateCidrs };
}

/** The layout's problem for a config check, or undefined when it fits. */
export function subnetLayoutProblem(vpcCidr: string, availabilityZones: number): string | undefined {
    try {
        subnetLayout(vpcCidr, availabilityZones);
        return undefined;
    } catch (error) {
        return (error as Error).message;
    }
}
