import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { roleKey } from "../components/aws/accessEntries";
import { subnetLayout } from "../components/aws/subnetLayout";
import { cidrsOverlap } from "./addressSet";
import { parseCidr } from "./cidr";
import { formatProblems, type ConfigProblem } from "./messages";
import type { EdgeModel } from "./model";
import { ConfigError } from "./read";

/** What the target account and region say, read once before any resource is registered. */
export interface AccountFacts {
    readonly region: string;
    /**
     * Zones the network may use: the region's zones that need no opt-in (not Local or Wavelength Zones), in AWS's
     * order. Whatever their state: a zone that is impaired during an incident must not shift the others' places.
     */
    readonly availabilityZones: readonly string[];
    /** The IAM role behind the credentials running this update; absent for an IAM user. */
    readonly callerRoleArn?: string;
    readonly eksClusterNames: readonly string[];
    /** The Kubernetes version of this stack's cluster, when it exists already. */
    readonly clusterVersion?: string;
    /** How many subnets this stack's cluster was given, when it exists already. */
    readonly clusterSubnetCount?: number;
    /** The cluster's VPC and subnets, when it exists already and the program created its network. */
    readonly clusterNetwork?: { readonly vpcCidr: string; readonly subnetCidrs: readonly string[] };
    /**
     * Whether the role running this update has an access entry on this stack's cluster, when the cluster exists: true,
     * false, or undefined when it could not be read (e.g. the role may not call eks:DescribeAccessEntry).
     */
    readonly callerHasAccessEntry?: boolean;
    /** Public addresses of this stack's NAT gateways, once the program has created them. */
    readonly natAddresses?: readonly string[];
    /** A preview (`pulumi preview`): it creates nothing. */
    readonly preview?: boolean;
}

/** Reads the facts through the AWS provider's data sources (read-only calls). */
async function readAccountFacts(clusterName: string, readNetwork: boolean): Promise<AccountFacts> {
    const [zones, identity, clusters, region] = await Promise.all([
        aws.getAvailabilityZones({ filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }),
        aws.getCallerIdentity({}),
        aws.eks.getClusters({}),
        aws.getRegion({}),
    ]);
    // An assumed-role session resolves to its role; for anything else issuerArn is the caller itself.
    const session = await aws.iam.getSessionContext({ arn: identity.arn });
    const cluster = clusters.names.includes(clusterName) ? await aws.eks.getCluster({ name: clusterName }) : undefined;
    const callerRoleArn = roleKey(session.issuerArn) ? session.issuerArn : undefined;
    const callerHasAccessEntry = cluster && callerRoleArn ? await hasAccessEntry(clusterName, callerRoleArn) : undefined;
    const clusterNetwork = cluster && readNetwork ? await readClusterNetwork(cluster.vpcConfig.vpcId, cluster.vpcConfig.subnetIds) : undefined;
    // components/aws/network.ts names each NAT gateway's Elastic IP <cluster name>-nat-<index>.
    const natAddresses = readNetwork ? (await aws.ec2.getEips({ filters: [{ name: "tag:Name", values: [`${clusterName}-nat-*`] }] })).publicIps : [];
    return {
        region: region.region,
        availabilityZones: zones.names,
        ...(callerRoleArn ? { callerRoleArn } : {}),
        eksClusterNames: clusters.names,
        ...(cluster ? { clusterVersion: cluster.version, clusterSubnetCount: cluster.vpcConfig.subnetIds.length } : {}),
        ...(callerHasAccessEntry !== undefined ? { callerHasAccessEntry } : {}),
        ...(clusterNetwork ? { clusterNetwork } : {}),
        ...(natAddresses.length > 0 ? { natAddresses } : {}),
        preview: pulumi.runtime.isDryRun(),
    };
}

async function readClusterNetwork(vpcId: string, subnetIds: readonly string[]): Promise<AccountFacts["clusterNetwork"]> {
    const [vpc, subnets] = await Promise.all([aws.ec2.getVpc({ id: vpcId }), Promise.all(subnetIds.map((id) => aws.ec2.getSubnet({ id })))]);
    return { vpcCidr: vpc.cidrBlock, subnetCidrs: subnets.map((subnet) => subnet.cidrBlock) };
}

/** DescribeAccessEntry answers ResourceNotFoundException for a principal without an entry (EKS API reference). */
async function hasAccessEntry(clusterName: string, principalArn: string): Promise<boolean | undefined> {
    try {
        await aws.eks.getAccessEntry({ clusterName, principalArn });
        return true;
    } catch (error) {
        return /ResourceNotFoundException/.test(String(error)) ? false : undefined;
    }
}

/**
 * Config that is valid on its own but not in this account: more zones than the region offers, and, on the
 * update that creates the cluster, the creating role among the admins. @pulumi/eks creates the cluster with
 * bootstrapClusterCreatorAdminPermissions, so EKS gives that role an access entry itself, and a second one
 * fails with ResourceInUseException (pulumi/pulumi-eks#2373).
 */
export function accountProblems(model: EdgeModel, clusterName: string, facts: AccountFacts): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const zones = facts.availabilityZones.length;
    if (!model.network.existing && model.network.availabilityZones > zones) {
        problems.push({ key: "network.availabilityZones", message: `is ${model.network.availabilityZones}, but ${facts.region} has ${zones} available zones (at most ${zones})` });
    }
    const caller = facts.callerRoleArn ? roleKey(facts.callerRoleArn) : undefined;
    // Only the update that creates the cluster: a preview creates nothing, and its role is the read-only preview role.
    if (caller && !facts.eksClusterNames.includes(clusterName) && facts.preview !== true) {
        for (const list of ["adminRoleArns", "viewerRoleArns"] as const) {
            model.cluster[list].forEach((arn, index) => {
                if (roleKey(arn) !== caller) return;
                problems.push({
                    key: `cluster.${list}[${index}]`,
                    message: `is the role creating the cluster, which EKS makes cluster admin itself (remove it: a second access entry fails with ResourceInUseException; list only the other roles)`,
                });
            });
        }
    }
    if (facts.callerHasAccessEntry === false) {
        problems.push({
            key: "cluster.adminRoleArns",
            message: `does not give ${facts.callerRoleArn ?? "the role running this update"} access to the cluster ${clusterName}, so every Kubernetes object of this update would be refused (an admin adds it to cluster.adminRoleArns, or cluster.viewerRoleArns for a preview role, from a machine that has access)`,
        });
    }
    // A network the program creates gives the cluster one public and one private subnet per zone.
    const liveZones = facts.clusterSubnetCount === undefined ? undefined : facts.clusterSubnetCount / 2;
    if (!model.network.existing && liveZones !== undefined && model.network.availabilityZones > liveZones) {
        problems.push({
            key: "network.availabilityZones",
            message: `is ${model.network.availabilityZones}, but the cluster ${clusterName} was created in ${liveZones} zones, and EKS takes only subnets in the zones a cluster was created with (EKS User Guide, networking requirements: at most ${liveZones} here; more zones means a new cluster)`,
        });
    }
    problems.push(...subnetLayoutProblems(model, clusterName, facts));
    problems.push(...natDuplicateProblems(model, facts));
    problems.push(...versionStepProblems(model.cluster.kubernetesVersion, facts.clusterVersion));
    return problems;
}

/**
 * A live subnet that the configured layout would replace with one overlapping it: Pulumi creates the replacement
 * before deleting the old subnet, and EC2 refuses the overlap (CreateSubnet, InvalidSubnet.Conflict), so the update
 * would fail halfway. This is a stack created with the other layout (a 2-zone stack before zone-indexed subnets).
 * Only while the VPC keeps its CIDR: a new CIDR replaces the VPC, and subnets of different VPCs never conflict.
 */
function subnetLayoutProblems(model: EdgeModel, clusterName: string, facts: AccountFacts): ConfigProblem[] {
    const live = facts.clusterNetwork;
    if (model.network.existing || live === undefined || live.vpcCidr !== model.network.cidr) return [];
    const planned = subnetLayout(model.network.cidr, model.network.availabilityZones, model.network.subnetLayout);
    const plannedCidrs = [...planned.publicCidrs, ...planned.privateCidrs];
    const conflicts = live.subnetCidrs.filter((cidr) => !plannedCidrs.includes(cidr) && plannedCidrs.some((next) => cidrsOverlap(cidr, next)));
    if (conflicts.length === 0) return [];
    const other = model.network.subnetLayout === "zoneIndexed" ? "legacy" : "zoneIndexed";
    const otherLayout = subnetLayout(model.network.cidr, live.subnetCidrs.length / 2, other);
    const createdWithOther = [...otherLayout.publicCidrs, ...otherLayout.privateCidrs].sort().join() === [...live.subnetCidrs].sort().join();
    const remedy = createdWithOther
        ? `the stack was created with the ${other} layout: set network.subnetLayout: ${other}`
        : "subnets cannot be re-carved in place: keep the layout and zone count the cluster was created with";
    return [{
        key: "network.subnetLayout",
        message: `is ${model.network.subnetLayout}, but the cluster ${clusterName} has subnets ${conflicts.join(", ")} that it would replace with overlapping ones, which EC2 refuses (InvalidSubnet.Conflict) halfway through the update (${remedy})`,
    }];
}

/**
 * A TCP route with allowNatEgress gets a security-group rule per NAT address (components/aws/loadBalancer.ts); an
 * allowlist entry that is one of those addresses would be the same rule again, which EC2 refuses
 * (AuthorizeSecurityGroupIngress: InvalidPermission.Duplicate) halfway through the update. The addresses exist only
 * once the network does, so a first update cannot be checked, and need not be: nobody can list them before.
 */
function natDuplicateProblems(model: EdgeModel, facts: AccountFacts): ConfigProblem[] {
    const nat = new Set((facts.natAddresses ?? []).map((address) => `${address}/32`));
    if (nat.size === 0) return [];
    return model.routeTable.tcp.filter((route) => route.allowNatEgress).flatMap((route) => route.allowlist.flatMap((entry, index) => {
        const parsed = parseCidr(entry);
        if (!parsed.ok || !nat.has(parsed.cidr.canonical)) return [];
        return [{
            key: `${route.configKey}.allowlist[${index}]`,
            message: `is ${entry}, the address of one of this stack's NAT gateways, which allowNatEgress already admits (remove the entry: the NLB's security group would get the same rule twice, which EC2 refuses with InvalidPermission.Duplicate)`,
        }];
    }));
}

const minorOf = (version: string): number => Number(version.split(".")[1]);

/**
 * A live control plane moves one minor version per update and never back (EKS User Guide, "Update existing cluster to
 * new Kubernetes version": "you can update only one minor version at a time"; UpdateClusterVersion refuses the rest).
 */
function versionStepProblems(wanted: string, running: string | undefined): ConfigProblem[] {
    if (running === undefined || running === wanted) return [];
    const key = "cluster.kubernetesVersion";
    if (minorOf(wanted) < minorOf(running)) {
        return [{ key, message: `is ${wanted}, but the cluster runs ${running} (EKS does not downgrade a control plane: ${running} or the next minor version)` }];
    }
    if (minorOf(wanted) > minorOf(running) + 1) {
        return [{ key, message: `is ${wanted}, but the cluster runs ${running} (EKS upgrades one minor version per update: 1.${minorOf(running) + 1} first)` }];
    }
    return [];
}

/** Reads the account and throws one ConfigError listing every mismatch; call before registering anything. */
export async function checkAccount(model: EdgeModel, clusterName: string): Promise<AccountFacts> {
    const facts = await readAccountFacts(clusterName, model.network.existing === undefined);
    const problems = accountProblems(model, clusterName, facts);
    if (problems.length > 0) throw new ConfigError(model.stack, formatProblems(problems));
    return facts;
}
