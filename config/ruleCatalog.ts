/**
 * Every config rule, what it checks, why (what the real acceptor does otherwise) and the source of that fact.
 * README "What is checked, and why" is generated from this list (npm run docs), and a test fails when a rule
 * has no table-driven test refusing (or, for notices, reporting) a config by its id.
 */

export interface ConfigRule {
    readonly id: string;
    readonly checks: string;
    readonly why: string;
    readonly source: string;
}

const K8S = "https://github.com/kubernetes/kubernetes/blob/v1.33.0";
const APIMACHINERY = "https://github.com/kubernetes/apimachinery/blob/master";
const PULUMI = "https://github.com/pulumi/pulumi/blob/master";
const YAML_V3 = "https://github.com/go-yaml/yaml/blob/v3.0.1";
const HAPROXY_INGRESS = "https://github.com/jcmoraisjr/haproxy-ingress/blob/v0.16.1";
const HAPROXY = "https://github.com/haproxy/haproxy/blob/v2.8.0";

export const CONFIG_RULES: readonly ConfigRule[] = [
    // The stack file, as Pulumi reads it.
    {
        id: "yaml-as-pulumi-reads-it",
        checks: "Stack, project and offline-secrets files: every plain scalar read as yaml.v3 reads it; merge keys `<<`, leading-zero octals, `_` in numbers, `0b`, signed hex, unquoted dates, NaN/infinity, integers past 2^53, tags other than `!!str`, `%YAML` directives and second documents refused; syntax errors and duplicate keys with file and line",
        why: "Pulumi reads YAML with yaml.v3 into `any`; where it reads a value differently from this plan, the plan would check a config Pulumi never runs",
        source: `[yaml.v3 resolve.go, decode.go](${YAML_V3}/resolve.go); [Pulumi encoding/marshal.go](${PULUMI}/sdk/go/common/encoding/marshal.go)`,
    },
    {
        id: "config-keys",
        checks: "Keys: a bare key is the project's, `ns:config:name` is `ns:name`, other colon counts refused; the same key written twice (bare and namespaced) refused; unknown stack-file settings and ESC `environment:` refused offline",
        why: "Pulumi namespaces bare keys with the project and keeps one of two spellings at random; the plan cannot open ESC environments",
        source: `[loaders.go stackConfigNamespacedWithProject](${PULUMI}/sdk/go/common/workspace/loaders.go); [config/key.go ParseKey](${PULUMI}/sdk/go/common/resource/config/key.go)`,
    },
    {
        id: "config-namespaces",
        checks: "Namespaces: only `commerce-edge`, `aws`, `eks`, `kubernetes`, `pulumi` (in the plan and in the program)",
        why: "Pulumi passes any namespace on; a misspelt `commerce-edg:ingress` would be dropped silently and the defaults applied",
        source: `[Pulumi config docs](https://www.pulumi.com/docs/iac/concepts/config/); program: config/validate.ts`,
    },
    {
        id: "unknown-keys",
        checks: "Every key below the namespace is one the schema knows",
        why: "A typo (`hostname` for `host`) would otherwise be ignored and a default used",
        source: "config/schema.ts (strict objects)",
    },
    {
        id: "project-declarations",
        checks: "Pulumi.yaml's `config:` block: declared keys without a default set, `secret: true` keys encrypted, typed keys of their type; the schema's secrets (certificate too) encrypted",
        why: "The CLI stops with \"missing configuration value\", \"must be encrypted as it's secret\" or \"must be of type\" before the program runs; a plain-text secret sits in a committed file",
        source: `[pkg/workspace/config.go mergeConfig, validateStackConfigValue](${PULUMI}/pkg/workspace/config.go); [project.go ValidateConfigValue](${PULUMI}/sdk/go/common/workspace/project.go)`,
    },
    {
        id: "offline-secrets",
        checks: "Secrets the plan does not have are placeholders only where the config requires them (the passwords; production's certificate pair unless `ingress.defaultCertificateSecret`), reported, and rules on their values reported as not checked offline",
        why: "A placeholder that passes a rule would turn an unknown into a fact; one where nothing requires it would change the config (e.g. a certificate beside defaultCertificateSecret)",
        source: "harness/stackFile.ts; `.offline-secrets.<stack>.yaml` gives real values",
    },
    // Kubernetes.
    {
        id: "kubernetes-names",
        checks: "Namespaces and Ingress names are DNS-1123 labels; a route that deploys a workload, and every Service it routes to, has a DNS-1035 label name (starts with a letter)",
        why: "The API server refuses the object (ValidateServiceName; Ingress backends check Service names the same way)",
        source: `[apimachinery validation.go IsDNS1035Label](${APIMACHINERY}/pkg/util/validation/validation.go); [networking validation.go validateIngressBackend](${K8S}/pkg/apis/networking/validation/validation.go)`,
    },
    {
        id: "hosts",
        checks: "Hosts are lower-case DNS names (labels of at most 63, at most 253), not IP addresses, no wildcard, no trailing dot, inside `dns.zoneName` (whose trailing dot is accepted)",
        why: "The API server refuses IPs and non-DNS-1123 hosts in Ingress rules; Route53 records must be inside the zone",
        source: `[networking validation.go validateIngressRules](${K8S}/pkg/apis/networking/validation/validation.go)`,
    },
    {
        id: "paths",
        checks: "Ingress paths: absolute, no `//`, `/./`, `/../`, `%2f`, not ending in `/.` or `/..`, only URL path characters (no quotes, spaces, control characters; `%` only as %XX). Probe paths: absolute, URL path and query characters",
        why: "The API server refuses those Prefix/Exact paths; quotes and control characters would break haproxy-ingress's map files and HAProxy's config. The kubelet sends a probe path, query included, in its request line",
        source: `[networking validation.go validateHTTPIngressPath](${K8S}/pkg/apis/networking/validation/validation.go); [haproxy-ingress maps.go](${HAPROXY_INGRESS}/pkg/haproxy/types/maps.go); [probe/http request.go formatURL](${K8S}/pkg/probe/http/request.go)`,
    },
    {
        id: "path-overlap",
        checks: "Two routes on one host whose paths match common requests (Prefix element-wise, trailing slash ignored; Exact whole path): the same path refused, a route that takes a share of another's requests refused unless it names that route in `overlaps`; Cortex may not share the console's host",
        why: "The longest match (Exact on a tie) wins, so the route would serve those requests with its own allowlist and WAF",
        source: `[Kubernetes Ingress path types](https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types); [haproxy-ingress maps.go (dir match, Exact first)](${HAPROXY_INGRESS}/pkg/haproxy/types/maps.go)`,
    },
    {
        id: "unique-names",
        checks: "Route names unique across all routes; no workload named `default-deny` or `allow-dns` (the NetworkPolicies of every namespace the program creates); no two resources with the same type and Pulumi name, no two Kubernetes objects with the same kind, namespace and name (NetworkPolicies included), no two hosts with the same Route53 record resource name",
        why: "A duplicate URN makes the engine refuse the whole update; a second object fails with AlreadyExists; a route name is an `httpEndpoints`/`tcpEndpoints` output key",
        source: `[Pulumi resource names and URNs](https://www.pulumi.com/docs/iac/concepts/resources/names/); components/routes/names.ts`,
    },
    {
        id: "annotation-size",
        checks: "Each Ingress's annotations, with the allowlist and the most NAT addresses it can get, total at most 256 KiB",
        why: "The API server refuses the object",
        source: `[apimachinery objectmeta.go ValidateAnnotationsSize](${APIMACHINERY}/pkg/api/validation/objectmeta.go)`,
    },
    {
        id: "quantities",
        checks: "`workload.cpu` and `workload.memory` are Kubernetes quantities; memory not in millibytes (`512m`)",
        why: "The API server refuses a malformed quantity; `512m` of memory is half a byte and the pod never starts",
        source: `[apimachinery quantity.go](${APIMACHINERY}/pkg/api/resource/quantity.go)`,
    },
    // HAProxy.
    {
        id: "haproxy-timeouts",
        checks: "Timeouts: a whole number with a unit (us, ms, s, m, h, d), not zero, at most 2147483647 ms",
        why: "haproxy-ingress ignores other values with a log line; HAProxy refuses timers of 2^31 ms or more, and 0 disables the timeout",
        source: `[haproxy-ingress updater.go regexValidTime](${HAPROXY_INGRESS}/pkg/converters/ingress/annotations/updater.go); [HAProxy tools.c parse_time_err](${HAPROXY}/src/tools.c), configuration.txt 2.5`,
    },
    {
        id: "haproxy-rewrite-target",
        checks: "`rewriteTarget`: a path without `%`, `\\`, quotes, spaces or control characters",
        why: "haproxy-ingress writes it as the log-format <replace-fmt> of `http-request replace-path`: `%` would start a sample expression, `\\` a back-reference, a quote or newline would break the config",
        source: `[haproxy-ingress backend.go buildBackendRewriteURL](${HAPROXY_INGRESS}/pkg/converters/ingress/annotations/backend.go); [HAProxy configuration.txt replace-path](${HAPROXY}/doc/configuration.txt)`,
    },
    {
        id: "controller-ports",
        checks: "TCP routes avoid the controller's own ports (8080, 8443, 10253, 1936, 10254, 9101) and NodePorts; ports and NodePorts unique",
        why: "HAProxy would fail to bind, or a route would publish stats, metrics or health",
        source: "config/routeTable.ts CONTROLLER_PORTS; haproxy-ingress chart 0.16.1",
    },
    {
        id: "protected-backends",
        checks: "A further route may not reach the ActiveMQ broker, the Cortex Service, anything in `ingress-controller`, a Kubernetes system namespace or the API server's Service",
        why: "It would publish them around the built-in route's allowlist and WAF, or publish stats, metrics, the WAF agent or the API",
        source: `[haproxy-ingress haproxy.tmpl (stats, prometheus, healthz are separate frontends)](${HAPROXY_INGRESS}/rootfs/etc/templates/haproxy/haproxy.tmpl)`,
    },
    {
        id: "program-namespace-backends",
        checks: "A route without `workload` may not point at a Service the program does not deploy in a namespace the program creates (`activemq`, Cortex's, a route workload's)",
        why: "Those namespaces carry a default-deny NetworkPolicy: pods the program does not deploy there get no traffic in or out, and a policy admitting the controller could not select that Service's pods without knowing its selector; the route would answer 503",
        source: "[Kubernetes NetworkPolicy (isolation)](https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation); components/security/networkPolicies.ts",
    },
    // Allowlists.
    {
        id: "cidr-syntax",
        checks: "Allowlist entries are CIDR blocks with host bits zero",
        why: "haproxy-ingress masks host bits silently (Go net.ParseCIDR), so `10.0.0.1/8` would admit all of 10/8",
        source: `[haproxy-ingress updater.go splitDualCIDR](${HAPROXY_INGRESS}/pkg/converters/ingress/annotations/updater.go)`,
    },
    {
        id: "allowlist-world-open",
        checks: "World-open judged on the set of addresses a list admits (union of entries, IPv4-mapped `::ffff:0:0/96` counted as IPv4, `!` exceptions): refused for the console always, and for every list and the EKS endpoint in production; the policy pack uses the same function",
        why: "`0.0.0.0/1` with `128.0.0.0/1`, `::ffff:0:0/96` or `::/0` admit every IPv4 client: HAProxy looks an IPv4 client up as ::ffff:a.b.c.d among IPv6 patterns",
        source: `[HAProxy pattern.c pat_match_ip](${HAPROXY}/src/pattern.c); [haproxy-ingress haproxy.tmpl allow rules](${HAPROXY_INGRESS}/rootfs/etc/templates/haproxy/haproxy.tmpl)`,
    },
    {
        id: "allowlist-unreachable",
        checks: "Entries no client can match are refused: IPv6 blocks (the NLB is IPv4-only), private and other special-purpose ranges (clients reach the internet-facing NLB from public addresses; in-cluster callers from the NAT addresses); documentation ranges are reported",
        why: "The route would look open to those networks and admit nobody from them",
        source: "[IANA IPv4 Special-Purpose Address Registry (RFC 6890)](https://www.iana.org/assignments/iana-ipv4-special-registry/); components/aws/loadBalancer.ts (ipAddressType ipv4)",
    },
    // AWS.
    {
        id: "nlb-limits",
        checks: "At most 50 NLB listeners; node group maximum × target groups at most 500 targets; at most 60 inbound rules in the NLB's security group (one per listener port and allowlist source) and in the nodes' (one per NodePort)",
        why: "AWS refuses the 51st listener (not adjustable), stops registering targets past 500 with cross-zone on, and refuses the 61st rule (default quota)",
        source: "[ELB: Quotas for your Network Load Balancers](https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html); [Amazon VPC quotas](https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)",
    },
    {
        id: "eks-public-cidrs",
        checks: "`cluster.endpointPublicAccessCidrs`: IPv4 only, at most 40, no private or special ranges (documentation ranges reported)",
        why: "EKS takes no IPv6 CIDRs for an IPv4 cluster and at most 40 (not adjustable); private sources never reach the public endpoint",
        source: "[EKS API VpcConfigRequest](https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html); [Amazon EKS service quotas](https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html)",
    },
    {
        id: "admin-roles",
        checks: "`cluster.adminRoleArns` and `cluster.viewerRoleArns` together name each role once (path ignored), and not the role creating the cluster (checked against the account)",
        why: "A second access entry for one principal fails with ResourceInUseException",
        source: "[EKS CreateAccessEntry](https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html); [pulumi-eks#2373](https://github.com/pulumi/pulumi-eks/issues/2373)",
    },
    {
        id: "instance-types",
        checks: "Node instance types run on the x86_64 AMI type: no Graviton (processor letter `g`, `a1`), no accelerated families (p, g, gr, inf, trn, dl, f, vt), no mac",
        why: "The managed node group uses AL2023_x86_64_STANDARD, which these types cannot boot or drive",
        source: "[Amazon EC2 instance type naming conventions](https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html); components/aws/cluster.ts",
    },
    {
        id: "aws-region",
        checks: "`aws:region` is a region of the `aws` partition (the Region enum of the locked @pulumi/aws)",
        why: "Every AWS call fails in a region that does not exist; other partitions need other ARNs",
        source: "The `Region` enum of @pulumi/aws (node_modules/@pulumi/aws/types/enums); [aws-sdk-js-v3 partitions.json](https://github.com/aws/aws-sdk-js-v3/blob/main/packages/util-endpoints/src/lib/aws/partitions.json) for the partitions",
    },
    {
        id: "aws-names",
        checks: "Stack name: lower-case letters, digits, inner hyphens, at most 13 characters",
        why: "It prefixes target group names, which allow 32 characters",
        source: "[ELB CreateTargetGroup](https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html)",
    },
    {
        id: "zones",
        checks: "`network.availabilityZones` at most the zones the account has (at `pulumi up`); offline only where a sourced zone list exists (eu-west-1), otherwise reported as not checked",
        why: "Subnets in a zone that does not exist fail half-way through the network",
        source: "[AWS Availability Zones](https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html); config/preflight.ts",
    },
    {
        id: "network-layout",
        checks: "`network.cidr` an IPv4 /16 to /24 that fits the subnets of every zone; at most 3 zones with the zone-indexed layout (it reserves every zone's subnets up front)",
        why: "AWS takes VPC blocks from /16 to /28 and subnets of at least /28",
        source: "[Amazon VPC CIDR blocks](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)",
    },
    {
        id: "images",
        checks: "Images pinned by a version tag, a sha256 digest or both; not `latest`",
        why: "An unpinned image changes under a running stack",
        source: "[distribution reference grammar](https://github.com/distribution/reference/blob/main/reference.go)",
    },
    // This program's own rules.
    {
        id: "stack-tier",
        checks: "A stack named after a tier (dev/development, staging/stage/stg, production/prod/prd, as a hyphen-separated word) has that `environment`",
        why: "`pulumi up -s prod` with `environment: dev` would skip every production rule",
        source: "config/validate.ts TIER_WORDS",
    },
    {
        id: "production-tier",
        checks: "Production: no world-open list, WAF deny everywhere, at least 3 controller and 2 workload replicas, a real default certificate",
        why: "The edge's safety rules",
        source: "README \"Deploying for real\"",
    },
    {
        id: "route-shape",
        checks: "A route has exactly one of service and workload; canaries have a weight or header and an image only when deployed; workloads not in namespaces the program or Kubernetes owns; no NAT egress on an existing VPC",
        why: "The program would not know what to route to, or would create into namespaces it does not own",
        source: "config/rules.ts",
    },
    {
        id: "certificate-pair",
        checks: "tlsCertificate and tlsPrivateKey set together, and not together with `ingress.defaultCertificateSecret`",
        why: "HAProxy needs both halves; two sources would leave one unused",
        source: "config/rules.ts",
    },
    {
        id: "activemq-passwords",
        checks: "ActiveMQ passwords: at least 12 characters, printable ASCII; the broker password without `${`",
        why: "The broker reads them from realm files the program writes (never through the entrypoint's sed); the console's HTTP Basic login has no agreed encoding for other characters; the console's own JMS connection reads the broker password through a Spring placeholder, which expands `${…}` in it",
        source: "[RFC 7617 (charset)](https://www.rfc-editor.org/rfc/rfc7617#section-2.1); apache/activemq 6.1.7 webapps/admin/WEB-INF/webconsole-embedded.xml; components/routes/workloadManifests.ts (activemqCredentialFiles)",
    },
    {
        id: "yaml-number-text",
        checks: "A number where text is expected (e.g. `kubernetesVersion: 1.30`) is refused with the advice to quote it",
        why: "YAML has already made 1.30 into 1.3",
        source: `[yaml.v3 resolve.go](${YAML_V3}/resolve.go)`,
    },
];

/** The README table. */
export function ruleTable(): string {
    const cell = (text: string) => text.replaceAll("|", "\\|");
    return [
        "| rule | what is checked | why | source |",
        "|---|---|---|---|",
        ...CONFIG_RULES.map((rule) => `| \`${rule.id}\` | ${cell(rule.checks)} | ${cell(rule.why)} | ${cell(rule.source)} |`),
    ].join("\n");
}
