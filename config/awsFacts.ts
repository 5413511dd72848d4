/** AWS facts the config is checked against, each with its source and the date it was read. */

import { Region } from "@pulumi/aws/types/enums";
import { version as awsSdkVersion } from "@pulumi/aws/package.json";

/** Regions of the other partitions, named in the message instead of "does not exist". */
const OTHER_PARTITIONS: Readonly<Record<string, RegExp>> = {
    "aws-cn": /^cn-\w+-\d+$/,
    "aws-us-gov": /^us-gov-\w+-\d+$/,
    "aws-iso": /^(us|eu)-iso[a-z]?-\w+-\d+$/,
    "aws-eusc": /^eusc-de-\w+-\d+$/,
};

/**
 * Regions of the `aws` partition, the only one this program supports (it names managed policies as
 * arn:aws:iam::aws:policy/…): the provider SDK's Region enum (the regions the provider knows), without
 * the other partitions. Upgrading @pulumi/aws (pinned by the lockfile) admits a region AWS opens later.
 */
export const AWS_REGIONS: readonly string[] = Object.values(Region)
    .filter((region) => !Object.values(OTHER_PARTITIONS).some((pattern) => pattern.test(region)));

export function regionProblem(region: string): string | undefined {
    if (AWS_REGIONS.includes(region)) return undefined;
    const partition = Object.entries(OTHER_PARTITIONS).find(([, pattern]) => pattern.test(region))?.[0];
    if (partition) return `is ${region}, a region of the ${partition} partition (this program deploys to the aws partition only: its IAM policy ARNs are arn:aws:…)`;
    return `is ${JSON.stringify(region)}, not an AWS region (aws partition regions known to @pulumi/aws ${awsSdkVersion}, e.g. eu-west-1, us-east-1)`;
}

/** Network Load Balancer quotas ("Quotas for your Network Load Balancers", ELB docs, read 2026-12-01). */
export const NLB_LISTENERS_MAX = 50; // "Listeners per Network Load Balancer": 50, not adjustable.
/** With cross-zone load balancing on, at most 500 targets per NLB; a node in N target groups counts N times. */
export const NLB_TARGETS_MAX_CROSS_ZONE = 500;
/** "Inbound or outbound rules per security group": 60 by default (Amazon VPC quotas, read 2026-12-01). */
export const SECURITY_GROUP_RULES_DEFAULT_MAX = 60;
/** "Public endpoint access CIDR ranges per cluster": 40, not adjustable (Amazon EKS service quotas). */
export const EKS_PUBLIC_ACCESS_CIDRS_MAX = 40;

/**
 * What the node group's AMI type (AL2023_x86_64_STANDARD, components/aws/cluster.ts) can run, read from the
 * instance type name: family, generation, processor and capability letters, then the size
 * ("Amazon EC2 instance type naming conventions", EC2 Instance Types guide: processor "g" is AWS Graviton,
 * i.e. arm64; the a1 family is first-generation Graviton). Accelerated families need the NVIDIA or Neuron AMI
 * types, which the STANDARD one is not.
 */
const INSTANCE_TYPE = /^([a-z]+)([0-9]+)([a-z]*)(-flex)?\.([a-z0-9]+)$/;
const ACCELERATED_FAMILIES = ["p", "g", "gr", "inf", "trn", "dl", "f", "vt"];

export function instanceTypeProblem(instanceType: string): string | undefined {
    const match = INSTANCE_TYPE.exec(instanceType);
    if (!match) return undefined;
    const [, family, generation, attributes] = match as unknown as [string, string, string, string];
    const graviton = attributes.includes("g") || (family === "a" && generation === "1");
    if (graviton) {
        return `is ${instanceType}, an AWS Graviton (arm64) type, but the node group runs the x86_64 AMI type AL2023_x86_64_STANDARD (choose an x86_64 type such as m6i, m7i or m6a; the controller and WAF images are not checked for arm64)`;
    }
    if (ACCELERATED_FAMILIES.includes(family)) {
        return `is ${instanceType}, an accelerated-computing type whose devices the AMI type AL2023_x86_64_STANDARD has no drivers for (choose a general-purpose, compute or memory type)`;
    }
    if (family === "mac") return `is ${instanceType}, a Mac (dedicated host) type, which EKS managed node groups cannot use`;
    return undefined;
}
