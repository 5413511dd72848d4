import { CONTROL_PLANE_USD_PER_HOUR, eksVersion, HOURS_PER_MONTH, supportStatus } from "../components/aws/eksVersions";
import { clock } from "../config/clock";
import type { RecordedResource } from "./mockEngine";
import { cpuCores, gibibytes } from "./quantity";

/**
 * Estimated monthly cost of a plan, from a dated, sourced table of AWS on-demand list prices (USD).
 * It prices what the stack runs for a month (730 hours, the AWS Pricing Calculator's month); usage
 * that depends on traffic (data transfer, NAT data processing, NLB capacity units, KMS requests,
 * DNS queries) is excluded and named, with its unit price, so it can be added.
 *
 * Every AWS resource type a plan contains is either priced (PRICED_TYPES) or listed as having no
 * charge of its own (FREE_TYPES); a test fails on a type in neither.
 */

export { HOURS_PER_MONTH } from "../components/aws/eksVersions";

/**
 * When the prices were read. They were transcribed from the pages in PRICE_SOURCES, which this
 * program does not fetch: check them there before budgeting, and update this date with them.
 */
export const PRICES_AS_OF = "2025-06-01";

export const PRICE_SOURCES: Readonly<Record<string, string>> = {
    eks: "https://aws.amazon.com/eks/pricing/ (standard support $0.10 and extended support $0.60 per cluster-hour; AWS Containers blog, \"Amazon EKS extended support for Kubernetes versions pricing\")",
    ec2: "https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, shared tenancy)",
    ebs: "https://aws.amazon.com/ebs/pricing/ (gp3 per GB-month; 3,000 IOPS and 125 MB/s included)",
    vpc: "https://aws.amazon.com/vpc/pricing/ (NAT gateway hour and GB processed; public IPv4 address hour, charged since 2024-02-01 for every public address, including those of NAT gateways and load balancers)",
    elb: "https://aws.amazon.com/elasticloadbalancing/pricing/ (Network Load Balancer hour and NLCU-hour)",
    kms: "https://aws.amazon.com/kms/pricing/ ($1 per customer managed key-month; each of the first two automatic rotations adds $1 per month)",
    route53: "https://aws.amazon.com/route53/pricing/ (hosted zone-month; alias queries to an ELB load balancer are free)",
    cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/ (Logs: standard ingestion per GB, storage per GB-month; EKS control-plane logs are billed at these rates, EKS User Guide, control-plane logs)",
    nodeGroupOrder: "EKS User Guide, managed node groups: On-Demand capacity is filled with the instance types in the order given",
};

export interface InstancePrice {
    readonly hourly: number;
    readonly vcpus: number;
    readonly memoryGiB: number;
}

export interface RegionPrices {
    readonly eksClusterHour: number;
    readonly eksExtendedSupportClusterHour: number;
    readonly instances: Readonly<Record<string, InstancePrice>>;
    readonly ebsGp3GbMonth: number;
    readonly natGatewayHour: number;
    readonly natGatewayGb: number;
    readonly publicIpv4Hour: number;
    readonly nlbHour: number;
    readonly nlcuHour: number;
    readonly kmsKeyMonth: number;
    readonly route53HostedZoneMonth: number;
    readonly logsIngestedGb: number;
    readonly logsStoredGbMonth: number;
}

/** vCPUs and memory of each instance type the table prices: the same in every region (EC2 instance types). */
const INSTANCE_SIZES: Readonly<Record<string, { readonly vcpus: number; readonly memoryGiB: number }>> = {
    "m6i.large": { vcpus: 2, memoryGiB: 8 },
    "m6i.xlarge": { vcpus: 4, memoryGiB: 16 },
    "m6i.2xlarge": { vcpus: 8, memoryGiB: 32 },
    "m6a.large": { vcpus: 2, memoryGiB: 8 },
    "m6a.xlarge": { vcpus: 4, memoryGiB: 16 },
    "m5.large": { vcpus: 2, memoryGiB: 8 },
    "m5.xlarge": { vcpus: 4, memoryGiB: 16 },
    "t3.large": { vcpus: 2, memoryGiB: 8 },
    "t3.xlarge": { vcpus: 4, memoryGiB: 16 },
};

/** A region's hourly prices with each type's size. */
function priced(hourly: Readonly<Record<string, number>>): Record<string, InstancePrice> {
    return Object.fromEntries(Object.entries(hourly).map(([type, price]) => {
        const size = INSTANCE_SIZES[type];
        if (!size) throw new Error(`harness/cost.ts: instance type ${type} is priced but has no size in INSTANCE_SIZES`);
        return [type, { hourly: price, ...size }];
    }));
}

export const PRICE_TABLE: Readonly<Record<string, RegionPrices>> = {
    "us-east-1": {
        eksClusterHour: CONTROL_PLANE_USD_PER_HOUR.standard,
        eksExtendedSupportClusterHour: CONTROL_PLANE_USD_PER_HOUR.extended,
        instances: priced({
            "m6i.large": 0.096,
            "m6i.xlarge": 0.192,
            "m6i.2xlarge": 0.384,
            "m6a.large": 0.0864,
            "m6a.xlarge": 0.1728,
            "m5.large": 0.096,
            "m5.xlarge": 0.192,
            "t3.large": 0.0832,
            "t3.xlarge": 0.1664,
        }),
        ebsGp3GbMonth: 0.08,
        natGatewayHour: 0.045,
        natGatewayGb: 0.045,
        publicIpv4Hour: 0.005,
        nlbHour: 0.0225,
        nlcuHour: 0.006,
        kmsKeyMonth: 1,
        route53HostedZoneMonth: 0.5,
        logsIngestedGb: 0.5,
        logsStoredGbMonth: 0.03,
    },
    "eu-west-1": {
        eksClusterHour: CONTROL_PLANE_USD_PER_HOUR.standard,
        eksExtendedSupportClusterHour: CONTROL_PLANE_USD_PER_HOUR.extended,
        instances: priced({
            "m6i.large": 0.107,
            "m6i.xlarge": 0.214,
            "m6i.2xlarge": 0.428,
            "m6a.large": 0.0963,
            "m6a.xlarge": 0.1926,
            "m5.large": 0.107,
            "m5.xlarge": 0.214,
            "t3.large": 0.0912,
            "t3.xlarge": 0.1824,
        }),
        ebsGp3GbMonth: 0.088,
        natGatewayHour: 0.048,
        natGatewayGb: 0.048,
        publicIpv4Hour: 0.005,
        nlbHour: 0.0252,
        nlcuHour: 0.006,
        kmsKeyMonth: 1,
        route53HostedZoneMonth: 0.5,
        logsIngestedGb: 0.57,
        logsStoredGbMonth: 0.03,
    },
};

/** AWS types the model prices, and how. */
export const PRICED_TYPES: Readonly<Record<string, string>> = {
    "eks:index:Cluster": "EKS control plane per cluster-hour (extended support when the version is in it)",
    "eks:index:ManagedNodeGroup": "desired nodes × instance-hour of the first instance type, and their root volumes (gp3 GB-month)",
    "aws:ec2/natGateway:NatGateway": "NAT gateway-hour",
    "aws:ec2/eip:Eip": "public IPv4 address-hour",
    "aws:lb/loadBalancer:LoadBalancer": "NLB-hour, and a public IPv4 address-hour per subnet when internet-facing",
    "aws:kms/key:Key": "customer managed key-month",
    "aws:cloudwatch/logGroup:LogGroup": "assumed GB ingested per month, and the GB it keeps for its retention",
    "kubernetes:apps/v1:StatefulSet": "its volume claims on an EBS storage class (gp3 GB-month)",
    "kubernetes:core/v1:PersistentVolumeClaim": "its storage on an EBS storage class (gp3 GB-month)",
};

/** AWS types with no charge of their own, and why. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
    "aws:ec2/vpc:Vpc": "no charge",
    "aws:ec2/subnet:Subnet": "no charge",
    "aws:ec2/routeTable:RouteTable": "no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "no charge",
    "aws:ec2/internetGateway:InternetGateway": "no charge (data transfer is billed, excluded)",
    "aws:ec2/securityGroup:SecurityGroup": "no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "no charge",
    "aws:ec2/launchTemplate:LaunchTemplate": "no charge (its volumes are priced with the node group)",
    "aws:iam/role:Role": "no charge",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "no charge",
    "aws:iam/rolePolicy:RolePolicy": "no charge",
    "aws:codebuild/project:Project": "no charge while idle; its build minutes are billed per use (an assumption line says so)",
    "aws:codebuild/webhook:Webhook": "no charge",
    "aws:eks/addon:Addon": "no charge (its pods run on the nodes)",
    "aws:eks/accessEntry:AccessEntry": "no charge",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "no charge",
    "aws:lb/targetGroup:TargetGroup": "no charge (priced with the NLB)",
    "aws:lb/listener:Listener": "no charge (priced with the NLB)",
    "aws:autoscaling/attachment:Attachment": "no charge",
    "aws:route53/record:Record": "no charge per record; alias queries to the NLB are free (the hosted zone is not created by the stack)",
    "pulumi:providers:kubernetes": "not an AWS resource",
};

/** Planned AWS types (and remote EKS components) the model neither prices nor lists as free. */
export function typesWithoutPrice(resources: readonly { readonly type: string }[]): string[] {
    return [...new Set(resources.map((resource) => resource.type))].filter((type) => /^(aws|eks):/.test(type) && PRICED_TYPES[type] === undefined && FREE_TYPES[type] === undefined).sort();
}

/** Traffic-dependent charges the estimate leaves out. */
export function excludedUsage(prices: RegionPrices): string[] {
    return [
        `NAT gateway data processing: ${rate(prices.natGatewayGb)}/GB through each NAT gateway`,
        "data transfer out to the internet and between AZs (EC2 data transfer rates)",
        `NLB capacity units: ${rate(prices.nlcuHour)} per NLCU-hour (at least one NLCU per hour while it has traffic)`,
        "KMS requests ($0.03 per 10,000) and Route53 queries to non-alias records",
        "EBS snapshots (none are created by the stack)",
    ];
}

function inExtendedSupportToday(version: string): boolean {
    const known = eksVersion(version);
    return known !== undefined && supportStatus(known, clock.today()) === "extended";
}

export interface CostOptions {
    /** Whether an EKS Kubernetes version is in extended support. @default the EKS calendar (components/aws/eksVersions.ts), today */
    readonly extendedSupport?: (version: string) => boolean;
    /** Control-plane logs ingested per log group per month (GB). @default 5, an assumption: the audit log grows with API traffic */
    readonly logGbPerMonth?: number;
}

export interface CostLine {
    readonly item: string;
    readonly detail: string;
    readonly monthlyUsd: number;
}

/** A workload's requested capacity and its share of the nodes' cost (allocated, not an extra bill). */
export interface WorkloadShare {
    readonly name: string;
    readonly replicas: number;
    readonly cpu: number;
    readonly memoryGiB: number;
    readonly monthlyUsd: number;
}

export interface CostEstimate {
    readonly region: string;
    readonly lines: readonly CostLine[];
    readonly totalUsd: number;
    /** Things present that the table has no price for: the total leaves them out. */
    readonly unpriced: readonly string[];
    readonly workloads: readonly WorkloadShare[];
    /** Requested vs raw instance capacity of the nodes (before system reservations). */
    readonly capacity?: { readonly cpuRequested: number; readonly cpu: number; readonly memoryRequestedGiB: number; readonly memoryGiB: number };
    readonly assumptions: readonly string[];
}

const DEFAULT_LOG_GB_PER_MONTH = 5;
const round = (value: number): number => Math.round(value * 100) / 100;
/** A unit price as listed: at least two decimals ($0.10, $0.0252). */
const rate = (value: number): string => `$${value.toFixed(Math.max(2, (String(value).split(".")[1] ?? "").length))}`;

interface PodSpec {
    readonly containers?: { readonly resources?: { readonly requests?: Record<string, string> } }[];
}
interface WorkloadInputs {
    readonly metadata?: { readonly name?: string; readonly namespace?: string };
    readonly spec?: {
        readonly replicas?: number;
        readonly template?: { readonly spec?: PodSpec };
        readonly volumeClaimTemplates?: { readonly spec?: { readonly storageClassName?: string; readonly resources?: { readonly requests?: { readonly storage?: string } } } }[];
    };
}

/** Why a region cannot be priced, or undefined when it can. */
export function unpricedRegion(region: string): string | undefined {
    return PRICE_TABLE[region] ? undefined : `No prices for region "${region}" in harness/cost.ts (priced: ${Object.keys(PRICE_TABLE).join(", ")}): add its rows to estimate the cost.`;
}

/** The stack's monthly cost in `region`, from its planned resources. */
export function estimateMonthlyCost(resources: readonly RecordedResource[], region: string, options: CostOptions = {}): CostEstimate {
    const prices = PRICE_TABLE[region];
    if (!prices) throw new Error(unpricedRegion(region));
    const lines: CostLine[] = [];
    const unpriced: string[] = [];
    const assumptions: string[] = [];
    const hourly = (rate: number, count = 1): number => rate * count * HOURS_PER_MONTH;
    const ofType = (type: string): RecordedResource[] => resources.filter((resource) => resource.type === type);
    const ebsClasses = new Map(ofType("kubernetes:storage.k8s.io/v1:StorageClass")
        .filter((storageClass) => storageClass.inputs.provisioner === "ebs.csi.aws.com")
        .map((storageClass) => [String((storageClass.inputs.metadata as { name?: string } | undefined)?.name), storageClass]));
    const gp3Class = (name: string | undefined): boolean => {
        const storageClass = name === undefined
            ? [...ebsClasses.values()].find((candidate) => (candidate.inputs.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true")
            : ebsClasses.get(name);
        return storageClass !== undefined && ((storageClass.inputs.parameters as Record<string, string> | undefined)?.type ?? "gp3") === "gp3";
    };

    for (const cluster of ofType("eks:index:Cluster")) {
        const version = String(cluster.inputs.version ?? "");
        const extended = (options.extendedSupport ?? inExtendedSupportToday)(version);
        const clusterHour = extended ? prices.eksExtendedSupportClusterHour : prices.eksClusterHour;
        lines.push({ item: "EKS control plane", detail: `${cluster.name}, Kubernetes ${version || "default"}, ${extended ? "extended" : "standard"} support, ${rate(clusterHour)}/h`, monthlyUsd: hourly(clusterHour) });
    }

    const nodeCapacity = { cpu: 0, memoryGiB: 0, monthlyUsd: 0 };
    for (const group of ofType("eks:index:ManagedNodeGroup")) {
        const instanceTypes = (group.inputs.instanceTypes as string[] | undefined) ?? [];
        const count = Number((group.inputs.scalingConfig as { desiredSize?: number } | undefined)?.desiredSize ?? 0);
        const first = instanceTypes[0] ?? "(default)";
        const instance = prices.instances[first];
        if (!instance) {
            unpriced.push(`instance type ${first} (node group ${group.name}): not in the price table of ${region}`);
        } else {
            const monthly = hourly(instance.hourly, count);
            lines.push({ item: "EC2 nodes", detail: `${count} × ${first} (${rate(instance.hourly)}/h), node group ${group.name}`, monthlyUsd: monthly });
            nodeCapacity.cpu += count * instance.vcpus;
            nodeCapacity.memoryGiB += count * instance.memoryGiB;
            nodeCapacity.monthlyUsd += monthly;
        }
        if (instanceTypes.length > 1) assumptions.push(`node group ${group.name}: priced as ${first}, the first of ${instanceTypes.join(", ")} (On-Demand capacity is filled in that order)`);
        const templateId = (group.inputs.launchTemplate as { id?: string } | undefined)?.id;
        const template = resources.find((resource) => resource.type === "aws:ec2/launchTemplate:LaunchTemplate" && resource.id === templateId);
        const volumes = ((template?.inputs.blockDeviceMappings as { ebs?: { volumeSize?: number; volumeType?: string } }[] | undefined) ?? []).map((mapping) => mapping.ebs ?? {});
        const rootGiB = volumes.length > 0 ? volumes.reduce((sum, volume) => sum + Number(volume.volumeSize ?? 0), 0) : Number(group.inputs.diskSize ?? 20);
        if (volumes.some((volume) => volume.volumeType !== undefined && volume.volumeType !== "gp3")) unpriced.push(`node volumes of ${group.name}: only gp3 is priced`);
        else lines.push({ item: "EBS node volumes", detail: `${count} × ${rootGiB} GiB gp3 (${rate(prices.ebsGp3GbMonth)}/GB-month)`, monthlyUsd: count * rootGiB * prices.ebsGp3GbMonth });
    }

    for (const workload of ofType("kubernetes:apps/v1:StatefulSet")) {
        const inputs = workload.inputs as WorkloadInputs;
        const replicas = inputs.spec?.replicas ?? 1;
        for (const claim of inputs.spec?.volumeClaimTemplates ?? []) {
            const size = gibibytes(claim.spec?.resources?.requests?.storage);
            if (!gp3Class(claim.spec?.storageClassName) || Number.isNaN(size)) {
                unpriced.push(`volume claims of ${inputs.metadata?.name ?? workload.name}: storage class ${claim.spec?.storageClassName ?? "(default)"} is not an EBS gp3 class of the plan`);
                continue;
            }
            lines.push({ item: "EBS volumes (workloads)", detail: `${inputs.metadata?.namespace}/${inputs.metadata?.name}: ${replicas} × ${size} GiB gp3`, monthlyUsd: replicas * size * prices.ebsGp3GbMonth });
        }
    }
    for (const claim of ofType("kubernetes:core/v1:PersistentVolumeClaim")) {
        const spec = claim.inputs.spec as { storageClassName?: string; resources?: { requests?: { storage?: string } } } | undefined;
        const size = gibibytes(spec?.resources?.requests?.storage);
        if (!gp3Class(spec?.storageClassName) || Number.isNaN(size)) unpriced.push(`claim ${claim.name}: storage class ${spec?.storageClassName ?? "(default)"} is not an EBS gp3 class of the plan`);
        else lines.push({ item: "EBS volumes (workloads)", detail: `claim ${claim.name}: ${size} GiB gp3`, monthlyUsd: size * prices.ebsGp3GbMonth });
    }

    const natGateways = ofType("aws:ec2/natGateway:NatGateway");
    if (natGateways.length > 0) lines.push({ item: "NAT gateways", detail: `${natGateways.length} × ${rate(prices.natGatewayHour)}/h`, monthlyUsd: hourly(prices.natGatewayHour, natGateways.length) });
    const eips = ofType("aws:ec2/eip:Eip");
    if (eips.length > 0) lines.push({ item: "Public IPv4 (NAT)", detail: `${eips.length} Elastic IP × ${rate(prices.publicIpv4Hour)}/h`, monthlyUsd: hourly(prices.publicIpv4Hour, eips.length) });

    for (const balancer of ofType("aws:lb/loadBalancer:LoadBalancer")) {
        if (balancer.inputs.loadBalancerType !== "network") {
            unpriced.push(`load balancer ${balancer.name}: only Network Load Balancers are priced`);
            continue;
        }
        lines.push({ item: "NLB", detail: `${balancer.name}, ${rate(prices.nlbHour)}/h`, monthlyUsd: hourly(prices.nlbHour) });
        if (balancer.inputs.internal !== true) {
            const zones = ((balancer.inputs.subnets as unknown[] | undefined) ?? []).length;
            lines.push({ item: "Public IPv4 (NLB)", detail: `${zones} addresses (one per subnet) × ${rate(prices.publicIpv4Hour)}/h`, monthlyUsd: hourly(prices.publicIpv4Hour, zones) });
        }
    }

    const keys = ofType("aws:kms/key:Key");
    if (keys.length > 0) {
        lines.push({ item: "KMS", detail: `${keys.length} customer managed key × ${rate(prices.kmsKeyMonth)}/month`, monthlyUsd: keys.length * prices.kmsKeyMonth });
        if (keys.some((key) => key.inputs.enableKeyRotation === true)) assumptions.push("KMS keys with yearly rotation: $1 more per month after the first and after the second rotation");
    }

    const logGb = options.logGbPerMonth ?? DEFAULT_LOG_GB_PER_MONTH;
    for (const group of ofType("aws:cloudwatch/logGroup:LogGroup")) {
        const retention = Number(group.inputs.retentionInDays ?? 0);
        const storedGb = retention > 0 ? logGb * Math.min(retention, 3653) / 30 : logGb * 12;
        lines.push({
            item: "CloudWatch Logs",
            detail: `${String(group.inputs.name ?? group.name)}: ${logGb} GB/month ingested (${rate(prices.logsIngestedGb)}/GB), ≈ ${round(storedGb)} GB kept for ${retention || "never-expiring"} days (${rate(prices.logsStoredGbMonth)}/GB-month)`,
            monthlyUsd: logGb * prices.logsIngestedGb + storedGb * prices.logsStoredGbMonth,
        });
    }
    if (ofType("aws:cloudwatch/logGroup:LogGroup").length > 0) {
        assumptions.push(`${logGb} GB of logs per month and log group (assumed: the audit log grows with API traffic; read the log group's IncomingBytes); storage counted uncompressed, an upper bound`);
    }

    for (const project of ofType("aws:codebuild/project:Project")) {
        assumptions.push(`deploy runner ${String(project.inputs.name ?? project.name)}: CodeBuild bills each minute a deploy job runs on it (${String((project.inputs.environment as { computeType?: unknown } | undefined)?.computeType ?? "its compute type")}); not in the total`);
    }

    const records = ofType("aws:route53/record:Record");
    if (records.length > 0) lines.push({ item: "Route53", detail: `${records.length} alias records (no charge; alias queries to the NLB are free); the hosted zone (${rate(prices.route53HostedZoneMonth)}/month) exists outside the stack`, monthlyUsd: 0 });

    for (const type of typesWithoutPrice(resources)) unpriced.push(`${type}: neither priced nor known to be free in harness/cost.ts`);

    const workloads = workloadShares(resources, nodeCapacity);
    const requested = workloads.reduce((sum, workload) => ({ cpu: sum.cpu + workload.cpu, memoryGiB: sum.memoryGiB + workload.memoryGiB }), { cpu: 0, memoryGiB: 0 });
    const roundedLines = lines.map((line) => ({ ...line, monthlyUsd: round(line.monthlyUsd) }));
    return {
        region,
        lines: roundedLines,
        totalUsd: round(roundedLines.reduce((sum, line) => sum + line.monthlyUsd, 0)),
        unpriced: [...new Set(unpriced)].sort(),
        workloads,
        ...(nodeCapacity.cpu > 0 ? { capacity: { cpuRequested: round(requested.cpu), cpu: nodeCapacity.cpu, memoryRequestedGiB: round(requested.memoryGiB), memoryGiB: nodeCapacity.memoryGiB } } : {}),
        assumptions: [...new Set(assumptions)],
    };
}

/**
 * Each pod workload's requests, and the part of the nodes' cost they take: the larger of its CPU and
 * memory share of the nodes' raw capacity. Allocated cost, not a bill: nodes cost the same until
 * the requests no longer fit (the node group does not scale by itself).
 */
function workloadShares(resources: readonly RecordedResource[], nodes: { cpu: number; memoryGiB: number; monthlyUsd: number }): WorkloadShare[] {
    return resources.filter((resource) => resource.type === "kubernetes:apps/v1:Deployment" || resource.type === "kubernetes:apps/v1:StatefulSet").map((resource) => {
        const inputs = resource.inputs as WorkloadInputs;
        const replicas = inputs.spec?.replicas ?? 1;
        const containers = inputs.spec?.template?.spec?.containers ?? [];
        // A container without a request asks for nothing.
        const request = (value: number): number => (Number.isNaN(value) ? 0 : value);
        const cpu = replicas * containers.reduce((sum, container) => sum + request(cpuCores(container.resources?.requests?.cpu)), 0);
        const memoryGiB = replicas * containers.reduce((sum, container) => sum + request(gibibytes(container.resources?.requests?.memory)), 0);
        const share = nodes.cpu > 0 ? Math.max(cpu / nodes.cpu, memoryGiB / nodes.memoryGiB) : 0;
        return { name: `${inputs.metadata?.namespace ?? "default"}/${inputs.metadata?.name ?? resource.name}`, replicas, cpu: round(cpu), memoryGiB: round(memoryGiB), monthlyUsd: round(share * nodes.monthlyUsd) };
    }).sort((a, b) => a.name.localeCompare(b.name));
}

const usd = (value: number): string => `$${value.toFixed(2)}`;
const signed = (value: number): string => `${value < 0 ? "−" : "+"}${usd(Math.abs(value))}`;

/** The itemised estimate as Markdown. */
export function formatCost(estimate: CostEstimate): string {
    const prices = PRICE_TABLE[estimate.region]!;
    return [
        `Estimated monthly cost in ${estimate.region}: **${usd(estimate.totalUsd)}** (on-demand list prices as of ${PRICES_AS_OF}, ${HOURS_PER_MONTH} h/month)`,
        "",
        "| item | detail | USD/month |",
        "|---|---|---:|",
        ...estimate.lines.map((line) => `| ${line.item} | ${line.detail} | ${usd(line.monthlyUsd)} |`),
        `| **total** | | **${usd(estimate.totalUsd)}** |`,
        "",
        ...(estimate.unpriced.length > 0 ? ["Not in the total (no price in the table):", ...estimate.unpriced.map((item) => `- ${item}`), ""] : []),
        "Excluded (depends on traffic):",
        ...excludedUsage(prices).map((item) => `- ${item}`),
        "",
        ...(estimate.assumptions.length > 0 ? ["Assumptions:", ...estimate.assumptions.map((item) => `- ${item}`), ""] : []),
        ...(estimate.capacity
            ? [`Pod requests: ${estimate.capacity.cpuRequested} of ${estimate.capacity.cpu} vCPU, ${estimate.capacity.memoryRequestedGiB} of ${estimate.capacity.memoryGiB} GiB of the nodes' instance capacity (before system reservations and system pods).`, ""]
            : []),
        `Prices: ${Object.values(PRICE_SOURCES).join("; ")}.`,
    ].join("\n");
}

/** What changes between two estimates: the bill by item, and the workloads' allocated share. */
export function formatCostDelta(base: CostEstimate, head: CostEstimate): string {
    const byItem = (estimate: CostEstimate): Map<string, { usd: number; details: string[] }> => {
        const items = new Map<string, { usd: number; details: string[] }>();
        for (const line of estimate.lines) {
            const item = items.get(line.item) ?? { usd: 0, details: [] };
            items.set(line.item, { usd: round(item.usd + line.monthlyUsd), details: [...item.details, line.detail] });
        }
        return items;
    };
    const before = byItem(base);
    const after = byItem(head);
    const itemChanges = [...new Set([...before.keys(), ...after.keys()])].flatMap((item) => {
        const old = before.get(item);
        const now = after.get(item);
        if ((old?.usd ?? 0) === (now?.usd ?? 0)) return [];
        return [`| ${item} | ${old ? `${usd(old.usd)} (${old.details.join("; ")})` : "none"} | ${now ? `${usd(now.usd)} (${now.details.join("; ")})` : "none"} | ${signed((now?.usd ?? 0) - (old?.usd ?? 0))} |`];
    });
    const delta = round(head.totalUsd - base.totalUsd);
    const workloadsBefore = new Map(base.workloads.map((workload) => [workload.name, workload]));
    const workloadsAfter = new Map(head.workloads.map((workload) => [workload.name, workload]));
    const workloadChanges = [...new Set([...workloadsBefore.keys(), ...workloadsAfter.keys()])].sort().flatMap((name) => {
        const old = workloadsBefore.get(name);
        const now = workloadsAfter.get(name);
        if (old && now && old.cpu === now.cpu && old.memoryGiB === now.memoryGiB && old.monthlyUsd === now.monthlyUsd) return [];
        const describe = (workload: WorkloadShare | undefined): string => (workload ? `${workload.replicas} × pods, ${workload.cpu} vCPU, ${workload.memoryGiB} GiB requested, ${usd(workload.monthlyUsd)}` : "none");
        return [`| ${name} | ${describe(old)} | ${describe(now)} | ${signed((now?.monthlyUsd ?? 0) - (old?.monthlyUsd ?? 0))} |`];
    });
    return [
        `Estimated monthly cost (${head.region}): ${usd(base.totalUsd)} → ${usd(head.totalUsd)} (**${delta === 0 ? "no change" : signed(delta)}**)`,
        ...(itemChanges.length > 0 ? ["", "| item | before | after | USD/month |", "|---|---|---|---:|", ...itemChanges] : []),
        ...(workloadChanges.length > 0
            ? ["", "Workloads' share of the node cost (allocated by requests, not an extra bill while the nodes have room):", "", "| workload | before | after | share |", "|---|---|---|---:|", ...workloadChanges]
            : []),
        ...(head.capacity && (head.capacity.cpuRequested > head.capacity.cpu || head.capacity.memoryRequestedGiB > head.capacity.memoryGiB)
            ? ["", `⚠ Pods request ${head.capacity.cpuRequested} vCPU / ${head.capacity.memoryRequestedGiB} GiB, more than the nodes' ${head.capacity.cpu} vCPU / ${head.capacity.memoryGiB} GiB: raise cluster.nodeDesiredSize.`]
            : []),
    ].join("\n");
}
