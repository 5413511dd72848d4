import type { z } from "zod";
import type { additionalRouteSchema, httpRouteSchema, StackConfigInput, tcpRouteSchema } from "../config/schema";
import { rawStackConfig } from "../config/rawConfig";
import { validateStackConfig } from "../config/validate";
import { PROJECT, readStackFile } from "../harness/stackFile";

/**
 * Issue #13: every config key is a day-2 change. One case (or more) per key of the config reference: a change a
 * user would really make, on a live stack, and what `pulumi up` then does to it. test/plan.configKeys.test.ts plans
 * each change and holds the plan to the case; README "Day-2 changes" shows this table (dayTwoTable).
 */

export type Config = StackConfigInput;
type HttpRouteInput = z.input<typeof httpRouteSchema>;
type TcpRouteInput = z.input<typeof tcpRouteSchema>;
type AdditionalRouteInput = z.input<typeof additionalRouteSchema>;
type Edit = (config: Config) => void;

/** A live stack: a stack file, with the keys a case needs set. */
export interface LiveStack {
    readonly stack: "dev" | "staging" | "production";
    /** The stack file and what is set on top of it, in a few words (the README's "on" column). */
    readonly label: string;
    readonly edit?: Edit;
}

/** What `pulumi up` does, by resource (labels as `npm run diff` prints them; a content hash reads `<hash>`). */
export interface Effect {
    readonly update?: readonly string[];
    readonly create?: readonly string[];
    readonly replace?: readonly string[];
    readonly delete?: readonly string[];
    /** Resources whose change the cloud API or the engine refuses: the update fails there. */
    readonly fail?: readonly string[];
    /** The config is refused before anything is planned: part of the message. */
    readonly refused?: string;
}

export interface KeyCase {
    /** A key of the config reference (config/reference.ts). */
    readonly key: string;
    readonly live: keyof typeof LIVE_STACKS;
    /** The change, in a few words: `2 → 3`. */
    readonly change: string;
    readonly edit: Edit;
    readonly effect: Effect;
    /** What the README adds about the effect (nodes rolling, a new target group). */
    readonly note?: string;
    /**
     * Why replacing or deleting something stateful or address-bearing (or failing) is what this key must do, and
     * the README section that tells users.
     */
    readonly documented?: { readonly why: string; readonly section: string };
}

// Resources of the fixtures below, in a dev stack.
const CORTEX_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/elasticpath/cortex";
const MIRROR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror";
const ADMIN = "arn:aws:iam::123456789012:role/platform-admin";
const CONNECTION = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
/** What the plan cannot see about an existing VPC's subnet (EKS User Guide, network-reqs). */
const EXISTING_SUBNET_ZONE = "the cluster update fails if the subnet is in an Availability Zone the cluster was not created with, which the offline plan cannot see";

function additional(config: Config, name: string): AdditionalRouteInput {
    const route = config.routes.additional?.find((candidate) => candidate.name === name);
    if (!route) throw new Error(`no additional route ${name}`);
    return route;
}
function httpRoute(config: Config, name: string): HttpRouteInput {
    const route = additional(config, name);
    if (route.protocol !== "http") throw new Error(`${name} is not an http route`);
    return route;
}
function tcpRoute(config: Config, name: string): TcpRouteInput {
    const route = additional(config, name);
    if (route.protocol !== "tcp") throw new Error(`${name} is not a tcp route`);
    return route;
}
function replaceRoute(config: Config, name: string, route: AdditionalRouteInput): void {
    config.routes.additional = config.routes.additional!.map((candidate) => (candidate.name === name ? route : candidate));
}
const cortex = (config: Config) => config.routes.cortex;
const activemq = (config: Config) => config.routes.activemq;
const statusPage = (config: Config) => httpRoute(config, "status-page");
const statusWorkload = (config: Config) => statusPage(config).workload!;
const grafana = (config: Config) => httpRoute(config, "grafana");
const redis = (config: Config) => tcpRoute(config, "redis");
const cortexEnv = (config: Config, name: string) => cortex(config).env!.find((variable) => variable.name === name)!;

/**
 * The dev stack with every optional key set, so that each key has a value to change: Cortex with environment,
 * a canary and timeouts, a route to an existing Service, a TCP route, the deploy runner, a WAF exclusion.
 */
function everyOptionalKey(config: Config): void {
    config.ingress!.defaultCertificateSecret = "ingress-controller/wildcard-tls";
    Object.assign(cortex(config), {
        replicas: 2,
        cpu: "500m",
        memory: "4608Mi",
        env: [
            { name: "EP_SEARCH_HOST", value: "search.search.svc" },
            { name: "EP_DB_URL", configMapKeyRef: { name: "cortex-db", key: "url" } },
            { name: "EP_DB_PASSWORD", secretKeyRef: { name: "cortex-db", key: "password" } },
        ],
        envFrom: [{ configMap: "cortex-settings" }, { secret: "cortex-jms" }],
        egress: [...(cortex(config).egress ?? []), { namespace: "search", ports: [8082] }],
        wafMode: "detect",
        wafExclusions: [920420],
        canary: { image: `${CORTEX_IMAGE}:8.6.1`, weightPercent: 10, header: "X-Canary" },
        timeouts: { connect: "5s", server: "60s", queue: "5s", httpRequest: "10s" },
    });
    activemq(config).inClusterClients = ["cortex"];
    Object.assign(statusWorkload(config), { replicas: 2, cpu: "250m", memory: "512Mi", egress: [{ cidr: "10.21.2.0/24", ports: [443] }, { namespace: "search", ports: [8082] }] });
    Object.assign(statusPage(config), {
        canary: { image: "nginxinc/nginx-unprivileged:1.28-alpine", weightPercent: 10 },
        timeouts: { connect: "5s", server: "30s", queue: "5s", httpRequest: "5s" },
    });
    config.routes.additional!.push(
        { protocol: "http", name: "grafana", host: "grafana.dev.commerce.example.com", service: { namespace: "monitoring", name: "grafana", port: 80, targetPort: 3000 }, allowlist: ["203.0.113.0/24"] },
        { protocol: "tcp", name: "redis", port: 6379, service: { namespace: "cache", name: "redis", port: 6379 }, allowlist: ["203.0.113.0/24"] },
    );
    config.deployRunner = { githubRepository: "acme/commerce-edge", connectionArn: CONNECTION };
}

export const LIVE_STACKS = {
    dev: { stack: "dev", label: "dev", edit: everyOptionalKey },
    devCortexService: {
        stack: "dev",
        label: "dev, Cortex on a Service",
        edit: (config) => {
            delete cortex(config).image;
            cortex(config).service = { namespace: "commerce", name: "cortex", port: 8080, targetPort: 8080 };
        },
    },
    devExistingVpc: {
        stack: "dev",
        label: "dev, existing VPC",
        edit: (config) => {
            config.network = {
                existing: {
                    vpcId: "vpc-0123456789abcdef0",
                    publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
                    privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
                },
            };
            cortex(config).allowNatEgress = false;
            activemq(config).allowNatEgress = false;
        },
    },
    devLegacyLayout: {
        stack: "dev",
        label: "dev, 2 zones in the legacy layout",
        edit: (config) => {
            everyOptionalKey(config);
            config.network!.subnetLayout = "legacy";
        },
    },
    devPreviousVersion: {
        stack: "dev",
        label: "dev on 1.35",
        edit: (config) => {
            everyOptionalKey(config);
            config.cluster!.kubernetesVersion = "1.35";
        },
    },
    production: { stack: "production", label: "production" },
} satisfies Record<string, LiveStack>;

const PEM = (label: string, body: string): string => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

export const KEY_CASES: readonly KeyCase[] = [
    { key: "environment", live: "dev", change: "dev → staging", edit: (c) => { c.environment = "staging"; }, effect: { refused: 'environment: is staging, but the stack "dev" is named like dev' } },

    {
        key: "network.cidr",
        live: "dev",
        change: "10.20.0.0/16 → 10.22.0.0/16",
        edit: (c) => { c.network!.cidr = "10.22.0.0/16"; },
        effect: {
            update: [
                "Cluster edge-dev", "Deployment ingress-controller/haproxy-ingress", "Ingress activemq/activemq-openwire", "Ingress cortex/cortex",
                "InternetGateway edge-dev", "LaunchTemplate edge-dev-nodes", "NetworkPolicy ingress-controller/haproxy-ingress", "Project edge-dev-runner",
                "Record api-dev-commerce-example-com-a", "Record grafana-dev-commerce-example-com-a", "Record mq-dev-commerce-example-com-a",
                "Record status-dev-commerce-example-com-a", "RolePolicy edge-dev-runner", "SecurityGroupIngressRule edge-dev-api-from-runner",
            ],
            replace: [
                "Attachment edge-dev-443", "Attachment edge-dev-61616", "Attachment edge-dev-6379", "Attachment edge-dev-80", "Listener edge-dev-443",
                "Listener edge-dev-61616", "Listener edge-dev-6379", "Listener edge-dev-80", "LoadBalancer edge-dev", "ManagedNodeGroup edge-dev-nodes",
                "NatGateway edge-dev-nat-0", "RouteTable edge-dev-private-0", "RouteTable edge-dev-private-1", "RouteTable edge-dev-public",
                "RouteTableAssociation edge-dev-private-0", "RouteTableAssociation edge-dev-private-1", "RouteTableAssociation edge-dev-public-0",
                "RouteTableAssociation edge-dev-public-1", "SecurityGroup edge-dev-nlb", "SecurityGroup edge-dev-nodes", "SecurityGroup edge-dev-runner",
                "SecurityGroupEgressRule edge-dev-nlb-out-30080", "SecurityGroupEgressRule edge-dev-nlb-out-30253", "SecurityGroupEgressRule edge-dev-nlb-out-30443",
                "SecurityGroupEgressRule edge-dev-nlb-out-31379", "SecurityGroupEgressRule edge-dev-nlb-out-31616", "SecurityGroupEgressRule edge-dev-nodes-out",
                "SecurityGroupEgressRule edge-dev-runner-out", "SecurityGroupIngressRule edge-dev-nlb-in-443",
                "SecurityGroupIngressRule edge-dev-nlb-in-61616-203-0-113-0-24", "SecurityGroupIngressRule edge-dev-nlb-in-61616-nat-0",
                "SecurityGroupIngressRule edge-dev-nlb-in-6379-203-0-113-0-24", "SecurityGroupIngressRule edge-dev-nlb-in-80",
                "SecurityGroupIngressRule edge-dev-nodes-in-30080", "SecurityGroupIngressRule edge-dev-nodes-in-30253",
                "SecurityGroupIngressRule edge-dev-nodes-in-30443", "SecurityGroupIngressRule edge-dev-nodes-in-31379",
                "SecurityGroupIngressRule edge-dev-nodes-in-31616", "Subnet edge-dev-private-0", "Subnet edge-dev-private-1", "Subnet edge-dev-public-0",
                "Subnet edge-dev-public-1", "TargetGroup edge-dev-443", "TargetGroup edge-dev-61616", "TargetGroup edge-dev-6379", "TargetGroup edge-dev-80",
                "Vpc edge-dev",
            ],
            fail: ["Cluster edge-dev"],
        },
        documented: {
            why: "A VPC's address block cannot change: the VPC and everything in it are recreated, and EKS cannot move the control plane to another VPC, so the update fails. Build a new stack and move the traffic.",
            section: "Day-2 changes",
        },
    },
    {
        key: "network.availabilityZones",
        live: "dev",
        change: "2 → 3",
        edit: (c) => { c.network!.availabilityZones = 3; },
        effect: {
            update: ["Cluster edge-dev", "LoadBalancer edge-dev", "Project edge-dev-runner", "RolePolicy edge-dev-runner"],
            create: [
                "RouteTable edge-dev-private-2", "RouteTableAssociation edge-dev-private-2", "RouteTableAssociation edge-dev-public-2", "Subnet edge-dev-private-2",
                "Subnet edge-dev-public-2",
            ],
            replace: [
                "Attachment edge-dev-443", "Attachment edge-dev-61616", "Attachment edge-dev-6379", "Attachment edge-dev-80", "ManagedNodeGroup edge-dev-nodes",
            ],
            fail: ["Cluster edge-dev"],
        },
        documented: {
            why: "A live cluster cannot gain a zone: EKS accepts subnets only in the Availability Zones it was created with (EKS User Guide, \"View Amazon EKS networking requirements for VPC and subnets\"; aws/containers-roadmap#2330), so the update fails at the cluster (UpdateClusterConfig), once the third zone's subnets, which it takes as inputs, exist. Choose the zone count when the stack is created, or build a new stack and move the traffic.",
            section: "Day-2 changes",
        },
    },
    {
        key: "network.subnetLayout",
        live: "dev",
        change: "zoneIndexed → legacy",
        edit: (c) => { c.network!.subnetLayout = "legacy"; },
        effect: {
            update: [
                "Cluster edge-dev", "Deployment ingress-controller/haproxy-ingress", "Ingress activemq/activemq-openwire", "Ingress cortex/cortex",
                "Record api-dev-commerce-example-com-a", "Record grafana-dev-commerce-example-com-a", "Record mq-dev-commerce-example-com-a",
                "Record status-dev-commerce-example-com-a", "RouteTable edge-dev-private-0", "RouteTable edge-dev-private-1",
                "SecurityGroupIngressRule edge-dev-nlb-in-61616-nat-0",
            ],
            replace: [
                "Listener edge-dev-443", "Listener edge-dev-61616", "Listener edge-dev-6379", "Listener edge-dev-80", "LoadBalancer edge-dev",
                "NatGateway edge-dev-nat-0", "RouteTableAssociation edge-dev-public-0", "RouteTableAssociation edge-dev-public-1", "Subnet edge-dev-public-0",
                "Subnet edge-dev-public-1",
            ],
            fail: ["Subnet edge-dev-public-0"],
        },
        documented: {
            why: "Only for stacks created before the zoneIndexed layout, whose subnets it keeps. On a stack created with zoneIndexed it re-carves the public subnets: the first new /19 overlaps the old /20s, and Pulumi creates it while they still exist, which EC2 refuses (InvalidSubnet.Conflict), so the update fails there.",
            section: "Day-2 changes",
        },
    },
    {
        key: "network.subnetLayout",
        live: "devLegacyLayout",
        change: "legacy → zoneIndexed",
        edit: (c) => { c.network!.subnetLayout = "zoneIndexed"; },
        effect: {
            update: [
                "Cluster edge-dev", "Deployment ingress-controller/haproxy-ingress", "Ingress activemq/activemq-openwire", "Ingress cortex/cortex",
                "Record api-dev-commerce-example-com-a", "Record grafana-dev-commerce-example-com-a", "Record mq-dev-commerce-example-com-a",
                "Record status-dev-commerce-example-com-a", "RouteTable edge-dev-private-0", "RouteTable edge-dev-private-1",
                "SecurityGroupIngressRule edge-dev-nlb-in-61616-nat-0",
            ],
            replace: [
                "Listener edge-dev-443", "Listener edge-dev-61616", "Listener edge-dev-6379", "Listener edge-dev-80", "LoadBalancer edge-dev",
                "NatGateway edge-dev-nat-0", "RouteTableAssociation edge-dev-public-0", "RouteTableAssociation edge-dev-public-1", "Subnet edge-dev-public-0",
                "Subnet edge-dev-public-1",
            ],
            fail: ["Subnet edge-dev-public-0", "Subnet edge-dev-public-1"],
        },
        documented: {
            why: "A 2-zone stack created before the zoneIndexed layout has public /19s, which the zoneIndexed /20s at the same base overlap: Pulumi creates each new subnet before deleting the old ones, EC2 refuses an overlapping CIDR in the VPC (InvalidSubnet.Conflict), and the update fails at the public subnets. Keep such a stack on legacy.",
            section: "Day-2 changes",
        },
    },
    {
        key: "network.natGateways",
        live: "dev",
        change: "single → perAz",
        edit: (c) => { c.network!.natGateways = "perAz"; },
        effect: {
            update: ["Ingress activemq/activemq-openwire", "Ingress cortex/cortex", "RouteTable edge-dev-private-1"],
            create: ["Eip edge-dev-nat-1", "NatGateway edge-dev-nat-1", "SecurityGroupIngressRule edge-dev-nlb-in-61616-nat-1"],
        },
    },
    {
        key: "network.natGateways",
        live: "production",
        change: "perAz → single",
        edit: (c) => { c.network!.natGateways = "single"; },
        effect: {
            update: [
                "Ingress activemq/activemq-openwire", "Ingress cortex/cortex", "RouteTable edge-production-private-1", "RouteTable edge-production-private-2",
            ],
            delete: [
                "Eip edge-production-nat-1", "Eip edge-production-nat-2", "NatGateway edge-production-nat-1", "NatGateway edge-production-nat-2",
                "SecurityGroupIngressRule edge-production-nlb-in-61616-nat-1", "SecurityGroupIngressRule edge-production-nlb-in-61616-nat-2",
            ],
            fail: ["Eip edge-production-nat-1", "Eip edge-production-nat-2"],
        },
        documented: {
            why: "The extra NAT gateways go, and with them their public addresses, which partners may allowlist: production protects the addresses, so the update fails until they are unprotected on purpose.",
            section: "Day-2 changes",
        },
    },
    {
        key: "network.existing.vpcId",
        live: "devExistingVpc",
        change: "another VPC",
        edit: (c) => { c.network!.existing!.vpcId = "vpc-0fedcba9876543210"; },
        effect: {
            update: [
                "Cluster edge-dev", "LaunchTemplate edge-dev-nodes", "Listener edge-dev-443", "Listener edge-dev-61616", "Listener edge-dev-80",
                "LoadBalancer edge-dev",
            ],
            replace: [
                "Attachment edge-dev-443", "Attachment edge-dev-61616", "Attachment edge-dev-80", "SecurityGroup edge-dev-nlb", "SecurityGroup edge-dev-nodes",
                "SecurityGroupEgressRule edge-dev-nlb-out-30080", "SecurityGroupEgressRule edge-dev-nlb-out-30253", "SecurityGroupEgressRule edge-dev-nlb-out-30443",
                "SecurityGroupEgressRule edge-dev-nlb-out-31616", "SecurityGroupEgressRule edge-dev-nodes-out", "SecurityGroupIngressRule edge-dev-nlb-in-443",
                "SecurityGroupIngressRule edge-dev-nlb-in-61616-203-0-113-0-24", "SecurityGroupIngressRule edge-dev-nlb-in-80",
                "SecurityGroupIngressRule edge-dev-nodes-in-30080", "SecurityGroupIngressRule edge-dev-nodes-in-30253",
                "SecurityGroupIngressRule edge-dev-nodes-in-30443", "SecurityGroupIngressRule edge-dev-nodes-in-31616", "TargetGroup edge-dev-443",
                "TargetGroup edge-dev-61616", "TargetGroup edge-dev-80",
            ],
            fail: ["Cluster edge-dev"],
        },
        documented: {
            why: "An EKS cluster cannot move to another VPC: the update fails. Build a new stack in the other VPC.",
            section: "Day-2 changes",
        },
    },
    {
        key: "network.existing.publicSubnetIds",
        live: "devExistingVpc",
        change: "a third subnet added",
        note: EXISTING_SUBNET_ZONE,
        edit: (c) => { c.network!.existing!.publicSubnetIds.push("subnet-0aaaaaaaaaaaaaaa3"); },
        effect: { update: ["Cluster edge-dev", "LoadBalancer edge-dev"] },
    },
    {
        key: "network.existing.privateSubnetIds",
        live: "devExistingVpc",
        change: "a third subnet added",
        note: EXISTING_SUBNET_ZONE,
        edit: (c) => { c.network!.existing!.privateSubnetIds.push("subnet-0bbbbbbbbbbbbbbb3"); },
        effect: {
            update: ["Cluster edge-dev"],
            replace: ["Attachment edge-dev-443", "Attachment edge-dev-61616", "Attachment edge-dev-80", "ManagedNodeGroup edge-dev-nodes"],
        },
        documented: {
            why: "A managed node group cannot change its subnets: Pulumi creates a new group, then deletes the old one, whose nodes EKS drains (EKS User Guide, \"Delete a managed node group\": each node is drained, forced after 5 minutes).",
            section: "Day-2 changes",
        },
    },

    {
        key: "cluster.kubernetesVersion",
        live: "devPreviousVersion",
        change: "1.35 → 1.36",
        note: "one minor version per update; the nodes roll to it",
        edit: (c) => { c.cluster!.kubernetesVersion = "1.36"; },
        effect: { update: ["Addon edge-dev-kube-proxy", "Cluster edge-dev", "ManagedNodeGroup edge-dev-nodes"] },
    },
    { key: "cluster.upgradePolicy", live: "dev", change: "STANDARD → EXTENDED", edit: (c) => { c.cluster!.upgradePolicy = "EXTENDED"; }, effect: { update: ["Cluster edge-dev"] } },
    {
        key: "cluster.nodeInstanceTypes",
        live: "dev",
        change: "m6a.large added",
        edit: (c) => { c.cluster!.nodeInstanceTypes = ["m6i.large", "m6a.large"]; },
        effect: {
            replace: [
                "Attachment edge-dev-443", "Attachment edge-dev-61616", "Attachment edge-dev-6379", "Attachment edge-dev-80", "ManagedNodeGroup edge-dev-nodes",
            ],
        },
        documented: {
            why: "A managed node group's instance types are fixed when it is created: Pulumi creates a new group, then deletes the old one, whose nodes EKS drains (EKS User Guide, \"Delete a managed node group\": each node is drained, forced after 5 minutes); the broker restarts on a new node in its volume's zone.",
            section: "Day-2 changes",
        },
    },
    { key: "cluster.nodeMinSize", live: "dev", change: "2 → 3", edit: (c) => { c.cluster!.nodeMinSize = 3; }, effect: { update: ["ManagedNodeGroup edge-dev-nodes"] } },
    { key: "cluster.nodeDesiredSize", live: "dev", change: "3 → 4", edit: (c) => { c.cluster!.nodeDesiredSize = 4; }, effect: { update: ["ManagedNodeGroup edge-dev-nodes"] } },
    { key: "cluster.nodeMaxSize", live: "dev", change: "4 → 6", edit: (c) => { c.cluster!.nodeMaxSize = 6; }, effect: { update: ["ManagedNodeGroup edge-dev-nodes"] } },
    {
        key: "cluster.nodeDiskSizeGiB",
        live: "dev",
        change: "50 → 100",
        note: "a new launch template version: the node group rolls its nodes",
        edit: (c) => { c.cluster!.nodeDiskSizeGiB = 100; },
        effect: { update: ["LaunchTemplate edge-dev-nodes"] },
    },
    { key: "cluster.endpointPublicAccessCidrs", live: "dev", change: "a CIDR added", edit: (c) => { c.cluster!.endpointPublicAccessCidrs!.push("198.51.100.0/24"); }, effect: { update: ["Cluster edge-dev"] } },
    { key: "cluster.adminRoleArns", live: "dev", change: "a role added", edit: (c) => { c.cluster!.adminRoleArns = [ADMIN, "arn:aws:iam::123456789012:role/sre-oncall"]; }, effect: { create: ["AccessEntry edge-dev-access-123456789012-sre-oncall", "AccessPolicyAssociation edge-dev-access-123456789012-sre-oncall-clusterAdmin"] } },
    { key: "cluster.viewerRoleArns", live: "dev", change: "a second preview role added", edit: (c) => { c.cluster!.viewerRoleArns = [...(c.cluster!.viewerRoleArns ?? []), "arn:aws:iam::123456789012:role/audit-read"]; }, effect: { create: ["AccessEntry edge-dev-access-123456789012-audit-read", "AccessPolicyAssociation edge-dev-access-123456789012-audit-read-view"] } },
    { key: "cluster.logRetentionDays", live: "dev", change: "90 → 30", edit: (c) => { c.cluster!.logRetentionDays = 30; }, effect: { update: ["LogGroup edge-dev-control-plane"] } },

    { key: "ingress.replicas", live: "dev", change: "2 → 3", edit: (c) => { c.ingress!.replicas = 3; }, effect: { update: ["Deployment ingress-controller/haproxy-ingress"] } },
    { key: "ingress.controllerImage", live: "dev", change: "the same tag from an ECR mirror", edit: (c) => { c.ingress!.controllerImage = `${MIRROR}/haproxy-ingress:v0.16.1`; }, effect: { update: ["Deployment ingress-controller/haproxy-ingress"] } },
    { key: "ingress.wafImage", live: "dev", change: "the same tag from an ECR mirror", edit: (c) => { c.ingress!.wafImage = `${MIRROR}/modsecurity-spoa:v0.14`; }, effect: { update: ["Deployment ingress-controller/modsecurity-spoa"] } },
    { key: "ingress.wafReplicas", live: "dev", change: "2 → 3", edit: (c) => { c.ingress!.wafReplicas = 3; }, effect: { update: ["Deployment ingress-controller/modsecurity-spoa"] } },
    {
        key: "ingress.wafMode",
        live: "dev",
        change: "detect → deny",
        edit: (c) => { c.ingress!.wafMode = "deny"; },
        effect: {
            update: [
                "ConfigMap ingress-controller/haproxy-ingress", "Deployment ingress-controller/haproxy-ingress", "Ingress activemq/activemq-console",
                "Ingress monitoring/grafana",
            ],
        },
    },
    { key: "ingress.wafMode", live: "production", change: "deny → detect", edit: (c) => { c.ingress!.wafMode = "detect"; }, effect: { refused: "ingress.wafMode: is detect (production: deny)" } },
    { key: "ingress.waf.paranoiaLevel", live: "dev", change: "1 → 2", edit: (c) => { c.ingress!.waf = { ...c.ingress!.waf, paranoiaLevel: 2 }; }, effect: { update: ["Deployment ingress-controller/modsecurity-spoa"], replace: ["ConfigMap ingress-controller/modsecurity-spoa-<hash>"] } },
    { key: "ingress.waf.allowedMethods", live: "dev", change: "OPTIONS removed", edit: (c) => { c.ingress!.waf = { ...c.ingress!.waf, allowedMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] }; }, effect: { update: ["Deployment ingress-controller/modsecurity-spoa"], replace: ["ConfigMap ingress-controller/modsecurity-spoa-<hash>"] } },
    { key: "ingress.waf.inboundAnomalyThreshold", live: "dev", change: "5 → 10", edit: (c) => { c.ingress!.waf = { ...c.ingress!.waf, inboundAnomalyThreshold: 10 }; }, effect: { update: ["Deployment ingress-controller/modsecurity-spoa"], replace: ["ConfigMap ingress-controller/modsecurity-spoa-<hash>"] } },
    {
        key: "ingress.waf.maxBodyBytes",
        live: "dev",
        change: "8192 → 12288",
        note: "proxy-body-size is on the deny-mode routes' Ingresses only",
        edit: (c) => { c.ingress!.waf = { ...c.ingress!.waf, maxBodyBytes: 12288 }; },
        effect: { update: ["Ingress status-page/status-page"] },
    },
    { key: "ingress.waf.maxBodyBytes", live: "dev", change: "8192 → 16384", edit: (c) => { c.ingress!.waf = { ...c.ingress!.waf, maxBodyBytes: 16384 }; }, effect: { refused: "ingress.waf.maxBodyBytes: is 16384 (at most 15360)" } },
    {
        key: "ingress.waf.crsVersion",
        live: "dev",
        change: "set to 4.17.0, with a wafImage built on it",
        edit: (c) => {
            c.ingress!.wafImage = `${MIRROR}/modsecurity-spoa:v0.14-crs4.17.0`;
            c.ingress!.waf = { ...c.ingress!.waf, crsVersion: "4.17.0" };
        },
        effect: { update: ["Deployment ingress-controller/modsecurity-spoa"], replace: ["ConfigMap ingress-controller/modsecurity-spoa-<hash>"] },
    },
    { key: "ingress.defaultCertificateSecret", live: "dev", change: "another Secret", edit: (c) => { c.ingress!.defaultCertificateSecret = "ingress-controller/wildcard-tls-2026"; }, effect: { update: ["Deployment ingress-controller/haproxy-ingress"] } },
    { key: "ingress.prometheusScrape", live: "dev", change: "true → false", edit: (c) => { c.ingress!.prometheusScrape = false; }, effect: { update: ["Service ingress-controller/haproxy-ingress-metrics"] } },
    { key: "ingress.metricsScraperNamespaces", live: "dev", change: "a namespace added", edit: (c) => { c.ingress!.metricsScraperNamespaces = ["monitoring", "observability"]; }, effect: { update: ["NetworkPolicy ingress-controller/haproxy-ingress"] } },
    { key: "ingress.serviceMonitor", live: "dev", change: "false → true", edit: (c) => { c.ingress!.serviceMonitor = true; }, effect: { create: ["ServiceMonitor ingress-controller/haproxy-ingress"] } },

    {
        key: "dns.zoneName",
        live: "dev",
        change: "the parent zone",
        edit: (c) => { c.dns.zoneName = "commerce.example.com"; },
        effect: {
            replace: [
                "Record api-dev-commerce-example-com-a", "Record grafana-dev-commerce-example-com-a", "Record mq-dev-commerce-example-com-a",
                "Record status-dev-commerce-example-com-a",
            ],
        },
        documented: {
            why: "The records move: created in the new zone, then deleted from the old one. Delegate the new zone before the update.",
            section: "Day-2 changes",
        },
    },

    {
        key: "routes.cortex.host",
        live: "dev",
        change: "another name",
        edit: (c) => { cortex(c).host = "shop-api.dev.commerce.example.com"; },
        effect: {
            update: ["Deployment ingress-controller/modsecurity-spoa", "Ingress cortex/cortex"],
            create: ["Record shop-api-dev-commerce-example-com-a"],
            replace: ["ConfigMap ingress-controller/modsecurity-spoa-<hash>"],
            delete: ["Record api-dev-commerce-example-com-a"],
        },
        documented: {
            why: "The new name gets its record and the old name's record is deleted: clients still using it fail once their DNS caches expire.",
            section: "Day-2 changes",
        },
    },
    {
        key: "routes.cortex.host",
        live: "production",
        change: "another name",
        edit: (c) => { cortex(c).host = "shop-api.commerce.example.com"; },
        effect: {
            update: ["Ingress cortex/cortex"],
            create: ["Record shop-api-commerce-example-com-a"],
            delete: ["Record api-commerce-example-com-a"],
            fail: ["Record api-commerce-example-com-a"],
        },
        documented: {
            why: "As on dev, but production protects its records: the update fails until the old record is unprotected on purpose.",
            section: "Day-2 changes",
        },
    },
    {
        key: "routes.cortex.path",
        live: "dev",
        change: "/cortex → /api",
        edit: (c) => { cortex(c).path = "/api"; },
        effect: {
            update: ["Deployment ingress-controller/modsecurity-spoa", "Ingress cortex/cortex"],
            replace: ["ConfigMap ingress-controller/modsecurity-spoa-<hash>"],
        },
    },
    { key: "routes.cortex.image", live: "dev", change: "a new tag", edit: (c) => { cortex(c).image = `${CORTEX_IMAGE}:8.6.1`; }, effect: { update: ["Deployment cortex/cortex"] } },
    { key: "routes.cortex.service.namespace", live: "devCortexService", change: "another namespace", edit: (c) => { cortex(c).service!.namespace = "commerce-v2"; }, effect: { update: ["NetworkPolicy activemq/activemq", "NetworkPolicy ingress-controller/haproxy-ingress"], replace: ["Ingress commerce/cortex"] } },
    { key: "routes.cortex.service.name", live: "devCortexService", change: "another Service", edit: (c) => { cortex(c).service!.name = "cortex-v2"; }, effect: { update: ["Ingress commerce/cortex"] } },
    { key: "routes.cortex.service.port", live: "devCortexService", change: "8080 → 8081", edit: (c) => { cortex(c).service!.port = 8081; }, effect: { update: ["Ingress commerce/cortex"] } },
    { key: "routes.cortex.service.targetPort", live: "devCortexService", change: "8080 → 9080", edit: (c) => { cortex(c).service!.targetPort = 9080; }, effect: { update: ["NetworkPolicy ingress-controller/haproxy-ingress"] } },
    { key: "routes.cortex.replicas", live: "dev", change: "2 → 3", edit: (c) => { cortex(c).replicas = 3; }, effect: { update: ["Deployment cortex/cortex"] } },
    { key: "routes.cortex.livenessPath", live: "dev", change: "another path", edit: (c) => { cortex(c).livenessPath = "/cortex/healthcheck"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.readinessPath", live: "dev", change: "another path", edit: (c) => { cortex(c).readinessPath = "/cortex/healthcheck"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.cpu", live: "dev", change: "500m → 1", edit: (c) => { cortex(c).cpu = "1"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.memory", live: "dev", change: "4608Mi → 6Gi", edit: (c) => { cortex(c).memory = "6Gi"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.env[].name", live: "dev", change: "a variable renamed", edit: (c) => { cortexEnv(c, "EP_SEARCH_HOST").name = "EP_SEARCH_HOSTNAME"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.env[].value", live: "dev", change: "another value", edit: (c) => { cortexEnv(c, "EP_SEARCH_HOST").value = "search-v2.search.svc"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.env[].configMapKeyRef.name", live: "dev", change: "another ConfigMap", edit: (c) => { cortexEnv(c, "EP_DB_URL").configMapKeyRef!.name = "cortex-db-v2"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.env[].configMapKeyRef.key", live: "dev", change: "another key", edit: (c) => { cortexEnv(c, "EP_DB_URL").configMapKeyRef!.key = "jdbcUrl"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.env[].secretKeyRef.name", live: "dev", change: "another Secret", edit: (c) => { cortexEnv(c, "EP_DB_PASSWORD").secretKeyRef!.name = "cortex-db-v2"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.env[].secretKeyRef.key", live: "dev", change: "another key", edit: (c) => { cortexEnv(c, "EP_DB_PASSWORD").secretKeyRef!.key = "jdbcPassword"; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.envFrom[].configMap", live: "dev", change: "another ConfigMap", edit: (c) => { cortex(c).envFrom![0] = { configMap: "cortex-settings-v2" }; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.envFrom[].secret", live: "dev", change: "another Secret", edit: (c) => { cortex(c).envFrom![1] = { secret: "cortex-jms-v2" }; }, effect: { update: ["Deployment cortex/cortex", "Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.egress[].cidr", live: "dev", change: "the database moved", edit: (c) => { cortex(c).egress![0]!.cidr = "10.21.1.0/24"; }, effect: { update: ["NetworkPolicy cortex/cortex"] } },
    { key: "routes.cortex.egress[].namespace", live: "dev", change: "another namespace", edit: (c) => { cortex(c).egress![1]!.namespace = "search-v2"; }, effect: { update: ["NetworkPolicy cortex/cortex"] } },
    { key: "routes.cortex.egress[].ports", live: "dev", change: "a port added", edit: (c) => { cortex(c).egress![0]!.ports = [3306, 33060]; }, effect: { update: ["NetworkPolicy cortex/cortex"] } },
    { key: "routes.cortex.allowlist", live: "dev", change: "a CIDR added", edit: (c) => { cortex(c).allowlist.push("192.0.2.0/24"); }, effect: { update: ["Ingress cortex/cortex"] } },
    { key: "routes.cortex.allowNatEgress", live: "dev", change: "true → false", edit: (c) => { cortex(c).allowNatEgress = false; }, effect: { update: ["Ingress cortex/cortex"] } },
    { key: "routes.cortex.wafMode", live: "dev", change: "detect → deny", edit: (c) => { cortex(c).wafMode = "deny"; }, effect: { update: ["Ingress cortex/cortex"] } },
    { key: "routes.cortex.wafExclusions", live: "dev", change: "a rule added", edit: (c) => { cortex(c).wafExclusions = [920420, 942100]; }, effect: { update: ["Deployment ingress-controller/modsecurity-spoa"], replace: ["ConfigMap ingress-controller/modsecurity-spoa-<hash>"] } },
    { key: "routes.cortex.balanceAlgorithm", live: "dev", change: "leastconn → roundrobin", edit: (c) => { cortex(c).balanceAlgorithm = "roundrobin"; }, effect: { update: ["Ingress cortex/cortex"] } },
    { key: "routes.cortex.canary.image", live: "dev", change: "a new tag", edit: (c) => { cortex(c).canary!.image = `${CORTEX_IMAGE}:8.6.2`; }, effect: { update: ["Deployment cortex/cortex-canary"] } },
    { key: "routes.cortex.canary.weightPercent", live: "dev", change: "10 → 50", edit: (c) => { cortex(c).canary!.weightPercent = 50; }, effect: { update: ["Ingress cortex/cortex"] } },
    { key: "routes.cortex.canary.header", live: "dev", change: "another header", edit: (c) => { cortex(c).canary!.header = "X-Cortex-Canary"; }, effect: { update: ["Ingress cortex/cortex"] } },
    { key: "routes.cortex.timeouts.connect", live: "dev", change: "5s → 3s", edit: (c) => { cortex(c).timeouts!.connect = "3s"; }, effect: { update: ["Ingress cortex/cortex"] } },
    { key: "routes.cortex.timeouts.server", live: "dev", change: "60s → 120s", edit: (c) => { cortex(c).timeouts!.server = "120s"; }, effect: { update: ["Ingress cortex/cortex"] } },
    { key: "routes.cortex.timeouts.queue", live: "dev", change: "5s → 10s", edit: (c) => { cortex(c).timeouts!.queue = "10s"; }, effect: { update: ["Ingress cortex/cortex"] } },
    { key: "routes.cortex.timeouts.httpRequest", live: "dev", change: "10s → 30s", edit: (c) => { cortex(c).timeouts!.httpRequest = "30s"; }, effect: { update: ["Ingress cortex/cortex"] } },

    {
        key: "routes.activemq.consoleHost",
        live: "dev",
        change: "another name",
        edit: (c) => { activemq(c).consoleHost = "broker.dev.commerce.example.com"; },
        effect: {
            update: ["Ingress activemq/activemq-console"],
            create: ["Record broker-dev-commerce-example-com-a"],
            delete: ["Record mq-dev-commerce-example-com-a"],
        },
        documented: {
            why: "The new name gets its record and the old name's record is deleted.",
            section: "Day-2 changes",
        },
    },
    {
        key: "routes.activemq.openwirePort",
        live: "dev",
        change: "61616 → 61617",
        edit: (c) => { activemq(c).openwirePort = 61617; },
        effect: {
            update: [
                "Deployment ingress-controller/haproxy-ingress", "Ingress activemq/activemq-openwire", "NetworkPolicy ingress-controller/haproxy-ingress",
                "Service ingress-controller/haproxy-ingress",
            ],
            create: [
                "Attachment edge-dev-61617", "Listener edge-dev-61617", "SecurityGroupEgressRule edge-dev-nlb-out-31617",
                "SecurityGroupIngressRule edge-dev-nlb-in-61617-203-0-113-0-24", "SecurityGroupIngressRule edge-dev-nlb-in-61617-nat-0",
                "SecurityGroupIngressRule edge-dev-nodes-in-31617", "TargetGroup edge-dev-61617",
            ],
            delete: [
                "Attachment edge-dev-61616", "Listener edge-dev-61616", "SecurityGroupEgressRule edge-dev-nlb-out-31616",
                "SecurityGroupIngressRule edge-dev-nlb-in-61616-203-0-113-0-24", "SecurityGroupIngressRule edge-dev-nlb-in-61616-nat-0",
                "SecurityGroupIngressRule edge-dev-nodes-in-31616", "TargetGroup edge-dev-61616",
            ],
        },
    },
    { key: "routes.activemq.image", live: "dev", change: "the same tag from an ECR mirror", edit: (c) => { activemq(c).image = `${MIRROR}/activemq-classic:6.1.7`; }, effect: { update: ["StatefulSet activemq/activemq"] } },
    { key: "routes.activemq.storageGiB", live: "dev", change: "20 → 40", edit: (c) => { activemq(c).storageGiB = 40; }, effect: { update: ["PersistentVolumeClaim activemq/data-activemq-0"] } },
    {
        key: "routes.activemq.storageGiB",
        live: "dev",
        change: "20 → 10",
        edit: (c) => { activemq(c).storageGiB = 10; },
        effect: { update: ["PersistentVolumeClaim activemq/data-activemq-0"], fail: ["PersistentVolumeClaim activemq/data-activemq-0"] },
        documented: {
            why: "A volume claim can only grow: the API server refuses the smaller size and the update stops at the claim, which keeps its volume and data.",
            section: "Day-2 changes",
        },
    },
    { key: "routes.activemq.storageGiB", live: "production", change: "50 → 100", edit: (c) => { activemq(c).storageGiB = 100; }, effect: { update: ["PersistentVolumeClaim activemq/data-activemq-0"] } },
    { key: "routes.activemq.allowlist", live: "dev", change: "a CIDR added", edit: (c) => { activemq(c).allowlist.push("192.0.2.0/24"); }, effect: { update: ["Ingress activemq/activemq-openwire"], create: ["SecurityGroupIngressRule edge-dev-nlb-in-61616-192-0-2-0-24"] } },
    { key: "routes.activemq.consoleAllowlist", live: "dev", change: "an address added", edit: (c) => { activemq(c).consoleAllowlist.push("203.0.113.11/32"); }, effect: { update: ["Ingress activemq/activemq-console"] } },
    { key: "routes.activemq.allowNatEgress", live: "dev", change: "true → false", edit: (c) => { activemq(c).allowNatEgress = false; }, effect: { update: ["Ingress activemq/activemq-openwire"], delete: ["SecurityGroupIngressRule edge-dev-nlb-in-61616-nat-0"] } },
    { key: "routes.activemq.tlsOffload", live: "dev", change: "false → true", edit: (c) => { activemq(c).tlsOffload = true; }, effect: { update: ["Ingress activemq/activemq-openwire"] } },
    { key: "routes.activemq.inClusterClients", live: "dev", change: "a namespace added", edit: (c) => { activemq(c).inClusterClients = ["cortex", "status-page"]; }, effect: { update: ["NetworkPolicy activemq/activemq", "NetworkPolicy status-page/status-page"] } },

    {
        key: "routes.additional[] (http).protocol",
        live: "dev",
        change: "http → tcp",
        edit: (c) => { replaceRoute(c, "grafana", { protocol: "tcp", name: "grafana", port: 3000, service: grafana(c).service!, allowlist: grafana(c).allowlist }); },
        effect: {
            update: [
                "Deployment ingress-controller/haproxy-ingress", "Ingress monitoring/grafana", "NetworkPolicy ingress-controller/haproxy-ingress",
                "Service ingress-controller/haproxy-ingress",
            ],
            create: [
                "Attachment edge-dev-3000", "Listener edge-dev-3000", "SecurityGroupEgressRule edge-dev-nlb-out-31000",
                "SecurityGroupIngressRule edge-dev-nlb-in-3000-203-0-113-0-24", "SecurityGroupIngressRule edge-dev-nodes-in-31000", "TargetGroup edge-dev-3000",
            ],
            delete: ["Record grafana-dev-commerce-example-com-a"],
        },
        documented: {
            why: "The route becomes a TCP port: its host's record is deleted.",
            section: "Day-2 changes",
        },
    },
    {
        key: "routes.additional[] (http).name",
        live: "dev",
        change: "status-page → status",
        edit: (c) => { statusPage(c).name = "status"; },
        effect: {
            update: ["NetworkPolicy ingress-controller/haproxy-ingress"],
            create: [
                "Deployment status/status", "Deployment status/status-canary", "Ingress status/status", "Namespace status", "NetworkPolicy status/allow-dns",
                "NetworkPolicy status/default-deny", "NetworkPolicy status/status", "PodDisruptionBudget status/status", "Service status/status",
            ],
            delete: [
                "Deployment status-page/status-page", "Deployment status-page/status-page-canary", "Ingress status-page/status-page", "Namespace status-page",
                "NetworkPolicy status-page/allow-dns", "NetworkPolicy status-page/default-deny", "NetworkPolicy status-page/status-page",
                "PodDisruptionBudget status-page/status-page", "Service status-page/status-page",
            ],
        },
        documented: {
            why: "A route's objects are named after it and its namespace defaults to its name: renaming creates them in a new namespace and deletes the old namespace with anything else in it. Set namespace to the old name to keep it.",
            section: "Day-2 changes",
        },
    },
    {
        key: "routes.additional[] (http).host",
        live: "dev",
        change: "another name",
        edit: (c) => { statusPage(c).host = "health.dev.commerce.example.com"; },
        effect: {
            update: ["Ingress status-page/status-page"],
            create: ["Record health-dev-commerce-example-com-a"],
            delete: ["Record status-dev-commerce-example-com-a"],
        },
        documented: {
            why: "The new name gets its record and the old name's record is deleted.",
            section: "Day-2 changes",
        },
    },
    { key: "routes.additional[] (http).path", live: "dev", change: "/ → /status", edit: (c) => { statusPage(c).path = "/status"; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).pathType", live: "dev", change: "Prefix → Exact", edit: (c) => { statusPage(c).pathType = "Exact"; }, effect: { update: ["Ingress status-page/status-page"] } },
    {
        key: "routes.additional[] (http).overlaps",
        live: "dev",
        change: "a route under another's path, naming it",
        edit: (c) => {
            c.routes.additional!.push({
                protocol: "http", name: "status-api", host: "status.dev.commerce.example.com", path: "/api", overlaps: ["status-page"],
                service: { namespace: "status-api", name: "status-api", port: 8080 }, allowlist: ["203.0.113.0/24"],
            });
        },
        effect: { update: ["NetworkPolicy ingress-controller/haproxy-ingress"], create: ["Ingress status-api/status-api"] },
    },
    { key: "routes.additional[] (http).service.namespace", live: "dev", change: "another namespace", edit: (c) => { grafana(c).service!.namespace = "observability"; }, effect: { update: ["NetworkPolicy ingress-controller/haproxy-ingress"], replace: ["Ingress monitoring/grafana"] } },
    { key: "routes.additional[] (http).service.name", live: "dev", change: "another Service", edit: (c) => { grafana(c).service!.name = "grafana-v2"; }, effect: { update: ["Ingress monitoring/grafana"] } },
    { key: "routes.additional[] (http).service.port", live: "dev", change: "80 → 8080", edit: (c) => { grafana(c).service!.port = 8080; }, effect: { update: ["Ingress monitoring/grafana"] } },
    { key: "routes.additional[] (http).service.targetPort", live: "dev", change: "3000 → 3001", edit: (c) => { grafana(c).service!.targetPort = 3001; }, effect: { update: ["NetworkPolicy ingress-controller/haproxy-ingress"] } },
    { key: "routes.additional[] (http).workload.image", live: "dev", change: "a new tag", edit: (c) => { statusWorkload(c).image = "nginxinc/nginx-unprivileged:1.28-alpine"; }, effect: { update: ["Deployment status-page/status-page"] } },
    {
        key: "routes.additional[] (http).workload.containerPort",
        live: "dev",
        change: "8080 → 8081",
        edit: (c) => { statusWorkload(c).containerPort = 8081; },
        effect: {
            update: [
                "Deployment status-page/status-page", "Deployment status-page/status-page-canary", "Ingress status-page/status-page",
                "NetworkPolicy ingress-controller/haproxy-ingress", "NetworkPolicy status-page/status-page", "Service status-page/status-page",
            ],
        },
    },
    { key: "routes.additional[] (http).workload.replicas", live: "dev", change: "2 → 3", edit: (c) => { statusWorkload(c).replicas = 3; }, effect: { update: ["Deployment status-page/status-page"] } },
    { key: "routes.additional[] (http).workload.healthPath", live: "dev", change: "/ → /healthz", edit: (c) => { statusWorkload(c).healthPath = "/healthz"; }, effect: { update: ["Deployment status-page/status-page", "Deployment status-page/status-page-canary"] } },
    { key: "routes.additional[] (http).workload.cpu", live: "dev", change: "250m → 500m", edit: (c) => { statusWorkload(c).cpu = "500m"; }, effect: { update: ["Deployment status-page/status-page", "Deployment status-page/status-page-canary"] } },
    { key: "routes.additional[] (http).workload.memory", live: "dev", change: "512Mi → 1Gi", edit: (c) => { statusWorkload(c).memory = "1Gi"; }, effect: { update: ["Deployment status-page/status-page", "Deployment status-page/status-page-canary"] } },
    { key: "routes.additional[] (http).workload.egress[].cidr", live: "dev", change: "another block", edit: (c) => { statusWorkload(c).egress![0]!.cidr = "10.21.3.0/24"; }, effect: { update: ["NetworkPolicy status-page/status-page"] } },
    { key: "routes.additional[] (http).workload.egress[].namespace", live: "dev", change: "another namespace", edit: (c) => { statusWorkload(c).egress![1]!.namespace = "search-v2"; }, effect: { update: ["NetworkPolicy status-page/status-page"] } },
    { key: "routes.additional[] (http).workload.egress[].ports", live: "dev", change: "a port added", edit: (c) => { statusWorkload(c).egress![0]!.ports = [443, 8443]; }, effect: { update: ["NetworkPolicy status-page/status-page"] } },
    {
        key: "routes.additional[] (http).namespace",
        live: "dev",
        change: "unset (status-page) → status",
        edit: (c) => { statusPage(c).namespace = "status"; },
        effect: {
            update: ["NetworkPolicy ingress-controller/haproxy-ingress"],
            create: ["Namespace status", "NetworkPolicy status/allow-dns", "NetworkPolicy status/default-deny", "NetworkPolicy status/status-page"],
            replace: [
                "Deployment status-page/status-page", "Deployment status-page/status-page-canary", "Ingress status-page/status-page", "PodDisruptionBudget status-page/status-page",
                "Service status-page/status-page",
            ],
            delete: [
                "Namespace status-page", "NetworkPolicy status-page/allow-dns", "NetworkPolicy status-page/default-deny", "NetworkPolicy status-page/status-page",
            ],
        },
        documented: {
            why: "The workload moves: created in the new namespace, then the old namespace is deleted with anything else in it.",
            section: "Day-2 changes",
        },
    },
    { key: "routes.additional[] (http).allowlist", live: "dev", change: "a CIDR added", edit: (c) => { statusPage(c).allowlist.push("192.0.2.0/24"); }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).allowNatEgress", live: "dev", change: "false → true", edit: (c) => { statusPage(c).allowNatEgress = true; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).wafMode", live: "dev", change: "deny → detect", edit: (c) => { statusPage(c).wafMode = "detect"; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).wafExclusions", live: "dev", change: "a rule added", edit: (c) => { statusPage(c).wafExclusions = [920420]; }, effect: { update: ["Deployment ingress-controller/modsecurity-spoa"], replace: ["ConfigMap ingress-controller/modsecurity-spoa-<hash>"] } },
    { key: "routes.additional[] (http).balanceAlgorithm", live: "dev", change: "leastconn → roundrobin", edit: (c) => { statusPage(c).balanceAlgorithm = "roundrobin"; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).tls", live: "dev", change: "true → false", edit: (c) => { statusPage(c).tls = false; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).rewriteTarget", live: "dev", change: "set to /status", edit: (c) => { statusPage(c).rewriteTarget = "/status"; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).canary.image", live: "dev", change: "the same tag from an ECR mirror", edit: (c) => { statusPage(c).canary!.image = `${MIRROR}/nginx-unprivileged:1.28-alpine`; }, effect: { update: ["Deployment status-page/status-page-canary"] } },
    { key: "routes.additional[] (http).canary.weightPercent", live: "dev", change: "10 → 50", edit: (c) => { statusPage(c).canary!.weightPercent = 50; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).canary.header", live: "dev", change: "set", edit: (c) => { statusPage(c).canary!.header = "X-Canary"; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).timeouts.connect", live: "dev", change: "5s → 3s", edit: (c) => { statusPage(c).timeouts!.connect = "3s"; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).timeouts.server", live: "dev", change: "30s → 60s", edit: (c) => { statusPage(c).timeouts!.server = "60s"; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).timeouts.queue", live: "dev", change: "5s → 10s", edit: (c) => { statusPage(c).timeouts!.queue = "10s"; }, effect: { update: ["Ingress status-page/status-page"] } },
    { key: "routes.additional[] (http).timeouts.httpRequest", live: "dev", change: "5s → 10s", edit: (c) => { statusPage(c).timeouts!.httpRequest = "10s"; }, effect: { update: ["Ingress status-page/status-page"] } },

    {
        key: "routes.additional[] (tcp).protocol",
        live: "dev",
        change: "tcp → http",
        edit: (c) => { replaceRoute(c, "redis", { protocol: "http", name: "redis", host: "redis.dev.commerce.example.com", service: redis(c).service, allowlist: redis(c).allowlist }); },
        effect: {
            update: [
                "Deployment ingress-controller/haproxy-ingress", "Ingress cache/redis", "NetworkPolicy ingress-controller/haproxy-ingress",
                "Service ingress-controller/haproxy-ingress",
            ],
            create: ["Record redis-dev-commerce-example-com-a"],
            delete: [
                "Attachment edge-dev-6379", "Listener edge-dev-6379", "SecurityGroupEgressRule edge-dev-nlb-out-31379",
                "SecurityGroupIngressRule edge-dev-nlb-in-6379-203-0-113-0-24", "SecurityGroupIngressRule edge-dev-nodes-in-31379", "TargetGroup edge-dev-6379",
            ],
        },
    },
    { key: "routes.additional[] (tcp).name", live: "dev", change: "redis → cache", edit: (c) => { redis(c).name = "cache"; }, effect: { create: ["Ingress cache/cache"], delete: ["Ingress cache/redis"] } },
    {
        key: "routes.additional[] (tcp).port",
        live: "dev",
        change: "6379 → 6380",
        edit: (c) => { redis(c).port = 6380; },
        effect: {
            update: [
                "Deployment ingress-controller/haproxy-ingress", "Ingress cache/redis", "NetworkPolicy ingress-controller/haproxy-ingress",
                "Service ingress-controller/haproxy-ingress",
            ],
            create: [
                "Attachment edge-dev-6380", "Listener edge-dev-6380", "SecurityGroupEgressRule edge-dev-nlb-out-31380",
                "SecurityGroupIngressRule edge-dev-nlb-in-6380-203-0-113-0-24", "SecurityGroupIngressRule edge-dev-nodes-in-31380", "TargetGroup edge-dev-6380",
            ],
            delete: [
                "Attachment edge-dev-6379", "Listener edge-dev-6379", "SecurityGroupEgressRule edge-dev-nlb-out-31379",
                "SecurityGroupIngressRule edge-dev-nlb-in-6379-203-0-113-0-24", "SecurityGroupIngressRule edge-dev-nodes-in-31379", "TargetGroup edge-dev-6379",
            ],
        },
    },
    {
        key: "routes.additional[] (tcp).nodePort",
        live: "dev",
        change: "unset (31379) → 31400",
        note: "a new target group on the new NodePort; the listener moves to it",
        edit: (c) => { redis(c).nodePort = 31400; },
        effect: {
            update: ["Listener edge-dev-6379", "Service ingress-controller/haproxy-ingress"],
            create: ["SecurityGroupEgressRule edge-dev-nlb-out-31400", "SecurityGroupIngressRule edge-dev-nodes-in-31400"],
            replace: ["Attachment edge-dev-6379", "TargetGroup edge-dev-6379"],
            delete: ["SecurityGroupEgressRule edge-dev-nlb-out-31379", "SecurityGroupIngressRule edge-dev-nodes-in-31379"],
        },
    },
    { key: "routes.additional[] (tcp).service.namespace", live: "dev", change: "another namespace", edit: (c) => { redis(c).service.namespace = "cache-v2"; }, effect: { update: ["NetworkPolicy ingress-controller/haproxy-ingress"], replace: ["Ingress cache/redis"] } },
    { key: "routes.additional[] (tcp).service.name", live: "dev", change: "another Service", edit: (c) => { redis(c).service.name = "redis-primary"; }, effect: { update: ["Ingress cache/redis"] } },
    { key: "routes.additional[] (tcp).service.port", live: "dev", change: "6379 → 6380", edit: (c) => { redis(c).service.port = 6380; }, effect: { update: ["Ingress cache/redis", "NetworkPolicy ingress-controller/haproxy-ingress"] } },
    { key: "routes.additional[] (tcp).service.targetPort", live: "dev", change: "unset → 7000", edit: (c) => { redis(c).service.targetPort = 7000; }, effect: { update: ["NetworkPolicy ingress-controller/haproxy-ingress"] } },
    { key: "routes.additional[] (tcp).allowlist", live: "dev", change: "a CIDR added", edit: (c) => { redis(c).allowlist.push("192.0.2.0/24"); }, effect: { update: ["Ingress cache/redis"], create: ["SecurityGroupIngressRule edge-dev-nlb-in-6379-192-0-2-0-24"] } },
    { key: "routes.additional[] (tcp).allowNatEgress", live: "dev", change: "false → true", edit: (c) => { redis(c).allowNatEgress = true; }, effect: { update: ["Ingress cache/redis"], create: ["SecurityGroupIngressRule edge-dev-nlb-in-6379-nat-0"] } },
    { key: "routes.additional[] (tcp).tlsOffload", live: "dev", change: "false → true", edit: (c) => { redis(c).tlsOffload = true; }, effect: { update: ["Ingress cache/redis"] } },
    { key: "routes.additional[] (tcp).balanceAlgorithm", live: "dev", change: "leastconn → roundrobin", edit: (c) => { redis(c).balanceAlgorithm = "roundrobin"; }, effect: { update: ["Ingress cache/redis"] } },

    { key: "deployRunner.githubRepository", live: "dev", change: "another repository", edit: (c) => { c.deployRunner!.githubRepository = "acme/commerce-edge-infra"; }, effect: { update: ["Project edge-dev-runner"] } },
    { key: "deployRunner.connectionArn", live: "dev", change: "another connection", edit: (c) => { c.deployRunner!.connectionArn = CONNECTION.replace("0a1b2c3d", "9f8e7d6c"); }, effect: { update: ["Project edge-dev-runner", "RolePolicy edge-dev-runner"] } },
    { key: "deployRunner.computeType", live: "dev", change: "MEDIUM → SMALL", edit: (c) => { c.deployRunner!.computeType = "BUILD_GENERAL1_SMALL"; }, effect: { update: ["Project edge-dev-runner"] } },

    { key: "tlsCertificate", live: "production", change: "renewed", edit: (c) => { c.tlsCertificate = PEM("CERTIFICATE", "renewed-certificate"); }, effect: { update: ["Secret ingress-controller/default-tls"] } },
    { key: "tlsPrivateKey", live: "production", change: "rotated", edit: (c) => { c.tlsPrivateKey = PEM("PRIVATE KEY", "rotated-key"); }, effect: { update: ["Secret ingress-controller/default-tls"] } },
    { key: "activemqAdminPassword", live: "dev", change: "rotated", edit: (c) => { c.activemqAdminPassword = "a-new-admin-password-2026"; }, effect: { update: ["Secret activemq/activemq-credentials", "StatefulSet activemq/activemq"] } },
    { key: "activemqBrokerPassword", live: "dev", change: "rotated", edit: (c) => { c.activemqBrokerPassword = "a-new-broker-password-2026"; }, effect: { update: ["Secret activemq/activemq-credentials", "StatefulSet activemq/activemq"] } },
];

function stackFile(stack: string) {
    const file = readStackFile(stack);
    return { file, raw: rawStackConfig({ project: PROJECT, stack, keys: Object.keys(file.config), get: (key) => file.config[`${PROJECT}:${key}`] }) };
}

/** The stack file's project keys as the program's config object (structured values parsed). */
export function stackFileConfig(stack: string): Config {
    return structuredClone(stackFile(stack).raw.values) as Config;
}

/** Whether the program accepts `config` on `stack` (secrets the stack file only holds as placeholders are not checked). */
export function accepted(stack: string, config: Config): boolean {
    const { file, raw } = stackFile(stack);
    const values = config as Record<string, unknown>;
    const unreadableSecrets = new Set(file.placeholders.filter((key) => values[key] === raw.values[key]));
    return validateStackConfig({ ...raw, values, unreadableSecrets, ...(file.config["aws:region"] ? { region: file.config["aws:region"] } : {}) }).ok;
}

/** Config overrides (full keys) that turn the stack file into `config`. */
export function overridesFor(stack: string, config: Config): Record<string, string> {
    const file = readStackFile(stack).config;
    const overrides: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        const text = typeof value === "string" ? value : JSON.stringify(value);
        if (file[`${PROJECT}:${key}`] !== text) overrides[`${PROJECT}:${key}`] = text;
    }
    return overrides;
}

/** The live stack's config, and the config after the case's change. */
export function configsOf(keyCase: KeyCase): { readonly live: Config; readonly changed: Config } {
    const stack = LIVE_STACKS[keyCase.live] as LiveStack;
    const live = stackFileConfig(stack.stack);
    stack.edit?.(live);
    const changed = structuredClone(live);
    keyCase.edit(changed);
    return { live, changed };
}

export const DAY_TWO_START = "<!-- day2-table:start (generated by npm run docs) -->";
export const DAY_TWO_END = "<!-- day2-table:end -->";

/** Labels in a table cell: each one when few, else counted by type. */
function resourcesCell(labels: readonly string[]): string {
    if (labels.length <= 4) return labels.join(", ");
    const byType = new Map<string, string[]>();
    for (const label of labels) byType.set(label.split(" ")[0]!, [...(byType.get(label.split(" ")[0]!) ?? []), label]);
    return `${labels.length}: ${[...byType].map(([type, ofType]) => (ofType.length === 1 ? ofType[0]! : `${type} ×${ofType.length}`)).join(", ")}`;
}

function effectCell(keyCase: KeyCase): string {
    const { effect } = keyCase;
    if (effect.refused !== undefined) return `refused before anything changes: \`${effect.refused}\``;
    const parts = (["update", "create", "replace", "delete"] as const)
        .filter((action) => (effect[action] ?? []).length > 0)
        .map((action) => `${action} ${resourcesCell(effect[action]!)}`);
    if (effect.fail) parts.push(`**fails** at ${resourcesCell(effect.fail)}`);
    return `${parts.join("; ")}${keyCase.note ? ` (${keyCase.note})` : ""}`;
}

/** README "Day-2 changes": what a live stack does when each key changes (test/plan.configKeys.test.ts holds the plans to it). */
export function dayTwoTable(): string {
    const lines = ["| key | on | change | what `pulumi up` does | why that is acceptable |", "|---|---|---|---|---|"];
    for (const keyCase of KEY_CASES) {
        const cells = [`\`${keyCase.key}\``, (LIVE_STACKS[keyCase.live] as LiveStack).label, keyCase.change, effectCell(keyCase), keyCase.documented?.why ?? ""];
        lines.push(`| ${cells.map((cell) => cell.replaceAll("|", "\\|").replaceAll("<", "&lt;").replaceAll(">", "&gt;")).join(" | ")} |`);
    }
    return lines.join("\n");
}

/** The README with its day-2 table replaced. */
export function withDayTwoTable(readme: string): string {
    const start = readme.indexOf(DAY_TWO_START);
    const end = readme.indexOf(DAY_TWO_END);
    if (start < 0 || end < start) throw new Error(`README.md has no ${DAY_TWO_START} … ${DAY_TWO_END} section`);
    return `${readme.slice(0, start + DAY_TWO_START.length)}\n${dayTwoTable()}\n${readme.slice(end)}`;
}
