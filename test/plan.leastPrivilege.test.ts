import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { podSecurityViolations, type PodTemplateFields } from "../components/security/podSecurity";
import { planStack } from "../harness/plan";
import type { RecordedResource } from "../harness/mockEngine";
import { PROJECT, readStackFile } from "../harness/stackFile";
import { field, PlanQuery } from "./planQueries";

/** Item 6 on the planned stacks: NetworkPolicies and Pod Security labels, checked against the planned pods. */

const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SERVICE = "kubernetes:core/v1:Service";
const WORKLOAD_TYPES = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];

interface Port { protocol: string; port: number }
interface Peer { ipBlock?: { cidr: string; except?: string[] }; namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] }; podSelector?: { matchLabels?: Record<string, string> } }
interface Rule { from?: Peer[]; to?: Peer[]; ports: Port[] }
interface PolicySpec { podSelector: { matchLabels?: Record<string, string> }; policyTypes: string[]; ingress?: Rule[]; egress?: Rule[] }
interface Container { name: string; ports?: { name?: string; containerPort: number }[] }

const stacks: Record<string, PlanQuery> = {};
before(async () => {
    for (const stack of ["dev", "production"]) stacks[stack] = new PlanQuery((await planStack(stack)).run.resources);
});

const namespaceOf = (resource: RecordedResource): string => field<string>(resource, "metadata.namespace");
const policy = (q: PlanQuery, namespace: string, name: string): PolicySpec => field<PolicySpec>(q.kubernetes(POLICY, namespace, name), "spec");
const workloads = (q: PlanQuery): RecordedResource[] => WORKLOAD_TYPES.flatMap((type) => q.ofType(type));
const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ protocol: "TCP", port }));
const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean => Object.entries(selector).every(([key, value]) => labels[key] === value);
const inNamespace = (namespace: string): Peer["namespaceSelector"] => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });

/** The container port a Service port's targetPort resolves to on the pods of a workload. */
function containerPortOf(workload: RecordedResource, targetPort: string | number): number {
    if (typeof targetPort === "number") return targetPort;
    const ports = field<Container[]>(workload, "spec.template.spec.containers").flatMap((container) => container.ports ?? []);
    const port = ports.find((candidate) => candidate.name === targetPort);
    assert.ok(port, `${workload.name} has a container port named ${targetPort}`);
    return port.containerPort;
}

for (const stack of ["dev", "production"]) {
    describe(`${stack} plan: least privilege`, () => {
        const q = (): PlanQuery => stacks[stack]!;
        const vpcCidr = (): string => (JSON.parse(readStackFile(stack).config[`${PROJECT}:network`]!) as { cidr: string }).cidr;

        it("denies all traffic but DNS to CoreDNS in every namespace the program creates", () => {
            const namespaces = q().ofType(NAMESPACE).map((namespace) => field<string>(namespace, "metadata.name")).sort();
            assert.deepEqual(namespaces, [...new Set(workloads(q()).map(namespaceOf))].sort(), "the program creates a namespace for each of its workloads and no other");
            for (const namespace of namespaces) {
                assert.deepEqual(policy(q(), namespace, "default-deny"), { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, namespace);
                assert.deepEqual(policy(q(), namespace, "allow-dns"), {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ namespaceSelector: inNamespace("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }],
                }, namespace);
            }
        });

        it("creates each namespace's default-deny after that namespace's other policies, so it is never enforced alone", () => {
            for (const deny of q().ofType(POLICY).filter((resource) => field(resource, "metadata.name") === "default-deny")) {
                const others = q().ofType(POLICY).filter((resource) => namespaceOf(resource) === namespaceOf(deny) && resource !== deny);
                assert.ok(others.length >= 2, `${namespaceOf(deny)}: allow-dns and a workload's policy`);
                assert.deepEqual(others.filter((other) => !deny.dependencies.includes(other.urn)).map((other) => other.name), [], namespaceOf(deny));
                assert.deepEqual(others.filter((other) => other.dependencies.includes(deny.urn)).map((other) => other.name), [], "no allow policy waits for it");
            }
        });

        it("gives every workload a policy that selects its pods and admits the controller's pods on its container ports", () => {
            const controller = q().kubernetes("kubernetes:apps/v1:Deployment", "ingress-controller", "haproxy-ingress");
            const controllerPods = field<Record<string, string>>(controller, "spec.template.metadata.labels");
            for (const workload of workloads(q()).filter((resource) => namespaceOf(resource) !== "ingress-controller")) {
                const labels = field<Record<string, string>>(workload, "spec.template.metadata.labels");
                const policies = q().ofType(POLICY).filter((resource) => namespaceOf(resource) === namespaceOf(workload));
                const own = policies.filter((resource) => {
                    const selector = field<PolicySpec>(resource, "spec").podSelector.matchLabels;
                    return selector !== undefined && selects(selector, labels);
                });
                assert.equal(own.length, 1, `${workload.name}: one policy of its own`);
                const spec = field<PolicySpec>(own[0]!, "spec");
                const fromController = spec.ingress?.find((rule) => rule.from?.some((peer) => peer.podSelector && selects(peer.podSelector.matchLabels ?? {}, controllerPods)
                    && peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "ingress-controller"));
                assert.ok(fromController, `${workload.name} admits the controller`);
                const containerPorts = field<Container[]>(workload, "spec.template.spec.containers").flatMap((container) => container.ports ?? []).map((port) => port.containerPort);
                for (const port of fromController.ports) assert.ok(containerPorts.includes(port.port), `${workload.name} listens on ${port.port}`);
            }
        });

        it("lets the controller reach every Ingress backend's pods on the ports its Service targets, and nothing else in the cluster", () => {
            const spec = policy(q(), "ingress-controller", "haproxy-ingress");
            const backendRules = (spec.egress ?? []).filter((rule) => rule.to?.some((peer) => peer.namespaceSelector));
            let checked = 0;
            for (const ingress of q().ofType("kubernetes:networking.k8s.io/v1:Ingress")) {
                const namespace = namespaceOf(ingress);
                const backend = field<{ service: { name: string; port: { number: number } } } | undefined>(ingress, "spec.defaultBackend")
                    ?? field<{ http: { paths: { backend: { service: { name: string; port: { number: number } } } }[] } }[]>(ingress, "spec.rules")[0]!.http.paths[0]!.backend;
                const service = q().kubernetes(SERVICE, namespace, backend.service.name);
                const selector = field<Record<string, string>>(service, "spec.selector");
                const servicePort = field<{ port: number; targetPort: string | number }[]>(service, "spec.ports").find((port) => port.port === backend.service.port.number)!;
                const pods = workloads(q()).find((workload) => namespaceOf(workload) === namespace && selects(selector, field(workload, "spec.template.metadata.labels")))!;
                const podPort = containerPortOf(pods, servicePort.targetPort);
                const rule = backendRules.find((candidate) => candidate.to!.some((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === namespace
                    && peer.podSelector && selects(peer.podSelector.matchLabels ?? {}, selector)));
                assert.ok(rule, `an egress rule to ${namespace} pods selected like Service ${backend.service.name}`);
                assert.ok(rule.ports.some((port) => port.port === podPort), `${ingress.name}: port ${podPort} admitted`);
                checked++;
            }
            assert.equal(checked, stack === "dev" ? 4 : 3, "Cortex, the ActiveMQ console and OpenWire (and dev's status page)");
            const backendNamespaces = new Set(q().ofType("kubernetes:networking.k8s.io/v1:Ingress").map(namespaceOf));
            for (const rule of backendRules) {
                for (const peer of rule.to!) assert.ok(backendNamespaces.has(peer.namespaceSelector!.matchLabels!["kubernetes.io/metadata.name"]!), "no egress to a namespace without a route");
            }
        });

        it("lets the controller reach the API server's Service address, and the WAF agent on 12345 only", () => {
            const spec = policy(q(), "ingress-controller", "haproxy-ingress");
            const wafPods = field<Record<string, string>>(q().kubernetes("kubernetes:apps/v1:Deployment", "ingress-controller", "modsecurity-spoa"), "spec.template.metadata.labels");
            assert.deepEqual(spec.egress!.slice(0, 2), [
                // The fake EKS service range is 172.20.0.0/16; the `kubernetes` Service takes its first address.
                { to: [{ ipBlock: { cidr: "172.20.0.1/32" } }], ports: tcp(443) },
                { to: [{ podSelector: { matchLabels: wafPods } }], ports: tcp(12345) },
            ]);
            assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
        });

        it("admits client traffic from anywhere but the VPC on the traffic ports, health checks from the VPC, metrics from the scraper namespace", () => {
            const controller = q().kubernetes("kubernetes:apps/v1:Deployment", "ingress-controller", "haproxy-ingress");
            const spec = policy(q(), "ingress-controller", "haproxy-ingress");
            assert.deepEqual(spec.podSelector.matchLabels, field(controller, "spec.selector.matchLabels"));
            const ports = field<Container[]>(controller, "spec.template.spec.containers")[0]!.ports!;
            const byName = (names: (name: string) => boolean): number[] => ports.filter((port) => names(port.name!)).map((port) => port.containerPort).sort((a, b) => a - b);
            const trafficPorts = byName((name) => name === "http" || name === "https" || name.startsWith("tcp-"));
            assert.deepEqual(spec.ingress, [
                { from: [{ ipBlock: { cidr: "0.0.0.0/0", except: [vpcCidr()] } }], ports: tcp(...trafficPorts) },
                { from: [{ ipBlock: { cidr: vpcCidr() } }], ports: tcp(...byName((name) => name === "healthz")) },
                {
                    from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring"] }] } }],
                    ports: tcp(...byName((name) => ["stats", "metrics", "haproxy-metrics"].includes(name))),
                },
            ]);
            assert.ok(field<Container & { args: string[] }[]>(controller, "spec.template.spec.containers")[0]!.args.includes("--profiling=false"));
        });

        it("has the NLB hand the controller the client's own address, which the traffic ports' ipBlock is written for", () => {
            const targetGroups = q().ofType("aws:lb/targetGroup:TargetGroup");
            assert.equal(targetGroups.length, field<PolicySpec>(q().kubernetes(POLICY, "ingress-controller", "haproxy-ingress"), "spec").ingress![0]!.ports.length, "one per traffic port");
            for (const group of targetGroups) assert.deepEqual([field(group, "targetType"), field(group, "preserveClientIp")], ["instance", "true"], group.name);
        });

        it("admits only the controller's pods to the WAF agent, on 12345, and lets the agent call nothing", () => {
            const controllerPods = field<Record<string, string>>(q().kubernetes("kubernetes:apps/v1:Deployment", "ingress-controller", "haproxy-ingress"), "spec.template.metadata.labels");
            const agent = q().kubernetes("kubernetes:apps/v1:Deployment", "ingress-controller", "modsecurity-spoa");
            assert.deepEqual(policy(q(), "ingress-controller", "modsecurity-spoa"), {
                podSelector: { matchLabels: field(agent, "spec.selector.matchLabels") },
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: { matchLabels: controllerPods } }], ports: tcp(12345) }],
                egress: [],
            });
            const agentPort = field<Container[]>(agent, "spec.template.spec.containers")[0]!.ports![0]!.containerPort;
            assert.equal(agentPort, 12345);
        });

        it("admits Cortex's namespace to ActiveMQ's OpenWire port, and lets Cortex reach it and its configured database only", () => {
            const broker = policy(q(), "activemq", "activemq");
            assert.deepEqual(broker.ingress![1], {
                from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["cortex"] }] } }],
                ports: tcp(61616),
            });
            assert.deepEqual(broker.egress, []);
            const brokerPods = field<Record<string, string>>(q().kubernetes("kubernetes:apps/v1:StatefulSet", "activemq", "activemq"), "spec.template.metadata.labels");
            const configured = (JSON.parse(readStackFile(stack).config[`${PROJECT}:routes`]!) as { cortex: { egress: { cidr: string; ports: number[] }[] } }).cortex.egress;
            assert.deepEqual(policy(q(), "cortex", "cortex").egress, [
                { to: [{ namespaceSelector: inNamespace("activemq"), podSelector: { matchLabels: brokerPods } }], ports: tcp(61616) },
                ...configured.map((rule) => ({ to: [{ ipBlock: { cidr: rule.cidr } }], ports: tcp(...rule.ports) })),
            ], "ActiveMQ and the stack's configured database, nothing else");
            assert.equal(configured.length, 1);
        });

        it("labels each namespace enforce restricted exactly when all its pods meet Restricted, naming the pods that do not", () => {
            for (const namespace of q().ofType(NAMESPACE)) {
                const name = field<string>(namespace, "metadata.name");
                const pods = workloads(q()).filter((workload) => namespaceOf(workload) === name);
                const failing = pods
                    .map((workload) => ({ name: field<string>(workload, "metadata.name"), violations: podSecurityViolations(field<PodTemplateFields>(workload, "spec.template")) }))
                    .filter((pod) => pod.violations.length > 0);
                assert.ok(failing.every((pod) => pod.violations.every((violation) => violation.level === "restricted")), `${name}: every pod meets Baseline`);
                const labels = field<Record<string, string>>(namespace, "metadata.labels");
                const exceptions = field<Record<string, string> | undefined>(namespace, "metadata.annotations")?.["commerce-edge/restricted-exceptions"];
                if (failing.length === 0) {
                    assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted", name);
                    assert.equal(labels["pod-security.kubernetes.io/warn"], undefined, name);
                    assert.equal(exceptions, undefined, name);
                } else {
                    assert.equal(labels["pod-security.kubernetes.io/enforce"], "baseline", name);
                    assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted", name);
                    for (const pod of failing) assert.ok(exceptions?.includes(`${pod.name}: `), `${name} names ${pod.name}`);
                }
            }
            assert.equal(field<Record<string, string>>(q().kubernetes(NAMESPACE, undefined, "cortex"), "metadata.labels")["pod-security.kubernetes.io/enforce"], "restricted", "Cortex's pods meet Restricted");
        });
    });
}
