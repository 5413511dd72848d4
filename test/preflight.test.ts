import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clock } from "../config/clock";
import { formatProblems } from "../config/messages";
import { buildModel, type EdgeModel } from "../config/model";
import { subnetLayout } from "../components/aws/subnetLayout";
import { accountProblems, type AccountFacts } from "../config/preflight";
import { validateStackConfig } from "../config/validate";
import { ProgramFailure, runUnderMocks } from "../harness/mockEngine";
import program from "../index";
import { programConfig, raw, validValues } from "./fixtures";

const ADMIN = "arn:aws:iam::111122223333:role/platform-admin";
const DEPLOY = "arn:aws:iam::111122223333:role/github-deploy";

function modelWith(mutate: (values: Record<string, any>) => void): EdgeModel {
    const values = validValues() as Record<string, any>;
    mutate(values);
    const result = validateStackConfig(raw(values));
    assert.ok(result.ok, result.ok ? "" : formatProblems(result.problems));
    return buildModel(result.config, result.routeTable, "commerce-edge", "dev");
}

const facts = (overrides: Partial<AccountFacts> = {}): AccountFacts => ({
    region: "eu-west-1",
    availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    callerRoleArn: DEPLOY,
    eksClusterNames: [],
    ...overrides,
});

describe("account preflight", () => {
    const admins = modelWith((v) => { v.cluster = { adminRoleArns: [ADMIN, DEPLOY] }; });

    it("accepts config that fits the account", () => {
        assert.deepEqual(accountProblems(modelWith((v) => { v.cluster = { adminRoleArns: [ADMIN] }; }), "edge-dev", facts()), []);
    });

    it("refuses the role creating the cluster among the admins, as EKS gives it an access entry itself", () => {
        assert.equal(
            formatProblems(accountProblems(admins, "edge-dev", facts())),
            "  cluster.adminRoleArns[1]: is the role creating the cluster, which EKS makes cluster admin itself (remove it: a second access entry fails with ResourceInUseException; list only the other roles)",
        );
    });

    it("lets a preview run with its role listed: a preview creates no cluster", () => {
        const viewers = modelWith((v) => { v.cluster = { viewerRoleArns: [DEPLOY] }; });
        assert.deepEqual(accountProblems(viewers, "edge-dev", facts({ preview: true })), []);
        assert.deepEqual(accountProblems(admins, "edge-dev", facts({ preview: true })), []);
    });

    it("refuses an allowlist entry that is a NAT address allowNatEgress already admits (one security-group rule twice)", () => {
        const nat = facts({ natAddresses: ["34.240.1.10", "34.240.1.11"] });
        const both = modelWith((v) => { v.routes.activemq.allowNatEgress = true; v.routes.activemq.allowlist = ["198.51.100.0/24", "34.240.1.11/32"]; });
        assert.equal(
            formatProblems(accountProblems(both, "edge-dev", nat)),
            "  routes.activemq.allowlist[1]: is 34.240.1.11/32, the address of one of this stack's NAT gateways, which allowNatEgress already admits (remove the entry: the NLB's security group would get the same rule twice, which EC2 refuses with InvalidPermission.Duplicate)",
        );
        const listedOnly = modelWith((v) => { v.routes.activemq.allowNatEgress = false; v.routes.activemq.allowlist = ["34.240.1.11/32"]; });
        assert.deepEqual(accountProblems(listedOnly, "edge-dev", nat), []);
        assert.deepEqual(accountProblems(both, "edge-dev", facts()), [], "a first update: no NAT address exists yet");
    });

    it("refuses an update of a live cluster by a role without an access entry, and says what to do", () => {
        const live = facts({ eksClusterNames: ["edge-dev"], callerHasAccessEntry: false });
        assert.equal(
            formatProblems(accountProblems(modelWith(() => undefined), "edge-dev", live)),
            `  cluster.adminRoleArns: does not give ${DEPLOY} access to the cluster edge-dev, so every Kubernetes object of this update would be refused (an admin adds it to cluster.adminRoleArns, or cluster.viewerRoleArns for a preview role, from a machine that has access)`,
        );
        assert.deepEqual(accountProblems(modelWith(() => undefined), "edge-dev", facts({ eksClusterNames: ["edge-dev"], callerHasAccessEntry: true })), []);
        assert.deepEqual(accountProblems(modelWith(() => undefined), "edge-dev", facts({ eksClusterNames: ["edge-dev"] })), [], "unknown when the role may not read access entries");
    });

    it("refuses more zones than a live cluster was created with, as EKS takes no subnets in other zones", () => {
        const three = modelWith((v) => { v.network = { availabilityZones: 3 }; });
        assert.equal(
            formatProblems(accountProblems(three, "edge-dev", facts({ eksClusterNames: ["edge-dev"], clusterSubnetCount: 4 }))),
            "  network.availabilityZones: is 3, but the cluster edge-dev was created in 2 zones, and EKS takes only subnets in the zones a cluster was created with (EKS User Guide, networking requirements: at most 2 here; more zones means a new cluster)",
        );
        assert.deepEqual(accountProblems(three, "edge-dev", facts({ eksClusterNames: ["edge-dev"], clusterSubnetCount: 6 })), []);
        assert.deepEqual(accountProblems(three, "edge-dev", facts()), [], "a new cluster starts in any number of zones");
    });

    it("refuses a layout that would replace the live subnets with overlapping ones, naming the layout the stack has", () => {
        const zoneIndexed = modelWith((v) => { v.network = { availabilityZones: 2 }; });
        const cidr = zoneIndexed.network.cidr;
        const live = (layout: "legacy" | "zoneIndexed", zones: number) => {
            const carved = subnetLayout(cidr, zones, layout);
            return facts({ eksClusterNames: ["edge-dev"], clusterSubnetCount: zones * 2, clusterNetwork: { vpcCidr: cidr, subnetCidrs: [...carved.privateCidrs, ...carved.publicCidrs] } });
        };
        const legacyPublic = subnetLayout(cidr, 2, "legacy").publicCidrs[0];
        assert.equal(
            formatProblems(accountProblems(zoneIndexed, "edge-dev", live("legacy", 2))),
            `  network.subnetLayout: is zoneIndexed, but the cluster edge-dev has subnets ${legacyPublic} that it would replace with overlapping ones, which EC2 refuses (InvalidSubnet.Conflict) halfway through the update (the stack was created with the legacy layout: set network.subnetLayout: legacy)`,
        );
        const legacy = modelWith((v) => { v.network = { availabilityZones: 2, subnetLayout: "legacy" }; });
        assert.deepEqual(accountProblems(legacy, "edge-dev", live("legacy", 2)), []);
        assert.deepEqual(accountProblems(zoneIndexed, "edge-dev", live("zoneIndexed", 2)), []);
        assert.match(formatProblems(accountProblems(legacy, "edge-dev", live("zoneIndexed", 3))), /set network\.subnetLayout: zoneIndexed\)$/, "3 zones to 2 under legacy re-carves the publics");
        const otherCidr = facts({ eksClusterNames: ["edge-dev"], clusterSubnetCount: 4, clusterNetwork: { vpcCidr: "10.99.0.0/16", subnetCidrs: ["10.99.0.0/18", "10.99.64.0/18", "10.99.192.0/19", "10.99.224.0/19"] } });
        assert.deepEqual(accountProblems(zoneIndexed, "edge-dev", otherCidr), [], "a new VPC CIDR replaces the VPC: no conflict");
    });

    it("refuses the role creating the cluster among the viewers too", () => {
        const viewers = modelWith((v) => { v.cluster = { viewerRoleArns: [DEPLOY] }; });
        assert.deepEqual(accountProblems(viewers, "edge-dev", facts()).map((problem) => problem.key), ["cluster.viewerRoleArns[0]"]);
    });

    it("matches the creating role by account and name, whatever its path", () => {
        const problems = accountProblems(admins, "edge-dev", facts({ callerRoleArn: "arn:aws:iam::111122223333:role/ci/github-deploy" }));
        assert.deepEqual(problems.map((problem) => problem.key), ["cluster.adminRoleArns[1]"]);
        assert.deepEqual(accountProblems(admins, "edge-dev", facts({ callerRoleArn: "arn:aws:iam::444455556666:role/github-deploy" })), []);
    });

    it("lets any listed role update a cluster that exists, and an IAM user create one", () => {
        assert.deepEqual(accountProblems(admins, "edge-dev", facts({ eksClusterNames: ["edge-dev"] })), []);
        const asUser: AccountFacts = { region: "eu-west-1", availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], eksClusterNames: [] };
        assert.deepEqual(accountProblems(admins, "edge-dev", asUser), []);
    });

    it("lets a live cluster move one minor version up, and refuses a skipped minor or a downgrade", (t) => {
        t.mock.method(clock, "today", () => "2026-12-01");
        const onVersion = (version: string): EdgeModel => modelWith((v) => { v.cluster = { kubernetesVersion: version }; });
        const live = facts({ eksClusterNames: ["edge-dev"], clusterVersion: "1.34" });
        assert.deepEqual(accountProblems(onVersion("1.34"), "edge-dev", live), []);
        assert.deepEqual(accountProblems(onVersion("1.35"), "edge-dev", live), []);
        assert.equal(formatProblems(accountProblems(onVersion("1.36"), "edge-dev", live)), "  cluster.kubernetesVersion: is 1.36, but the cluster runs 1.34 (EKS upgrades one minor version per update: 1.35 first)");
        assert.equal(formatProblems(accountProblems(onVersion("1.33"), "edge-dev", live)), "  cluster.kubernetesVersion: is 1.33, but the cluster runs 1.34 (EKS does not downgrade a control plane: 1.34 or the next minor version)");
        assert.deepEqual(accountProblems(onVersion("1.36"), "edge-dev", facts()), [], "a new cluster starts on any offered version");
    });

    it("refuses more zones than the region has, unless the VPC already exists [rule zones]", () => {
        const wide = modelWith((v) => { v.network = { availabilityZones: 4, subnetLayout: "legacy" }; });
        assert.equal(formatProblems(accountProblems(wide, "edge-dev", facts())), "  network.availabilityZones: is 4, but eu-west-1 has 3 available zones (at most 3)");
        const existing = modelWith((v) => {
            v.network = { availabilityZones: 4, existing: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0a0a0a0a", "subnet-0b0b0b0b"], privateSubnetIds: ["subnet-0c0c0c0c", "subnet-0d0d0d0d"] } };
        });
        assert.deepEqual(accountProblems(existing, "edge-dev", facts()), []);
    });

    it("stops the program with a ConfigError before anything is registered", async () => {
        const values = validValues() as Record<string, any>;
        values.network = { availabilityZones: 4, subnetLayout: "legacy" };
        const { config, secretKeys } = programConfig(values);
        await assert.rejects(runUnderMocks({ project: "commerce-edge", stack: "dev", config, secretKeys, program }), (error: unknown) => {
            assert.ok(error instanceof ProgramFailure);
            assert.equal(error.resources.length, 0);
            assert.equal((error.cause as Error).name, "ConfigError");
            assert.match(error.message, /network\.availabilityZones: is 4, but eu-west-1 has 3 available zones/);
            return true;
        });
    });
});
