import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { planStack, type Plan } from "../harness/plan";
import { field, PlanQuery } from "./planQueries";

const TG = "aws:lb/targetGroup:TargetGroup";
const SERVICE = "kubernetes:core/v1:Service";

let plan: Plan;
let q: PlanQuery;
before(async () => {
    plan = await planStack("dev");
    q = new PlanQuery(plan.run.resources);
});

describe("dev plan", () => {
    it("has schema-valid Kubernetes objects", () => {
        assert.deepEqual(plan.schemaProblems, []);
        assert.ok(plan.manifests.length > 20);
    });

    describe("NLB", () => {
        it("has one listener per route-table port, each forwarding to a PROXY v2 target group on a controller NodePort", () => {
            const service = q.kubernetes(SERVICE, "ingress-controller", "haproxy-ingress");
            const servicePorts = field<{ name: string; port: number; nodePort: number }[]>(service, "spec.ports");
            const nodePortOf = new Map(servicePorts.map((port) => [port.port, port.nodePort]));
            const listeners = q.ofType("aws:lb/listener:Listener");
            assert.deepEqual(listeners.map((listener) => field<number>(listener, "port")).sort((a, b) => a - b), [80, 443, 61616]);
            for (const listener of listeners) {
                const arnRef = field<{ targetGroupArn: string }[]>(listener, "defaultActions")[0]!.targetGroupArn;
                const group = q.ofType(TG).find((tg) => arnRef.endsWith(`:${tg.name}`));
                assert.ok(group, `listener ${String(field(listener, "port"))} forwards to a target group`);
                assert.equal(field(group, "proxyProtocolV2"), true);
                assert.equal(field(group, "port"), nodePortOf.get(field<number>(listener, "port")));
            }
        });

        it("health-checks HAProxy's healthz NodePort over TCP (the PROXY header also comes on checks), never a PROXY port", () => {
            const service = q.kubernetes(SERVICE, "ingress-controller", "haproxy-ingress");
            const healthz = field<{ name: string; nodePort: number }[]>(service, "spec.ports").find((port) => port.name === "healthz")!;
            const trafficPorts = q.ofType(TG).map((tg) => field<number>(tg, "port"));
            for (const group of q.ofType(TG)) {
                assert.deepEqual(field(group, "healthCheck"), {
                    enabled: true, protocol: "TCP", port: String(healthz.nodePort), interval: 10, healthyThreshold: 2, unhealthyThreshold: 2,
                });
                assert.ok(!trafficPorts.includes(healthz.nodePort));
            }
        });

        it("is cross-zone, internet-facing, without deletion protection outside production", () => {
            const nlb = q.one("aws:lb/loadBalancer:LoadBalancer");
            assert.equal(field(nlb, "loadBalancerType"), "network");
            assert.equal(field(nlb, "internal"), false);
            assert.equal(field(nlb, "enableCrossZoneLoadBalancing"), true);
            assert.equal(field(nlb, "enableDeletionProtection"), false);
        });

        it("admits itself into the node SG on exactly the NodePorts and the health port", () => {
            const nodeSg = q.one("aws:ec2/securityGroup:SecurityGroup", (sg) => sg.name.endsWith("-nodes"));
            const nlbSg = q.one("aws:ec2/securityGroup:SecurityGroup", (sg) => sg.name.endsWith("-nlb"));
            const intoNodes = q.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((rule) => rule.dependencies.includes(nodeSg.urn) && rule.name.includes("-nodes-in-"));
            assert.deepEqual(intoNodes.map((rule) => [field(rule, "fromPort"), field(rule, "toPort")]).sort(), [[30080, 30080], [30253, 30253], [30443, 30443], [31616, 31616]].sort());
            for (const rule of intoNodes) {
                assert.ok(rule.dependencies.includes(nlbSg.urn), "the source is the NLB's security group");
                assert.equal(field(rule, "cidrIpv4"), undefined);
            }
            const listenerRules = q.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((rule) => rule.name.includes("-nlb-in-"));
            assert.deepEqual(listenerRules.map((rule) => field<number>(rule, "fromPort")).sort((a, b) => a - b), [80, 443, 61616]);
        });
    });

    describe("DNS", () => {
        it("gives every host exactly one alias A record to the NLB's dnsName and canonical zoneId", () => {
            const nlbName = plan.run.outputs.nlbDnsName;
            const records = q.ofType("aws:route53/record:Record");
            assert.deepEqual(records.map((record) => field(record, "name")).sort(), ["api.dev.commerce.example.com", "mq.dev.commerce.example.com", "status.dev.commerce.example.com"]);
            for (const record of records) {
                assert.equal(field(record, "type"), "A");
                assert.deepEqual(field(record, "aliases"), [{ name: nlbName, zoneId: "Z0FAKENLBZONE0000001", evaluateTargetHealth: true }]);
                assert.equal(field(record, "zoneId"), "Z0FAKEHOSTEDZONE0001");
            }
        });
    });

    describe("cluster", () => {
        it("is private-first, logged and encrypted", () => {
            const cluster = q.one("eks:index:Cluster");
            assert.equal(field(cluster, "endpointPrivateAccess"), true);
            assert.equal(field(cluster, "endpointPublicAccess"), true);
            assert.deepEqual(field(cluster, "publicAccessCidrs"), ["203.0.113.0/24"]);
            assert.deepEqual(field(cluster, "enabledClusterLogTypes"), ["api", "audit", "authenticator"]);
            assert.equal(field(cluster, "authenticationMode"), "API");
            assert.equal(field(cluster, "createOidcProvider"), true);
            assert.equal(field(cluster, "nodeAssociatePublicIpAddress"), false);
            const key = q.one("aws:kms/key:Key");
            assert.equal(field(key, "enableKeyRotation"), true);
            assert.ok(cluster.dependencies.includes(key.urn), "secrets encryption uses the component's KMS key");
            assert.ok(String(field(cluster, "encryptionConfigKeyArn")).startsWith("arn:aws:kms:"));
        });

        it("puts nodes only in private subnets, with IMDSv2 required", () => {
            const nodeGroup = q.one("eks:index:ManagedNodeGroup");
            const privateSubnets = q.ofType("aws:ec2/subnet:Subnet").filter((subnet) => subnet.name.includes("-private-"));
            assert.equal(privateSubnets.length, 2);
            for (const subnet of privateSubnets) assert.ok(nodeGroup.dependencies.includes(subnet.urn));
            for (const subnet of q.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-public-"))) assert.ok(!nodeGroup.dependencies.includes(subnet.urn));
            assert.deepEqual(field(nodeGroup, "scalingConfig"), { minSize: 2, desiredSize: 2, maxSize: 4 });
            assert.equal(field(nodeGroup, "version"), field(q.one("eks:index:Cluster"), "version"), "nodes follow the control plane's version");
            const template = q.one("aws:ec2/launchTemplate:LaunchTemplate");
            assert.equal(field(template, "metadataOptions.httpTokens"), "required");
        });

        it("tags subnets for load balancers and the cluster", () => {
            for (const subnet of q.ofType("aws:ec2/subnet:Subnet")) {
                const tags = field<Record<string, string>>(subnet, "tags");
                assert.equal(tags["kubernetes.io/cluster/edge-dev"], "shared");
                assert.equal(tags[subnet.name.includes("-public-") ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"], "1");
            }
        });

        it("installs the EBS CSI add-on with an IRSA role and a default gp3 StorageClass", () => {
            const addon = q.one("aws:eks/addon:Addon");
            assert.equal(field(addon, "addonName"), "aws-ebs-csi-driver");
            const trust = JSON.parse(String(field(q.one("aws:iam/role:Role", (role) => role.name.endsWith("-ebs-csi")), "assumeRolePolicy"))) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
            const condition = trust.Statement[0]!.Condition.StringEquals;
            assert.deepEqual(Object.keys(condition).map((key) => key.replace(/^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[0-9A-F]+/, "<issuer>")), ["<issuer>:sub", "<issuer>:aud"], "condition keys name the issuer without https://");
            assert.ok(Object.values(condition).includes("system:serviceaccount:kube-system:ebs-csi-controller-sa"));
            const gp3 = q.kubernetes("kubernetes:storage.k8s.io/v1:StorageClass", undefined, "gp3");
            assert.equal(field<Record<string, string>>(gp3, "metadata.annotations")["storageclass.kubernetes.io/is-default-class"], "true");
        });
    });

    it("lets the NLB and DNS records reach the EKS control plane only through the node group", () => {
        const eksCluster = q.one("eks:index:Cluster").urn;
        const nodeGroup = q.one("eks:index:ManagedNodeGroup").urn;
        const edgeResources = q.resources.filter((resource) => resource.type.startsWith("aws:lb/") || resource.type === "aws:route53/record:Record" || resource.name.includes("-nlb") || resource.name.includes("-nodes-in-"));
        assert.ok(edgeResources.length > 10);
        for (const resource of edgeResources) {
            assert.ok(!resource.dependencies.includes(eksCluster), `${resource.name} depends on the EKS cluster directly`);
            const viaNodeGroup = resource.dependencies.includes(nodeGroup);
            if (!viaNodeGroup) assert.ok(!q.upstream(resource.urn).has(eksCluster), `${resource.name} waits for EKS other than through the node group`);
        }
        const attachments = q.ofType("aws:autoscaling/attachment:Attachment");
        assert.equal(attachments.length, 3);
        for (const attachment of attachments) assert.ok(attachment.dependencies.includes(nodeGroup));
        const nlb = q.one("aws:lb/loadBalancer:LoadBalancer");
        assert.ok(!q.upstream(nlb.urn).has(nodeGroup), "the NLB itself does not wait for the node group");
    });
});
