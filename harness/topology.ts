import { ANNOTATION_PREFIX, GlobalKey, IngressKey } from "../components/haproxy/keys";
import type { RecordedResource } from "./mockEngine";

/**
 * The traffic topology of a plan as a Mermaid flowchart, derived from the planned resources only:
 * client → DNS names → NLB listener ports → NodePorts → controller → each Ingress route (host/path
 * or TCP port, with its allowlist, WAF and TLS) → Service → workload. GitHub renders Mermaid in
 * Markdown files and PR comments.
 */

/** The inputs this module reads, by resource type. */
interface BalancerInputs { readonly internal?: boolean; readonly enableCrossZoneLoadBalancing?: boolean; readonly subnets?: readonly string[] }
interface ListenerInputs { readonly port?: number; readonly protocol?: string; readonly loadBalancerArn?: string; readonly defaultActions?: readonly { readonly targetGroupArn?: string }[] }
interface TargetGroupInputs { readonly port?: number; readonly proxyProtocolV2?: boolean; readonly healthCheck?: { readonly protocol?: string; readonly port?: string } }
interface ServicePort { readonly name?: string; readonly port?: number; readonly nodePort?: number }
interface ServiceInputs { readonly spec?: { readonly ports?: readonly ServicePort[]; readonly selector?: Record<string, string>; readonly externalTrafficPolicy?: string } }
interface WorkloadInputs {
    readonly spec?: {
        readonly replicas?: number;
        readonly template?: {
            readonly metadata?: { readonly labels?: Record<string, string> };
            readonly spec?: { readonly containers?: readonly { readonly args?: readonly string[] }[]; readonly volumes?: readonly { readonly persistentVolumeClaim?: { readonly claimName?: string } }[] };
        };
        readonly volumeClaimTemplates?: readonly ClaimInputs[];
    };
}
interface ClaimInputs { readonly spec?: { readonly storageClassName?: string; readonly resources?: { readonly requests?: { readonly storage?: string } } } }
interface IngressBackend { readonly service?: { readonly name?: string; readonly port?: { readonly number?: number; readonly name?: string } } }
interface IngressInputs {
    readonly spec?: {
        readonly ingressClassName?: string;
        readonly defaultBackend?: IngressBackend;
        readonly tls?: readonly { readonly hosts?: readonly string[] }[];
        readonly rules?: readonly { readonly host?: string; readonly http?: { readonly paths?: readonly { readonly path?: string; readonly backend?: IngressBackend }[] } }[];
    };
}
interface RecordInputs { readonly name?: string; readonly aliases?: readonly { readonly name?: string }[] }

const inputsOf = <T>(resource: RecordedResource): T => resource.inputs as T;
const ofType = (resources: readonly RecordedResource[], type: string): RecordedResource[] => resources.filter((resource) => resource.type === type);
const meta = (resource: RecordedResource): { name?: string; namespace?: string; annotations?: Record<string, string> } =>
    (resource.inputs.metadata ?? {}) as { name?: string; namespace?: string; annotations?: Record<string, string> };
const podLabels = (resource: RecordedResource): Record<string, string> => inputsOf<WorkloadInputs>(resource).spec?.template?.metadata?.labels ?? {};
const replicasOf = (resource: RecordedResource): number => inputsOf<WorkloadInputs>(resource).spec?.replicas ?? 1;
const portsOf = (service: RecordedResource): readonly ServicePort[] => inputsOf<ServiceInputs>(service).spec?.ports ?? [];
const selectorOf = (service: RecordedResource): Record<string, string> => inputsOf<ServiceInputs>(service).spec?.selector ?? {};
const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
    Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

/** A Mermaid label: quoted, with quotes escaped, lines joined by <br/>. */
function label(...lines: readonly string[]): string {
    return `"${lines.filter((line) => line !== "").map((line) => line.replaceAll("\"", "#quot;")).join("<br/>")}"`;
}

function shortList(items: readonly string[], max = 3): string {
    return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} +${items.length - max} more`;
}

interface Route {
    readonly title: string;
    readonly details: readonly string[];
    readonly service?: RecordedResource;
    /** namespace/name of the backend Service, and its port. */
    readonly serviceRef: string;
    readonly port: string;
    readonly usesWaf: boolean;
}

export function topologyMermaid(resources: readonly RecordedResource[]): string {
    const lines = ["flowchart LR", "    client([client])"];
    const edges: string[] = [];
    let counter = 0;
    const ids = new Map<string, string>();
    const node = (key: string, text: string, shape: "box" | "round" = "box", indent = "    "): string => {
        let id = ids.get(key);
        if (!id) {
            id = `n${counter++}`;
            ids.set(key, id);
            lines.push(`${indent}${id}${shape === "round" ? `(${text})` : `[${text}]`}`);
        }
        return id;
    };

    const natAddresses = new Set(ofType(resources, "aws:ec2/natGateway:NatGateway").map((nat) => String(nat.computed.publicIp)));
    const balancers = ofType(resources, "aws:lb/loadBalancer:LoadBalancer");
    const targetGroups = ofType(resources, "aws:lb/targetGroup:TargetGroup");
    const services = ofType(resources, "kubernetes:core/v1:Service");
    const workloads = resources.filter((resource) => resource.type === "kubernetes:apps/v1:Deployment" || resource.type === "kubernetes:apps/v1:StatefulSet");

    // DNS names → NLB
    const records = ofType(resources, "aws:route53/record:Record").sort((a, b) => String(a.inputs.name).localeCompare(String(b.inputs.name)));
    const nlbIds = new Map<string, string>();
    for (const balancer of balancers) {
        const inputs = inputsOf<BalancerInputs>(balancer);
        nlbIds.set(String(balancer.computed.dnsName), node(balancer.urn, label(
            `NLB ${balancer.name}`,
            `${inputs.internal ? "internal" : "internet-facing"}${inputs.enableCrossZoneLoadBalancing ? ", cross-zone" : ""}, ${(inputs.subnets ?? []).length} subnets`,
        )));
    }
    if (records.length > 0) lines.push("    subgraph dns [Route53 alias records]");
    for (const record of records) {
        const id = node(record.urn, label(String(record.inputs.name)), "box", "        ");
        edges.push(`client --> ${id}`);
        const target = nlbIds.get(String(inputsOf<RecordInputs>(record).aliases?.[0]?.name));
        if (target) edges.push(`${id} --> ${target}`);
    }
    if (records.length > 0) lines.push("    end");

    // Listeners → target groups (NodePorts) → controller Service → controller pods
    const controllerFor = new Map<string, string>();
    const listeners = ofType(resources, "aws:lb/listener:Listener").sort((a, b) => Number(a.inputs.port) - Number(b.inputs.port));
    for (const listener of listeners) {
        const inputs = inputsOf<ListenerInputs>(listener);
        const balancer = balancers.find((candidate) => candidate.id === inputs.loadBalancerArn);
        const listenerId = node(listener.urn, label(`${inputs.protocol} :${inputs.port}`));
        const balancerId = balancer ? ids.get(balancer.urn) : undefined;
        if (balancerId) edges.push(`${balancerId} --> ${listenerId}`);
        const group = targetGroups.find((candidate) => candidate.id === inputs.defaultActions?.[0]?.targetGroupArn);
        if (!group) continue;
        const groupInputs = inputsOf<TargetGroupInputs>(group);
        const service = services.find((candidate) => portsOf(candidate).some((port) => port.nodePort === groupInputs.port));
        const servicePort = service ? portsOf(service).find((port) => port.nodePort === groupInputs.port) : undefined;
        const nodePortId = node(`nodeport:${groupInputs.port}`, label(
            `NodePort ${groupInputs.port}${servicePort ? ` → ${servicePort.name}` : ""}`,
            `${groupInputs.proxyProtocolV2 ? "PROXY v2" : "no PROXY protocol"}, health ${groupInputs.healthCheck?.protocol ?? "TCP"} :${groupInputs.healthCheck?.port ?? groupInputs.port}`,
        ));
        edges.push(`${listenerId} --> ${nodePortId}`);
        if (!service) continue;
        const controller = workloads.find((workload) => meta(workload).namespace === meta(service).namespace && selects(selectorOf(service), podLabels(workload)));
        if (!controller) continue;
        const args = (inputsOf<WorkloadInputs>(controller).spec?.template?.spec?.containers ?? []).flatMap((container) => container.args ?? []);
        const ingressClass = args.find((arg) => arg.startsWith("--ingress-class="))?.split("=")[1] ?? "";
        const controllerId = node(controller.urn, label(
            `${meta(controller).name} ×${replicasOf(controller)}`,
            `namespace ${meta(controller).namespace}, class ${ingressClass}`,
            `Service ${meta(service).name}: externalTrafficPolicy ${inputsOf<ServiceInputs>(service).spec?.externalTrafficPolicy ?? "Cluster"}`,
        ));
        controllerFor.set(ingressClass, controllerId);
        edges.push(`${nodePortId} --> ${controllerId}`);
    }

    // Controller → routes → Services → workloads
    const annotation = (resource: RecordedResource, key: string): string | undefined => meta(resource).annotations?.[`${ANNOTATION_PREFIX}${key}`];
    const routes: [string, Route][] = [];
    for (const ingress of ofType(resources, "kubernetes:networking.k8s.io/v1:Ingress")) {
        const spec = inputsOf<IngressInputs>(ingress).spec ?? {};
        const namespace = meta(ingress).namespace ?? "default";
        const allowlist = (annotation(ingress, IngressKey.allowlistSourceRange) ?? "").split(",").filter((cidr) => cidr !== "")
            .map((cidr) => (natAddresses.has(cidr.replace(/\/32$/, "")) ? "NAT egress" : cidr));
        const waf = annotation(ingress, IngressKey.waf);
        const wafMode = annotation(ingress, IngressKey.wafMode);
        const allow = allowlist.length > 0 ? `allow ${shortList(allowlist)}` : "open to all";
        const serviceOf = (name: string | undefined): RecordedResource | undefined =>
            services.find((service) => meta(service).namespace === namespace && meta(service).name === name);
        const tcpPort = annotation(ingress, IngressKey.tcpServicePort);
        if (tcpPort !== undefined) {
            const backend = spec.defaultBackend?.service ?? {};
            const service = serviceOf(backend.name);
            routes.push([`${spec.ingressClassName}:tcp:${tcpPort}`, {
                title: `TCP :${tcpPort}`,
                details: [allow, "no WAF (TCP)"],
                ...(service ? { service } : {}),
                serviceRef: `${namespace}/${backend.name}`,
                port: String(backend.port?.number ?? ""),
                usesWaf: false,
            }]);
            continue;
        }
        const tlsHosts = new Set((spec.tls ?? []).flatMap((entry) => entry.hosts ?? []));
        for (const rule of spec.rules ?? []) {
            for (const path of rule.http?.paths ?? []) {
                const backend = path.backend?.service ?? {};
                const service = serviceOf(backend.name);
                const tls = tlsHosts.has(rule.host ?? "");
                routes.push([`${spec.ingressClassName}:http:${rule.host}${path.path}`, {
                    title: `${tls ? "https" : "http"}://${rule.host}${path.path}`,
                    details: [allow, `WAF ${waf ? (wafMode ?? "on") : "off"}${tls ? " · TLS" : ""}`],
                    ...(service ? { service } : {}),
                    serviceRef: `${namespace}/${backend.name}`,
                    port: String(backend.port?.number ?? backend.port?.name ?? ""),
                    usesWaf: waf !== undefined,
                }]);
            }
        }
    }
    routes.sort(([a], [b]) => a.localeCompare(b));
    for (const [key, route] of routes) {
        const controllerId = controllerFor.get(key.split(":")[0]!);
        const routeId = node(`route:${key}`, label(route.title, ...route.details), "round");
        if (controllerId) edges.push(`${controllerId} --> ${routeId}`);
        const toService = `${routeId} -- ":${route.port}" -->`;
        if (!route.service) {
            edges.push(`${toService} ${node(`service:${route.serviceRef}`, label(`Service ${route.serviceRef}`, "existing, not in this stack"))}`);
            continue;
        }
        const serviceId = node(route.service.urn, label(`Service ${route.serviceRef}`));
        edges.push(`${toService} ${serviceId}`);
        const service = route.service;
        for (const workload of workloads.filter((candidate) => meta(candidate).namespace === meta(service).namespace && selects(selectorOf(service), podLabels(candidate)))) {
            const spec = inputsOf<WorkloadInputs>(workload).spec;
            // Claim templates, and claims of the workload's namespace its pods mount.
            const mounted = (spec?.template?.spec?.volumes ?? []).flatMap((volume) =>
                ofType(resources, "kubernetes:core/v1:PersistentVolumeClaim").filter((claim) => meta(claim).namespace === meta(workload).namespace && meta(claim).name === volume.persistentVolumeClaim?.claimName));
            const claims = [...(spec?.volumeClaimTemplates ?? []), ...mounted.map((claim) => inputsOf<ClaimInputs>(claim))]
                .map((claim) => `volume ${claim.spec?.resources?.requests?.storage ?? "?"} (${claim.spec?.storageClassName ?? "default class"})`);
            const kind = workload.type.slice(workload.type.lastIndexOf(":") + 1);
            edges.push(`${serviceId} --> ${node(workload.urn, label(`${kind} ${meta(workload).name} ×${replicasOf(workload)}`, ...claims))}`);
        }
    }

    // The WAF agent the controller asks (its ConfigMap names the agent Service's address).
    if (routes.some(([, route]) => route.usesWaf)) {
        const endpoints = ofType(resources, "kubernetes:core/v1:ConfigMap")
            .map((configMap) => (configMap.inputs.data as Record<string, string> | undefined)?.[GlobalKey.modsecurityEndpoints])
            .find((value): value is string => typeof value === "string");
        const port = Number(endpoints?.split(":").pop());
        const agentService = services.find((service) => portsOf(service).some((candidate) => candidate.port === port));
        const agent = agentService && workloads.find((workload) => meta(workload).namespace === meta(agentService).namespace && selects(selectorOf(agentService), podLabels(workload)));
        if (agent) {
            const agentId = node(agent.urn, label(`${meta(agent).name} ×${replicasOf(agent)}`, "ModSecurity SPOA agent"));
            for (const controllerId of new Set(controllerFor.values())) edges.push(`${controllerId} -. SPOE .-> ${agentId}`);
        }
    }
    return [...lines, ...[...new Set(edges)].map((edge) => `    ${edge}`)].join("\n");
}

/** The topology as a fenced Mermaid block. */
export function topologyMarkdown(resources: readonly RecordedResource[]): string {
    return `\`\`\`mermaid\n${topologyMermaid(resources)}\n\`\`\``;
}

const README_START = "<!-- topology:start (generated by npm run docs from the dev plan) -->";
const README_END = "<!-- topology:end -->";

/** The README with the topology block between its markers replaced by `topology`. */
export function withTopology(readme: string, topology: string): string {
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    if (start < 0 || end < start) throw new Error(`README.md needs the markers ${README_START} and ${README_END}`);
    return `${readme.slice(0, start + README_START.length)}\n${topology}\n${readme.slice(end)}`;
}
