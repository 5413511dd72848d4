import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subnetLayout, type SubnetLayoutKind } from "./subnetLayout";

export interface NetworkArgs {
    /** IPv4 CIDR of the VPC. @default "10.0.0.0/16" */
    readonly cidr: string;
    /** Zones to spread subnets over, one public and one private subnet in each (≥ 2; 3 by default). */
    readonly availabilityZoneNames: readonly string[];
    /** How subnets are carved (subnetLayout.ts). @default "zoneIndexed" */
    readonly subnetLayout: SubnetLayoutKind;
    /** One NAT gateway per AZ (survives an AZ outage) or a single shared one (cheaper). @default "perAz" in production */
    readonly natGateways: "single" | "perAz";
    /** Name of the EKS cluster, for the `kubernetes.io/cluster/<name>` subnet tag. */
    readonly clusterName: string;
    /** Use this VPC and these subnets; nothing is created. */
    readonly existing?: { readonly vpcId: string; readonly publicSubnetIds: readonly string[]; readonly privateSubnetIds: readonly string[] };
    readonly tags?: Record<string, string>;
}

/**
 * The environment's VPC: public subnets (NLB, NAT) and private subnets (nodes) across AZs, with the
 * subnet role tags EKS and load balancers look for. Or an existing VPC, passed through.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    /** The VPC's IPv4 CIDR blocks, where nodes, pods (VPC CNI) and the NLB's private addresses live. */
    readonly cidrBlocks: pulumi.Output<string[]>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    /** Public addresses of the NAT gateways (empty for an existing VPC): the cluster's egress addresses. */
    readonly natPublicIps: pulumi.Output<string[]>;
    /** How many NAT gateways (and addresses) there are, known before they exist. */
    readonly natGatewayCount: number;
    /** What an internet-facing load balancer needs in the public subnets: the internet gateway and its routes (none for an existing VPC). */
    readonly publicIngress: readonly pulumi.Resource[];
    /** What private subnets need before a node can reach ECR and the EKS API: their NAT routes (none for an existing VPC). */
    readonly privateEgress: readonly pulumi.Resource[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:aws:Network", name, {}, opts);
        if (args.existing) {
            this.vpcId = pulumi.output(args.existing.vpcId);
            const vpc = aws.ec2.getVpcOutput({ id: args.existing.vpcId }, { parent: this });
            this.cidrBlocks = pulumi.all([vpc.cidrBlock, vpc.cidrBlockAssociations])
                .apply(([primary, associations]) => [...new Set([primary, ...associations.map((association) => association.cidrBlock)])]);
            this.publicSubnetIds = pulumi.output([...args.existing.publicSubnetIds]);
            this.privateSubnetIds = pulumi.output([...args.existing.privateSubnetIds]);
            this.natPublicIps = pulumi.output([]);
            this.natGatewayCount = 0;
            this.publicIngress = [];
            this.privateEgress = [];
            this.registerOutputs({ vpcId: this.vpcId });
            return;
        }
        const parent = { parent: this };
        const layout = subnetLayout(args.cidr, args.availabilityZoneNames.length, args.subnetLayout);
        const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
        const tags = (extra: Record<string, string>): Record<string, string> => ({ ...args.tags, ...extra });

        const vpc = new aws.ec2.Vpc(name, { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags({ Name: name }) }, parent);
        const internetGateway = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: tags({ Name: name }) }, parent);
        const publicRouteTable = new aws.ec2.RouteTable(`${name}-public`, {
            vpcId: vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }],
            tags: tags({ Name: `${name}-public` }),
        }, parent);

        const publicIngress: pulumi.Resource[] = [internetGateway];
        const publicSubnets = layout.publicCidrs.map((cidrBlock, index) => {
            const subnet = new aws.ec2.Subnet(`${name}-public-${index}`, {
                vpcId: vpc.id,
                cidrBlock,
                availabilityZone: args.availabilityZoneNames[index],
                mapPublicIpOnLaunch: false,
                tags: tags({ Name: `${name}-public-${index}`, "kubernetes.io/role/elb": "1", ...clusterTag }),
            }, parent);
            publicIngress.push(new aws.ec2.RouteTableAssociation(`${name}-public-${index}`, { subnetId: subnet.id, routeTableId: publicRouteTable.id }, parent));
            return subnet;
        });

        const natCount = args.natGateways === "perAz" ? args.availabilityZoneNames.length : 1;
        const natGateways = Array.from({ length: natCount }, (_, index) => {
            const eip = new aws.ec2.Eip(`${name}-nat-${index}`, { domain: "vpc", tags: tags({ Name: `${name}-nat-${index}` }) }, parent);
            return new aws.ec2.NatGateway(`${name}-nat-${index}`, {
                allocationId: eip.id,
                subnetId: publicSubnets[index]!.id,
                tags: tags({ Name: `${name}-nat-${index}` }),
            }, { parent: this, dependsOn: [internetGateway] });
        });

        const privateEgress: pulumi.Resource[] = [];
        const privateSubnets = layout.privateCidrs.map((cidrBlock, index) => {
            const subnet = new aws.ec2.Subnet(`${name}-private-${index}`, {
                vpcId: vpc.id,
                cidrBlock,
                availabilityZone: args.availabilityZoneNames[index],
                tags: tags({ Name: `${name}-private-${index}`, "kubernetes.io/role/internal-elb": "1", ...clusterTag }),
            }, parent);
            const routeTable = new aws.ec2.RouteTable(`${name}-private-${index}`, {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateways[index % natCount]!.id }],
                tags: tags({ Name: `${name}-private-${index}` }),
            }, parent);
            privateEgress.push(new aws.ec2.RouteTableAssociation(`${name}-private-${index}`, { subnetId: subnet.id, routeTableId: routeTable.id }, parent));
            return subnet;
        });

        this.vpcId = vpc.id;
        this.cidrBlocks = pulumi.output([args.cidr]);
        this.publicSubnetIds = pulumi.all(publicSubnets.map((subnet) => subnet.id));
        this.privateSubnetIds = pulumi.all(privateSubnets.map((subnet) => subnet.id));
        this.natPublicIps = pulumi.all(natGateways.map((nat) => nat.publicIp));
        this.natGatewayCount = natCount;
        this.publicIngress = publicIngress;
        this.privateEgress = privateEgress;
        this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds, natPublicIps: this.natPublicIps });
    }
}
