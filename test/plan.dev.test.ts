import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { fakeHostedZoneId } from "../harness/fakes";
import { modelModule, PROGRAM_KIND_MODULES } from "../harness/manifests";
import { SECRET_MARKER } from "../harness/mockEngine";
import { routeResources, sharedResources } from "../components/routes/names";
import { rawStackConfig } from "../config/rawConfig";
import { validateStackConfig } from "../config/validate";
import { planStack, type Plan } from "../harness/plan";
import { containsPlaceholder, PROJECT, readStackFile } from "../harness/stackFile";
import { field, PlanQuery } from "./planQueries";

/** One plan of the dev stack, asserted for AWS (issue #3), the controller (#4) and the routes (#5). */

const TG = "aws:lb/targetGroup:TargetGroup";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const SERVICE = "kubernetes:core/v1:Service";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const P = "haproxy-ingress.github.io/";

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

    it("creates only kinds whose schema modules the plan's bundle holds (harness/manifests.ts)", () => {
        const unlisted = plan.manifests.map((manifest) => modelModule(manifest.apiVersion, manifest.kind)).filter((module) => !PROGRAM_KIND_MODULES.has(module));
        assert.deepEqual([...new Set(unlisted)], []);
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
                const group = q.ofType(TG).find((tg) => tg.id === arnRef);
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

        it("is created after the internet gateway and the public routes, and deleted before them", () => {
            const nlb = q.one("aws:lb/loadBalancer:LoadBalancer");
            assert.ok(nlb.dependencies.includes(q.one("aws:ec2/internetGateway:InternetGateway").urn));
            const publicAssociations = q.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((association) => association.name.includes("-public-"));
            assert.equal(publicAssociations.length, 2);
            for (const association of publicAssociations) assert.ok(nlb.dependencies.includes(association.urn), association.name);
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
        });

        it("admits anyone on 80 and 443 and only the route's allowlist and NAT address on its TCP port", () => {
            const listenerRules = q.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((rule) => rule.name.includes("-nlb-in-"));
            const natIp = (plan.run.outputs.natPublicIps as string[])[0];
            const sources = listenerRules.map((rule) => `${field<number>(rule, "fromPort")}-${field<number>(rule, "toPort")} ${field<string>(rule, "cidrIpv4")}`).sort();
            assert.deepEqual(sources, ["443-443 0.0.0.0/0", "61616-61616 203.0.113.0/24", `61616-61616 ${natIp}/32`, "80-80 0.0.0.0/0"].sort());
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
                assert.equal(field(record, "zoneId"), fakeHostedZoneId("dev.commerce.example.com"));
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
            assert.deepEqual(field(nodeGroup, "scalingConfig"), { minSize: 2, desiredSize: 3, maxSize: 4 });
            assert.equal(field(nodeGroup, "version"), field(q.one("eks:index:Cluster"), "version"), "nodes follow the control plane's version");
            const template = q.one("aws:ec2/launchTemplate:LaunchTemplate");
            assert.equal(field(template, "metadataOptions.httpTokens"), "required");
        });

        it("is named after the stack, as the subnet tags say, and logs to a log group with retention made first", () => {
            const cluster = q.one("eks:index:Cluster");
            assert.equal(field(cluster, "name"), "edge-dev");
            const logGroup = q.one("aws:cloudwatch/logGroup:LogGroup");
            assert.equal(field(logGroup, "name"), "/aws/eks/edge-dev/cluster");
            assert.equal(field(logGroup, "retentionInDays"), 90);
            assert.ok(cluster.dependencies.includes(logGroup.urn), "EKS would otherwise create the group without retention");
        });

        it("starts nodes only once every private subnet routes out through NAT", () => {
            const nodeGroup = q.one("eks:index:ManagedNodeGroup");
            const privateAssociations = q.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((association) => association.name.includes("-private-"));
            assert.equal(privateAssociations.length, 2);
            for (const association of privateAssociations) assert.ok(nodeGroup.dependencies.includes(association.urn), association.name);
            assert.ok(q.upstream(nodeGroup.urn).has(q.one("aws:ec2/natGateway:NatGateway").urn));
        });

        it("applies Kubernetes objects only once the nodes exist, so destroy removes them while nodes still run", () => {
            const providers = q.ofType("pulumi:providers:kubernetes");
            assert.equal(providers.length, 2, "the cluster's provider and the one adopting ActiveMQ's claim");
            for (const provider of providers) assert.ok(provider.dependencies.includes(q.one("eks:index:ManagedNodeGroup").urn), provider.name);
        });

        it("tags subnets for load balancers and the cluster", () => {
            for (const subnet of q.ofType("aws:ec2/subnet:Subnet")) {
                const tags = field<Record<string, string>>(subnet, "tags");
                assert.equal(tags["kubernetes.io/cluster/edge-dev"], "shared");
                assert.equal(tags[subnet.name.includes("-public-") ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"], "1");
            }
        });

        it("installs the EBS CSI add-on with an IRSA role and a default gp3 StorageClass", () => {
            const addon = q.one("aws:eks/addon:Addon", (addon) => field(addon, "addonName") === "aws-ebs-csi-driver");
            assert.equal(field(addon, "addonName"), "aws-ebs-csi-driver");
            const policy = q.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", (attachment) => attachment.name.endsWith("-ebs-csi"));
            assert.ok(addon.dependencies.includes(policy.urn), "the driver starts with its IAM policy attached");
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

describe("dev plan: controller and WAF", () => {
    it("accepts PROXY on HTTP and TCP in the ConfigMap, matching PROXY v2 on every target group", () => {
        const data = field<Record<string, string>>(q.kubernetes("kubernetes:core/v1:ConfigMap", "ingress-controller", "haproxy-ingress"), "data");
        assert.equal(data["use-proxy-protocol"], "true");
        assert.equal(data["tcp-service-proxy-protocol"], "true");
        for (const group of q.ofType("aws:lb/targetGroup:TargetGroup")) assert.equal(field(group, "proxyProtocolV2"), true);
        assert.equal(data["http-port"], "8080");
        assert.equal(data["https-port"], "8443");
        assert.equal(data["healthz-port"], "10253");
        assert.equal(data["stats-port"], "1936");
        assert.equal(data["balance-algorithm"], "leastconn");
        assert.equal(data["timeout-tunnel"], "1h");
        assert.equal(data["waf-mode"], "detect");
        assert.equal(data["load-balance"], undefined);
    });

    it("points modsecurity-endpoints at the agent Service's ClusterIP on 12345", () => {
        const configMap = q.kubernetes("kubernetes:core/v1:ConfigMap", "ingress-controller", "haproxy-ingress");
        const data = field<Record<string, string>>(configMap, "data");
        const waf = q.kubernetes(SERVICE, "ingress-controller", "modsecurity-spoa");
        assert.match(data["modsecurity-endpoints"] ?? "", /^\d+\.\d+\.\d+\.\d+:12345$/);
        assert.equal(data["modsecurity-endpoints"], plan.run.outputs.modsecurityEndpoints);
        assert.ok(configMap.dependencies.includes(waf.urn), "the endpoint comes from the agent Service's ClusterIP");
        assert.equal(field(waf, "spec.type"), "ClusterIP");
        const agent = q.kubernetes(DEPLOYMENT, "ingress-controller", "modsecurity-spoa");
        assert.equal(field(agent, "spec.replicas"), 2);
        assert.match(field<{ image: string }[]>(agent, "spec.template.spec.containers")[0]!.image, /^quay\.io\/jcmoraisjr\/modsecurity-spoa:v[0-9.]+$/);
    });

    it("exposes on NodePorts exactly the ports the NLB targets, with externalTrafficPolicy Local", () => {
        const service = q.kubernetes(SERVICE, "ingress-controller", "haproxy-ingress");
        assert.equal(field(service, "spec.type"), "NodePort");
        assert.equal(field(service, "spec.externalTrafficPolicy"), "Local");
        const nodePorts = field<{ nodePort: number }[]>(service, "spec.ports").map((port) => port.nodePort).sort();
        const targetPorts = q.ofType("aws:lb/targetGroup:TargetGroup").map((tg) => field<number>(tg, "port"));
        const healthPorts = q.ofType("aws:lb/targetGroup:TargetGroup").map((tg) => Number(field(tg, "healthCheck.port")));
        assert.deepEqual(nodePorts, [...new Set([...targetPorts, ...healthPorts])].sort());
    });

    it("keeps stats and metrics in-cluster only", () => {
        const metrics = q.kubernetes(SERVICE, "ingress-controller", "haproxy-ingress-metrics");
        assert.equal(field(metrics, "spec.type"), "ClusterIP");
        assert.equal(field<Record<string, string>>(metrics, "metadata.annotations")["prometheus.io/scrape"], "true");
        const listenerPorts = q.ofType("aws:lb/listener:Listener").map((listener) => field<number>(listener, "port"));
        for (const port of [1936, 10254, 10253, 9101]) assert.ok(!listenerPorts.includes(port));
    });

    it("runs the controller hardened, spread, probed and drained longer than the NLB deregistration", () => {
        const controller = q.kubernetes(DEPLOYMENT, "ingress-controller", "haproxy-ingress");
        const pod = field<Record<string, any>>(controller, "spec.template.spec");
        const container = pod.containers[0];
        assert.equal(field(controller, "spec.replicas"), 2);
        assert.match(container.image, /^quay\.io\/jcmoraisjr\/haproxy-ingress:v0\.16\.\d+$/);
        assert.deepEqual(container.readinessProbe.httpGet, { path: "/healthz", port: "healthz" });
        assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "metrics" }, "a draining pod (healthz closed) is not restarted");
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(container.securityContext.capabilities, { drop: ["ALL"], add: ["NET_BIND_SERVICE"] }, "the image's haproxy binary carries this file capability");
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.deepEqual(pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        assert.ok(container.args.includes("--configmap=ingress-controller/haproxy-ingress"));
        assert.ok(container.args.includes("--ingress-class=haproxy"));
        assert.ok(container.args.includes(`--publish-address=${String(plan.run.outputs.nlbDnsName)}`), "Ingress status shows the NLB");
        const deregistration = field<number>(q.ofType("aws:lb/targetGroup:TargetGroup")[0]!, "deregistrationDelay");
        const drain = container.lifecycle.preStop.exec.command as string[];
        assert.equal(drain.slice(0, 2).join(" "), "sh -c");
        assert.match(drain[2]!, /^echo 'disable frontend healthz' \| socat stdio \/var\/run\/haproxy\/admin\.sock; sleep \d+$/);
        const preStopSleep = Number(drain[2]!.split("sleep ")[1]);
        const healthCheck = field<{ interval: number; unhealthyThreshold: number }>(q.ofType("aws:lb/targetGroup:TargetGroup")[0]!, "healthCheck");
        assert.ok(preStopSleep > healthCheck.interval * (healthCheck.unhealthyThreshold + 1), "the NLB sees the closed healthz port before the pod stops");
        assert.ok(pod.terminationGracePeriodSeconds > preStopSleep);
        for (const group of q.ofType("aws:lb/targetGroup:TargetGroup")) {
            assert.deepEqual(field(group, "targetHealthStates"), [{ enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: pod.terminationGracePeriodSeconds }], "open flows outlive the failed checks as long as the pod may still answer");
            assert.equal(field(group, "connectionTermination"), true);
        }
        assert.equal(deregistration, pod.terminationGracePeriodSeconds, "a node scaled in without a drain keeps its flows for the pod's grace period");
        assert.deepEqual(container.ports.map((port: { containerPort: number }) => port.containerPort), [8080, 8443, 61616, 10253, 1936, 10254, 9101]);
        const pdb = q.kubernetes("kubernetes:policy/v1:PodDisruptionBudget", "ingress-controller", "haproxy-ingress");
        assert.deepEqual(field(pdb, "spec.selector.matchLabels"), field(controller, "spec.selector.matchLabels"));
    });

    it("grants the v0.16 RBAC: EndpointSlices, leases and Ingress status", () => {
        const rules = field<{ apiGroups: string[]; resources: string[]; verbs: string[] }[]>(q.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"), "rules");
        assert.ok(rules.some((rule) => rule.apiGroups.includes("discovery.k8s.io") && rule.resources.includes("endpointslices") && rule.verbs.includes("watch")));
        assert.ok(rules.some((rule) => rule.resources.includes("ingresses/status") && rule.verbs.includes("update")));
        const roleRules = field<{ resources: string[]; verbs: string[] }[]>(q.one("kubernetes:rbac.authorization.k8s.io/v1:Role"), "rules");
        assert.ok(roleRules.some((rule) => rule.resources.includes("leases") && rule.verbs.includes("update")));
        const ingressClass = q.one("kubernetes:networking.k8s.io/v1:IngressClass");
        assert.equal(field(ingressClass, "spec.controller"), "haproxy-ingress.github.io/controller");
    });

    it("serves the controller's self-signed fallback: dev sets no certificate, and the plan invents none", () => {
        assert.deepEqual(q.ofType("kubernetes:core/v1:Secret").filter((secret) => secret.name.includes("default-tls")), []);
        const controller = q.kubernetes(DEPLOYMENT, "ingress-controller", "haproxy-ingress");
        assert.ok(!field<{ args: string[] }[]>(controller, "spec.template.spec.containers")[0]!.args.some((arg) => arg.startsWith("--default-ssl-certificate")));
        assert.deepEqual(plan.placeholders, ["activemqAdminPassword", "activemqBrokerPassword"]);
    });
});

describe("dev plan: routes", () => {
    it("gives every Ingress class haproxy, an allowlist, TLS for every host and WAF on HTTP", () => {
        const ingresses = q.ofType(INGRESS);
        assert.equal(ingresses.length, 4);
        for (const ingress of ingresses) {
            const annotations = field<Record<string, string>>(ingress, "metadata.annotations");
            assert.equal(field(ingress, "spec.ingressClassName"), "haproxy");
            assert.ok(annotations[`${P}allowlist-source-range`], `${ingress.name} has an allowlist`);
            if (annotations[`${P}tcp-service-port`]) {
                assert.ok(field(ingress, "spec.defaultBackend"), "TCP Ingresses route by defaultBackend");
                continue;
            }
            assert.equal(annotations[`${P}waf`], "modsecurity");
            const hosts = field<{ host: string }[]>(ingress, "spec.rules").map((rule) => rule.host);
            const tlsHosts = field<{ hosts: string[] }[]>(ingress, "spec.tls").flatMap((tls) => tls.hosts);
            for (const host of hosts) assert.ok(tlsHosts.includes(host), `${host} has TLS`);
        }
    });

    it("routes Cortex at /cortex with the NAT egress address added to its allowlist", () => {
        const cortex = q.kubernetes(INGRESS, "cortex", "cortex");
        const path = field<{ http: { paths: { path: string; backend: { service: { name: string; port: { number: number } } } }[] } }[]>(cortex, "spec.rules")[0]!.http.paths[0]!;
        assert.equal(path.path, "/cortex");
        assert.deepEqual(path.backend.service, { name: "cortex", port: { number: 8080 } });
        const natIp = (plan.run.outputs.natPublicIps as string[])[0];
        assert.equal(field<Record<string, string>>(cortex, "metadata.annotations")[`${P}allowlist-source-range`], `203.0.113.0/24,198.51.100.0/24,${natIp}/32`);
    });

    it("backs every Ingress with a Service of that port, deployed here or named in config", () => {
        const namespacesNotCreated = new Set<string>();
        for (const ingress of q.ofType(INGRESS)) {
            const namespace = field<string>(ingress, "metadata.namespace");
            const backend = field<{ service: { name: string; port: { number: number } } } | undefined>(ingress, "spec.defaultBackend")
                ?? field<{ http: { paths: { backend: { service: { name: string; port: { number: number } } } }[] } }[]>(ingress, "spec.rules")[0]!.http.paths[0]!.backend;
            const service = q.kubernetes(SERVICE, namespace, backend.service.name);
            const ports = field<{ port: number }[]>(service, "spec.ports").map((port) => port.port);
            assert.ok(ports.includes(backend.service.port.number), `${ingress.name}: Service ${backend.service.name} has port ${backend.service.port.number}`);
            // Its await needs only the Service's Endpoints object and the controller's published status.
            assert.ok(!ingress.dependencies.includes(service.urn), `${ingress.name} does not wait for its Service's rollout`);
            assert.ok(ingress.dependencies.includes(q.kubernetes(DEPLOYMENT, "ingress-controller", "haproxy-ingress").urn), `${ingress.name} waits for the controller`);
            const ownNamespace = q.ofType("kubernetes:core/v1:Namespace").find((candidate) => field(candidate, "metadata.name") === namespace);
            if (ownNamespace) assert.ok(ingress.dependencies.includes(ownNamespace.urn), `${ingress.name} waits for its Namespace ${namespace}`);
            else namespacesNotCreated.add(namespace);
        }
        assert.deepEqual([...namespacesNotCreated], [], "dev routes only into namespaces the program creates");
    });

    it("deploys Cortex with probes and a PDB, and ActiveMQ with a retained volume and secret passwords", () => {
        const cortex = q.kubernetes(DEPLOYMENT, "cortex", "cortex");
        const container = field<Record<string, any>[]>(cortex, "spec.template.spec.containers")[0]!;
        assert.equal(container.readinessProbe.httpGet.path, "/cortex/healthcheck/readiness");
        assert.equal(container.livenessProbe.httpGet.path, "/cortex/healthcheck/liveness");
        q.kubernetes("kubernetes:policy/v1:PodDisruptionBudget", "cortex", "cortex");
        const broker = q.kubernetes("kubernetes:apps/v1:StatefulSet", "activemq", "activemq");
        const claim = q.kubernetes("kubernetes:core/v1:PersistentVolumeClaim", "activemq", "data-activemq-0");
        assert.equal(field(claim, "spec.storageClassName"), "gp3-retain");
        assert.equal(field(claim, "spec.resources.requests.storage"), "20Gi");
        assert.equal(field(q.kubernetes("kubernetes:storage.k8s.io/v1:StorageClass", undefined, "gp3-retain"), "reclaimPolicy"), "Retain");
        const ebsCsi = q.one("aws:eks/addon:Addon", (addon) => field(addon, "addonName") === "aws-ebs-csi-driver").urn;
        assert.ok(broker.dependencies.includes(ebsCsi), "the broker, whose pod binds the volume, waits for the EBS CSI driver");
        assert.ok(broker.dependencies.includes(claim.urn), "and for its claim");
        assert.equal(field(claim, "metadata.annotations")?.["pulumi.com/skipAwait" as never], "true", "the claim itself is not awaited: it binds with the broker's pod");
        assert.ok(!broker.dependencies.includes(q.kubernetes(SERVICE, "activemq", "activemq").urn), "no wait on a Service whose await needs these very pods");
        const credentials = q.kubernetes("kubernetes:core/v1:Secret", "activemq", "activemq-credentials");
        assert.deepEqual(field<Record<string, string>>(credentials, "stringData"), {
            "users.properties": SECRET_MARKER, "groups.properties": SECRET_MARKER, "credentials.properties": SECRET_MARKER,
        }, "the files the broker mounts, and no other copy of a password");
        const recorded = JSON.stringify(plan.run.resources.map((r) => r.inputs));
        assert.ok(!containsPlaceholder(recorded, "activemqAdminPassword") && !containsPlaceholder(recorded, "activemqBrokerPassword"));
        const openwire = q.kubernetes(INGRESS, "activemq", "activemq-openwire");
        assert.equal(field<Record<string, string>>(openwire, "metadata.annotations")[`${P}tcp-service-port`], "61616");
        assert.deepEqual(field(openwire, "spec.defaultBackend"), { service: { name: "activemq", port: { number: 61616 } } });
        const console = q.kubernetes(INGRESS, "activemq", "activemq-console");
        assert.equal(field<Record<string, string>>(console, "metadata.annotations")[`${P}allowlist-source-range`], "203.0.113.10/32");
    });

    it("walks one route table: listeners, controller ports, Ingresses and DNS agree", () => {
        const listenerPorts = q.ofType("aws:lb/listener:Listener").map((l) => field<number>(l, "port")).sort((a, b) => a - b);
        const servicePorts = field<{ port: number; name: string }[]>(q.kubernetes(SERVICE, "ingress-controller", "haproxy-ingress"), "spec.ports").filter((p) => p.name !== "healthz").map((p) => p.port).sort((a, b) => a - b);
        const tcpPorts = q.ofType(INGRESS).map((i) => field<Record<string, string>>(i, "metadata.annotations")[`${P}tcp-service-port`]).filter(Boolean).map(Number);
        assert.deepEqual(listenerPorts, servicePorts);
        assert.deepEqual(listenerPorts, [80, 443, ...tcpPorts].sort((a, b) => a - b));
        const ingressHosts = new Set(q.ofType(INGRESS).flatMap((i) => (field<{ host: string }[] | undefined>(i, "spec.rules") ?? []).map((rule) => rule.host)));
        const recordHosts = new Set(q.ofType("aws:route53/record:Record").map((r) => field<string>(r, "name")));
        assert.deepEqual(recordHosts, ingressHosts);
    });

    it("exports the kubeconfig as a secret", () => {
        assert.ok(plan.run.secretOutputs.includes("kubeconfig"));
        assert.equal(plan.run.outputs.kubeconfig, SECRET_MARKER);
    });
});

describe("dev plan: resource names [rule unique-names]", () => {
    it("registers under Routes and ClusterNetworkPolicies only resources whose names components/routes/names.ts predicts, so validation sees every collision", () => {
        const file = readStackFile("dev");
        const result = validateStackConfig(rawStackConfig({
            project: PROJECT,
            stack: "dev",
            keys: Object.keys(file.config),
            get: (key) => file.config[`${PROJECT}:${key}`],
            unreadableSecrets: new Set(file.placeholders),
        }));
        assert.ok(result.ok);
        const table = result.routeTable;
        const predicted = [
            ...sharedResources(table),
            ...[...table.http, ...table.tcp].flatMap(routeResources),
        ];
        const registered = plan.run.resources.filter((resource) => resource.parent?.endsWith("commerce-edge:k8s:Routes::edge-dev")
            || resource.parent?.endsWith("commerce-edge:k8s:ClusterNetworkPolicies::edge-dev"));
        assert.ok(registered.length >= 10);
        for (const resource of registered) {
            const match = predicted.find((candidate) => candidate.type === resource.type && candidate.resourceName === resource.name);
            assert.ok(match, `${resource.type} ${resource.name} is not predicted by names.ts`);
            const metadata = field<{ name: string; namespace?: string }>(resource, "metadata");
            assert.deepEqual({ name: metadata.name, namespace: metadata.namespace }, { name: match.object.name, namespace: match.object.namespace });
        }
        const policies = (resources: readonly { type: string }[]): number => resources.filter((resource) => resource.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").length;
        assert.equal(policies(registered), policies(predicted), "every NetworkPolicy names.ts predicts is created");
    });
});
