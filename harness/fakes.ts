import type { MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { contentHash } from "../components/contentHash";
import { offlineZones } from "./zones";

/**
 * Fake cloud-computed values for the mock engine. They are obviously fake (documentation ranges,
 * 123456789012) and deterministic, so that two plans of the same commit are identical; only Kubernetes
 * resourceVersions are keyed per process (see kubernetesState).
 */

export const FAKE_ACCOUNT_ID = "123456789012";
/** Stands in for the NLB's canonical hosted-zone id (AWS publishes one per region). */
export const FAKE_NLB_ZONE_ID = "Z0FAKENLBZONE0000001";

/** A hosted zone's id, one per zone name: moving the records to another zone changes their zoneId, as in Route53. */
export function fakeHostedZoneId(zoneName: string): string {
    return `Z0FAKE${contentHash(zoneName, 14).toUpperCase()}`;
}

function fakeId(type: string, name: string): string {
    const prefixes: Record<string, string> = {
        "aws:ec2/vpc:Vpc": "vpc-",
        "aws:ec2/subnet:Subnet": "subnet-",
        "aws:ec2/securityGroup:SecurityGroup": "sg-",
        "aws:ec2/internetGateway:InternetGateway": "igw-",
        "aws:ec2/natGateway:NatGateway": "nat-",
        "aws:ec2/eip:Eip": "eipalloc-",
        "aws:ec2/routeTable:RouteTable": "rtb-",
    };
    return `${prefixes[type] ?? ""}${contentHash(`${type}/${name}`, 17)}`;
}

/** A name Pulumi auto-names: the logical name and a random 7-character suffix (Pulumi docs, "Resource names"). */
function autoName(type: string, name: string): string {
    return `${name}-${contentHash(`${type}/${name}/autoname`, 7)}`;
}

function fakeIpv4(seed: string, firstOctets: string): string {
    const bytes = createHash("sha256").update(seed).digest();
    return `${firstOctets}.${(bytes[0] ?? 0) % 254 + 1}`;
}

type Inputs = Record<string, unknown>;

/**
 * Equal inputs give equal fake resourceVersions within one process (a plan, or the two plans of a diff). Held on the
 * global object: `npm run diff` loads the base commit's own copy of this module, which must use the same key.
 */
const RESOURCE_VERSION_KEY_SYMBOL = Symbol.for("commerce-edge.fakes.resourceVersionKey");
const globalKeys = globalThis as { [RESOURCE_VERSION_KEY_SYMBOL]?: Buffer };
const RESOURCE_VERSION_KEY: Buffer = (globalKeys[RESOURCE_VERSION_KEY_SYMBOL] ??= randomBytes(32));

function kubernetesState(args: MockResourceArgs, inputs: Inputs): Inputs {
    const metadata = { ...((inputs.metadata as Inputs | undefined) ?? {}) };
    metadata.name ??= args.name;
    // Stands in for the API server's resourceVersion, which changes with every write: here, with the inputs. Keyed
    // per process, because the inputs may hold secrets (a plain hash of them would end up in the plan's files).
    metadata.resourceVersion = String(parseInt(createHmac("sha256", RESOURCE_VERSION_KEY).update(JSON.stringify(inputs)).digest("hex").slice(0, 8), 16));
    const state: Inputs = { ...inputs, metadata };
    if (args.type === "kubernetes:core/v1:Service") {
        const spec = { ...((inputs.spec as Inputs | undefined) ?? {}) };
        spec.clusterIP ??= fakeIpv4(`${String(metadata.namespace)}/${String(metadata.name)}`, "172.20.0");
        state.spec = spec;
    }
    return state;
}

/** `physicalName` is the `name` input when given; pulumi-eks auto-names `<name>-eksCluster-<random>` otherwise. */
function eksClusterState(name: string, physicalName: string | undefined, version: string, region: string): Inputs {
    const clusterName = physicalName ?? `${name}-eksCluster-${contentHash(name, 7)}`;
    const endpoint = `https://${contentHash(name, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": "ZmFrZS1jYQ==" } }],
        contexts: [{ name: "aws", context: { cluster: clusterName, user: "aws" } }],
        "current-context": "aws",
        users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName] } } }],
    };
    const oidcIssuer = `https://oidc.eks.${region}.amazonaws.com/id/${contentHash(name, 32).toUpperCase()}`;
    return {
        kubeconfig,
        kubeconfigJson: JSON.stringify(kubeconfig),
        eksCluster: {
            name: clusterName,
            arn: `arn:aws:eks:${region}:${FAKE_ACCOUNT_ID}:cluster/${clusterName}`,
            endpoint,
            version,
            vpcConfig: { clusterSecurityGroupId: fakeId("aws:ec2/securityGroup:SecurityGroup", `${name}-cluster`) },
            // Unset, EKS assigns 10.100.0.0/16 or 172.20.0.0/16 (EKS API reference, KubernetesNetworkConfigRequest).
            kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: "172.20.0.0/16" },
            identities: [{ oidcs: [{ issuer: oidcIssuer }] }],
        },
        core: { cluster: { name: clusterName } },
        clusterSecurityGroupId: fakeId("aws:ec2/securityGroup:SecurityGroup", `${name}-cluster`),
        nodeSecurityGroupId: fakeId("aws:ec2/securityGroup:SecurityGroup", `${name}-node`),
        oidcProviderArn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:oidc-provider/${oidcIssuer.replace("https://", "")}`,
        oidcProviderUrl: oidcIssuer,
        oidcIssuer: oidcIssuer.replace("https://", ""),
    };
}

/** State of a newly created resource: its inputs plus what the cloud would compute. */
export function fakeResourceState(args: MockResourceArgs, region: string): MockResourceResult {
    const inputs = (args.inputs ?? {}) as Inputs;
    const id = fakeId(args.type, args.name);
    const physicalName = typeof inputs.name === "string" ? inputs.name : autoName(args.type, args.name);
    const arn = `arn:aws:${args.type.split(":")[1]?.split("/")[0] ?? "aws"}:${region}:${FAKE_ACCOUNT_ID}:${physicalName}`;
    if (args.type.startsWith("kubernetes:")) return { id: `${id}`, state: kubernetesState(args, inputs) };
    switch (args.type) {
        case "eks:index:Cluster":
            return { id, state: { ...inputs, ...eksClusterState(args.name, typeof inputs.name === "string" ? inputs.name : undefined, String(inputs.version), region) } };
        case "eks:index:ManagedNodeGroup":
            return {
                id,
                state: { ...inputs, nodeGroup: { nodeGroupName: args.name, resources: [{ autoscalingGroups: [{ name: `eks-${args.name}-${contentHash(args.name, 12)}` }] }] } },
            };
        case "aws:lb/loadBalancer:LoadBalancer":
            return {
                id: arn,
                state: { ...inputs, arn, arnSuffix: `net/${args.name}/${contentHash(args.name, 16)}`, dnsName: `${args.name}-${contentHash(args.name, 10)}.elb.${region}.amazonaws.com`, zoneId: FAKE_NLB_ZONE_ID },
            };
        case "aws:lb/targetGroup:TargetGroup":
            return { id: arn, state: { ...inputs, arn, arnSuffix: `targetgroup/${args.name}/${contentHash(args.name, 16)}` } };
        case "aws:ec2/eip:Eip":
            return { id, state: { ...inputs, allocationId: id, publicIp: fakeIpv4(args.name, "203.0.113") } };
        case "aws:ec2/natGateway:NatGateway":
            return { id, state: { ...inputs, publicIp: fakeIpv4(args.name, "198.51.100") } };
        case "aws:ec2/vpc:Vpc":
            return { id, state: { ...inputs, arn, defaultSecurityGroupId: fakeId("aws:ec2/securityGroup:SecurityGroup", `${args.name}-default`) } };
        case "aws:iam/role:Role":
            return { id: physicalName, state: { ...inputs, arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:role/${physicalName}`, name: physicalName } };
        case "aws:kms/key:Key":
            return { id, state: { ...inputs, arn: `arn:aws:kms:${region}:${FAKE_ACCOUNT_ID}:key/${id}`, keyId: id } };
        case "aws:route53/record:Record":
            return { id, state: { ...inputs, fqdn: inputs.name } };
        default:
            return { id, state: { ...inputs, arn, name: physicalName } };
    }
}

/** Results of the data-source invokes a program makes; an unknown invoke is an error, not a silent {}. */
export function fakeInvokeResult(token: string, inputs: Inputs, region: string): Inputs {
    switch (token) {
        case "aws:route53/getZone:getZone":
            return { zoneId: fakeHostedZoneId(String(inputs.name)), id: fakeHostedZoneId(String(inputs.name)), name: inputs.name, privateZone: false };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const zones = offlineZones(region);
            return { names: [...zones.names], zoneIds: [...zones.zoneIds], id: region };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: FAKE_ACCOUNT_ID, arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:user/offline`, userId: "AIDAOFFLINE", id: FAKE_ACCOUNT_ID };
        case "aws:iam/getSessionContext:getSessionContext": {
            const arn = String(inputs.arn);
            const assumedRole = /^arn:aws:sts::([0-9]{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
            return assumedRole
                ? { arn, issuerArn: `arn:aws:iam::${assumedRole[1]}:role/${assumedRole[2]}`, issuerName: assumedRole[2], sessionName: assumedRole[3], issuerId: "AROAOFFLINE", id: arn }
                : { arn, issuerArn: arn, issuerName: "", sessionName: "", issuerId: "", id: arn };
        }
        case "aws:ec2/getVpc:getVpc":
            return {
                id: inputs.id,
                cidrBlock: "10.60.0.0/16",
                cidrBlockAssociations: [
                    { associationId: "vpc-cidr-assoc-0fake1", cidrBlock: "10.60.0.0/16", state: "associated" },
                    { associationId: "vpc-cidr-assoc-0fake2", cidrBlock: "100.64.0.0/16", state: "associated" },
                ],
                default: false,
            };
        case "aws:ec2/getEips:getEips":
            return { allocationIds: [], publicIps: [], id: region };
        case "aws:eks/getClusters:getClusters":
            return { names: [], region, id: region };
        case "aws:eks/getCluster:getCluster":
            throw new Error(`the offline account has no EKS cluster ${String(inputs.name)} (getClusters lists none)`);
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        default:
            throw new Error(`the offline mock engine has no fake result for the invoke ${token} (add one to harness/fakes.ts)`);
    }
}
