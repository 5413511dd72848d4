import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { estimateMonthlyCost, formatCostDelta } from "../harness/cost";
import { diffMarkdown } from "../harness/diffReport";
import type { RecordedResource } from "../harness/mockEngine";
import { planStack, type Plan } from "../harness/plan";
import { dangerousChanges, diffPlans, summaryLine, type PlanDiff, type ResourceChange } from "../harness/planDiff";
import { PROJECT_ROOT } from "../harness/stackFile";
import { devConfigValue } from "./planQueries";
import { diffUsage, parseDiffArguments } from "../scripts/diffArguments";
import { runScript, type ScriptResult } from "./scriptRunner";

/** A hand-made recorded resource; `urn` is its name. */
function resource(urn: string, type: string, inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}): RecordedResource {
    return { urn, type, name: urn, custom: true, dependencies: [], propertyDependencies: {}, inputs, rawInputs: inputs, secretPaths: [], aliases: [], id: `id-of-${urn}`, computed: {}, ...extra };
}

const byLabel = (diff: PlanDiff, label: string): ResourceChange => {
    const found = diff.changes.find((change) => change.label === label);
    assert.ok(found, `no change of ${label} in:\n${diff.changes.map((change) => `${change.action} ${change.label}`).join("\n")}`);
    return found;
};

function report(diff: PlanDiff, base: Plan, head: Plan): string {
    return diffMarkdown({
        stack: "dev",
        diff,
        baseLabel: "base",
        headLabel: "head",
        baseCost: estimateMonthlyCost(base.run.resources, base.region),
        headCost: estimateMonthlyCost(head.run.resources, head.region),
        notes: [],
        topologyChanged: false,
    });
}

describe("plan diff on hand-made resources", () => {
    it("replaces on a replace-on-change property, updates on any other", () => {
        const base = [resource("vpc", "aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", tags: { Name: "a" } })];
        assert.equal(diffPlans(base, [resource("vpc", "aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", tags: { Name: "b" } })]).changes[0]!.action, "update");
        const replaced = diffPlans(base, [resource("vpc", "aws:ec2/vpc:Vpc", { cidrBlock: "10.1.0.0/16", tags: { Name: "a" } })]);
        assert.deepEqual(replaced.changes.map((change) => [change.action, change.forcedBy.map((reason) => reason.path)]), [["replace", ["cidrBlock"]]]);
        assert.deepEqual(replaced.changes[0]!.changes.map((change) => [change.path, change.old, change.new]), [["cidrBlock", "10.0.0.0/16", "10.1.0.0/16"]]);
    });

    it("makes what carries a replaced resource's outputs unknown, judged by its own rules", () => {
        const vpc = (cidr: string): RecordedResource => resource("vpc", "aws:ec2/vpc:Vpc", { cidrBlock: cidr }, { id: "vpc-0123456789abcdef0" });
        const dependents = [
            resource("subnet", "aws:ec2/subnet:Subnet", { vpcId: "vpc-0123456789abcdef0", cidrBlock: "10.0.0.0/24" }, { dependencies: ["vpc"] }),
            resource("gateway", "aws:ec2/internetGateway:InternetGateway", { vpcId: "vpc-0123456789abcdef0" }, { dependencies: ["vpc"] }),
            resource("unrelated", "aws:ec2/subnet:Subnet", { vpcId: "vpc-0123456789abcdef0" }),
        ];
        const diff = diffPlans([vpc("10.0.0.0/16"), ...dependents], [vpc("10.1.0.0/16"), ...dependents]);
        assert.deepEqual(diff.changes.map((change) => [change.label, change.action]), [["InternetGateway gateway", "update"], ["Subnet subnet", "replace"], ["Vpc vpc", "replace"]]);
        assert.deepEqual(byLabel(diff, "Subnet subnet").changes.map((change) => change.new), [{ knownAfter: "Vpc vpc" }]);
        assert.equal(diff.counts.unchanged, 1, "a resource that does not consume the VPC does not see it change");
    });

    it("applies conditional rules to the values: an NLB replaced when it leaves a subnet, updated when it gains one", () => {
        const nlb = (subnets: string[]): RecordedResource => resource("nlb", "aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "network", subnets, securityGroups: ["sg-1"] });
        assert.equal(diffPlans([nlb(["a", "b"])], [nlb(["a", "b", "c"])]).changes[0]!.action, "update");
        const left = diffPlans([nlb(["a", "b"])], [nlb(["a"])]).changes[0]!;
        assert.equal(left.action, "replace");
        assert.match(left.forcedBy[0]!.because, /cannot leave a subnet/);
        assert.match(left.danger ?? "", /new DNS name/);
    });

    it("replaces every object of a replaced Kubernetes provider, named objects deleted first", () => {
        const kubeconfig = (server: string): string => JSON.stringify({ "current-context": "c", contexts: [{ name: "c", context: { cluster: "k" } }], clusters: [{ name: "k", cluster: { server } }] });
        const plan = (server: string): RecordedResource[] => [
            resource("k8s", "pulumi:providers:kubernetes", { kubeconfig: kubeconfig(server) }),
            resource("ns", "kubernetes:core/v1:Namespace", { metadata: { name: "shop" } }, { provider: "k8s" }),
        ];
        const diff = diffPlans(plan("https://old.example"), plan("https://new.example"));
        assert.deepEqual(diff.changes.map((change) => [change.label, change.action, change.deleteFirst]), [["Namespace shop", "replace", true], ["Provider kubernetes k8s", "replace", false]]);
        assert.match(byLabel(diff, "Namespace shop").forcedBy[0]!.because, /its provider Provider kubernetes k8s is replaced/);
        assert.equal(diffPlans(plan("https://same.example"), plan("https://same.example")).counts.unchanged, 2);
    });

    it("reports a replacement that keeps a fixed AWS name as failing, and changes the API rejects", () => {
        const logs = (logGroupClass: string): RecordedResource => resource("logs", "aws:cloudwatch/logGroup:LogGroup", { name: "/aws/eks/edge-dev/cluster", logGroupClass });
        const renamed = diffPlans([logs("STANDARD")], [logs("INFREQUENT_ACCESS")]).changes[0]!;
        assert.equal(renamed.action, "replace");
        assert.match(renamed.failures[0]!.because, /name "\/aws\/eks\/edge-dev\/cluster" is fixed/);
        const storageClass = (reclaimPolicy: string): RecordedResource => resource("sc", "kubernetes:storage.k8s.io/v1:StorageClass", { metadata: { name: "gp3" }, provisioner: "ebs.csi.aws.com", reclaimPolicy });
        const rejected = diffPlans([storageClass("Delete")], [storageClass("Retain")]);
        assert.equal(rejected.changes[0]!.action, "update");
        assert.match(rejected.changes[0]!.failures[0]!.source, /ValidateStorageClassUpdate/);
        assert.deepEqual(dangerousChanges(rejected).map((change) => change.label), ["StorageClass gp3"]);
    });

    it("fails a subnet created or replaced over an old subnet's CIDR in the same VPC, which still exists then", () => {
        const subnet = (name: string, cidrBlock: string, vpcId = "vpc-1", extra: Partial<RecordedResource> = {}): RecordedResource =>
            resource(name, "aws:ec2/subnet:Subnet", { vpcId, cidrBlock, availabilityZone: `eu-west-1${name.endsWith("0") ? "a" : "b"}` }, extra);
        // The legacy layout's 2-zone public /19s → the zone-indexed /20s at the same base.
        const legacy = [subnet("public-0", "10.20.192.0/19"), subnet("public-1", "10.20.224.0/19")];
        const diff = diffPlans(legacy, [subnet("public-0", "10.20.192.0/20"), subnet("public-1", "10.20.208.0/20")]);
        assert.deepEqual(diff.changes.map((change) => [change.label, change.action, change.failures.map((reason) => reason.because)]), [
            ["Subnet public-0", "replace", ["10.20.192.0/20 overlaps 10.20.192.0/19 of the old `Subnet public-0`, which still exists when this one is created (Pulumi creates replacements first and deletes old resources last): EC2 refuses a subnet whose CIDR block overlaps another subnet of the VPC (InvalidSubnet.Conflict)"]],
            ["Subnet public-1", "replace", ["10.20.208.0/20 overlaps 10.20.192.0/19 of the old `Subnet public-0`, which still exists when this one is created (Pulumi creates replacements first and deletes old resources last): EC2 refuses a subnet whose CIDR block overlaps another subnet of the VPC (InvalidSubnet.Conflict)"]],
        ]);
        assert.match(diff.changes[0]!.failures[0]!.source, /CreateSubnet .*InvalidSubnet\.Conflict.*deleteBeforeReplace/);
        const failures = (head: RecordedResource[]): string[][] => diffPlans(legacy, head).changes.map((change) => change.failures.map((reason) => reason.path));
        assert.deepEqual(failures([subnet("public-0", "10.20.0.0/20"), subnet("public-1", "10.20.16.0/20")]), [[], []], "a CIDR no old subnet holds");
        assert.deepEqual(failures([...legacy, subnet("public-2", "10.20.200.0/21")]), [["cidrBlock"]], "a new subnet inside an old one");
        assert.deepEqual(failures([subnet("public-0", "10.20.192.0/20", "vpc-2"), subnet("public-1", "10.20.208.0/20", "vpc-2")]), [[], []], "in another VPC");
        assert.deepEqual(failures([subnet("public-0", "10.20.192.0/20", "vpc-1", { deleteBeforeReplace: true }), legacy[1]!]), [[]],
            "deleted before its replacement is created, the old one no longer holds the range");
    });

    it("fails an EKS cluster given subnets this update creates (a new zone here), and only cautions for subnets it does not create", () => {
        const cluster = (privateSubnetIds: string[], propertyDependencies: Record<string, string[]> = {}): RecordedResource =>
            resource("cluster", "eks:index:Cluster", { name: "edge-dev", vpcId: "vpc-1", privateSubnetIds }, { propertyDependencies });
        const subnet = (name: string): RecordedResource => resource(name, "aws:ec2/subnet:Subnet", { vpcId: "vpc-1", cidrBlock: `10.20.${name.slice(-1)}.0/24` }, { id: `subnet-${name}` });
        const base = [subnet("private-0"), subnet("private-1"), cluster(["subnet-private-0", "subnet-private-1"], { privateSubnetIds: ["private-0", "private-1"] })];
        const grown = diffPlans(base, [subnet("private-0"), subnet("private-1"), subnet("private-2"), cluster(["subnet-private-0", "subnet-private-1", "subnet-private-2"], { privateSubnetIds: ["private-0", "private-1", "private-2"] })]);
        const clusterChange = byLabel(grown, "Cluster cluster");
        assert.deepEqual([clusterChange.action, clusterChange.failures.map((reason) => reason.path)], ["update", ["privateSubnetIds"]]);
        assert.match(clusterChange.failures[0]!.because, /EKS accepts subnets only in the zones the cluster was created with: the cluster update \(UpdateClusterConfig\) fails/);
        assert.match(clusterChange.failures[0]!.source, /"All subnets that you add must be in the same set of AZs as originally provided when you created the cluster"\); aws\/containers-roadmap#2330/);
        const existing = byLabel(diffPlans([cluster(["subnet-a", "subnet-b"])], [cluster(["subnet-a", "subnet-b", "subnet-c"])]), "Cluster cluster");
        assert.deepEqual([existing.action, existing.failures], ["update", []], "an existing VPC's subnet may be in one of the cluster's zones");
        assert.match(existing.cautions.join("\n"), /same VPC and set of AZs as at creation/);
    });

    it("creates a named object moved to another namespace before deleting the old one, as it is another object", () => {
        const ingress = (namespace: string): RecordedResource => resource("ing", "kubernetes:networking.k8s.io/v1:Ingress", { metadata: { name: "shop", namespace } });
        const moved = diffPlans([ingress("a")], [ingress("b")]).changes[0]!;
        assert.deepEqual([moved.action, moved.deleteFirst], ["replace", false]);
        assert.deepEqual(dangerousChanges(diffPlans([ingress("a")], [ingress("b")])), []);
    });

    it("reports replacing or deleting a protected resource as failing, and replacing one that is no longer protected as not", () => {
        const eip = (domain: string, protect: boolean): RecordedResource => resource("eip", "aws:ec2/eip:Eip", { domain }, protect ? { protect: true } : {});
        const replaced = diffPlans([eip("vpc", true)], [eip("standard", true)]).changes[0]!;
        assert.equal(replaced.action, "replace");
        assert.deepEqual(replaced.failures.map((failure) => failure.path), ["protect"]);
        assert.match(replaced.failures[0]!.because, /refuses to replace it/);
        assert.deepEqual(diffPlans([eip("vpc", true)], [eip("standard", false)]).changes[0]!.failures, [], "unprotected in the same update");
        const deleted = diffPlans([eip("vpc", true)], []).changes[0]!;
        assert.deepEqual([deleted.action, deleted.failures.map((failure) => failure.because)], ["delete", ["protected: the engine refuses to delete it (`pulumi state unprotect` it first, if that is intended)"]]);
    });

    it("lets a volume claim grow in place and reports a shrinking one as failing", () => {
        const claim = (storage: string): RecordedResource => resource("pvc", "kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "data", namespace: "mq" }, spec: { resources: { requests: { storage } } } });
        const grown = diffPlans([claim("20Gi")], [claim("50Gi")]).changes[0]!;
        assert.deepEqual([grown.action, grown.failures], ["update", []]);
        const shrunk = diffPlans([claim("20Gi")], [claim("10000Mi")]).changes[0]!;
        assert.match(shrunk.failures[0]?.because ?? "", /can only grow/);
    });

    it("replaces a ConfigMap on a data change unless its provider makes ConfigMaps mutable", () => {
        const plan = (mutable: boolean, value: string): RecordedResource[] => [
            resource("k8s", "pulumi:providers:kubernetes", mutable ? { enableConfigMapMutable: "true" } : {}),
            resource("cm", "kubernetes:core/v1:ConfigMap", { metadata: { name: "settings", namespace: "shop" }, data: { key: value } }, { provider: "k8s" }),
        ];
        const replaced = diffPlans(plan(false, "a"), plan(false, "b"));
        assert.deepEqual([byLabel(replaced, "ConfigMap shop/settings").action, byLabel(replaced, "ConfigMap shop/settings").deleteFirst], ["replace", true]);
        assert.deepEqual(dangerousChanges(replaced).map((change) => change.label), ["ConfigMap shop/settings"], "absent between its deletion and its replacement");
        const updated = diffPlans(plan(true, "a"), plan(true, "b"));
        assert.equal(byLabel(updated, "ConfigMap shop/settings").action, "update");
        assert.deepEqual(dangerousChanges(updated), []);
    });

    it("continues an old resource through an alias: unchanged when its inputs are, replaced when they force it, never deleted and created", () => {
        const attachment = (urn: string, policyArn: string, extra: Partial<RecordedResource> = {}): RecordedResource =>
            resource(urn, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "edge-dev-node", policyArn }, extra);
        const former = "urn:pulumi:dev::p::aws:iam/rolePolicyAttachment:RolePolicyAttachment::node-0";
        const renamed = "urn:pulumi:dev::p::aws:iam/rolePolicyAttachment:RolePolicyAttachment::node-AmazonEKSWorkerNodePolicy";
        const base = [attachment(former, "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy")];
        const moved = diffPlans(base, [attachment(renamed, "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", { aliases: [former] })]);
        assert.deepEqual([moved.counts, moved.changes], [{ create: 0, update: 0, replace: 0, delete: 0, unchanged: 1 }, []]);
        const changed = diffPlans(base, [attachment(renamed, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", { aliases: ["urn:pulumi:dev::p::aws:iam/rolePolicyAttachment:RolePolicyAttachment::elsewhere", former] })]);
        assert.deepEqual(changed.changes.map((change) => [change.action, change.urn, change.formerLabel, change.forcedBy.map((reason) => reason.path)]), [["replace", renamed, `RolePolicyAttachment ${former}`, ["policyArn"]]]);
        assert.match(diffMarkdown({ stack: "dev", diff: changed, baseLabel: "base", headLabel: "head", notes: [], topologyChanged: false }),
            /- \*\*replace\*\* `RolePolicyAttachment urn:pulumi:dev::p::aws:iam\/rolePolicyAttachment:RolePolicyAttachment::node-AmazonEKSWorkerNodePolicy` \(was `RolePolicyAttachment urn:pulumi:dev::p::aws:iam\/rolePolicyAttachment:RolePolicyAttachment::node-0`\) — forced by `policyArn`/);
    });

    it("moves the children of a component renamed with an alias along with it, as the engine's inherited aliases do", () => {
        const component = (name: string, extra: Partial<RecordedResource> = {}): RecordedResource => ({ ...resource(`urn:pulumi:dev::p::commerce-edge:aws:Network::${name}`, "commerce-edge:aws:Network", {}, extra), name, custom: false });
        const eip = (parent: string, name: string): RecordedResource => ({ ...resource(`urn:pulumi:dev::p::commerce-edge:aws:Network$aws:ec2/eip:Eip::${name}`, "aws:ec2/eip:Eip", { domain: "vpc" }, { parent }), name });
        const oldNetwork = component("edge");
        const newNetwork = component("edge-dev", { aliases: [oldNetwork.urn] });
        const diff = diffPlans([oldNetwork, eip(oldNetwork.urn, "edge-nat-0")], [newNetwork, eip(newNetwork.urn, "edge-dev-nat-0")]);
        assert.deepEqual([diff.counts, diff.changes], [{ create: 0, update: 0, replace: 0, delete: 0, unchanged: 1 }, []], "the address is kept: edge-dev-nat-0 under edge-dev was edge-nat-0 under edge");
    });

    it("reports an alias that claims a resource another one continues as failing, as the engine refuses it", () => {
        const eip = (urn: string, extra: Partial<RecordedResource> = {}): RecordedResource => resource(urn, "aws:ec2/eip:Eip", { domain: "vpc" }, extra);
        const diff = diffPlans([eip("urn:pulumi:dev::p::aws:ec2/eip:Eip::a")], [eip("urn:pulumi:dev::p::aws:ec2/eip:Eip::a"), eip("urn:pulumi:dev::p::aws:ec2/eip:Eip::b", { aliases: ["urn:pulumi:dev::p::aws:ec2/eip:Eip::a"] })]);
        assert.deepEqual(diff.changes.map((change) => [change.urn, change.action, change.failures.map((reason) => reason.because)]), [
            ["urn:pulumi:dev::p::aws:ec2/eip:Eip::b", "update", ["its alias urn:pulumi:dev::p::aws:ec2/eip:Eip::a is also claimed by urn:pulumi:dev::p::aws:ec2/eip:Eip::a: the engine refuses the registration"]],
        ]);
    });

    it("counts creates and deletes, and names types the table does not know", () => {
        const diff = diffPlans(
            [resource("old", "aws:ec2/subnet:Subnet", {}), resource("thing", "aws:new/thing:Thing", { size: 1 })],
            [resource("new", "aws:ec2/subnet:Subnet", {}), resource("thing", "aws:new/thing:Thing", { size: 2 })],
        );
        assert.deepEqual(diff.counts, { create: 1, update: 1, replace: 0, delete: 1, unchanged: 0 });
        assert.deepEqual(diff.unknownTypes, ["aws:new/thing:Thing"]);
        assert.equal(summaryLine(diff), "Resources: 1 to create, 1 to update, 0 to replace, 1 to delete, 0 unchanged");
    });
});

describe("plan diff of the dev stack", () => {
    let base: Plan;
    before(async () => {
        base = await planStack("dev");
    });

    it("reports no change between two plans of the same config", async () => {
        const head = await planStack("dev");
        const diff = diffPlans(base.run.resources, head.run.resources);
        assert.deepEqual(diff.changes, []);
        const markdown = report(diff, base, head);
        assert.equal(markdown.split("\n")[0], `Resources: 0 to create, 0 to update, 0 to replace, 0 to delete, ${diff.counts.unchanged} unchanged`);
        assert.ok(diff.counts.unchanged > 50);
        assert.match(markdown, /## Changes by component\n\nNo change\./);
        assert.match(markdown, /\(\*\*no change\*\*\)/);
    });

    it("creates a new route with its workload, updates only the controller's egress to reach it, and shows the workload's cost", async () => {
        const routes = devConfigValue<{ additional: unknown[] }>("routes");
        const search = { protocol: "http", name: "search", host: "search.dev.commerce.example.com", workload: { image: "registry.example.com/search:1.0.0", cpu: "500m", memory: "1Gi" }, allowlist: ["203.0.113.0/24"] };
        const head = await planStack("dev", { configOverrides: { "commerce-edge:routes": JSON.stringify({ ...routes, additional: [...routes.additional, search] }) } });
        const diff = diffPlans(base.run.resources, head.run.resources);
        assert.deepEqual({ ...diff.counts, unchanged: 0 }, { create: 9, update: 1, replace: 0, delete: 0, unchanged: 0 });
        assert.deepEqual(diff.changes.filter((change) => change.action === "create").map((change) => change.label).sort(), [
            "Deployment search/search", "Ingress search/search", "Namespace search", "NetworkPolicy search/allow-dns", "NetworkPolicy search/default-deny", "NetworkPolicy search/search",
            "PodDisruptionBudget search/search", "Record search-dev-commerce-example-com-a", "Service search/search",
        ]);
        const update = diff.changes.find((change) => change.action === "update");
        assert.equal(update?.label, "NetworkPolicy ingress-controller/haproxy-ingress", "the controller may now connect to the new backend");
        const delta = formatCostDelta(estimateMonthlyCost(base.run.resources, "eu-west-1"), estimateMonthlyCost(head.run.resources, "eu-west-1"));
        // 2 replicas × 0.5 vCPU of 3 × m6i.large (6 vCPU) is 1/6 of the nodes' $234.33; 2 GiB of 24 GiB is less.
        assert.match(delta, /\(\*\*no change\*\*\)/, "the bill stays: the nodes have room");
        assert.match(delta, /\| search\/search \| none \| 2 × pods, 1 vCPU, 2 GiB requested, \$39\.06 \| \+\$39\.06 \|/);
    });

    it("replaces the VPC and what depends on it when network.cidr changes, flags them first, and the EKS cluster as failing", async () => {
        const network = devConfigValue<Record<string, unknown>>("network");
        const head = await planStack("dev", { configOverrides: { "commerce-edge:network": JSON.stringify({ ...network, cidr: "10.30.0.0/16" }) } });
        const diff = diffPlans(base.run.resources, head.run.resources);
        const action = (label: string): string => byLabel(diff, label).action;
        assert.deepEqual(byLabel(diff, "Vpc edge-dev").forcedBy.map((reason) => reason.path), ["cidrBlock"]);
        for (const label of ["Subnet edge-dev-public-0", "Subnet edge-dev-private-1", "NatGateway edge-dev-nat-0", "RouteTable edge-dev-public", "SecurityGroup edge-dev-nodes", "TargetGroup edge-dev-443", "LoadBalancer edge-dev", "ManagedNodeGroup edge-dev-nodes"]) {
            assert.equal(action(label), "replace", label);
        }
        assert.deepEqual(byLabel(diff, "LoadBalancer edge-dev").forcedBy.map((reason) => reason.path), ["subnets"]);
        assert.equal(action("Record api-dev-commerce-example-com-a"), "update", "alias records follow the new NLB");
        const cluster = byLabel(diff, "Cluster edge-dev");
        assert.deepEqual(cluster.failures.map((reason) => reason.path), ["vpcId"]);
        const dangerous = dangerousChanges(diff).map((change) => change.label);
        for (const label of ["Vpc edge-dev", "Subnet edge-dev-public-0", "NatGateway edge-dev-nat-0", "LoadBalancer edge-dev", "Cluster edge-dev", "ManagedNodeGroup edge-dev-nodes"]) assert.ok(dangerous.includes(label), label);
        const markdown = report(diff, base, head);
        const dangerSection = markdown.slice(markdown.indexOf("## Dangerous changes"), markdown.indexOf("## Changes by component"));
        assert.match(dangerSection, /\*\*replace\*\* `Vpc edge-dev` \(Network edge-dev\)\n {2}- `cidrBlock` forces the replacement/);
        assert.match(dangerSection, /\*\*update that fails\*\* `Cluster edge-dev`/);
        assert.match(markdown, /### Network edge-dev\n\n(- .*\n(  - .*\n)*)*- \*\*replace\*\* `Vpc edge-dev` — forced by `cidrBlock`\n {2}- `cidrBlock`: `"10\.20\.0\.0\/16"` → `"10\.30\.0\.0\/16"`/);
    });

    it("moves what the program renamed with aliases instead of deleting and creating it", () => {
        // The live stack before the renames: each aliased resource under the name its first alias gives.
        const renamed = base.run.resources.filter((resource) => resource.aliases.length > 0);
        assert.ok(renamed.some((resource) => resource.name === "edge-dev-node-AmazonEKSWorkerNodePolicy"), "the node role's attachments are renamed");
        const before = base.run.resources.map((resource) => (resource.aliases.length > 0 ? { ...resource, urn: resource.aliases[0]!, name: resource.aliases[0]!.split("::").pop()!, aliases: [] } : resource));
        const diff = diffPlans(before, base.run.resources);
        assert.deepEqual(diff.changes.map((change) => `${change.action} ${change.label}`), []);
        assert.equal(diff.counts.unchanged, base.run.resources.filter((resource) => !resource.type.startsWith("commerce-edge:")).length);
    });

    it("reports a changed secret as changed, without its value", async () => {
        const password = "a-new-broker-password-7f3k";
        const head = await planStack("dev", { configOverrides: { "commerce-edge:activemqBrokerPassword": password } });
        const diff = diffPlans(base.run.resources, head.run.resources);
        assert.deepEqual(diff.changes.map((change) => [change.label, change.action]), [["Secret activemq/activemq-credentials", "update"], ["StatefulSet activemq/activemq", "update"]],
            "updated in place (the provider's enableSecretMutable), and the broker rolls onto the new credentials");
        assert.ok(diff.changes[0]!.changes.every((change) => change.secret === true && !("new" in change)));
        assert.deepEqual(diff.changes[1]!.changes.map((change) => change.path), ['spec.template.metadata.annotations["commerce-edge/credentials-version"]']);
        const markdown = report(diff, base, head);
        assert.match(markdown, /`stringData`: changed \(secret, value not shown\)/);
        assert.ok(!markdown.includes(password) && !JSON.stringify(diff).includes(password), "the plaintext is nowhere in the diff");
    });
});

/**
 * A commit object of HEAD's tree with top-level files replaced (text) or removed (null), for a base that `npm run diff`
 * can check out. No branch or ref points at it (git gc prunes it).
 */
function commitOfHeadWith(files: Readonly<Record<string, string | null>>): string {
    const identity = { GIT_AUTHOR_NAME: "test", GIT_AUTHOR_EMAIL: "test@example.invalid", GIT_COMMITTER_NAME: "test", GIT_COMMITTER_EMAIL: "test@example.invalid" };
    const git = (args: readonly string[], input?: string): string =>
        execFileSync("git", ["-C", PROJECT_ROOT, ...args], { encoding: "utf8", env: { ...process.env, ...identity }, ...(input === undefined ? {} : { input }) }).trim();
    const entries = git(["ls-tree", "HEAD"]).split("\n").filter((entry) => !Object.hasOwn(files, entry.slice(entry.indexOf("\t") + 1)));
    for (const [name, text] of Object.entries(files)) if (text !== null) entries.push(`100644 blob ${git(["hash-object", "-w", "--stdin"], text)}\t${name}`);
    return git(["commit-tree", git(["mktree"], `${entries.join("\n")}\n`), "-p", "HEAD", "-m", "a base for the diff test"]);
}

describe("npm run diff", () => {
    const diffCli = (...args: string[]): Promise<ScriptResult> => runScript("diff", ...args);
    const written = (file: string): string => readFileSync(join(PROJECT_ROOT, "out", "dev", file), "utf8");

    it("plans HEAD in a temporary worktree and the working tree, and writes diff.md and summary.md", async () => {
        const result = await diffCli("dev");
        assert.equal(result.code, 0, result.stderr);
        const markdown = readFileSync(join(PROJECT_ROOT, "out", "dev", "diff.md"), "utf8");
        assert.match(markdown.split("\n")[0]!, /^Resources: \d+ to create, \d+ to update, \d+ to replace, \d+ to delete, \d+ unchanged$/);
        assert.match(markdown, /^Stack `dev`: `HEAD` \([0-9a-f]{7}\) → the working tree\./m);
        for (const section of ["## Dangerous changes", "## Changes by component", "## Monthly cost"]) assert.ok(markdown.includes(section), section);
        assert.ok(existsSync(join(PROJECT_ROOT, "out", "dev", "summary.md")));
        assert.match(result.stdout, /^Resources: /m);
        assert.doesNotMatch(result.stdout, /does not plan/, "the base commit is planned with its own harness");
        const stdout = execFileSync("git", ["-C", PROJECT_ROOT, "worktree", "list"], { encoding: "utf8" });
        assert.doesNotMatch(stdout, /commerce-edge-base-/, "the temporary worktree is removed");
    });

    it("says the comparison was not made when the base does not plan, instead of diffing against nothing", async () => {
        const base = commitOfHeadWith({ "Pulumi.dev.yaml": `${readFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")}not-a-setting: true\n` });
        const result = await diffCli("dev", "--base", base);
        assert.equal(result.code, 0, `the working tree plans: ${result.stderr}`);
        const line = `Not comparable: the base \`${base}\` (${base.slice(0, 7)}) does not plan \`dev\` (Pulumi.dev.yaml is not a valid stack file; nothing was planned), so nothing was compared.`;
        assert.equal(result.stdout.split("\n")[0], line);
        assert.match(result.stdout, /Pulumi\.dev\.yaml:\d+: not-a-setting: is not a stack file setting/);
        assert.doesNotMatch(result.stdout, /^Resources: /m);
        const markdown = written("diff.md");
        assert.equal(markdown.split("\n")[0], line);
        assert.doesNotMatch(markdown, /^Resources: |^## Dangerous changes|^None: /m, "no count and no all-clear: nothing was compared");
        assert.ok(!existsSync(join(PROJECT_ROOT, "out", "dev", "topology.md")), "no topology change is claimed");
    });

    it("reports the public subnets of a stack created in the legacy layout as failing when it moves to zoneIndexed", async () => {
        const devFile = readFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");
        assert.match(devFile, /^ {4}availabilityZones: 2\n/m);
        const result = await diffCli("dev", "--base", commitOfHeadWith({ "Pulumi.dev.yaml": devFile.replace(/^( {4}availabilityZones: 2\n)/m, "$1    subnetLayout: legacy\n") }));
        assert.equal(result.code, 0, result.stderr);
        const dangerous = result.stdout.split("\n").find((line) => line.startsWith("Dangerous changes: "));
        assert.ok(dangerous?.includes("replace that fails Subnet edge-dev-public-0; replace that fails Subnet edge-dev-public-1"), dangerous);
        assert.match(written("diff.md"), /^- \*\*replace that fails\*\* `Subnet edge-dev-public-1` \(Network edge-dev\)\n(  - .*\n)*  - `cidrBlock`: 10\.20\.208\.0\/20 overlaps 10\.20\.192\.0\/19 of the old `Subnet edge-dev-public-0`/m);
    });

    it("diffs a stack the base does not have against an empty one: everything is created", async () => {
        const result = await diffCli("dev", "--base", commitOfHeadWith({ "Pulumi.dev.yaml": null }));
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^Resources: [1-9]\d* to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged$/m);
        assert.match(written("diff.md"), /^> The base commit [0-9a-f]{7} has no Pulumi\.dev\.yaml: the stack is new, and everything in it is created\.$/m);
    });

    it("refuses a base that is not a commit, and unknown arguments, with one line and no stack trace", async () => {
        const missing = await diffCli("dev", "--base", "no-such-ref-1234");
        assert.equal(missing.code, 1);
        assert.equal(missing.stderr.trim(), "--base no-such-ref-1234: not a commit of this repository (fetch it first, e.g. git fetch origin no-such-ref-1234)");
        const unknown = await diffCli("dev", "--bsae", "HEAD");
        assert.equal(unknown.code, 2);
        assert.equal(unknown.stderr, "npm run diff: unknown option \"--bsae\" (npm run diff -- --help)\n");
        assert.equal(unknown.stdout, "");
    });

    it("refuses an unknown stack before checking the base out, listing the stacks there are, escaping what it echoes", async () => {
        const worktrees = execFileSync("git", ["-C", PROJECT_ROOT, "worktree", "list"], { encoding: "utf8" });
        // A base that is not a commit would be refused by the checkout: the stack is refused first.
        const result = await diffCli("no-such-stack\u001b[2J", "--base", "no-such-ref-1234");
        assert.equal(result.code, 2);
        const refusal = /^npm run diff: no stack "no-such-stack\\u001b\[2J": there is no Pulumi\.no-such-stack\\u001b\[2J\.yaml \(stacks here: (.*)\); nothing was planned\n$/.exec(result.stderr);
        assert.ok(refusal, result.stderr);
        for (const stack of ["dev", "production", "staging"]) assert.ok(refusal[1]!.split(", ").includes(stack), stack);
        assert.equal(result.stdout, "", "nothing planned, no timings");
        assert.equal(execFileSync("git", ["-C", PROJECT_ROOT, "worktree", "list"], { encoding: "utf8" }), worktrees);
    });

    it("prints its usage on --help, and nothing else", async () => {
        const help = await diffCli("--help");
        assert.equal(help.code, 0);
        // Other test files add stacks for a while: the usage is checked with the stacks it lists.
        const listed = /^Stacks here: (.*) \(default: dev\)$/m.exec(help.stdout)?.[1]?.split(", ") ?? [];
        for (const stack of ["dev", "production", "staging"]) assert.ok(listed.includes(stack), stack);
        assert.equal(help.stdout, `${diffUsage(listed)}\n`);
    });
});

describe("npm run diff's arguments", () => {
    const stacks = ["dev", "production", "staging"];
    it("diffs dev against HEAD by default, or the stack and base named, options anywhere", () => {
        assert.deepEqual(parseDiffArguments([], stacks), { kind: "diff", stack: "dev", base: "HEAD" });
        assert.deepEqual(parseDiffArguments(["--base", "main", "production"], stacks), { kind: "diff", stack: "production", base: "main" });
        assert.deepEqual(parseDiffArguments(["staging", "--base", "v1.2"], stacks), { kind: "diff", stack: "staging", base: "v1.2" });
        assert.deepEqual(parseDiffArguments(["--", "dev"], stacks), { kind: "diff", stack: "dev", base: "HEAD" });
    });

    it("answers --help or -h wherever it stands, without exiting", () => {
        assert.deepEqual(parseDiffArguments(["dev", "--base", "main", "-h"], stacks), { kind: "help" });
        assert.deepEqual(parseDiffArguments(["--help"], []), { kind: "help" });
    });

    it("refuses unknown options, a --base without a ref, a second stack and an unknown stack", () => {
        assert.deepEqual(parseDiffArguments(["-x"], stacks), { kind: "error", message: "unknown option \"-x\" (npm run diff -- --help)" });
        assert.deepEqual(parseDiffArguments(["dev", "--base"], stacks), { kind: "error", message: "--base needs a git ref (npm run diff -- --help)" });
        assert.deepEqual(parseDiffArguments(["--base", "--help"], stacks), { kind: "error", message: "--base needs a git ref (npm run diff -- --help)" });
        assert.deepEqual(parseDiffArguments(["dev", "staging"], stacks), { kind: "error", message: "one stack at a time: \"dev\" and \"staging\" (npm run diff -- --help)" });
        assert.deepEqual(parseDiffArguments(["prod"], stacks), { kind: "error", message: "no stack \"prod\": there is no Pulumi.prod.yaml (stacks here: dev, production, staging); nothing was planned" });
        assert.deepEqual(parseDiffArguments(["--", "-x"], stacks).kind, "error");
    });
});
