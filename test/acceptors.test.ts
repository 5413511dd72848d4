import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { version as awsSdkVersion } from "@pulumi/aws/package.json";
import { regionProblem } from "../config/awsFacts";
import { formatProblems } from "../config/messages";
import { validateStackConfig } from "../config/validate";
import { ProgramFailure, runUnderMocks } from "../harness/mockEngine";
import program from "../index";
import { NEUTRAL_STACK, programConfig, raw, validValues } from "./fixtures";

/**
 * Configs the real acceptors (Kubernetes API, HAProxy, AWS, the Pulumi engine) would refuse or get wrong: each
 * is refused with the key path and the reason, and the program run on it registers nothing.
 */

type Mutation = (values: Record<string, any>) => void;

interface Case {
    readonly rule: string;
    readonly name: string;
    readonly mutate: Mutation;
    readonly expected: readonly string[];
    readonly stack?: string;
    /** Config of other namespaces, as full keys. */
    readonly other?: Readonly<Record<string, string>>;
}

const service = (namespace: string, name: string, port = 80) => ({ namespace, name, port });
const httpRoute = (fields: Record<string, unknown>) => ({ protocol: "http", service: service("shop", "web"), allowlist: ["198.51.100.0/24"], ...fields });
const tcpRoute = (name: string, port: number, fields: Record<string, unknown> = {}) => ({ protocol: "tcp", name, port, service: service("shop", name, port), allowlist: ["198.51.100.0/24"], ...fields });
const workload = { image: "registry.example.com/shop/web:1.0.0" };

const cases: Case[] = [
    // Kubernetes names.
    {
        rule: "kubernetes-names",
        name: "a deployed workload whose name starts with a digit (it names a Service)",
        mutate: (v) => { v.routes.additional = [httpRoute({ name: "1shop", host: "shop.example.com", service: undefined, workload })]; },
        expected: ["routes.additional[0].name: \"1shop\" is not a DNS-1035 label (a-z, 0-9 and \"-\", starting with a letter and ending with a letter or digit: it names a Service)"],
    },
    {
        rule: "kubernetes-names",
        name: "an existing Service whose name starts with a digit (Ingress backends check it as a Service name)",
        mutate: (v) => { v.routes.additional = [httpRoute({ name: "shop", host: "shop.example.com", service: service("shop", "9web") })]; },
        expected: ["routes.additional[0].service.name: is not a DNS-1035 label (a-z, 0-9 and \"-\", starting with a letter and ending with a letter or digit: it names a Service)"],
    },
    // Hosts.
    {
        rule: "hosts",
        name: "an IP address as host",
        mutate: (v) => { v.routes.cortex.host = "192.0.2.10"; },
        expected: ["routes.cortex.host: \"192.0.2.10\" is an IP address (a DNS name: Kubernetes Ingress hosts may not be IP addresses)"],
    },
    {
        rule: "hosts",
        name: "a host with the root dot",
        mutate: (v) => { v.routes.activemq.consoleHost = "mq.example.com."; },
        expected: ["routes.activemq.consoleHost: \"mq.example.com.\" ends with a dot (write it without the root dot: Kubernetes Ingress hosts are DNS-1123 subdomains)"],
    },
    // Paths.
    {
        rule: "paths",
        name: "paths the API server refuses for Prefix and Exact",
        mutate: (v) => {
            v.routes.cortex.path = "/cortex//v2";
            v.routes.additional = [
                httpRoute({ name: "a", host: "a.example.com", path: "/a/../b" }),
                httpRoute({ name: "b", host: "b.example.com", path: "/b%2Fc" }),
                httpRoute({ name: "c", host: "c.example.com", path: "/c/." }),
            ];
        },
        expected: [
            "routes.cortex.path: \"/cortex//v2\" contains \"//\" (the Kubernetes API refuses it in Prefix and Exact paths)",
            "routes.additional[0].path: \"/a/../b\" contains \"/../\" (the Kubernetes API refuses it in Prefix and Exact paths)",
            "routes.additional[1].path: \"/b%2Fc\" contains \"%2F\" (the Kubernetes API refuses it in Prefix and Exact paths)",
            "routes.additional[2].path: \"/c/.\" ends with \"/.\" (the Kubernetes API refuses it in Prefix and Exact paths)",
        ],
    },
    {
        rule: "paths",
        name: "a quote, a space or a control character in a path, and a relative probe path",
        mutate: (v) => {
            v.routes.additional = [
                httpRoute({ name: "a", host: "a.example.com", path: "/it's" }),
                httpRoute({ name: "b", host: "b.example.com", path: "/two words" }),
                httpRoute({ name: "c", host: "c.example.com", service: undefined, workload: { ...workload, healthPath: "/health\n" } }),
                httpRoute({ name: "d", host: "d.example.com", service: undefined, workload: { ...workload, healthPath: "health" } }),
            ];
        },
        expected: [
            "routes.additional[0].path: \"/it's\" has a character outside URL path characters (letters, digits, - . _ ~ ! $ & ( ) * + , ; = : @ / and %XX escapes; no quotes, spaces or control characters)",
            "routes.additional[1].path: \"/two words\" has a character outside URL path characters (letters, digits, - . _ ~ ! $ & ( ) * + , ; = : @ / and %XX escapes; no quotes, spaces or control characters)",
            "routes.additional[2].workload.healthPath: \"/health\\n\" has a character outside URL path and query characters (letters, digits, - . _ ~ ! $ & ( ) * + , ; = : @ / ? and %XX escapes; no quotes, spaces, fragments or control characters)",
            "routes.additional[3].workload.healthPath: \"health\" is not an absolute path (must start with \"/\")",
        ],
    },
    // Overlapping routes on one host.
    {
        rule: "path-overlap",
        name: "a route under Cortex's prefix that does not say so",
        mutate: (v) => { v.routes.additional = [httpRoute({ name: "admin", host: "api.example.com", path: "/cortex/admin" })]; },
        expected: ["routes.additional[0].path: Prefix api.example.com/cortex/admin takes requests routes.cortex (Prefix /cortex) would otherwise serve, with its own allowlist and WAF (add \"cortex\" to routes.additional[0].overlaps if that is intended, or use another path or host)"],
    },
    {
        rule: "path-overlap",
        name: "an Exact path on Cortex's prefix, and a Prefix path that differs only by a trailing slash",
        mutate: (v) => {
            v.routes.additional = [
                httpRoute({ name: "exact", host: "api.example.com", path: "/cortex", pathType: "Exact" }),
                httpRoute({ name: "slash", host: "api.example.com", path: "/cortex/" }),
            ];
        },
        expected: [
            "routes.additional[0].path: Exact api.example.com/cortex takes requests routes.cortex (Prefix /cortex) would otherwise serve, with its own allowlist and WAF (add \"cortex\" to routes.additional[0].overlaps if that is intended, or use another path or host)",
            "routes.additional[1]: host and path api.example.com/cortex/ are already routed by routes.cortex (one route per host, path and path type; a trailing slash does not make a Prefix path different)",
            "routes.additional[0].path: Exact api.example.com/cortex takes requests routes.additional[1] (Prefix /cortex/) would otherwise serve, with its own allowlist and WAF (add \"slash\" to routes.additional[0].overlaps if that is intended, or use another path or host)",
        ],
    },
    {
        rule: "path-overlap",
        name: "an overlaps entry that names a route this one does not overlap",
        mutate: (v) => { v.routes.additional = [httpRoute({ name: "shop", host: "shop.example.com", overlaps: ["cortex"] })]; },
        expected: ["routes.additional[0].overlaps[0]: names \"cortex\", whose requests this route does not take (only routes on the same host under this route's path: remove it)"],
    },
    {
        rule: "path-overlap",
        name: "Cortex on the console's host",
        mutate: (v) => { v.routes.activemq.consoleHost = "api.example.com"; },
        expected: ["routes.activemq.consoleHost: is also routes.cortex.host (the ActiveMQ console takes every path of its host: give it a host of its own)"],
    },
    // Unique names.
    {
        rule: "unique-names",
        name: "a route named like a built-in one, and two routes of one name in different namespaces",
        mutate: (v) => {
            v.routes.additional = [
                tcpRoute("cortex", 7000),
                httpRoute({ name: "shop", host: "shop.example.com", service: service("a", "web") }),
                httpRoute({ name: "shop", host: "shop2.example.com", service: service("b", "web") }),
            ];
        },
        expected: [
            "routes.additional[2].name: \"shop\" is already the name of routes.additional[1] (route names are unique across all routes: they name Pulumi resources, whose duplicate URNs stop the whole update, and the keys of the endpoint outputs)",
            "routes.additional[0].name: \"cortex\" is already the name of routes.cortex (route names are unique across all routes: they name Pulumi resources, whose duplicate URNs stop the whole update, and the keys of the endpoint outputs)",
        ],
    },
    {
        rule: "unique-names",
        name: "a workload named activemq (its Service resource would be the broker's) and a canary Deployment name taken",
        mutate: (v) => {
            v.routes.additional = [
                httpRoute({ name: "activemq", namespace: "broker", host: "b.example.com", service: undefined, workload }),
                httpRoute({ name: "web", namespace: "shop", host: "w.example.com", service: undefined, workload }),
                httpRoute({ name: "web-canary", namespace: "shop", host: "c.example.com", service: undefined, workload }),
            ];
        },
        expected: [
            "routes.additional[0].name: makes Service broker/activemq (Pulumi name activemq-service), which routes.activemq also makes (rename the route)",
            "routes.additional[2].name: makes Deployment shop/web-canary (Pulumi name web-canary-deployment), which routes.additional[1] also makes (rename the route)",
        ],
    },
    {
        rule: "unique-names",
        name: "workloads named like the NetworkPolicies of every namespace the program creates",
        mutate: (v) => {
            v.routes.additional = [
                httpRoute({ name: "default-deny", namespace: "shop", host: "d.example.com", service: undefined, workload }),
                httpRoute({ name: "allow-dns", host: "a.example.com", service: undefined, workload }),
            ];
        },
        expected: [
            "routes.additional[0].name: \"default-deny\" is the name of a NetworkPolicy in every namespace the program creates, and a workload's own policy takes the workload's name (any name but default-deny, allow-dns)",
            "routes.additional[1].name: \"allow-dns\" is the name of a NetworkPolicy in every namespace the program creates, and a workload's own policy takes the workload's name (any name but default-deny, allow-dns)",
        ],
    },
    {
        rule: "unique-names",
        name: "two hosts that give the same Route53 record resource name",
        mutate: (v) => { v.routes.additional = [httpRoute({ name: "a", host: "x-y.example.com" }), httpRoute({ name: "b", host: "x.y.example.com" })]; },
        expected: ["routes.additional[1].host: \"x.y.example.com\" and \"x-y.example.com\" give the same Route53 record resource name x-y-example-com-a (hosts that differ only in \"-\" versus \".\" cannot both be published)"],
    },
    // Annotations.
    {
        rule: "annotation-size",
        name: "an allowlist whose annotation passes 256 KiB",
        mutate: (v) => { v.routes.cortex.allowlist = Array.from({ length: 24_000 }, (_, index) => `11.${Math.floor(index / 256) % 256}.${index % 256}.0/24`); },
        expected: ["routes.cortex.allowlist: makes 347364 bytes of Ingress annotations (Kubernetes takes at most 262144: list fewer, wider blocks)"],
    },
    // Quantities.
    {
        rule: "quantities",
        name: "a CPU that is no quantity and memory in millibytes",
        mutate: (v) => { v.routes.additional = [httpRoute({ name: "web", host: "w.example.com", service: undefined, workload: { ...workload, cpu: "1 core", memory: "512m" } })]; },
        expected: [
            "routes.additional[0].workload.cpu: \"1 core\" is not a Kubernetes quantity (a number with an optional suffix: 250m, 0.5, 2)",
            "routes.additional[0].workload.memory: \"512m\" is in millibytes (use Mi or Gi, e.g. 512Mi)",
        ],
    },
    {
        rule: "quantities",
        name: "memory in nanobytes",
        mutate: (v) => { v.routes.additional = [httpRoute({ name: "web", host: "w.example.com", service: undefined, workload: { ...workload, memory: "536870912000n" } })]; },
        expected: ["routes.additional[0].workload.memory: \"536870912000n\" is in nanobytes (use Mi or Gi, e.g. 512Mi)"],
    },
    // HAProxy.
    {
        rule: "haproxy-timeouts",
        name: "timeouts HAProxy or haproxy-ingress refuse",
        mutate: (v) => { v.routes.cortex.timeouts = { connect: "0s", server: "25d", queue: "30", httpRequest: "1.5s" }; },
        expected: [
            "routes.cortex.timeouts.connect: \"0s\" is zero (HAProxy reads 0 as no timeout at all: at least 1ms)",
            "routes.cortex.timeouts.server: \"25d\" is more than HAProxy's largest timer (2147483647ms, about 24.8 days)",
            "routes.cortex.timeouts.queue: \"30\" is not a time (a whole number and a unit: us, ms, s, m, h or d, e.g. 30s)",
            "routes.cortex.timeouts.httpRequest: \"1.5s\" is not a time (a whole number and a unit: us, ms, s, m, h or d, e.g. 30s)",
        ],
    },
    {
        rule: "haproxy-rewrite-target",
        name: "rewrite targets HAProxy would read as a sample expression, a back-reference or a broken quote",
        mutate: (v) => {
            v.routes.additional = ["/%[req.hdr(host)]", "/a\\1", "/a'b"].map((rewriteTarget, index) => httpRoute({ name: `r${index}`, host: `r${index}.example.com`, rewriteTarget }));
        },
        expected: ["/%[req.hdr(host)]", "/a\\1", "/a'b"].map((target, index) => `routes.additional[${index}].rewriteTarget: ${JSON.stringify(target)} is not a plain path (must start with "/"; letters, digits and - . _ ~ ! $ & ( ) * + , ; = : @ /; no %, \\, quotes, spaces or control characters: HAProxy reads the target as a log-format string)`),
    },
    // Backends.
    {
        rule: "protected-backends",
        name: "routes around the broker's and Cortex's own routes, to the controller, to kube-system and to the API server",
        mutate: (v) => {
            v.routes.additional = [
                httpRoute({ name: "console2", host: "c2.example.com", service: service("activemq", "activemq", 8161) }),
                tcpRoute("openwire2", 61617, { service: service("activemq", "activemq", 61616) }),
                httpRoute({ name: "cortex2", host: "c3.example.com", service: service("cortex", "cortex", 8080) }),
                httpRoute({ name: "stats", host: "s.example.com", service: service("ingress-controller", "haproxy-ingress-metrics", 1936) }),
                tcpRoute("dns", 5353, { service: service("kube-system", "kube-dns", 53) }),
                httpRoute({ name: "api", host: "k.example.com", service: service("default", "kubernetes", 443) }),
            ];
        },
        expected: [
            "routes.additional[0].service: activemq/activemq is the ActiveMQ broker, which routes.activemq publishes behind its own allowlists (console: consoleAllowlist, OpenWire: allowlist) (route to your own Services only)",
            "routes.additional[2].service: cortex/cortex is the Cortex Service, which routes.cortex publishes with its allowlist and WAF (change routes.cortex instead) (route to your own Services only)",
            "routes.additional[3].service: ingress-controller/haproxy-ingress-metrics is in ingress-controller, the controller's namespace (its stats 1936, metrics 10254/9101 and the WAF agent stay inside the cluster) (route to your own Services only)",
            "routes.additional[5].service: default/kubernetes is the Kubernetes API server's Service (route to your own Services only)",
            "routes.additional[1].service: activemq/activemq is the ActiveMQ broker, which routes.activemq publishes behind its own allowlists (console: consoleAllowlist, OpenWire: allowlist) (route to your own Services only)",
            "routes.additional[4].service: kube-system/kube-dns is in kube-system, a Kubernetes system namespace (route to your own Services only)",
        ],
    },
    {
        rule: "program-namespace-backends",
        name: "routes to Services the program does not deploy, in namespaces it creates and closes",
        mutate: (v) => {
            v.routes.additional = [
                httpRoute({ name: "search", host: "s.example.com", service: service("cortex", "search", 8082) }),
                tcpRoute("jolokia", 7000, { service: service("activemq", "jolokia", 7000) }),
                httpRoute({ name: "web", namespace: "shop", host: "w.example.com", service: undefined, workload }),
                httpRoute({ name: "legacy", host: "l.example.com", service: service("shop", "legacy", 80) }),
                httpRoute({ name: "web-www", host: "www.example.com", service: service("shop", "web", 8080) }),
                httpRoute({ name: "grafana", host: "g.example.com", service: service("monitoring", "grafana", 80) }),
            ];
        },
        expected: [
            "routes.additional[0].service: cortex/search is in cortex, a namespace this program creates and closes with a default-deny NetworkPolicy, which drops all traffic of pods it does not deploy there (route to a Service in a namespace of your own, or let the program deploy the backend with workload)",
            "routes.additional[3].service: shop/legacy is in shop, a namespace this program creates and closes with a default-deny NetworkPolicy, which drops all traffic of pods it does not deploy there (route to a Service in a namespace of your own, or let the program deploy the backend with workload)",
            "routes.additional[1].service: activemq/jolokia is in activemq, a namespace this program creates and closes with a default-deny NetworkPolicy, which drops all traffic of pods it does not deploy there (route to a Service in a namespace of your own, or let the program deploy the backend with workload)",
        ],
    },
    // Allowlists.
    {
        rule: "allowlist-world-open",
        name: "halves that admit the whole internet together, in production",
        mutate: (v) => {
            v.environment = "production";
            v.ingress = { defaultCertificateSecret: "ingress-controller/tls", wafMode: "deny", replicas: 3 };
            v.routes.cortex.allowlist = ["0.0.0.0/1", "128.0.0.0/1"];
        },
        expected: ["routes.cortex.allowlist: admits every internet address together (0.0.0.0/1, 128.0.0.0/1), open to the world (production: name the client networks)"],
    },
    {
        rule: "allowlist-world-open",
        name: "the IPv4-mapped IPv6 range on the console, in any tier",
        mutate: (v) => { v.routes.activemq.consoleAllowlist = ["::ffff:0:0/96"]; },
        expected: ["routes.activemq.consoleAllowlist[0]: is ::ffff:0:0/96, open to the world (the broker console: name the operators' networks)"],
    },
    {
        rule: "allowlist-unreachable",
        name: "IPv6, private and shared ranges on routes behind the IPv4 internet-facing NLB",
        mutate: (v) => {
            v.routes.cortex.allowlist = ["2001:db8::/32", "10.0.0.0/8"];
            v.routes.activemq.allowlist = ["100.64.0.0/10", "198.51.100.0/24"];
        },
        expected: [
            "routes.cortex.allowlist[0]: is 2001:db8::/32, an IPv6 block, but the NLB listens on IPv4 only (ipAddressType ipv4), so no client can match it (list IPv4 blocks)",
            "routes.cortex.allowlist[1]: is 10.0.0.0/8, private-use (RFC 1918) addresses, from which no client reaches the internet-facing NLB (list the clients' public addresses; in-cluster callers arrive from the NAT addresses: set allowNatEgress: true)",
            "routes.activemq.allowlist[0]: is 100.64.0.0/10, shared address space (RFC 6598) addresses, from which no client reaches the internet-facing NLB (list the clients' public addresses; in-cluster callers arrive from the NAT addresses: set allowNatEgress: true)",
        ],
    },
    // AWS.
    {
        rule: "nlb-limits",
        name: "more TCP routes than NLB listeners",
        mutate: (v) => { v.routes.additional = Array.from({ length: 48 }, (_, index) => tcpRoute(`t${index}`, 2000 + index)); },
        expected: ["routes.additional: makes 51 NLB listeners (80, 443 and one per TCP route; a Network Load Balancer takes at most 50, a quota that cannot be raised)"],
    },
    {
        rule: "nlb-limits",
        name: "more security-group rules than a group takes",
        mutate: (v) => { v.routes.additional = Array.from({ length: 57 }, (_, index) => tcpRoute(`t${index}`, 2000 + index)); },
        expected: [
            "routes.additional: makes 60 NLB listeners (80, 443 and one per TCP route; a Network Load Balancer takes at most 50, a quota that cannot be raised)",
            "routes.additional: needs 61 inbound rules in the nodes' security group (one per NodePort the NLB sends to; AWS allows 60 per group by default)",
        ],
    },
    {
        rule: "nlb-limits",
        name: "a node group that would be more NLB targets than a cross-zone NLB takes",
        mutate: (v) => {
            v.cluster = { nodeMaxSize: 100 };
            v.routes.additional = [tcpRoute("a", 2001), tcpRoute("b", 2002), tcpRoute("c", 2003)];
        },
        expected: ["cluster.nodeMaxSize: is 100: every node is a target of each of the 6 target groups, 600 targets in all (a cross-zone NLB takes at most 500: fewer nodes or fewer TCP routes)"],
    },
    {
        rule: "eks-public-cidrs",
        name: "public endpoint CIDRs EKS refuses or no client comes from, and too many",
        mutate: (v) => {
            v.cluster = { endpointPublicAccessCidrs: ["2001:db8::/32", "192.168.0.0/16", ...Array.from({ length: 39 }, (_, index) => `11.0.${index}.0/24`)] };
        },
        expected: [
            "cluster.endpointPublicAccessCidrs[0]: is 2001:db8::/32, an IPv6 block (the public endpoint of an IPv4 cluster takes IPv4 CIDRs only: EKS VpcConfigRequest publicAccessCidrs)",
            "cluster.endpointPublicAccessCidrs[1]: is 192.168.0.0/16, private-use (RFC 1918) addresses, which never reach the public API endpoint (list public addresses; in-VPC callers use the private endpoint)",
            "cluster.endpointPublicAccessCidrs: has 41 entries (EKS takes at most 40 public access CIDRs per cluster, a quota that cannot be raised: reach the API from inside the VPC instead)",
        ],
    },
    {
        rule: "admin-roles",
        name: "the same admin role twice, once with a path",
        mutate: (v) => { v.cluster = { adminRoleArns: ["arn:aws:iam::111122223333:role/admin", "arn:aws:iam::111122223333:role/team/admin"] }; },
        expected: ["cluster.adminRoleArns[1]: is the same role as cluster.adminRoleArns[0] (one access entry per principal: a second one fails with ResourceInUseException)"],
    },
    {
        rule: "admin-roles",
        name: "a role that is both admin and viewer",
        mutate: (v) => { v.cluster = { adminRoleArns: ["arn:aws:iam::111122223333:role/admin"], viewerRoleArns: ["arn:aws:iam::111122223333:role/preview", "arn:aws:iam::111122223333:role/admin"] }; },
        expected: ["cluster.viewerRoleArns[1]: is the same role as cluster.adminRoleArns[0] (one access entry per principal: a second one fails with ResourceInUseException)"],
    },
    {
        rule: "instance-types",
        name: "instance types the x86_64 AMI type cannot run",
        mutate: (v) => { v.cluster = { nodeInstanceTypes: ["m7g.large", "a1.xlarge", "g5.xlarge", "mac1.metal", "m7i-flex.large"] }; },
        expected: [
            "cluster.nodeInstanceTypes[0]: is m7g.large, an AWS Graviton (arm64) type, but the node group runs the x86_64 AMI type AL2023_x86_64_STANDARD (choose an x86_64 type such as m6i, m7i or m6a; the controller and WAF images are not checked for arm64)",
            "cluster.nodeInstanceTypes[1]: is a1.xlarge, an AWS Graviton (arm64) type, but the node group runs the x86_64 AMI type AL2023_x86_64_STANDARD (choose an x86_64 type such as m6i, m7i or m6a; the controller and WAF images are not checked for arm64)",
            "cluster.nodeInstanceTypes[2]: is g5.xlarge, an accelerated-computing type whose devices the AMI type AL2023_x86_64_STANDARD has no drivers for (choose a general-purpose, compute or memory type)",
            "cluster.nodeInstanceTypes[3]: is mac1.metal, a Mac (dedicated host) type, which EKS managed node groups cannot use",
        ],
    },
    {
        rule: "aws-region",
        name: "a region that does not exist",
        mutate: () => undefined,
        other: { "aws:region": "eu-wset-1" },
        expected: [`aws:region: is "eu-wset-1", not an AWS region (aws partition regions known to @pulumi/aws ${awsSdkVersion}, e.g. eu-west-1, us-east-1)`],
    },
    {
        rule: "aws-region",
        name: "a region of another partition",
        mutate: () => undefined,
        other: { "aws:region": "cn-north-1" },
        expected: ["aws:region: is cn-north-1, a region of the aws-cn partition (this program deploys to the aws partition only: its IAM policy ARNs are arn:aws:…)"],
    },
    // Config namespaces and tiers.
    {
        rule: "config-namespaces",
        name: "a misspelt namespace, whose keys would be dropped silently",
        mutate: () => undefined,
        other: { "comerce-edge:ingress": "{\"replicas\":3}" },
        expected: ["comerce-edge:ingress: is in the namespace \"comerce-edge\", which nothing reads (allowed: this project's and aws, eks, kubernetes, pulumi; a misspelt namespace silently drops the key and its defaults apply)"],
    },
    {
        rule: "stack-tier",
        name: "a stack named prod-eu that is not production",
        stack: "prod-eu",
        mutate: () => undefined,
        expected: ["environment: is dev, but the stack \"prod-eu\" is named like production (a stack named after a tier must be that tier: environment: production)"],
    },
    {
        rule: "yaml-number-text",
        name: "an unquoted 1.30 where text is expected",
        mutate: (v) => { v.cluster = { kubernetesVersion: 1.3 }; },
        expected: ["cluster.kubernetesVersion: is the number 1.3, not text: YAML reads an unquoted 1.30 as 1.3 (quote it in the stack file, e.g. \"1.30\")"],
    },
    {
        rule: "certificate-pair",
        name: "a certificate without its key",
        mutate: (v) => { v.tlsCertificate = "-----BEGIN CERTIFICATE-----"; },
        expected: ["tlsPrivateKey: is not set while tlsCertificate is (set both, as secrets: pulumi config set --secret tlsPrivateKey < file)"],
    },
];

function valuesOf(mutate: Mutation): Record<string, any> {
    const values = structuredClone(validValues()) as Record<string, any>;
    mutate(values);
    return values;
}

describe("acceptor rules", () => {
    for (const testCase of cases) {
        it(`refuses ${testCase.name}`, () => {
            const other = testCase.other ?? {};
            const result = validateStackConfig(raw(valuesOf(testCase.mutate), testCase.stack ?? NEUTRAL_STACK, {
                otherKeys: Object.keys(other),
                ...(other["aws:region"] !== undefined ? { region: other["aws:region"] } : {}),
            }));
            assert.equal(result.ok ? "" : formatProblems(result.problems), testCase.expected.map((line) => `  ${line}`).join("\n"));
        });
    }
});

describe("the program on configs the acceptors refuse", () => {
    for (const testCase of cases) {
        it(`registers nothing for ${testCase.name}`, async () => {
            const { config, secretKeys } = programConfig(valuesOf(testCase.mutate));
            const stack = testCase.stack ?? NEUTRAL_STACK;
            await assert.rejects(runUnderMocks({ project: "commerce-edge", stack, config: { ...config, ...testCase.other }, secretKeys, program }), (error: unknown) => {
                assert.ok(error instanceof ProgramFailure);
                assert.equal(error.resources.length, 0);
                assert.equal((error.cause as Error).name, "ConfigError");
                assert.equal(error.message, [`Invalid config for stack "${stack}" (Pulumi.${stack}.yaml); nothing was created or changed:`, ...testCase.expected.map((line) => `  ${line}`)].join("\n"));
                return true;
            });
        });
    }
});

interface ValidCase {
    readonly name: string;
    readonly mutate: Mutation;
    readonly stack?: string;
    readonly other?: Readonly<Record<string, string>>;
}

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

/** Configs that look unusual but every acceptor takes: they must stay valid. */
const validCases: ValidCase[] = [
    { name: "images pinned by digest, alone or with a tag", mutate: (v) => { v.routes.cortex.image = `registry.example.com/ep/cortex@${DIGEST}`; v.ingress = { controllerImage: `quay.io/jcmoraisjr/haproxy-ingress:v0.16.1@${DIGEST}` }; } },
    { name: "an additional list left empty (YAML null)", mutate: (v) => { v.routes.additional = null; } },
    { name: "a zone name with the root dot", mutate: (v) => { v.dns = { zoneName: "example.com." }; } },
    { name: "a route that declares the Cortex prefix it carves from", mutate: (v) => { v.routes.additional = [httpRoute({ name: "admin", host: "api.example.com", path: "/cortex/admin", overlaps: ["cortex"] })]; } },
    { name: "a catch-all route on Cortex's host (Cortex keeps /cortex, the longer match)", mutate: (v) => { v.routes.additional = [httpRoute({ name: "store", host: "api.example.com", path: "/" })]; } },
    { name: "an IPv4 block written IPv4-mapped", mutate: (v) => { v.routes.cortex.allowlist = ["::ffff:198.51.100.0/120"]; } },
    { name: "a production stack named prod-eu, its certificate an existing Secret", stack: "prod-eu", mutate: (v) => { v.environment = "production"; v.ingress = { defaultCertificateSecret: "ingress-controller/tls", replicas: 3 }; } },
    { name: "Intel flex and AMD instance types in us-east-1", other: { "aws:region": "us-east-1" }, mutate: (v) => { v.cluster = { nodeInstanceTypes: ["m7i-flex.large", "m6a.large"] }; } },
    { name: "a quoted Kubernetes version", mutate: (v) => { v.cluster = { kubernetesVersion: "1.35" }; } },
    {
        name: "a probe path with a query, and CPU in nano- and microcores",
        mutate: (v) => {
            v.routes.additional = [
                httpRoute({ name: "a", host: "a.example.com", service: undefined, workload: { ...workload, healthPath: "/health?full=1", cpu: "500000000n" } }),
                httpRoute({ name: "b", host: "b.example.com", service: undefined, workload: { ...workload, healthPath: "//status", cpu: "250000u" } }),
            ];
        },
    },
];

describe("configs that stay valid", () => {
    for (const testCase of validCases) {
        it(`accepts ${testCase.name}`, () => {
            const other = testCase.other ?? {};
            const result = validateStackConfig(raw(valuesOf(testCase.mutate), testCase.stack ?? NEUTRAL_STACK, {
                otherKeys: Object.keys(other),
                ...(other["aws:region"] !== undefined ? { region: other["aws:region"] } : {}),
            }));
            assert.equal(result.ok ? "" : formatProblems(result.problems), "");
        });
    }

    it("plans a digest-pinned image, an empty additional list and a dotted zone through the program", async () => {
        const values = valuesOf((v) => {
            v.routes.cortex.image = `registry.example.com/ep/cortex@${DIGEST}`;
            v.routes.additional = null;
            v.dns = { zoneName: "example.com." };
        });
        const { config, secretKeys } = programConfig(values);
        const run = await runUnderMocks({ project: "commerce-edge", stack: NEUTRAL_STACK, config, secretKeys, program });
        const cortex = run.resources.find((resource) => resource.type === "kubernetes:apps/v1:Deployment" && resource.name === "cortex-deployment");
        const containers = (cortex?.inputs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers;
        assert.equal(containers[0]!.image, `registry.example.com/ep/cortex@${DIGEST}`);
        const zone = run.resources.filter((resource) => resource.type === "aws:route53/record:Record").map((resource) => resource.inputs.name);
        assert.deepEqual(zone.sort(), ["api.example.com", "mq.example.com"]);
    });
});

describe("notices", () => {
    it("reports documentation-range entries as example values instead of refusing them", () => {
        const result = validateStackConfig(raw(valuesOf((v) => { v.routes.cortex.allowlist = ["203.0.113.0/24", "8.8.8.0/24"]; })));
        assert.ok(result.ok);
        assert.equal(formatProblems(result.notices.filter((notice) => notice.key.startsWith("routes.cortex"))), "  routes.cortex.allowlist[0]: is 203.0.113.0/24, a documentation range that matches no real client (replace the example value before deploying)");
    });

    it("says the value rules of an unreadable secret were not checked, instead of passing or failing them [rule offline-secrets]", () => {
        const values = valuesOf((v) => { v.activemqAdminPassword = "offline-placeholder-for-activemqAdminPassword-wïth-ümlauts"; });
        const result = validateStackConfig(raw(values, NEUTRAL_STACK, { unreadableSecrets: new Set(["activemqAdminPassword"]) }));
        assert.ok(result.ok, result.ok ? "" : formatProblems(result.problems));
        assert.equal(formatProblems(result.notices.filter((notice) => notice.key === "activemqAdminPassword")),
            "  activemqAdminPassword: not checked offline: at least 12 characters, printable ASCII (the stack file holds the secret encrypted, or not at all)");
        assert.equal(validateStackConfig(raw(values)).ok, false, "the same value, readable, is refused");
    });
});

describe("regions", () => {
    it("admits every aws-partition region the provider SDK knows, the newest included", () => {
        for (const region of ["eu-west-1", "ap-east-2", "ap-southeast-6", "mx-central-1"]) assert.equal(regionProblem(region), undefined, region);
    });

    it("names the partition of a region this program cannot deploy to", () => {
        assert.match(regionProblem("eu-isoe-west-1") ?? "", /the aws-iso partition/);
        assert.match(regionProblem("us-gov-west-1") ?? "", /the aws-us-gov partition/);
        assert.match(regionProblem("eusc-de-east-1") ?? "", /the aws-eusc partition/);
    });
});
