import { parseCidr } from "./cidr";
import { inboundRuleCount, listenerSources } from "../components/aws/listenerSources";
import { SECURITY_GROUP_RULES_DEFAULT_MAX } from "./awsFacts";
import { MAX_INDEXED_ZONES, subnetLayoutProblem } from "../components/aws/subnetLayout";
import { crsVersionOfImage } from "../components/haproxy/wafConfig";
import { clock } from "./clock";
import { kubernetesVersionProblems } from "./kubernetesVersion";
import { natGatewayCount } from "./model";
import { claim, ENDPOINT_CIDRS_KEY, hostKey, routeAllowlists, worldOpenProblems } from "./acceptorRules";
import type { ConfigProblem } from "./messages";
import { RESERVED_CONTAINER_PORTS, RESERVED_NODE_PORTS, type RouteTable } from "./routeTable";
import type { StackConfig } from "./schema";

/**
 * Rules that compare several keys, run on a config that passed the schema.
 * Each returns problems; none throws.
 */
export function crossKeyProblems(config: StackConfig, table: RouteTable): ConfigProblem[] {
    return [
        ...networkProblems(config),
        ...clusterProblems(config),
        ...kubernetesVersionProblems(config.cluster, clock.today()),
        ...replicaProblems(config),
        ...hostProblems(config, table),
        ...routeShapeProblems(config),
        ...passwordProblems(config),
        ...natEgressProblems(config, table),
        ...consoleProblems(config),
        ...portProblems(table),
        ...tlsProblems(config),
        ...wafProblems(config, table),
        ...productionProblems(config, table),
        ...listenerRuleProblems(config, table),
    ];
}

/** The NLB's security group holds one inbound rule per listener port and source. */
function listenerRuleProblems(config: StackConfig, table: RouteTable): ConfigProblem[] {
    const rules = inboundRuleCount(listenerSources(table), natGatewayCount(config));
    if (rules <= SECURITY_GROUP_RULES_DEFAULT_MAX) return [];
    return [{
        key: "routes",
        message: `needs ${rules} inbound rules on the NLB's security group: 80, 443, and one per IPv4 allowlist entry and NAT address of each TCP route (at most ${SECURITY_GROUP_RULES_DEFAULT_MAX}, AWS's default quota per security group: shorten the TCP routes' allowlists)`,
    }];
}

function networkProblems(config: StackConfig): ConfigProblem[] {
    const parsed = parseCidr(config.network.cidr);
    if (parsed.ok && (parsed.cidr.family !== "ipv4" || parsed.cidr.prefixLength < 16 || parsed.cidr.prefixLength > 24)) {
        return [{ key: "network.cidr", message: `is ${config.network.cidr} (an IPv4 block from /16 to /24, as a VPC allows)` }];
    }
    const { availabilityZones, subnetLayout } = config.network;
    if (config.network.existing) return [];
    if (subnetLayout === "zoneIndexed" && availabilityZones > MAX_INDEXED_ZONES) {
        return [{
            key: "network.availabilityZones",
            message: `is ${availabilityZones} (at most ${MAX_INDEXED_ZONES} with network.subnetLayout zoneIndexed, which reserves every zone's subnets up front so that adding a zone never moves the others)`,
        }];
    }
    const layoutProblem = subnetLayoutProblem(config.network.cidr, availabilityZones, subnetLayout);
    return layoutProblem ? [{ key: "network.cidr", message: `${layoutProblem} (a larger block or fewer AZs)` }] : [];
}

function clusterProblems(config: StackConfig): ConfigProblem[] {
    const { nodeMinSize, nodeDesiredSize, nodeMaxSize } = config.cluster;
    if (nodeMinSize <= nodeDesiredSize && nodeDesiredSize <= nodeMaxSize) return [];
    return [
        {
            key: "cluster.nodeDesiredSize",
            message: `is ${nodeDesiredSize} with nodeMinSize ${nodeMinSize} and nodeMaxSize ${nodeMaxSize} (nodeMinSize ≤ nodeDesiredSize ≤ nodeMaxSize)`,
        },
    ];
}

function hostProblems(config: StackConfig, table: RouteTable): ConfigProblem[] {
    const zone = config.dns.zoneName;
    const problems: ConfigProblem[] = [];
    for (const route of table.http) {
        if (route.host !== zone && !route.host.endsWith(`.${zone}`)) {
            problems.push({ key: hostKey(route), message: `"${route.host}" is not inside the DNS zone "${zone}" (a name ending in .${zone})` });
        }
    }
    return problems;
}

/** Namespaces a route's workload may not be created in. */
const RESERVED_NAMESPACES = ["ingress-controller", "activemq", "cortex", "kube-system", "kube-public", "kube-node-lease", "default"];

/**
 * The broker reads its passwords from a properties file the program escapes, so any character survives there. The
 * console's HTTP Basic login has no agreed encoding (RFC 7617 §2.1: implementations use ISO-8859-1 or UTF-8, and the
 * image's jetty.xml negotiates none), so only ASCII passwords match from every browser.
 */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
/**
 * The web console's JMS connection logs in as the broker user through Spring's PropertyPlaceholderConfigurer
 * (webconsole-embedded.xml), which expands "${…}" inside the password it reads (Spring 6.1 PropertyPlaceholderHelper
 * resolves placeholders in resolved values; 6.1 has no escape): the console would log in with another password, or
 * not start.
 */
const SPRING_PLACEHOLDER_PREFIX = "${";

function passwordProblems(config: StackConfig): ConfigProblem[] {
    const problems = (["activemqAdminPassword", "activemqBrokerPassword"] as const)
        .filter((key) => !PRINTABLE_ASCII.test(config[key]))
        .map((key) => ({ key, message: "has a character outside printable ASCII (letters, digits, space and ASCII punctuation: the console's login matches nothing else)" }));
    if (config.activemqBrokerPassword.includes(SPRING_PLACEHOLDER_PREFIX)) {
        problems.push({
            key: "activemqBrokerPassword",
            message: `contains "${SPRING_PLACEHOLDER_PREFIX}", which the web console's Spring configuration would expand as a placeholder in the password it connects to the broker with (any other characters: "$" not followed by "{")`,
        });
    }
    return problems;
}

/** The ActiveMQ console administers the broker: never open to the world, in any tier. */
function consoleProblems(config: StackConfig): ConfigProblem[] {
    return worldOpenProblems({ key: "routes.activemq.consoleAllowlist", cidrs: config.routes.activemq.consoleAllowlist }, "the broker console: name the operators' networks");
}

/** With an existing VPC the program does not know its NAT addresses. */
function natEgressProblems(config: StackConfig, table: RouteTable): ConfigProblem[] {
    if (!config.network.existing) return [];
    return [...table.http, ...table.tcp]
        .filter((route) => route.allowNatEgress)
        .map((route) => ({ key: `${route.configKey}.allowNatEgress`, message: "is true with network.existing (list the VPC's NAT addresses in allowlist instead)" }));
}

function routeShapeProblems(config: StackConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const { cortex } = config.routes;
    if (!cortex.image && !cortex.service) {
        problems.push({ key: "routes.cortex.image", message: "is not set (set image to deploy Cortex, or service to route to an existing one)" });
    }
    if (cortex.image && cortex.service) {
        problems.push({ key: "routes.cortex", message: "sets both image and service (one: image deploys Cortex, service routes to an existing one)" });
    }
    const canaries: { key: string; canary: NonNullable<typeof cortex.canary>; deploys: boolean }[] = [];
    if (cortex.canary) canaries.push({ key: "routes.cortex.canary", canary: cortex.canary, deploys: !cortex.service });
    config.routes.additional.forEach((route, index) => {
        const key = `routes.additional[${index}]`;
        if (route.protocol !== "http") return;
        if (Boolean(route.service) === Boolean(route.workload)) {
            problems.push({ key, message: "needs exactly one of service and workload (service routes to an existing Service, workload deploys one)" });
        }
        if (route.canary) canaries.push({ key: `${key}.canary`, canary: route.canary, deploys: Boolean(route.workload) });
        const workloadNamespace = route.namespace ?? route.name;
        if (route.workload && RESERVED_NAMESPACES.includes(workloadNamespace)) {
            problems.push({ key: `${key}.namespace`, message: `is ${workloadNamespace}, a namespace this program or Kubernetes owns (not ${RESERVED_NAMESPACES.join(", ")})` });
        }
    });
    for (const { key, canary, deploys } of canaries) {
        if (canary.weightPercent === undefined && canary.header === undefined) {
            problems.push({ key, message: "sets neither weightPercent nor header (at least one)" });
        }
        if (deploys && !canary.image) {
            problems.push({ key: `${key}.image`, message: "is not set (the canary Deployment of a program-deployed workload needs an image)" });
        }
        if (!deploys && canary.image) {
            problems.push({ key: `${key}.image`, message: "is set for a route to an existing Service (label its canary pods track=canary instead)" });
        }
    }
    return problems;
}

function portProblems(table: RouteTable): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const ports = new Map<number, string>();
    const nodePorts = new Map<number, string>();
    for (const route of table.tcp) {
        const portKey = route.configKey === "routes.activemq" ? "routes.activemq.openwirePort" : `${route.configKey}.port`;
        if (RESERVED_CONTAINER_PORTS.includes(route.port)) {
            problems.push({ key: portKey, message: `${route.port} is a port of the controller itself (not ${RESERVED_CONTAINER_PORTS.join(", ")})` });
        }
        const firstPort = claim(ports, route.port, route.configKey);
        if (firstPort) problems.push({ key: portKey, message: `${route.port} is already used by ${firstPort} (one TCP route per port)` });

        const nodePortKey = route.configKey === "routes.activemq" ? "routes.activemq.openwirePort" : `${route.configKey}.nodePort`;
        if (RESERVED_NODE_PORTS.includes(route.nodePort)) {
            problems.push({ key: nodePortKey, message: `NodePort ${route.nodePort} is reserved for the controller (not ${RESERVED_NODE_PORTS.join(", ")}; set nodePort)` });
        }
        // A duplicate port already explains its duplicate NodePort.
        const firstNodePort = claim(nodePorts, route.nodePort, route.configKey);
        if (firstNodePort && firstPort === undefined) {
            problems.push({ key: nodePortKey, message: `NodePort ${route.nodePort} is already used by ${firstNodePort} (set a distinct nodePort, 30000-32767)` });
        }
    }
    return problems;
}

function tlsProblems(config: StackConfig): ConfigProblem[] {
    const hasCertificate = config.tlsCertificate !== undefined;
    const hasKey = config.tlsPrivateKey !== undefined;
    if (hasCertificate !== hasKey) {
        const missing = hasCertificate ? "tlsPrivateKey" : "tlsCertificate";
        return [{ key: missing, message: `is not set while ${hasCertificate ? "tlsCertificate" : "tlsPrivateKey"} is (set both, as secrets: pulumi config set --secret ${missing} < file)` }];
    }
    if (hasCertificate && config.ingress.defaultCertificateSecret) {
        return [{ key: "ingress.defaultCertificateSecret", message: "is set together with tlsCertificate/tlsPrivateKey (one source for the default certificate)" }];
    }
    return [];
}

/** The CRS release decides the setup variables rendered for the agent, so it must be known. */
function wafProblems(config: StackConfig, table: RouteTable): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const { wafImage, waf } = config.ingress;
    const shipped = crsVersionOfImage(wafImage);
    if (shipped === undefined && waf.crsVersion === undefined) {
        problems.push({ key: "ingress.waf.crsVersion", message: `is not set and ingress.wafImage ${wafImage} is not a modsecurity-spoa tag this program knows (set the OWASP CRS release the image ships, e.g. 4.16.0)` });
    }
    if (shipped !== undefined && waf.crsVersion !== undefined && waf.crsVersion !== shipped) {
        problems.push({ key: "ingress.waf.crsVersion", message: `is ${waf.crsVersion} but ingress.wafImage ${wafImage} ships CRS ${shipped} (leave it unset, or ${shipped})` });
    }
    for (const route of table.http) {
        if (route.waf === "off" && route.wafExclusions.length > 0) {
            problems.push({ key: `${route.configKey}.wafExclusions`, message: "is set on a route with wafMode off (remove it, or turn the WAF on)" });
        }
    }
    return problems;
}

/** Production serves a real default certificate: the tlsCertificate/tlsPrivateKey secrets, unless it names an existing Secret. */
export function needsCertificateSecrets(environment: unknown, defaultCertificateSecret: unknown): boolean {
    return environment === "production" && defaultCertificateSecret === undefined;
}

function productionProblems(config: StackConfig, table: RouteTable): ConfigProblem[] {
    if (config.environment !== "production") return [];
    const problems: ConfigProblem[] = [];
    // The console allowlist is refused world-open in every tier (consoleProblems), so it is not listed again.
    const allowlists = [
        ...routeAllowlists(config).filter((list) => list.key !== "routes.activemq.consoleAllowlist"),
        { key: ENDPOINT_CIDRS_KEY, cidrs: config.cluster.endpointPublicAccessCidrs },
    ];
    for (const list of allowlists) problems.push(...worldOpenProblems(list, "production: name the client networks"));
    for (const route of table.http) {
        if (route.workload && route.workload.replicas < 2) {
            problems.push({ key: `${route.configKey}${route.configKey === "routes.cortex" ? "" : ".workload"}.replicas`, message: `is ${route.workload.replicas} (production: at least 2)` });
        }
    }
    if (config.ingress.wafMode !== "deny") {
        problems.push({ key: "ingress.wafMode", message: `is ${config.ingress.wafMode} (production: deny)` });
    }
    for (const route of table.http) {
        if (route.waf !== "deny" && route.configKey !== "routes.activemq") {
            problems.push({ key: `${route.configKey}.wafMode`, message: `is ${route.waf} (production: deny)` });
        }
    }
    if (config.tlsCertificate === undefined && needsCertificateSecrets(config.environment, config.ingress.defaultCertificateSecret)) {
        problems.push({
            key: "tlsCertificate",
            message: "is not set (production needs a real default certificate: the tlsCertificate and tlsPrivateKey secrets, or ingress.defaultCertificateSecret)",
        });
    }
    return problems;
}

/** One controller replica leaves the edge without a spare; production keeps one per AZ. */
function replicaProblems(config: StackConfig): ConfigProblem[] {
    const replicas = config.ingress.replicas;
    const minimum = config.environment === "production" ? 3 : 2;
    if (replicas !== undefined && replicas < minimum) {
        return [{ key: "ingress.replicas", message: `is ${replicas} (at least ${minimum}${minimum === 3 ? " in production" : ""})` }];
    }
    return [];
}
