import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { CONTROLLER_NAME } from "../components/haproxy/controllerManifests";
import { criticalPath, duration, formatCriticalPath, formatMargins, isDataDependency, margins, type CriticalPath, type GraphResource } from "../harness/criticalPath";
import { planStack, type Plan } from "../harness/plan";

type Options = Partial<Pick<GraphResource, "custom" | "parent" | "provider" | "inputs" | "propertyDependencies">>;

/** A hand-made resource: `name` is its URN, `type` decides its weight. */
function node(name: string, type: string, dependencies: string[] = [], options: Options = {}): GraphResource {
    return { urn: name, type, name, custom: true, dependencies, ...options };
}

const WEIGHTS = { "t:a": 10, "t:b": 5, "t:c": 20, "t:d": 1, "t:slow": 50, "t:remote": 600, "t:free": 0 };
const namesOf = (path: CriticalPath): string[] => path.steps.map((step) => step.name);

describe("critical path on hand-made graphs", () => {
    it("takes the longer branch of a diamond", () => {
        const path = criticalPath([node("a", "t:a"), node("b", "t:b", ["a"]), node("c", "t:c", ["a"]), node("d", "t:d", ["b", "c"])], WEIGHTS);
        assert.deepEqual(namesOf(path), ["a", "c", "d"]);
        assert.equal(path.totalSeconds, 31);
        assert.deepEqual(path.steps.map((step) => step.finishSeconds), [10, 30, 31]);
        assert.deepEqual(Object.fromEntries(path.slackSeconds), { a: 0, b: 15, c: 0, d: 0 });
    });

    it("gives a side chain the slack left by the longest chain through it", () => {
        const path = criticalPath([
            node("a", "t:a"),
            node("side", "t:b", ["a"]),
            node("side-next", "t:d", ["side"]),
            node("main", "t:slow", ["a"]),
            node("end", "t:d", ["main"]),
        ], WEIGHTS);
        assert.equal(path.totalSeconds, 61);
        assert.equal(path.slackSeconds.get("side"), 61 - 15 - 1);
        assert.equal(path.slackSeconds.get("side-next"), 61 - 16);
        assert.equal(path.slackSeconds.get("main"), 0);
    });

    it("expands a dependency on a component to its descendants through components, not into custom resources", () => {
        const path = criticalPath([
            node("comp", "t:component", [], { custom: false }),
            node("inner", "t:component", [], { custom: false, parent: "comp" }),
            node("deep", "t:slow", [], { parent: "inner" }),
            node("shallow", "t:b", [], { parent: "comp" }),
            node("under-custom", "t:c", [], { parent: "shallow" }),
            node("user", "t:d", ["comp"]),
        ], WEIGHTS);
        assert.deepEqual(namesOf(path), ["deep", "user"]);
        assert.equal(path.totalSeconds, 51);
        // A child of a custom resource is not part of the component's outputs: "user" does not wait for it.
        assert.equal(path.finishSeconds.get("user"), 51);
    });

    it("gives local components no weight and keeps remote components as the work they stand for", () => {
        const path = criticalPath([
            node("local", "t:component", [], { custom: false }),
            node("cluster", "t:remote", [], { custom: false, parent: "local" }),
            node("hidden-child", "t:slow", [], { parent: "cluster" }),
            node("app", "t:a", ["local"]),
        ], WEIGHTS);
        assert.deepEqual(namesOf(path), ["cluster", "app"]);
        assert.equal(path.totalSeconds, 610);
        assert.equal(path.finishSeconds.has("local"), false);
    });

    it("waits for the provider", () => {
        const path = criticalPath([
            node("cluster", "t:remote", [], { custom: false }),
            node("k8s", "t:free", ["cluster"], { propertyDependencies: { kubeconfig: ["cluster"] } }),
            node("ns", "t:d", [], { provider: "k8s" }),
        ], WEIGHTS);
        assert.deepEqual(path.steps.map((step) => [step.name, step.waitsBy]), [["cluster", undefined], ["k8s", "data"], ["ns", "provider"]]);
    });

    it("tells a consumed Output (data) from an explicit dependsOn, which a derived wait on the same edge overrides", () => {
        const resources = [
            node("key", "t:c"),
            node("logs", "t:slow"),
            node("cluster", "t:a", ["key", "logs"], { propertyDependencies: { encryptionKey: ["key"], tags: [] } }),
        ];
        const waits = (slowest: string): [string, string | undefined][] =>
            criticalPath(resources, { ...WEIGHTS, "t:c": slowest === "key" ? 90 : 1 }).steps.map((step) => [step.name, step.waitsBy]);
        assert.deepEqual(waits("logs"), [["logs", undefined], ["cluster", "dependsOn"]]);
        assert.deepEqual(waits("key"), [["key", undefined], ["cluster", "data"]]);
        assert.equal(isDataDependency("dependsOn"), false);
        for (const reason of ["data", "provider", "reference", "nodes", "selects", "storage", "publishes"] as const) assert.equal(isDataDependency(reason), true);
    });

    it("waits for custom and remote resources referenced in inputs, not for referenced local components", () => {
        const path = criticalPath([
            node("role", "t:c"),
            node("remote", "t:a", [], { custom: false }),
            node("local", "t:component", [], { custom: false }),
            node("slow-child", "t:slow", [], { parent: "local" }),
            node("user", "t:d", [], { inputs: { roles: [{ $ref: "role" }], cluster: { $ref: "remote" }, owner: { $ref: "local" } } }),
        ], { ...WEIGHTS, "t:a": 30 });
        assert.deepEqual(path.steps.map((step) => [step.name, step.waitsBy]), [["slow-child", undefined]]);
        assert.equal(path.finishSeconds.get("user"), 31);
    });

    it("makes pod workloads wait for the node groups of their cluster only", () => {
        const resources = [
            node("cluster", "eks:index:Cluster", [], { custom: false }),
            node("other-cluster", "eks:index:Cluster", [], { custom: false }),
            node("nodes", "eks:index:ManagedNodeGroup", [], { custom: false, inputs: { cluster: { $ref: "cluster" } } }),
            node("other-nodes", "eks:index:NodeGroup", ["other-cluster"], { custom: false }),
            node("k8s", "pulumi:providers:kubernetes", ["cluster"]),
            node("app", "kubernetes:apps/v1:Deployment", [], { provider: "k8s" }),
        ];
        const weights = { "eks:index:Cluster": 600, "eks:index:ManagedNodeGroup": 120, "eks:index:NodeGroup": 300, "pulumi:providers:kubernetes": 0, "kubernetes:apps/v1:Deployment": 60 };
        const path = criticalPath(resources, weights);
        assert.equal(path.finishSeconds.get("app"), 600 + 120 + 60);
        assert.deepEqual(path.steps.map((step) => [step.name, step.waitsBy]), [["other-cluster", undefined], ["other-nodes", "dependsOn"]]);
    });

    it("makes an EKS add-on wait for the nodes its pods run on, and a claim template for the add-on of its storage class's provisioner", () => {
        const resources = [
            node("cluster", "eks:index:Cluster", [], { custom: false }),
            node("nodes", "eks:index:ManagedNodeGroup", [], { custom: false, inputs: { cluster: { $ref: "cluster" } } }),
            node("csi", "aws:eks/addon:Addon", ["cluster"], { inputs: { addonName: "aws-ebs-csi-driver" } }),
            node("other-addon", "aws:eks/addon:Addon", ["cluster"], { inputs: { addonName: "coredns" } }),
            node("k8s", "pulumi:providers:kubernetes", ["cluster"]),
            node("gp3", "kubernetes:storage.k8s.io/v1:StorageClass", [], { provider: "k8s", inputs: { metadata: { name: "gp3" }, provisioner: "ebs.csi.aws.com" } }),
            node("broker", "kubernetes:apps/v1:StatefulSet", [], { provider: "k8s", inputs: { spec: { volumeClaimTemplates: [{ spec: { storageClassName: "gp3" } }] } } }),
            node("stateless", "kubernetes:apps/v1:StatefulSet", [], { provider: "k8s", inputs: { spec: {} } }),
        ];
        const weights = { "eks:index:Cluster": 600, "eks:index:ManagedNodeGroup": 120, "aws:eks/addon:Addon": 60, "pulumi:providers:kubernetes": 0, "kubernetes:storage.k8s.io/v1:StorageClass": 1, "kubernetes:apps/v1:StatefulSet": 90 };
        const path = criticalPath(resources, weights);
        assert.deepEqual(path.steps.map((step) => [step.name, step.waitsBy]), [["cluster", undefined], ["nodes", "reference"], ["csi", "nodes"], ["broker", "storage"]]);
        assert.equal(path.finishSeconds.get("other-addon"), 600 + 120 + 60);
        assert.equal(path.finishSeconds.get("stateless"), 600 + 120 + 90);
    });

    it("makes an Ingress wait for the controller started for its class, which publishes its status", () => {
        const controller = (name: string, ingressClass: string): GraphResource =>
            node(name, "kubernetes:apps/v1:Deployment", [], { inputs: { spec: { template: { spec: { containers: [{ args: [`--ingress-class=${ingressClass}`] }] } } } } });
        const path = criticalPath([
            controller("haproxy", "haproxy"),
            controller("other", "nginx"),
            node("ingress", "kubernetes:networking.k8s.io/v1:Ingress", [], { inputs: { spec: { ingressClassName: "haproxy" } } }),
        ], { "kubernetes:apps/v1:Deployment": 60, "kubernetes:networking.k8s.io/v1:Ingress": 10 });
        assert.deepEqual(path.steps.map((step) => [step.name, step.waitsBy]), [["haproxy", undefined], ["ingress", "publishes"]]);
    });

    it("makes a Service with a selector wait for the pod workloads it selects in its namespace, not a headless one", () => {
        const labels = { app: "web" };
        const workload = (name: string, namespace: string, podLabels: Record<string, string>): GraphResource =>
            node(name, "kubernetes:apps/v1:Deployment", [], { inputs: { metadata: { name, namespace }, spec: { template: { metadata: { labels: podLabels } } } } });
        const service = (name: string, spec: Record<string, unknown>): GraphResource =>
            node(name, "kubernetes:core/v1:Service", [], { inputs: { metadata: { name, namespace: "shop" }, spec } });
        const weights = { "kubernetes:apps/v1:Deployment": 60, "kubernetes:core/v1:Service": 10 };
        const path = criticalPath([
            workload("web", "shop", { ...labels, track: "stable" }),
            workload("other-namespace", "admin", labels),
            workload("other-app", "shop", { app: "api" }),
            service("selecting", { selector: labels }),
            service("headless", { selector: labels, clusterIP: "None" }),
            service("no-selector", {}),
        ], weights);
        assert.equal(path.finishSeconds.get("selecting"), 70);
        assert.deepEqual(path.steps.map((step) => [step.name, step.waitsBy]), [["web", undefined], ["selecting", "selects"]]);
        assert.equal(path.finishSeconds.get("headless"), 10);
        assert.equal(path.finishSeconds.get("no-selector"), 10);
    });

    it("counts unknown custom types with the default weight and names them", () => {
        const path = criticalPath([node("x", "t:unknown")], WEIGHTS);
        assert.deepEqual(path.defaultedTypes, ["t:unknown"]);
        assert.match(formatCriticalPath(path), /t:unknown/);
    });

    it("rejects a dependency cycle", () => {
        assert.throws(() => criticalPath([node("a", "t:a", ["b"]), node("b", "t:b", ["a"])], WEIGHTS), /cycle/);
    });
});

describe("critical path of the dev plan", () => {
    let plan: Plan;
    let path: CriticalPath;
    before(async () => {
        plan = await planStack("dev");
        path = criticalPath(plan.run.resources);
    });

    const indexOf = (predicate: (type: string, name: string) => boolean): number => path.steps.findIndex((step) => predicate(step.type, step.name));

    it("runs network (or the key EKS consumes) → EKS control plane → node group → a workload rollout", () => {
        const cluster = indexOf((type) => type === "eks:index:Cluster");
        const nodeGroup = indexOf((type) => type === "eks:index:ManagedNodeGroup");
        const workload = indexOf((type) => type === "kubernetes:apps/v1:Deployment" || type === "kubernetes:apps/v1:StatefulSet");
        assert.ok(cluster > 0 && cluster < nodeGroup && nodeGroup < workload, formatCriticalPath(path));
        const clusterDependencies = plan.run.resources.find((resource) => resource.urn === path.steps[cluster]!.urn)!.dependencies;
        for (const step of path.steps.slice(0, cluster)) {
            assert.ok(step.type.startsWith("aws:ec2/") || (step.type === "aws:kms/key:Key" && clusterDependencies.includes(step.urn)), `${step.type} ${step.name} before EKS`);
        }
        for (const step of path.steps.slice(nodeGroup + 1, workload)) {
            assert.ok(["aws:eks/addon:Addon", "kubernetes:core/v1:PersistentVolumeClaim"].includes(step.type), "between nodes and the rollout only the storage driver and the claim a volume needs");
        }
        const controller = plan.run.resources.find((resource) => resource.type === "kubernetes:apps/v1:Deployment" && (resource.inputs.metadata as { name: string }).name === CONTROLLER_NAME)!;
        assert.ok(path.totalSeconds - path.finishSeconds.get(controller.urn)! < 2 * 60, "the controller rollout ends within the last two minutes: it is the other near-critical chain");
    });

    it("waits on every edge of the path for data, never for an avoidable dependsOn", () => {
        assert.deepEqual(path.steps.slice(1).filter((step) => !isDataDependency(step.waitsBy!)).map((step) => `${step.type} ${step.name}`), [], formatCriticalPath(path));
    });

    it("keeps the NLB and DNS off the path with minutes of slack", () => {
        assert.deepEqual(path.steps.filter((step) => /^aws:(lb|route53)\//.test(step.type)), []);
        for (const resource of plan.run.resources.filter((candidate) => /^aws:(lb|route53)\//.test(candidate.type))) {
            assert.ok(path.slackSeconds.get(resource.urn)! >= 5 * 60, `${resource.type} ${resource.name} has at least 5 min of slack`);
        }
    });

    it("reports the watched groups' margins: the edge with slack, KMS on the path, the controller just short of it", () => {
        const found = new Map(margins(path, plan.run.resources).map((margin) => [margin.label, margin]));
        assert.deepEqual([...found.keys()], ["KMS key", "NLB", "DNS records", "controller rollout"]);
        assert.equal(found.get("KMS key")!.slackSeconds, 0);
        assert.ok(found.get("NLB")!.slackSeconds >= 5 * 60);
        assert.ok(found.get("DNS records")!.slackSeconds >= 5 * 60);
        const controller = found.get("controller rollout")!;
        assert.ok(controller.slackSeconds > 0 && controller.slackSeconds < 2 * 60, formatMargins([...found.values()]));
        assert.match(formatMargins([...found.values()]), /^ {2}NLB {17}slack {1,2}\d+m \d{2}s/m);
    });

    it("has KMS on the path only as a direct input of the step after it", () => {
        path.steps.forEach((step, index) => {
            if (!step.type.startsWith("aws:kms/")) return;
            const next = plan.run.resources.find((resource) => resource.urn === path.steps[index + 1]?.urn);
            assert.ok(next?.dependencies.includes(step.urn), `${step.name} feeds ${next?.name ?? "nothing"}`);
        });
    });

    it("is the path the README's Performance section states", () => {
        const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("**Deploy critical path.**"), readme.indexOf("## How CI works"));
        const rows = section.split("\n").filter((line) => /^\| \d+(m \d{2}s| s) \|/.test(line)).map((line) => line.split("|").slice(1, 4).map((cell) => cell.trim().split(":")[0]));
        assert.deepEqual(rows, path.steps.map((step) => [duration(step.finishSeconds), duration(step.seconds).replace(/m 00s$/, "m"), step.waitsBy ?? ""]));
    });

    it("weights every resource type of the plan from the table", () => {
        assert.deepEqual(path.defaultedTypes, []);
    });
});
