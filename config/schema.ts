import { z } from "zod";
import { DEFAULT_KUBERNETES_VERSION } from "../components/aws/eksVersions";
import { SUBNET_LAYOUTS } from "../components/aws/subnetLayout";
import { AGENT_METHODS, CRS_VERSION, DEFAULT_ALLOWED_METHODS, DEFAULT_MAX_BODY_BYTES, EXCLUDABLE_RULE_IDS, MAX_INSPECTABLE_BODY_BYTES } from "../components/haproxy/wafConfig";
import { cidrProblem } from "./cidr";
import { haproxyTimeoutProblem, rewriteTargetProblem } from "./haproxyValues";
import { dns1035LabelProblem, dns1123LabelProblem, dns1123SubdomainProblem, ingressPathProblem, probePathProblem, quantityProblem } from "./kubernetesValues";
import { UPGRADE_POLICIES } from "./kubernetesVersion";

/**
 * The stack config schema: one key of the `commerce-edge:` namespace per top-level property.
 * Structure, types, ranges and formats live here; rules that compare several keys live in `rules.ts`.
 * Every message says what is wrong and, in parentheses, what is allowed.
 */

export const ENVIRONMENTS = ["dev", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const WAF_MODES = ["deny", "detect"] as const;
export const ROUTE_WAF_MODES = ["deny", "detect", "off"] as const;

/** HAProxy 2.8 `balance` algorithms that take no argument (haproxy-ingress copies the value verbatim). */
export const BALANCE_ALGORITHMS = ["roundrobin", "static-rr", "leastconn", "first", "source", "random"] as const;

export const PATH_TYPES = ["Prefix", "Exact"] as const;
/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy API reference, retentionInDays). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/**
 * An image reference pinned by tag, digest or both (distribution/reference grammar: [domain/]path[:tag][@digest]).
 */
const IMAGE_PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_REFERENCE = new RegExp(
    `^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?` +
        `${IMAGE_PATH_COMPONENT}(?:/${IMAGE_PATH_COMPONENT})*(?<tag>:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?<digest>@sha256:[0-9a-f]{64})?$`,
);

/** A hostname as RFC 1123 defines it, lower case, no wildcard, at most 253 characters. */
export function hostnameProblem(host: string): string | undefined {
    if (host.length > 253) return `"${host}" is longer than 253 characters (RFC 1123 hostname)`;
    if (host.startsWith("*")) return `"${host}" is a wildcard (one exact hostname per route)`;
    if (host.endsWith(".")) return `"${host}" ends with a dot (write it without the root dot: Kubernetes Ingress hosts are DNS-1123 subdomains)`;
    if (/^[0-9.]+$/.test(host) || host.includes(":")) return `"${host}" is an IP address (a DNS name: Kubernetes Ingress hosts may not be IP addresses)`;
    const labels = host.split(".");
    if (labels.length < 2 || labels.some((label) => !DNS_LABEL.test(label))) {
        return `"${host}" is not a hostname (RFC 1123: dot-separated labels of a-z, 0-9 and "-", 1-63 characters, not starting or ending with "-")`;
    }
    return undefined;
}

const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/(?:.*\/)?[\w+=,.@-]+$/, { message: "is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)" });

const cidr = z.string().superRefine((value, ctx) => {
    const problem = cidrProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A string checked by a function that returns what is wrong with it. */
function checked(problemOf: (value: string) => string | undefined) {
    return z.string().superRefine((value, ctx) => {
        const problem = problemOf(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

const hostname = checked(hostnameProblem);

const dnsLabel = z
    .string()
    .regex(DNS_LABEL, { message: "is not a DNS label (a-z, 0-9 and \"-\", 1-63 characters, starting and ending alphanumeric)" });

const port = z.number().int().min(1).max(65535);

/** Kubernetes object names such as ConfigMaps and Secrets: DNS-1123 subdomains (apimachinery IsDNS1123Subdomain). */
const objectName = checked(dns1123SubdomainProblem);

/**
 * Env var names every Kubernetes version accepts (apimachinery IsEnvVarName; the relaxed rule of 1.32+
 * admits more, but not on every cluster).
 */
const envVarName = z
    .string()
    .regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, { message: "is not an environment variable name (letters, digits, \"_\", \"-\" and \".\", not starting with a digit)" })
    .refine((name) => name !== "." && !name.startsWith(".."), { message: "is \".\" or starts with \"..\" (Kubernetes refuses both)" });

const keyRef = z.strictObject({
    name: objectName.describe("Name of the object, in the workload's namespace."),
    key: z
        .string()
        .max(253)
        .regex(/^[-._a-zA-Z0-9]+$/, { message: "is not a ConfigMap or Secret key (letters, digits, \"-\", \"_\" and \".\")" })
        .describe("Key in it."),
});

/** Names that usually carry a secret: a plain value would sit in the stack file and the Deployment. */
const SECRET_LOOKING_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY/i;

const envVar = z
    .strictObject({
        name: envVarName.describe("Variable name."),
        value: z.string().optional().describe("Plain value (never a secret: it is stored in the stack file)."),
        configMapKeyRef: keyRef.optional().describe("Value from a key of a ConfigMap."),
        secretKeyRef: keyRef.optional().describe("Value from a key of a Secret you create."),
    })
    .superRefine((entry, ctx) => {
        const sources = [entry.value, entry.configMapKeyRef, entry.secretKeyRef].filter((source) => source !== undefined).length;
        if (sources !== 1) ctx.addIssue({ code: "custom", message: "needs exactly one of value, configMapKeyRef and secretKeyRef" });
        if (entry.value !== undefined && SECRET_LOOKING_NAME.test(entry.name)) {
            ctx.addIssue({ code: "custom", path: ["value"], message: `is a plain value for ${entry.name}, which names a secret (use secretKeyRef, or envFrom a Secret)` });
        }
    })
    .describe("One environment variable.");

const envFromSource = z
    .strictObject({
        configMap: objectName.optional().describe("Every key of this ConfigMap becomes a variable."),
        secret: objectName.optional().describe("Every key of this Secret (which you create) becomes a variable."),
    })
    .superRefine((entry, ctx) => {
        if ((entry.configMap === undefined) === (entry.secret === undefined)) ctx.addIssue({ code: "custom", message: "needs exactly one of configMap and secret" });
    })
    .describe("A ConfigMap or Secret whose keys become variables.");

/** The VPC CNI enforces at most 24 port combinations per protocol in one egress selector (EKS user guide, network policy considerations). */
const MAX_POLICY_PORTS = 24;

const egressRule = z
    .strictObject({
        cidr: cidr.optional().describe("IPv4 block outside the cluster, e.g. the database subnets."),
        namespace: dnsLabel.optional().describe("Namespace whose pods (and their Services) are reached."),
        ports: z.array(port).min(1).max(MAX_POLICY_PORTS, { message: `lists more than ${MAX_POLICY_PORTS} ports (the VPC CNI enforces at most ${MAX_POLICY_PORTS} per rule)` }).describe("TCP ports."),
    })
    .superRefine((rule, ctx) => {
        if ((rule.cidr === undefined) === (rule.namespace === undefined)) ctx.addIssue({ code: "custom", message: "needs exactly one of cidr and namespace" });
        if (rule.cidr?.includes(":")) ctx.addIssue({ code: "custom", path: ["cidr"], message: `is ${rule.cidr}, an IPv6 block (IPv4: the cluster is IPv4 and the VPC CNI ignores IPv6 rules there)` });
    })
    .describe("A destination the workload may connect to.");

const egress = z
    .array(egressRule)
    .default([])
    .describe("Where the pods may connect besides DNS and, in an in-cluster client namespace, ActiveMQ (NetworkPolicy egress); nowhere else.");

function imageProblem(value: string): string | undefined {
    const groups = IMAGE_REFERENCE.exec(value)?.groups;
    if (!groups) return "is not an image reference (registry/repository:tag, repository@sha256:<digest> or both, e.g. quay.io/org/app:v1.2.3)";
    if (groups.digest !== undefined) return undefined;
    if (groups.tag === undefined) return "has neither a tag nor a digest (pin a version tag or a sha256 digest)";
    if (groups.tag === ":latest") return "uses the tag \"latest\" (pin a version tag or a digest)";
    return undefined;
}

const image = checked(imageProblem);

const timeout = checked(haproxyTimeoutProblem);
const ingressPath = checked(ingressPathProblem);
const probePath = checked(probePathProblem);

const allowlist = z
    .array(cidr)
    .min(1, { message: "is empty (at least one CIDR block: every route needs an allowlist)" })
    .describe("CIDR blocks (IPv4 or IPv6, host bits zero) admitted to the route; checked on the client address carried by PROXY v2.");

const allowNatEgress = z
    .boolean()
    .default(false)
    .describe("Also admit the cluster's own NAT gateway addresses, for in-cluster callers that come back through the NLB.");

const serviceRef = z
    .strictObject({
        namespace: checked(dns1123LabelProblem).describe("Namespace of the existing Service."),
        name: checked(dns1035LabelProblem).describe("Name of the existing Service (a DNS-1035 label, as Ingress backends require)."),
        port: port.describe("Service port."),
        targetPort: port.optional().describe("Port its pods listen on (the Service's targetPort): the controller connects to the pods, and its NetworkPolicy admits this port. Default: port."),
    })
    .describe("An existing Service to route to; no workload is created.");

const workload = z
    .strictObject({
        image: image.describe("Container image, pinned by tag."),
        containerPort: port.default(8080).describe("Port the container listens on (also the Service port)."),
        replicas: z.number().int().min(1).max(50).optional().describe("Replicas. Default: 2 (3 in production)."),
        healthPath: probePath.default("/healthz").describe("HTTP path of the readiness and liveness probes."),
        cpu: checked((value) => quantityProblem(value, "cpu")).default("250m").describe("CPU request (a Kubernetes quantity)."),
        memory: checked((value) => quantityProblem(value, "memory")).default("512Mi").describe("Memory request and limit (a Kubernetes quantity)."),
        egress,
    })
    .describe("A workload this program deploys: a Deployment and a ClusterIP Service.");

const canary = z
    .strictObject({
        image: image.optional().describe("Image of the canary Deployment (program-deployed workloads only)."),
        weightPercent: z.number().int().min(0).max(100).optional().describe("Share of requests sent to the canary pods."),
        header: z
            .string()
            .regex(/^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/, { message: "is not a header name (letters, digits, \"-\", \"_\", \".\")" })
            .optional()
            .describe("Requests whose header of this name equals `canary` go to the canary pods."),
    })
    .describe("Canary by weight and/or header: haproxy-ingress blue-green on the pod label `track` (stable|canary) behind one Service.");

const timeouts = z
    .strictObject({
        connect: timeout.optional().describe("`timeout-connect`: time to connect to a backend (default 5s)."),
        server: timeout.optional().describe("`timeout-server`: backend inactivity (default 50s)."),
        queue: timeout.optional().describe("`timeout-queue`: time in the server queue before a 503 (default 5s)."),
        httpRequest: timeout.optional().describe("`timeout-http-request`: time to receive a complete request (default 5s)."),
    })
    .describe("Backend timeouts of the route (haproxy-ingress Backend-scope keys).");

const routeWafMode = z.enum(ROUTE_WAF_MODES).optional().describe("WAF mode of the route: deny, detect or off. Default: ingress.wafMode.");
const RULE_ID_RANGE = `is not a CRS request detection rule id (${EXCLUDABLE_RULE_IDS.min}-${EXCLUDABLE_RULE_IDS.max}; initialization and blocking evaluation stay, wafMode turns a route's WAF off)`;
const wafExclusions = z
    .array(z
        .number()
        .int()
        .min(EXCLUDABLE_RULE_IDS.min, { message: RULE_ID_RANGE })
        .max(EXCLUDABLE_RULE_IDS.max, { message: RULE_ID_RANGE }))
    .max(100)
    .default([])
    .describe("OWASP CRS rule ids the WAF skips for requests to this route's host and path only (e.g. 920420 for a content type CRS does not know).");
const balanceAlgorithm = z.enum(BALANCE_ALGORITHMS).default("leastconn").describe("HAProxy balance algorithm.");

export const httpRouteSchema = z.strictObject({
    protocol: z.literal("http"),
    name: dnsLabel.describe("Route name: names its Ingress, Service and workload."),
    host: hostname.describe("Public hostname, inside dns.zoneName."),
    path: ingressPath.default("/").describe("Request path."),
    pathType: z.enum(PATH_TYPES).default("Prefix").describe("Ingress pathType."),
    overlaps: z
        .array(dnsLabel)
        .optional()
        .describe("Routes on the same host whose requests this route's path takes a share of (a longer Prefix, or an Exact path under theirs): named here, on purpose, as this route then serves those requests with its own allowlist and WAF."),
    service: serviceRef.optional(),
    workload: workload.optional(),
    namespace: dnsLabel.optional().describe("Namespace of the deployed workload and its Ingress. Default: the route name. With service, the Ingress lives in service.namespace."),
    allowlist,
    allowNatEgress,
    wafMode: routeWafMode,
    wafExclusions,
    balanceAlgorithm,
    tls: z.boolean().default(true).describe("Serve the host over TLS; plain HTTP redirects to HTTPS."),
    rewriteTarget: checked(rewriteTargetProblem).optional().describe("Rewrite the matched path prefix to this path before it reaches the backend."),
    canary: canary.optional(),
    timeouts: timeouts.optional(),
});

export const tcpRouteSchema = z.strictObject({
    protocol: z.literal("tcp"),
    name: dnsLabel.describe("Route name: names its Ingress."),
    port: port.min(1024).describe("Public TCP port on the NLB and the controller (1024-65535)."),
    nodePort: z.number().int().min(30000).max(32767).optional().describe("Controller NodePort. Default: 31000 + port % 1000."),
    service: serviceRef,
    allowlist,
    allowNatEgress,
    tlsOffload: z.boolean().default(false).describe("Terminate TLS for this port in HAProxy (clients connect with TLS)."),
    balanceAlgorithm,
});

/** `namespace/name`: a namespace (DNS-1123 label) and a Secret name (DNS-1123 subdomain). */
function secretReferenceProblem(value: string): string | undefined {
    const parts = value.split("/");
    if (parts.length !== 2) return `${JSON.stringify(value)} is not namespace/name of a Secret`;
    const [namespace, name] = parts as [string, string];
    const problem = dns1123LabelProblem(namespace) ?? dns1123SubdomainProblem(name);
    return problem ? `${JSON.stringify(value)}: ${dns1123LabelProblem(namespace) ? "namespace" : "name"} ${problem}` : undefined;
}

export const additionalRouteSchema = z.discriminatedUnion("protocol", [httpRouteSchema, tcpRouteSchema]);

export const stackConfigSchema = z.strictObject({
    environment: z.enum(ENVIRONMENTS).describe("Environment tier; production turns on the strict rules."),
    network: z
        .strictObject({
            cidr: cidr.default("10.0.0.0/16").describe("IPv4 CIDR of the VPC (/16 to /24)."),
            availabilityZones: z.number().int().min(2).max(6).default(3).describe("Availability zones to spread subnets over (2-6; at most 3 with the zoneIndexed subnet layout)."),
            subnetLayout: z.enum(SUBNET_LAYOUTS).default("zoneIndexed").describe("zoneIndexed: a zone's subnets depend only on network.cidr and the zone's index, so adding a zone only adds subnets. legacy: the layout of stacks created before, sized by the zone count (changing availabilityZones re-carves every subnet)."),
            natGateways: z.enum(["single", "perAz"]).optional().describe("One shared NAT gateway or one per AZ. Default: perAz in production, single elsewhere."),
            existing: z
                .strictObject({
                    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { message: "is not a VPC id (vpc- and 8 or 17 hex digits)" }),
                    publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: "is not a subnet id (subnet- and 8 or 17 hex digits)" })).min(2, { message: "has fewer than 2 subnets (one per AZ, at least 2)" }),
                    privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: "is not a subnet id (subnet- and 8 or 17 hex digits)" })).min(2, { message: "has fewer than 2 subnets (one per AZ, at least 2)" }),
                })
                .optional()
                .describe("Use this VPC and its subnets instead of creating a network (subnets must carry the ELB role tags)."),
        })
        .prefault({})
        .describe("The VPC: created, or an existing one."),
    cluster: z
        .strictObject({
            kubernetesVersion: z.string().regex(/^1\.[0-9]{2}$/, { message: `is not a Kubernetes minor version (e.g. ${DEFAULT_KUBERNETES_VERSION})` }).default(DEFAULT_KUBERNETES_VERSION).describe("EKS Kubernetes version: one known to the program's release calendar, with pinned add-ons; change it one minor version per update (README \"Upgrades\")."),
            upgradePolicy: z.enum(UPGRADE_POLICIES).default("EXTENDED").describe("EKS upgrade policy at the end of standard support: EXTENDED stays on the version at the extended-support price, STANDARD lets EKS upgrade the control plane itself."),
            nodeInstanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "is not an EC2 instance type (e.g. m6i.large)" })).min(1).default(["m6i.large"]).describe("Instance types of the managed node group."),
            nodeMinSize: z.number().int().min(2).max(100).default(2).describe("Minimum nodes (at least 2, spread over AZs)."),
            nodeDesiredSize: z.number().int().min(2).max(100).default(3).describe("Desired nodes."),
            nodeMaxSize: z.number().int().min(2).max(100).default(6).describe("Maximum nodes."),
            nodeDiskSizeGiB: z.number().int().min(20).max(1000).default(50).describe("Root volume size of each node (GiB, gp3, encrypted)."),
            endpointPublicAccessCidrs: z.array(cidr).default([]).describe("CIDRs that may reach the public API endpoint; empty = private endpoint only."),
            adminRoleArns: z.array(roleArn).default([]).describe("IAM roles granted cluster-admin through EKS access entries, besides the role that creates the cluster (EKS makes that one admin itself; listing it fails the first update)."),
            viewerRoleArns: z.array(roleArn).default([]).describe("IAM roles granted read-only access to the cluster (EKS access entries with AmazonEKSViewPolicy): the roles of the pull-request previews (README \"How CI works\")."),
            logRetentionDays: z.literal(LOG_RETENTION_DAYS).default(90).describe("Days CloudWatch keeps the control-plane logs (a value CloudWatch Logs accepts)."),
        })
        .prefault({})
        .describe("The EKS cluster and its managed node group."),
    ingress: z
        .strictObject({
            replicas: z.number().int().min(1).max(20).optional().describe("HAProxy controller replicas. Default: 2 (3 in production; at least 2, 3 in production)."),
            controllerImage: image.default("quay.io/jcmoraisjr/haproxy-ingress:v0.16.1").describe("haproxy-ingress image (v0.16.x)."),
            wafImage: image.default("quay.io/jcmoraisjr/modsecurity-spoa:v0.14").describe("ModSecurity SPOA agent image."),
            wafReplicas: z.number().int().min(2).max(20).default(2).describe("ModSecurity agent replicas (at least 2)."),
            wafMode: z.enum(WAF_MODES).default("deny").describe("Default WAF mode of routes: deny blocks, detect only logs (deny in production)."),
            waf: z
                .strictObject({
                    paranoiaLevel: z.number().int().min(1).max(4).default(1).describe("OWASP CRS paranoia level (1-4): higher levels run more rules and raise more false positives."),
                    allowedMethods: z
                        .array(z.enum(AGENT_METHODS))
                        .min(1)
                        .default([...DEFAULT_ALLOWED_METHODS])
                        .refine((methods) => new Set(methods).size === methods.length, { message: "lists a method twice (each method once)" })
                        .describe("HTTP methods the WAF lets through (CRS tx.allowed_methods); Cortex needs PUT, PATCH and DELETE for cart line items."),
                    inboundAnomalyThreshold: z.number().int().min(1).max(10000).default(5).describe("CRS inbound anomaly score at which a request is blocked (5 = one critical match; raise it while tuning)."),
                    maxBodyBytes: z
                        .number()
                        .int()
                        .min(1)
                        .max(MAX_INSPECTABLE_BODY_BYTES)
                        .default(DEFAULT_MAX_BODY_BYTES)
                        .describe(`Largest request body, in bytes, a deny-mode route accepts: HAProxy answers 413 above it, as the agent sees at most one HAProxy buffer of body (README "Request bodies and the WAF"). At most ${MAX_INSPECTABLE_BODY_BYTES} (tune.bufsize - tune.maxrewrite), and the request's headers share that buffer.`),
                    crsVersion: z
                        .string()
                        .regex(CRS_VERSION, { message: "is not a CRS 3.3.x or 4.x release (e.g. 4.16.0)" })
                        .optional()
                        .describe("OWASP CRS release inside wafImage. Default: the release that image tag ships (v0.14: 4.16.0); required for other tags."),
                })
                .prefault({})
                .describe("ModSecurity rules of the agent (a ConfigMap the agent loads)."),
            defaultCertificateSecret: checked(secretReferenceProblem)
                .optional()
                .describe("Existing kubernetes.io/tls Secret (namespace/name) used as the default certificate, instead of the tlsCertificate/tlsPrivateKey secrets."),
            prometheusScrape: z.boolean().default(true).describe("Annotate the metrics Service for Prometheus scraping."),
            metricsScraperNamespaces: z
                .array(dnsLabel)
                .default(["monitoring"])
                .describe("Namespaces whose pods may reach the controller's metrics (10254, 9101) and stats page (1936); no other pod can (NetworkPolicy)."),
            serviceMonitor: z.boolean().default(false).describe("Create a ServiceMonitor (needs the Prometheus Operator CRDs)."),
        })
        .prefault({})
        .describe("The HAProxy Ingress Controller and the ModSecurity agent."),
    dns: z
        .strictObject({
            zoneName: checked((value) => hostnameProblem(value.replace(/\.$/, "")))
                .transform((value) => value.replace(/\.$/, ""))
                .describe("Existing public Route53 hosted zone; every route host must be inside it (a trailing dot is accepted)."),
        })
        .describe("Route53."),
    routes: z
        .strictObject({
            cortex: z
                .strictObject({
                    host: hostname.describe("Hostname of the Cortex API."),
                    path: ingressPath.default("/cortex").describe("Path prefix of the API."),
                    image: image.optional().describe("Cortex image (your registry), pinned by tag; required unless service is set."),
                    service: serviceRef.optional(),
                    replicas: z.number().int().min(1).max(50).optional().describe("Cortex replicas. Default: 2 (3 in production)."),
                    livenessPath: probePath.default("/cortex/healthcheck/liveness").describe("HTTP path of the liveness probe (Elastic Path health monitoring: restarts the pod when it fails)."),
                    readinessPath: probePath.default("/cortex/healthcheck/readiness").describe("HTTP path of the readiness probe (Elastic Path health monitoring: also checks the database pool)."),
                    cpu: checked((value) => quantityProblem(value, "cpu")).optional().describe("CPU request. Default: 500m (3 in production), Elastic Path's non-production and production-like figures."),
                    memory: checked((value) => quantityProblem(value, "memory")).optional().describe("Memory request and limit. Default: 4608Mi (5120Mi in production), Elastic Path's figures."),
                    env: z.array(envVar).default([]).describe("Environment variables: database, JMS and search settings, secrets by reference."),
                    envFrom: z.array(envFromSource).default([]).describe("ConfigMaps and Secrets whose keys become environment variables."),
                    egress,
                    allowlist,
                    allowNatEgress,
                    wafMode: routeWafMode,
                    wafExclusions,
                    balanceAlgorithm,
                    canary: canary.optional(),
                    timeouts: timeouts.optional(),
                })
                .describe("Cortex HTTP API at https://<host>/cortex."),
            activemq: z
                .strictObject({
                    consoleHost: hostname.describe("Hostname of the ActiveMQ web console (HTTP route to port 8161)."),
                    openwirePort: port.min(1024).default(61616).describe("Public OpenWire TCP port."),
                    image: image.default("apache/activemq-classic:6.1.7").describe("Apache ActiveMQ Classic image."),
                    storageGiB: z.number().int().min(1).max(16384).default(20).describe("KahaDB volume size (gp3). Growing it expands the volume in place; the API server refuses shrinking."),
                    allowlist: allowlist.describe("CIDRs admitted to OpenWire."),
                    consoleAllowlist: allowlist.describe("CIDRs admitted to the web console (keep it narrower than allowlist)."),
                    allowNatEgress,
                    tlsOffload: z.boolean().default(false).describe("Terminate TLS for OpenWire in HAProxy (clients use ssl://)."),
                    inClusterClients: z
                        .array(dnsLabel)
                        .optional()
                        .describe("Namespaces whose pods may connect to activemq.activemq.svc:61616 directly, inside the cluster (NetworkPolicy). Default: Cortex's namespace."),
                })
                .describe("Apache ActiveMQ Classic: OpenWire TCP route and web console HTTP route."),
            additional: z.array(additionalRouteSchema).default([]).describe("Further routes: protocol http or tcp."),
        })
        .describe("The route table."),
    deployRunner: z
        .strictObject({
            githubRepository: z
                .string()
                .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, { message: "is not a GitHub repository (owner/name)" })
                .describe("Repository (owner/name) whose workflow jobs the runner takes."),
            connectionArn: z
                .string()
                .regex(/^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:[0-9]{12}:connection\/[0-9a-f-]{36}$/, {
                    message: "is not a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<uuid>)",
                })
                .describe("AWS CodeConnections connection to GitHub, created and authorised once in the console."),
            computeType: z.enum(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"]).default("BUILD_GENERAL1_MEDIUM").describe("CodeBuild compute type of the runner."),
        })
        .optional()
        .describe("A CodeBuild-hosted GitHub Actions runner in the private subnets, so deploys reach the EKS API through its private endpoint."),
    tlsCertificate: z.string().optional().describe("Secret. PEM certificate chain of the default certificate."),
    tlsPrivateKey: z.string().optional().describe("Secret. PEM private key of the default certificate."),
    activemqAdminPassword: z.string().min(12, { message: "is shorter than 12 characters (at least 12)" }).describe("Secret. ActiveMQ web console admin password."),
    activemqBrokerPassword: z.string().min(12, { message: "is shorter than 12 characters (at least 12)" }).describe("Secret. ActiveMQ broker (OpenWire) user password, also the web console's own JMS login (no \"${\")."),
});

/** Config keys that must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = ["tlsCertificate", "tlsPrivateKey", "activemqAdminPassword", "activemqBrokerPassword"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type StackConfig = z.output<typeof stackConfigSchema>;
export type HttpRouteConfig = z.output<typeof httpRouteSchema>;
export type TcpRouteConfig = z.output<typeof tcpRouteSchema>;
export type ServiceRefConfig = z.output<typeof serviceRef>;
export type WorkloadConfig = z.output<typeof workload>;
export type CanaryConfig = z.output<typeof canary>;
export type TimeoutsConfig = z.output<typeof timeouts>;
export type EgressRuleConfig = z.output<typeof egressRule>;
export type EnvVarConfig = z.output<typeof envVar>;
export type EnvFromConfig = z.output<typeof envFromSource>;
export type BalanceAlgorithm = (typeof BALANCE_ALGORITHMS)[number];
export type RouteWafMode = (typeof ROUTE_WAF_MODES)[number];
