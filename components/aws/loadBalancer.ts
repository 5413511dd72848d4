import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PublicPort } from "../../config/routeTable";
import { ANYWHERE_IPV4, type ListenerSources } from "./listenerSources";
import { DRAIN_TIMINGS } from "../timings";

export interface IngressLoadBalancerArgs {
    readonly vpcId: pulumi.Input<string>;
    readonly publicSubnetIds: pulumi.Input<string[]>;
    /** One TCP listener and target group per port, each forwarding to the controller's NodePort. */
    readonly publicPorts: readonly PublicPort[];
    /** The controller's health NodePort: HAProxy's healthz frontend, which never expects PROXY. */
    readonly healthCheck: { readonly nodePort: number };
    /** Who each listener admits (the NLB's security group): 80/443 anyone, a TCP route's port its allowlist. */
    readonly listenerSources: readonly ListenerSources[];
    /** The cluster's NAT addresses, admitted on ports whose route sets `allowNatEgress`. */
    readonly natPublicIps: pulumi.Input<string[]>;
    /** How many NAT addresses there are (one rule each, known before they exist). */
    readonly natGatewayCount: number;
    /** Security group of the nodes; the NLB is admitted into it on exactly the NodePorts. */
    readonly nodeSecurityGroupId: pulumi.Input<string>;
    /** The node group's auto-scaling group, whose instances are the targets. */
    readonly nodeAutoScalingGroupName: pulumi.Input<string>;
    /**
     * What the public subnets need before an internet-facing NLB can be created there (AWS refuses it in a VPC
     * without an internet gateway), and which must outlive it on destroy. @default []
     */
    readonly publicIngress?: readonly pulumi.Resource[];
    /** @default false; true in production */
    readonly deletionProtection: boolean;
    readonly tags?: Record<string, string>;
}

/** What the NLB forwards: a listener per public port and the NodePorts it must reach on the nodes. */
export interface ListenerPlan {
    readonly name: string;
    readonly listenerPort: number;
    readonly targetPort: number;
}

/** Pure: listeners and target ports from the route table's public ports. */
export function listenerPlan(publicPorts: readonly PublicPort[]): ListenerPlan[] {
    return publicPorts.map((port) => ({ name: port.name, listenerPort: port.port, targetPort: port.nodePort }));
}

/** Pure: the node ports the NLB must reach, health port included, sorted and distinct. */
export function nodePortsToAdmit(publicPorts: readonly PublicPort[], healthNodePort: number): number[] {
    return [...new Set([...publicPorts.map((port) => port.nodePort), healthNodePort])].sort((a, b) => a - b);
}

/**
 * The environment's one internet-facing Network Load Balancer. Every target group sends PROXY v2
 * (the controller accepts it on every port) and health-checks HAProxy's healthz NodePort, which with
 * `externalTrafficPolicy: Local` accepts connections only on nodes that run a ready controller pod.
 * The check is TCP: with PROXY on, AWS sends the PROXY header on health-check connections too
 * (ELB docs, "Proxy protocol" of NLB target groups), which an HTTP check against the PROXY-free
 * healthz frontend would turn into a 400.
 *
 * Its security group admits each listener port from the sources of `listenerSources`: 80 and 443 from anywhere
 * (hosts share them, so HAProxy enforces each host's allowlist), a TCP route's port from its allowlist and, when
 * asked, the NAT addresses; it sends only to the controller's NodePorts, which the nodes' group admits from it.
 */
export class IngressLoadBalancer extends pulumi.ComponentResource {
    readonly dnsName: pulumi.Output<string>;
    /** The NLB's canonical hosted-zone id, for Route53 alias records. */
    readonly zoneId: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: IngressLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:aws:IngressLoadBalancer", name, {}, opts);
        const parent = { parent: this };
        const listeners = listenerPlan(args.publicPorts);
        const admittedNodePorts = nodePortsToAdmit(args.publicPorts, args.healthCheck.nodePort);

        // The description is older than the per-route rules; EC2 cannot edit one, so changing it would replace the group.
        const securityGroup = new aws.ec2.SecurityGroup(`${name}-nlb`, {
            vpcId: args.vpcId,
            description: "Ingress NLB: the listener ports only; allowlists are enforced per route by HAProxy on the PROXY v2 client address",
            tags: { ...args.tags, Name: `${name}-nlb` },
        }, parent);
        const listenerRule = (port: number, suffix: string, cidrIpv4: pulumi.Input<string>, description: string): void => {
            new aws.vpc.SecurityGroupIngressRule(`${name}-nlb-in-${port}${suffix}`, {
                securityGroupId: securityGroup.id,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                cidrIpv4,
                description,
            }, parent);
        };
        // Named by port and source, so editing an allowlist touches only the rules of the entries that changed.
        for (const source of args.listenerSources) {
            for (const cidr of source.cidrs) {
                listenerRule(source.port, cidr === ANYWHERE_IPV4 ? "" : `-${cidr.replace(/[./]/g, "-")}`, cidr, `Listener ${source.port} from ${cidr}`);
            }
            if (!source.natEgress) continue;
            for (let index = 0; index < args.natGatewayCount; index++) {
                listenerRule(source.port, `-nat-${index}`, pulumi.output(args.natPublicIps).apply((ips) => `${ips[index]}/32`), `Listener ${source.port} from the cluster's NAT gateway ${index}`);
            }
        }
        for (const nodePort of admittedNodePorts) {
            new aws.vpc.SecurityGroupEgressRule(`${name}-nlb-out-${nodePort}`, {
                securityGroupId: securityGroup.id,
                ipProtocol: "tcp",
                fromPort: nodePort,
                toPort: nodePort,
                referencedSecurityGroupId: args.nodeSecurityGroupId,
                description: `To controller NodePort ${nodePort}`,
            }, parent);
            new aws.vpc.SecurityGroupIngressRule(`${name}-nodes-in-${nodePort}`, {
                securityGroupId: args.nodeSecurityGroupId,
                ipProtocol: "tcp",
                fromPort: nodePort,
                toPort: nodePort,
                referencedSecurityGroupId: securityGroup.id,
                description: `From the ingress NLB to controller NodePort ${nodePort}`,
            }, parent);
        }

        const loadBalancer = new aws.lb.LoadBalancer(name, {
            loadBalancerType: "network",
            internal: false,
            subnets: args.publicSubnetIds,
            securityGroups: [securityGroup.id],
            enableCrossZoneLoadBalancing: true,
            enableDeletionProtection: args.deletionProtection,
            ipAddressType: "ipv4",
            tags: args.tags,
        }, { parent: this, dependsOn: [...(args.publicIngress ?? [])] });

        for (const listener of listeners) {
            // Named by port, not by route: target group names allow 32 characters (see MAX_STACK_NAME_LENGTH).
            const perPort = `${name}-${listener.listenerPort}`;
            const targetGroup = new aws.lb.TargetGroup(perPort, {
                vpcId: args.vpcId,
                targetType: "instance",
                protocol: "TCP",
                port: listener.targetPort,
                proxyProtocolV2: true,
                // The controller's NetworkPolicy admits the traffic ports from outside the VPC only: targets must see the
                // client's address. AWS's default for instance targets, set so that it cannot drift (ELB docs, "Edit target
                // group attributes for your Network Load Balancer", Client IP preservation; preserve_client_ip.enabled).
                preserveClientIp: "true",
                // A node leaving the auto-scaling group: flows reset once the delay has run out, so clients reconnect
                // at once instead of waiting on a terminated instance.
                deregistrationDelay: DRAIN_TIMINGS.deregistrationDelaySeconds,
                connectionTermination: true,
                // A draining controller pod fails the health check first: keep its open flows while it finishes them.
                targetHealthStates: [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: DRAIN_TIMINGS.unhealthyDrainingIntervalSeconds }],
                healthCheck: {
                    enabled: true,
                    protocol: "TCP",
                    port: String(args.healthCheck.nodePort),
                    interval: DRAIN_TIMINGS.nlbHealthCheck.intervalSeconds,
                    healthyThreshold: DRAIN_TIMINGS.nlbHealthCheck.healthyThreshold,
                    unhealthyThreshold: DRAIN_TIMINGS.nlbHealthCheck.unhealthyThreshold,
                },
                tags: { ...args.tags, Port: String(listener.listenerPort) },
            }, parent);
            new aws.lb.Listener(perPort, {
                loadBalancerArn: loadBalancer.arn,
                port: listener.listenerPort,
                protocol: "TCP",
                defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
                tags: args.tags,
            }, parent);
            new aws.autoscaling.Attachment(perPort, {
                autoscalingGroupName: args.nodeAutoScalingGroupName,
                lbTargetGroupArn: targetGroup.arn,
            }, parent);
        }

        this.dnsName = loadBalancer.dnsName;
        this.zoneId = loadBalancer.zoneId;
        this.arn = loadBalancer.arn;
        this.securityGroupId = securityGroup.id;
        this.registerOutputs({ dnsName: this.dnsName, zoneId: this.zoneId });
    }
}
