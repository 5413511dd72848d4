import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { clock } from "../config/clock";
import { planStack, type Plan } from "../harness/plan";
import { PROJECT } from "../harness/stackFile";
import { devConfigValue, field, planDelta, PlanQuery, urnName } from "./planQueries";
import { contentHash } from "../components/contentHash";

/** Issue #13: what the second, third and tenth `pulumi up` of a live dev stack do. */

let plan: Plan;
let q: PlanQuery;
before(async () => {
    plan = await planStack("dev");
    q = new PlanQuery(plan.run.resources);
});

describe("drains that drain", () => {
    it("lets every PDB evict pods that run but are not Ready, so a crash-looping pod never blocks a node drain", () => {
        const budgets = q.ofType("kubernetes:policy/v1:PodDisruptionBudget");
        assert.deepEqual(budgets.map((pdb) => `${field<string>(pdb, "metadata.namespace")}/${field<string>(pdb, "metadata.name")}`).sort(), [
            "cortex/cortex", "ingress-controller/haproxy-ingress", "ingress-controller/modsecurity-spoa", "status-page/status-page",
        ]);
        for (const pdb of budgets) {
            assert.equal(field(pdb, "spec.unhealthyPodEvictionPolicy"), "AlwaysAllow", pdb.name);
            assert.equal(field(pdb, "spec.maxUnavailable"), 1, pdb.name);
        }
    });
});

const ADMIN_A = "arn:aws:iam::123456789012:role/platform-admin";
const ADMIN_B = "arn:aws:iam::123456789012:role/teams/sre-oncall";
const VIEWER = "arn:aws:iam::123456789012:role/pulumi-preview";

function withCluster(overrides: Record<string, unknown>): Record<string, string> {
    return { [`${PROJECT}:cluster`]: JSON.stringify({ ...devConfigValue("cluster"), ...overrides }) };
}

function withNetwork(overrides: Record<string, unknown>): Record<string, string> {
    return { [`${PROJECT}:network`]: JSON.stringify({ ...devConfigValue("network"), ...overrides }) };
}

describe("access entries keyed by role", () => {
    let twoAdmins: Plan;
    before(async () => {
        twoAdmins = await planStack("dev", { configOverrides: withCluster({ adminRoleArns: [ADMIN_A, ADMIN_B] }) });
    });

    it("names each entry and its cluster-admin association after the role's account and name", () => {
        const entries = new PlanQuery(twoAdmins.run.resources).ofType("aws:eks/accessEntry:AccessEntry").filter((entry) => field(entry, "principalArn") !== VIEWER);
        assert.deepEqual(entries.map((entry) => [entry.name, field(entry, "principalArn")]).sort(), [
            ["edge-dev-access-123456789012-platform-admin", ADMIN_A],
            ["edge-dev-access-123456789012-sre-oncall", ADMIN_B],
        ]);
        for (const association of new PlanQuery(twoAdmins.run.resources).ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((candidate) => field(candidate, "principalArn") !== VIEWER)) {
            assert.equal(field(association, "policyArn"), "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
            assert.deepEqual(field(association, "accessScope"), { type: "cluster" });
            assert.ok(entries.some((entry) => entry.urn === association.parent && field(entry, "principalArn") === field(association, "principalArn")));
        }
    });

    it("changes nothing when the roles are reordered", async () => {
        const reordered = await planStack("dev", { configOverrides: withCluster({ adminRoleArns: [ADMIN_B, ADMIN_A] }) });
        assert.deepEqual(planDelta(twoAdmins.run.resources, reordered.run.resources), { added: [], removed: [], changed: [] });
    });

    it("removes only the removed role's entry and association", async () => {
        const oneLeft = await planStack("dev", { configOverrides: withCluster({ adminRoleArns: [ADMIN_B] }) });
        const delta = planDelta(twoAdmins.run.resources, oneLeft.run.resources);
        assert.deepEqual(delta.removed.map(urnName).sort(), ["edge-dev-access-123456789012-platform-admin", "edge-dev-access-123456789012-platform-admin-clusterAdmin"]);
        assert.deepEqual([...delta.added, ...delta.changed], []);
    });

    it("keeps a role's one entry when it moves from the admins to the viewers, and swaps only its policy", async () => {
        const moved = await planStack("dev", { configOverrides: withCluster({ adminRoleArns: [ADMIN_A], viewerRoleArns: [VIEWER, ADMIN_B] }) });
        const delta = planDelta(twoAdmins.run.resources, moved.run.resources);
        assert.deepEqual(delta.removed.map(urnName), ["edge-dev-access-123456789012-sre-oncall-clusterAdmin"]);
        assert.deepEqual(delta.added.map(urnName), ["edge-dev-access-123456789012-sre-oncall-view"]);
        assert.deepEqual(delta.changed, [], "the entry itself is untouched: EKS takes one per principal");
    });

    it("takes over the entries pulumi-eks created by list position, so the first update after this change recreates none", () => {
        const entry = new PlanQuery(twoAdmins.run.resources).one("aws:eks/accessEntry:AccessEntry", (candidate) => candidate.name.endsWith("sre-oncall"));
        const clusterUrn = q.one("eks:index:Cluster").urn;
        const formerEntry = `${clusterUrn.replace(/::edge-dev$/, "")}$aws:eks/accessEntry:AccessEntry::edge-dev-admin-1`;
        assert.deepEqual(entry.aliases, [formerEntry]);
        const association = new PlanQuery(twoAdmins.run.resources).one("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", (candidate) => candidate.parent === entry.urn);
        assert.deepEqual(association.aliases, [`${formerEntry.replace(/::edge-dev-admin-1$/, "")}$aws:eks/accessPolicyAssociation:AccessPolicyAssociation::edge-dev-admin-1-clusterAdmin`]);
    });
});

describe("adding a zone", () => {
    it("from 2 to 3 only adds the third zone's subnets, routes and route tables, and gives the cluster and nodes the new subnets", async () => {
        const threeZones = await planStack("dev", { configOverrides: withNetwork({ availabilityZones: 3 }) });
        const delta = planDelta(plan.run.resources, threeZones.run.resources);
        assert.deepEqual(delta.removed, []);
        const typeAndName = (urn: string): string => `${new PlanQuery(threeZones.run.resources).byUrn(urn).type} ${urnName(urn)}`;
        assert.deepEqual(delta.added.map(typeAndName).sort(), [
            "aws:ec2/routeTable:RouteTable edge-dev-private-2",
            "aws:ec2/routeTableAssociation:RouteTableAssociation edge-dev-private-2",
            "aws:ec2/routeTableAssociation:RouteTableAssociation edge-dev-public-2",
            "aws:ec2/subnet:Subnet edge-dev-private-2",
            "aws:ec2/subnet:Subnet edge-dev-public-2",
        ]);
        assert.deepEqual(delta.changed.map(typeAndName).sort(), ["aws:lb/loadBalancer:LoadBalancer edge-dev", "eks:index:Cluster edge-dev", "eks:index:ManagedNodeGroup edge-dev-nodes"]);
        const after = new PlanQuery(threeZones.run.resources);
        for (const subnet of q.ofType("aws:ec2/subnet:Subnet")) assert.equal(field(after.byUrn(subnet.urn), "cidrBlock"), field(subnet, "cidrBlock"), subnet.name);
        assert.equal(field(after.one("aws:ec2/subnet:Subnet", (subnet) => subnet.name === "edge-dev-private-2"), "cidrBlock"), "10.20.128.0/18");
        assert.equal(field(after.one("aws:ec2/subnet:Subnet", (subnet) => subnet.name === "edge-dev-public-2"), "cidrBlock"), "10.20.224.0/20");
    });
});

describe("upgrades", () => {
    const addonsOf = (query: PlanQuery): Record<string, string> => Object.fromEntries(query.ofType("aws:eks/addon:Addon").map((addon) => [field<string>(addon, "addonName"), field<string>(addon, "addonVersion")]));

    it("sets the upgrade policy and runs pinned EKS-managed vpc-cni, kube-proxy, CoreDNS and EBS CSI, none of pulumi-eks's", () => {
        const cluster = q.one("eks:index:Cluster");
        assert.equal(field(cluster, "version"), "1.36");
        assert.deepEqual(field(cluster, "upgradePolicy"), { supportType: "STANDARD" });
        assert.equal(field(cluster, "useDefaultVpcCni"), true);
        assert.deepEqual([field(cluster, "kubeProxyAddonOptions.enabled"), field(cluster, "corednsAddonOptions.enabled")], [false, false]);
        assert.deepEqual(addonsOf(q), { "vpc-cni": "v1.22.4-eksbuild.3", "kube-proxy": "v1.36.0-eksbuild.14", coredns: "v1.14.3-eksbuild.3", "aws-ebs-csi-driver": "v1.66.0-eksbuild.1" });
        for (const addon of q.ofType("aws:eks/addon:Addon")) {
            assert.deepEqual([field(addon, "resolveConflictsOnCreate"), field(addon, "resolveConflictsOnUpdate")], ["OVERWRITE", "OVERWRITE"], addon.name);
        }
    });

    it("starts nodes after the CNI and kube-proxy, and CoreDNS and the EBS CSI driver after the nodes", () => {
        const nodeGroup = q.one("eks:index:ManagedNodeGroup");
        const addon = (name: string) => q.one("aws:eks/addon:Addon", (candidate) => field(candidate, "addonName") === name);
        for (const before of ["vpc-cni", "kube-proxy"]) assert.ok(nodeGroup.dependencies.includes(addon(before).urn), before);
        for (const after of ["coredns", "aws-ebs-csi-driver"]) assert.ok(addon(after).dependencies.includes(nodeGroup.urn), after);
    });

    it("takes over the kube-proxy and VPC CNI add-ons pulumi-eks created, instead of creating second ones", () => {
        const clusterUrn = q.one("eks:index:Cluster").urn;
        const clusterTypes = clusterUrn.split("::")[2];
        const stackProject = clusterUrn.split("::").slice(0, 2).join("::");
        const addon = (name: string) => q.one("aws:eks/addon:Addon", (candidate) => field(candidate, "addonName") === name);
        assert.deepEqual(addon("kube-proxy").aliases, [`${stackProject}::${clusterTypes}$aws:eks/addon:Addon::edge-dev-kube-proxy`]);
        assert.deepEqual(addon("vpc-cni").aliases, [`${stackProject}::${clusterTypes}$eks:index:VpcCniAddon$aws:eks/addon:Addon::edge-dev-vpc-cni`]);
    });

    it("warns in the plan what extended support costs, and stays quiet in standard support", async (t) => {
        t.mock.method(clock, "today", () => "2026-12-01");
        assert.deepEqual(plan.run.warnings.filter((warning) => warning.includes("kubernetesVersion")), []);
        const extended = await planStack("dev", { configOverrides: withCluster({ kubernetesVersion: "1.33", upgradePolicy: "EXTENDED" }) });
        assert.deepEqual(extended.run.warnings, [
            "cluster.kubernetesVersion 1.33 is in EKS extended support since 2026-07-29 (until 2027-07-29): the control plane costs $0.60 an hour instead of $0.10, $438 a month instead of $73; upgrade one minor version per update up to 1.36 (README \"Upgrades\").",
        ]);
    });

    it("updates the control plane, the nodes and the add-ons whose pinned build differs in place when the version moves one minor", async () => {
        const previous = await planStack("dev", { configOverrides: withCluster({ kubernetesVersion: "1.35" }) });
        const delta = planDelta(previous.run.resources, plan.run.resources);
        assert.deepEqual([delta.added, delta.removed], [[], []]);
        const typeOf = (urn: string): string => q.byUrn(urn).type;
        assert.deepEqual(delta.changed.map((urn) => `${typeOf(urn)} ${urnName(urn)}`).sort(), [
            "aws:eks/addon:Addon edge-dev-kube-proxy",
            "eks:index:Cluster edge-dev",
            "eks:index:ManagedNodeGroup edge-dev-nodes",
        ], "vpc-cni, CoreDNS and EBS CSI have the same builds on 1.35 and 1.36");
        assert.deepEqual(addonsOf(new PlanQuery(previous.run.resources))["kube-proxy"], "v1.35.3-eksbuild.13");
    });
});

describe("least privilege on the nodes", () => {
    it("keeps pods off the node's IMDS (hop limit 1) and gives the VPC CNI its own IRSA role instead of the node role", () => {
        const template = q.one("aws:ec2/launchTemplate:LaunchTemplate");
        assert.deepEqual(field(template, "metadataOptions"), { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        const nodePolicies = q.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((attachment) => attachment.name.startsWith("edge-dev-node-"));
        assert.deepEqual(nodePolicies.map((attachment) => field<string>(attachment, "policyArn").split("/").pop()).sort(), [
            "AmazonEC2ContainerRegistryReadOnly", "AmazonEKSWorkerNodePolicy", "AmazonSSMManagedInstanceCore",
        ]);
        assert.deepEqual(nodePolicies.map((attachment) => attachment.aliases.map(urnName)).sort(), [["edge-dev-node-0"], ["edge-dev-node-2"], ["edge-dev-node-3"]], "attached under their former list positions");
        const cni = q.one("aws:eks/addon:Addon", (addon) => field(addon, "addonName") === "vpc-cni");
        const cniRole = q.one("aws:iam/role:Role", (role) => role.name === "edge-dev-vpc-cni");
        assert.equal(field(cni, "serviceAccountRoleArn"), cniRole.computed.arn, "the CNI's own role");
        const trust = JSON.parse(field<string>(cniRole, "assumeRolePolicy")) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
        assert.ok(Object.values(trust.Statement[0]!.Condition.StringEquals).includes("system:serviceaccount:kube-system:aws-node"));
        const cniPolicy = q.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", (attachment) => attachment.name === "edge-dev-vpc-cni");
        assert.equal(field(cniPolicy, "policyArn"), "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
        assert.deepEqual([...(cni.propertyDependencies.serviceAccountRoleArn ?? [])].sort(), [cniPolicy.urn, cniRole.urn].sort(), "the CNI gets its role once the policy is attached");
    });

    it("turns on network policy enforcement in the VPC CNI", () => {
        const cni = q.one("aws:eks/addon:Addon", (addon) => field(addon, "addonName") === "vpc-cni");
        assert.deepEqual(JSON.parse(field<string>(cni, "configurationValues")), { enableNetworkPolicy: "true" });
    });
});

describe("ActiveMQ on a live stack", () => {
    const withActivemq = (overrides: Record<string, unknown>): Record<string, string> => ({
        [`${PROJECT}:routes`]: JSON.stringify({ ...devConfigValue("routes"), activemq: { ...devConfigValue("routes").activemq, ...overrides } }),
    });

    it("keeps its data on a claim of its own, created through the adopting provider under the name the old template gave it", () => {
        const claim = q.kubernetes("kubernetes:core/v1:PersistentVolumeClaim", "activemq", "data-activemq-0");
        assert.deepEqual(field(claim, "spec"), { accessModes: ["ReadWriteOnce"], storageClassName: "gp3-retain", resources: { requests: { storage: "20Gi" } } });
        assert.equal(field<Record<string, string>>(claim, "metadata.annotations")["pulumi.com/skipAwait"], "true");
        const adopting = q.one("pulumi:providers:kubernetes", (provider) => provider.name.endsWith("-k8s-adopt"));
        assert.equal(field(adopting, "upsertExistingObjects"), "true");
        assert.equal(claim.provider, adopting.urn);
        const broker = q.kubernetes("kubernetes:apps/v1:StatefulSet", "activemq", "activemq");
        assert.ok(broker.dependencies.includes(claim.urn));
        assert.equal(field(broker, "spec.volumeClaimTemplates"), undefined);
    });

    it("lets its namespace enforce Pod Security Restricted, as the broker runs as UID 1000", () => {
        const namespace = q.one("kubernetes:core/v1:Namespace", (candidate) => field(candidate, "metadata.name") === "activemq");
        assert.equal(field<Record<string, string>>(namespace, "metadata.labels")["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("grows the volume by updating the claim alone", async () => {
        const bigger = await planStack("dev", { configOverrides: withActivemq({ storageGiB: 40 }) });
        const delta = planDelta(plan.run.resources, bigger.run.resources);
        assert.deepEqual([delta.added, delta.removed, delta.changed.map(urnName)], [[], [], ["activemq-data"]]);
        assert.equal(field(new PlanQuery(bigger.run.resources).kubernetes("kubernetes:core/v1:PersistentVolumeClaim", "activemq", "data-activemq-0"), "spec.resources.requests.storage"), "40Gi");
    });

    it("rolls the broker when a password changes, without putting the password or a hash of it on the pod", async () => {
        const rotated = await planStack("dev", { configOverrides: { [`${PROJECT}:activemqBrokerPassword`]: "rotated/pass word&1" } });
        const delta = planDelta(plan.run.resources, rotated.run.resources);
        // The Secret changes too, but its recorded inputs are redacted: only its secret values differ.
        assert.deepEqual([delta.added, delta.removed, delta.changed.map(urnName).sort()], [[], [], ["activemq-broker"]]);
        const annotations = (run: Plan): Record<string, string> => field(new PlanQuery(run.run.resources).kubernetes("kubernetes:apps/v1:StatefulSet", "activemq", "activemq"), "spec.template.metadata.annotations");
        assert.notEqual(annotations(rotated)["commerce-edge/credentials-version"], annotations(plan)["commerce-edge/credentials-version"]);
        assert.equal(annotations(rotated)["commerce-edge/config-checksum"], annotations(plan)["commerce-edge/config-checksum"]);
        const podText = JSON.stringify(new PlanQuery(rotated.run.resources).kubernetes("kubernetes:apps/v1:StatefulSet", "activemq", "activemq").rawInputs);
        assert.ok(!podText.includes("rotated/pass word&1"));
        assert.ok(!podText.includes(contentHash("rotated/pass word&1", 16)));
        const secret = new PlanQuery(rotated.run.resources).kubernetes("kubernetes:core/v1:Secret", "activemq", "activemq-credentials");
        assert.ok(secret.secretPaths.includes("stringData"), "the realm files stay secret");
        assert.equal(field<Record<string, string>>(secret, "stringData")["users.properties"], "[secret]");
        assert.match(String((secret.rawInputs.stringData as Record<string, string>)["users.properties"]), /^admin=.*\nbroker=rotated\/pass word&1\n$/);
    });
});

describe("preview roles", () => {
    it("get read-only access entries of their own, keyed by the role like the admins'", async () => {
        const viewer = "arn:aws:iam::123456789012:role/pulumi-preview";
        const plan = await planStack("dev", { configOverrides: { [`${PROJECT}:cluster`]: JSON.stringify({ ...devConfigValue("cluster"), viewerRoleArns: [viewer] }) } });
        const q = new PlanQuery(plan.run.resources);
        const entry = q.one("aws:eks/accessEntry:AccessEntry", (candidate) => field(candidate, "principalArn") === viewer);
        assert.equal(entry.name, "edge-dev-access-123456789012-pulumi-preview");
        const association = q.one("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", (candidate) => field(candidate, "principalArn") === viewer);
        assert.equal(association.parent, entry.urn);
        assert.deepEqual([field(association, "policyArn"), field(association, "accessScope")], ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", { type: "cluster" }]);
        const adminPolicies = q.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((candidate) => candidate !== association).map((candidate) => field(candidate, "policyArn"));
        assert.deepEqual([...new Set(adminPolicies)], ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"]);
    });
});

describe("NetworkPolicy names", () => {
    const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
    const COMPONENT = `${PROJECT}:k8s:ClusterNetworkPolicies`;
    const urnOf = (name: string): string => `urn:pulumi:dev::${PROJECT}::commerce-edge:k8s:ClusterNetworkPolicies$${POLICY}::${name}`;

    it("are namespace/policy, each aliased to the name it had before, so a live stack renames them instead of re-creating them", () => {
        const policies = q.ofType(POLICY);
        assert.ok(policies.length >= 10);
        for (const policy of policies) {
            const namespace = field<string>(policy, "metadata.namespace");
            const name = field<string>(policy, "metadata.name");
            assert.equal(policy.name, `${namespace}/${name}`);
            assert.ok(policy.parent?.endsWith(`${COMPONENT}::edge-dev`));
            // Besides the type aliases @pulumi/kubernetes adds itself (extensions/v1beta1).
            assert.deepEqual(policy.aliases.filter((alias) => alias.includes(`$${POLICY}::`)), [urnOf(`edge-dev-${namespace}-${name}`)], policy.name);
        }
    });

    it("no longer collide where namespace and policy names joined by \"-\" did, and leave those unaliased (no live stack can have them)", async () => {
        const workload = { image: "registry.example.com/shop/web:1.0.0" };
        const ambiguous = await planStack("dev", {
            configOverrides: {
                [`${PROJECT}:routes`]: JSON.stringify({
                    ...devConfigValue("routes"),
                    additional: [
                        { protocol: "http", name: "x", namespace: "shop-a", host: "x.dev.commerce.example.com", workload, allowlist: ["203.0.113.0/24"] },
                        { protocol: "http", name: "a-x", namespace: "shop", host: "ax.dev.commerce.example.com", workload, allowlist: ["203.0.113.0/24"] },
                    ],
                }),
            },
        });
        const policies = new PlanQuery(ambiguous.run.resources).ofType(POLICY);
        const formerAliases = (name: string): string[] | undefined => policies.find((policy) => policy.name === name)?.aliases.filter((alias) => alias.includes(`$${POLICY}::`));
        assert.deepEqual([formerAliases("shop-a/x"), formerAliases("shop/a-x")], [[], []], "both were edge-dev-shop-a-x");
        assert.deepEqual(formerAliases("shop/default-deny"), [urnOf("edge-dev-shop-default-deny")]);
    });
});
