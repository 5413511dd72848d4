import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { planStack, type Plan } from "../harness/plan";
import { PROJECT } from "../harness/stackFile";
import { devConfigValue, field, planDelta, PlanQuery, urnName } from "./planQueries";

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
        const entries = new PlanQuery(twoAdmins.run.resources).ofType("aws:eks/accessEntry:AccessEntry");
        assert.deepEqual(entries.map((entry) => [entry.name, field(entry, "principalArn")]).sort(), [
            ["edge-dev-admin-123456789012-platform-admin", ADMIN_A],
            ["edge-dev-admin-123456789012-sre-oncall", ADMIN_B],
        ]);
        for (const association of new PlanQuery(twoAdmins.run.resources).ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
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
        assert.deepEqual(delta.removed.map(urnName).sort(), ["edge-dev-admin-123456789012-platform-admin", "edge-dev-admin-123456789012-platform-admin-clusterAdmin"]);
        assert.deepEqual([...delta.added, ...delta.changed], []);
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
