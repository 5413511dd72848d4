import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatProblems } from "../config/messages";
import { MAX_STACK_NAME_LENGTH, validateStackConfig } from "../config/validate";
import { ProgramFailure, runUnderMocks } from "../harness/mockEngine";
import program from "../index";
import { problemsOf, programConfig, raw, validValues, type Mutation } from "./fixtures";

describe("config validation", () => {
    it("accepts the baseline and derives the route table", () => {
        const result = validateStackConfig(raw(validValues()));
        assert.ok(result.ok);
        assert.deepEqual(result.routeTable.hosts, ["api.example.com", "mq.example.com"]);
        assert.deepEqual(result.routeTable.publicPorts.map((port) => [port.port, port.containerPort, port.nodePort]), [[80, 8080, 30080], [443, 8443, 30443], [61616, 61616, 31616]]);
    });

    const cases: { name: string; rule?: string; mutate: Mutation; expected: string }[] = [
        {
            name: "a CIDR with host bits set",
            rule: "cidr-syntax",
            mutate: (v) => { v.routes.cortex.allowlist = ["10.0.0.1/8"]; },
            expected: "  routes.cortex.allowlist[0]: \"10.0.0.1/8\" has host bits set (host bits must be zero: use 10.0.0.0/8)",
        },
        {
            name: "an IPv6 prefix out of range",
            rule: "cidr-syntax",
            mutate: (v) => { v.routes.activemq.allowlist = ["2001:db8::/129"]; },
            expected: "  routes.activemq.allowlist[0]: prefix \"/129\" in \"2001:db8::/129\" is out of range (IPv6: /0 to /128)",
        },
        {
            name: "text that is no CIDR",
            rule: "cidr-syntax",
            mutate: (v) => { v.routes.activemq.consoleAllowlist = ["office"]; },
            expected: "  routes.activemq.consoleAllowlist[0]: \"office\" is not a CIDR block (address/prefix, e.g. 10.0.0.0/16 or 2001:db8::/32)",
        },
        {
            name: "an unknown key",
            rule: "unknown-keys",
            mutate: (v) => { v.routes.cortex.hostname = "x"; },
            expected: "  routes.cortex.hostname: unknown key (allowed: host, path, image, service, replicas, livenessPath, readinessPath, cpu, memory, env, envFrom, egress, allowlist, allowNatEgress, wafMode, wafExclusions, balanceAlgorithm, canary, timeouts)",
        },
        {
            name: "an unknown key holding a terminal escape, printed escaped",
            rule: "unknown-keys",
            mutate: (v) => { v.routes.cortex["x\u001b[2J"] = 1; },
            expected: "  routes.cortex.x\\u001b[2J: unknown key (allowed: host, path, image, service, replicas, livenessPath, readinessPath, cpu, memory, env, envFrom, egress, allowlist, allowNatEgress, wafMode, wafExclusions, balanceAlgorithm, canary, timeouts)",
        },
        {
            name: "an unknown top-level key",
            rule: "unknown-keys",
            mutate: (v) => { v.rotues = {}; },
            expected: "  rotues: unknown key (allowed: environment, network, cluster, ingress, dns, routes, deployRunner, tlsCertificate, tlsPrivateKey, activemqAdminPassword, activemqBrokerPassword)",
        },
        {
            name: "a duplicate host and path",
            rule: "path-overlap",
            mutate: (v) => { v.routes.additional = [{ protocol: "http", name: "shadow", host: "api.example.com", path: "/cortex", service: { namespace: "x", name: "y", port: 80 }, allowlist: ["198.51.100.0/24"] }]; },
            expected: "  routes.additional[0]: host and path api.example.com/cortex are already routed by routes.cortex (one route per host, path and path type; a trailing slash does not make a Prefix path different)",
        },
        {
            name: "a duplicate TCP port",
            rule: "controller-ports",
            mutate: (v) => { v.routes.additional = [{ protocol: "tcp", name: "second-mq", port: 61616, service: { namespace: "x", name: "y", port: 1 }, allowlist: ["198.51.100.0/24"] }]; },
            expected: "  routes.additional[0].port: 61616 is already used by routes.activemq (one TCP route per port)",
        },
        {
            name: "a TCP port of the controller itself",
            rule: "controller-ports",
            mutate: (v) => { v.routes.additional = [{ protocol: "tcp", name: "clash", port: 8443, service: { namespace: "x", name: "y", port: 1 }, allowlist: ["198.51.100.0/24"] }]; },
            expected: "  routes.additional[0].port: 8443 is a port of the controller itself (not 8080, 8443, 10253, 1936, 10254, 9101)",
        },
        {
            name: "the TCP port of HAProxy's Prometheus exporter",
            rule: "controller-ports",
            mutate: (v) => { v.routes.additional = [{ protocol: "tcp", name: "clash", port: 9101, service: { namespace: "x", name: "y", port: 1 }, allowlist: ["198.51.100.0/24"] }]; },
            expected: "  routes.additional[0].port: 9101 is a port of the controller itself (not 8080, 8443, 10253, 1936, 10254, 9101)",
        },
        {
            name: "a missing secret",
            rule: "project-declarations",
            mutate: (v) => { delete v.activemqBrokerPassword; },
            expected: "  activemqBrokerPassword: is not set (a secret: pulumi config set --secret activemqBrokerPassword <value>)",
        },
        {
            name: "a host outside the DNS zone",
            rule: "hosts",
            mutate: (v) => { v.routes.cortex.host = "api.example.org"; },
            expected: "  routes.cortex.host: \"api.example.org\" is not inside the DNS zone \"example.com\" (a name ending in .example.com)",
        },
        {
            name: "a wildcard host",
            rule: "hosts",
            mutate: (v) => { v.routes.activemq.consoleHost = "*.example.com"; },
            expected: "  routes.activemq.consoleHost: \"*.example.com\" is a wildcard (one exact hostname per route)",
        },
        {
            name: "an image pinned to latest",
            rule: "images",
            mutate: (v) => { v.ingress = { controllerImage: "quay.io/jcmoraisjr/haproxy-ingress:latest" }; },
            expected: "  ingress.controllerImage: uses the tag \"latest\" (pin a version tag or a digest)",
        },
        {
            name: "a single controller replica",
            mutate: (v) => { v.ingress = { replicas: 1 }; },
            expected: "  ingress.replicas: is 1 (at least 2)",
        },
        {
            name: "a route with neither service nor workload",
            rule: "route-shape",
            mutate: (v) => { v.routes.additional = [{ protocol: "http", name: "empty", host: "e.example.com", allowlist: ["198.51.100.0/24"] }]; },
            expected: "  routes.additional[0]: needs exactly one of service and workload (service routes to an existing Service, workload deploys one)",
        },
        {
            name: "a route of an unknown protocol",
            mutate: (v) => { v.routes.additional = [{ protocol: "udp", name: "dns" }]; },
            expected: "  routes.additional[0].protocol: has no valid \"protocol\" (allowed: http, tcp)",
        },
        {
            name: "an empty allowlist",
            mutate: (v) => { v.routes.cortex.allowlist = []; },
            expected: "  routes.cortex.allowlist: is empty (at least one CIDR block: every route needs an allowlist)",
        },
        {
            name: "a legacy-layout VPC too small for its subnets",
            rule: "network-layout",
            mutate: (v) => { v.network = { cidr: "10.0.0.0/24", availabilityZones: 6, subnetLayout: "legacy" }; },
            expected: "  network.cidr: 10.0.0.0/24 is too small for 6 AZs: public subnets would be /30 (AWS allows at most /28) (a larger block or fewer AZs)",
        },
        {
            name: "more zones than the zone-indexed layout reserves",
            rule: "network-layout",
            mutate: (v) => { v.network = { availabilityZones: 4 }; },
            expected: "  network.availabilityZones: is 4 (at most 3 with network.subnetLayout zoneIndexed, which reserves every zone's subnets up front so that adding a zone never moves the others)",
        },
        {
            name: "a workload in a namespace the program owns",
            rule: "route-shape",
            mutate: (v) => { v.routes.additional = [{ protocol: "http", name: "api2", namespace: "ingress-controller", host: "a.example.com", workload: { image: "r.example.com/a:1" }, allowlist: ["198.51.100.0/24"] }]; },
            expected: "  routes.additional[0].namespace: is ingress-controller, a namespace this program or Kubernetes owns (not ingress-controller, activemq, cortex, kube-system, kube-public, kube-node-lease, default)",
        },
        {
            name: "a password outside printable ASCII, without echoing it",
            rule: "activemq-passwords",
            mutate: (v) => { v.activemqAdminPassword = "pässwörd-with-umlauts"; },
            expected: "  activemqAdminPassword: has a character outside printable ASCII (letters, digits, space and ASCII punctuation: the console's login matches nothing else)",
        },
        {
            name: "NAT egress admitted on an existing VPC whose NAT addresses are unknown",
            rule: "route-shape",
            mutate: (v) => {
                v.network = { existing: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-01234567", "subnet-01234568"], privateSubnetIds: ["subnet-01234569", "subnet-0123456a"] } };
                v.routes.cortex.allowNatEgress = true;
            },
            expected: "  routes.cortex.allowNatEgress: is true with network.existing (list the VPC's NAT addresses in allowlist instead)",
        },
        {
            name: "a world-open ActiveMQ console, even outside production",
            rule: "allowlist-world-open",
            mutate: (v) => { v.routes.activemq.consoleAllowlist = ["::/0"]; },
            expected: "  routes.activemq.consoleAllowlist[0]: is ::/0, open to the world (the broker console: name the operators' networks)",
        },
        {
            name: "an egress rule with both a CIDR and a namespace",
            mutate: (v) => { v.routes.cortex.egress = [{ cidr: "10.20.8.0/22", namespace: "search", ports: [3306] }]; },
            expected: "  routes.cortex.egress[0]: needs exactly one of cidr and namespace",
        },
        {
            name: "an IPv6 egress block the IPv4 cluster would ignore",
            mutate: (v) => { v.routes.cortex.egress = [{ cidr: "2001:db8::/32", ports: [5432] }]; },
            expected: "  routes.cortex.egress[0].cidr: is 2001:db8::/32, an IPv6 block (IPv4: the cluster is IPv4 and the VPC CNI ignores IPv6 rules there)",
        },
        {
            name: "an egress rule with more ports than the VPC CNI enforces",
            mutate: (v) => { v.routes.cortex.egress = [{ cidr: "10.20.8.0/22", ports: Array.from({ length: 25 }, (_, index) => 5000 + index) }]; },
            expected: "  routes.cortex.egress[0].ports: lists more than 24 ports (the VPC CNI enforces at most 24 per rule)",
        },
        {
            name: "a password as a plain env value, without echoing it",
            mutate: (v) => { v.routes.cortex.env = [{ name: "EP_DB_PASSWORD", value: "hunter2-hunter2" }]; },
            expected: "  routes.cortex.env[0].value: is a plain value for EP_DB_PASSWORD, which names a secret (use secretKeyRef, or envFrom a Secret)",
        },
        {
            name: "an env entry with a value and a reference",
            mutate: (v) => { v.routes.cortex.env = [{ name: "EP_DB_URL", value: "jdbc:mysql://db", configMapKeyRef: { name: "cortex", key: "url" } }]; },
            expected: "  routes.cortex.env[0]: needs exactly one of value, configMapKeyRef and secretKeyRef",
        },
        {
            name: "an env name Kubernetes refuses",
            mutate: (v) => { v.routes.cortex.env = [{ name: "1_DB", value: "x" }]; },
            expected: "  routes.cortex.env[0].name: is not an environment variable name (letters, digits, \"_\", \"-\" and \".\", not starting with a digit)",
        },
        {
            name: "a Secret reference that is no object name",
            mutate: (v) => { v.routes.cortex.env = [{ name: "EP_DB_PASS", secretKeyRef: { name: "Cortex_DB", key: "password" } }]; },
            expected: "  routes.cortex.env[0].secretKeyRef.name: is not a DNS-1123 subdomain (dot-separated a-z, 0-9 and \"-\", each part starting and ending with a letter or digit)",
        },
        {
            name: "an envFrom entry naming both a ConfigMap and a Secret",
            mutate: (v) => { v.routes.cortex.envFrom = [{ configMap: "cortex", secret: "cortex" }]; },
            expected: "  routes.cortex.envFrom[0]: needs exactly one of configMap and secret",
        },
        {
            name: "TCP allowlists with more entries than the NLB's security group can hold",
            mutate: (v) => {
                v.routes.activemq.allowlist = Array.from({ length: 40 }, (_, index) => `${20 + index}.0.0.0/16`);
                v.routes.additional = [{ protocol: "tcp", name: "redis", port: 6379, service: { namespace: "cache", name: "redis", port: 6379 }, allowlist: Array.from({ length: 19 }, (_, index) => `${60 + index}.0.0.0/16`), allowNatEgress: true }];
            },
            expected: "  routes: needs 62 inbound rules on the NLB's security group: 80, 443, and one per IPv4 allowlist entry and NAT address of each TCP route (at most 60, AWS's default quota per security group: shorten the TCP routes' allowlists)",
        },
        {
            name: "a Cortex memory that is no Kubernetes quantity",
            mutate: (v) => { v.routes.cortex.memory = "4.5 GB"; },
            expected: "  routes.cortex.memory: \"4.5 GB\" is not a Kubernetes quantity (a number with an optional suffix: 512Mi, 2Gi, 1G)",
        },
        {
            name: "a scraper namespace that is no namespace name",
            mutate: (v) => { v.ingress = { metricsScraperNamespaces: ["Monitoring"] }; },
            expected: "  ingress.metricsScraperNamespaces[0]: is not a DNS label (a-z, 0-9 and \"-\", 1-63 characters, starting and ending alphanumeric)",
        },
    ];
    for (const { name, mutate, expected } of cases) {
        it(`rejects ${name}`, () => assert.equal(problemsOf(mutate), expected));
    }

    it("lists every problem at once", () => {
        const message = problemsOf((v) => {
            v.routes.cortex.allowlist = ["10.0.0.1/8"];
            v.routes.cortex.hostname = "x";
            delete v.activemqAdminPassword;
        });
        assert.equal(message.split("\n").length, 3);
    });

    describe("stack name [rule aws-names]", () => {
        const problemsFor = (stack: string): string => {
            const result = validateStackConfig(raw(validValues(), stack));
            return result.ok ? "" : formatProblems(result.problems);
        };
        it("accepts a name of the longest length that fits", () => {
            assert.equal(problemsFor("a".repeat(MAX_STACK_NAME_LENGTH)), "");
        });
        it("refuses characters AWS names do not allow and a name too long, in one problem", () => {
            assert.equal(
                problemsFor("Prod.eu-west-1a"),
                "  stack name \"Prod.eu-west-1a\": has characters AWS names refuse (lowercase letters, digits and inner hyphens); is 15 characters (at most 13: it prefixes target group names, which allow 32); rename it with pulumi stack rename",
            );
        });
        it("is reported with the schema's problems", () => {
            const values = validValues() as Record<string, any>;
            values.rotues = {};
            const result = validateStackConfig(raw(values, "dev-"));
            assert.equal(result.ok ? "" : formatProblems(result.problems), [
                "  stack name \"dev-\": has characters AWS names refuse (lowercase letters, digits and inner hyphens); rename it with pulumi stack rename",
                "  rotues: unknown key (allowed: environment, network, cluster, ingress, dns, routes, deployRunner, tlsCertificate, tlsPrivateKey, activemqAdminPassword, activemqBrokerPassword)",
            ].join("\n"));
        });
    });

    describe("production tier [rule production-tier]", () => {
        const production: Mutation = (v) => {
            v.environment = "production";
            v.ingress = { defaultCertificateSecret: "ingress-controller/tls" };
        };
        it("accepts a production baseline", () => {
            const values = structuredClone(validValues()) as Record<string, any>;
            production(values);
            assert.ok(validateStackConfig(raw(values)).ok);
        });
        it("refuses world-open allowlists, WAF not in deny mode, and too few replicas", () => {
            const message = problemsOf((v) => {
                production(v);
                v.routes.cortex.allowlist = ["0.0.0.0/0"];
                v.routes.cortex.wafMode = "off";
                v.ingress.replicas = 2;
                v.routes.cortex.replicas = 1;
                v.ingress.wafMode = "detect";
                v.cluster = { endpointPublicAccessCidrs: ["::/0"] };
            });
            assert.equal(message, [
                "  ingress.replicas: is 2 (at least 3 in production)",
                "  routes.cortex.allowlist[0]: is 0.0.0.0/0, open to the world (production: name the client networks)",
                "  cluster.endpointPublicAccessCidrs[0]: is ::/0, open to the world (production: name the client networks)",
                "  routes.cortex.replicas: is 1 (production: at least 2)",
                "  ingress.wafMode: is detect (production: deny)",
                "  routes.cortex.wafMode: is off (production: deny)",
                "  cluster.endpointPublicAccessCidrs[0]: is ::/0, an IPv6 block (the public endpoint of an IPv4 cluster takes IPv4 CIDRs only: EKS VpcConfigRequest publicAccessCidrs)",
            ].join("\n"));
        });
        it("reports a world-open console once, not once per rule", () => {
            const message = problemsOf((v) => {
                production(v);
                v.routes.activemq.consoleAllowlist = ["0.0.0.0/0"];
            });
            assert.equal(message, "  routes.activemq.consoleAllowlist[0]: is 0.0.0.0/0, open to the world (the broker console: name the operators' networks)");
        });
        it("requires a real default certificate", () => {
            const message = problemsOf((v) => { v.environment = "production"; });
            assert.match(message, /tlsCertificate: is not set \(production needs a real default certificate/);
        });
    });
});

describe("AWS names", () => {
    it("fit the 32 characters of load balancer and target group names for the longest stack name", async () => {
        const stack = "s".repeat(MAX_STACK_NAME_LENGTH);
        const { config, secretKeys } = programConfig(validValues());
        const run = await runUnderMocks({ project: "commerce-edge", stack, config, secretKeys, program });
        const named = run.resources.filter((resource) => resource.type === "aws:lb/targetGroup:TargetGroup" || resource.type === "aws:lb/loadBalancer:LoadBalancer");
        assert.ok(named.length >= 4);
        // Pulumi auto-names them <name>-<7 random characters>.
        assert.deepEqual(named.filter((resource) => resource.name.length + 8 > 32).map((resource) => resource.name), []);
        assert.ok(named.some((resource) => resource.name.length + 8 === 32), "the longest name uses the whole limit");
    });
});

describe("the program on bad config", () => {
    it("fails with a ConfigError listing the problems and registers no resource", async () => {
        const values = validValues() as Record<string, any>;
        values.routes.cortex.allowlist = ["10.0.0.1/8"];
        const { config, secretKeys } = programConfig(values);
        await assert.rejects(
            runUnderMocks({ project: "commerce-edge", stack: "dev", config, secretKeys, program }),
            (error: unknown) => {
                assert.ok(error instanceof ProgramFailure);
                assert.equal(error.resources.length, 0);
                assert.equal((error.cause as Error).name, "ConfigError");
                assert.equal(error.message, [
                    "Invalid config for stack \"dev\" (Pulumi.dev.yaml); nothing was created or changed:",
                    "  routes.cortex.allowlist[0]: \"10.0.0.1/8\" has host bits set (host bits must be zero: use 10.0.0.0/8)",
                ].join("\n"));
                return true;
            },
        );
    });
});
