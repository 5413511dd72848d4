import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ANNOTATION_PREFIX, GlobalKey, IngressKey, LEGACY_ANNOTATION_PREFIX } from "../../components/haproxy/keys";
import { INGRESS_CLASS_ANNOTATION } from "../../policy/lib/ingress";
import { PRODUCTION_CONFIG, assertSingle, compliantStack, evaluate } from "./fixtures";

const key = (name: string): string => `${ANNOTATION_PREFIX}${name}`;

describe("compliant baseline", () => {
    it("passes every policy with the default and the production config", () => {
        assert.deepEqual(evaluate(compliantStack()), []);
        assert.deepEqual(evaluate(compliantStack(), PRODUCTION_CONFIG), []);
    });
});

describe("ingress-class-set", () => {
    it("reports an Ingress without a class, mandatory by default", () => {
        const stack = compliantStack();
        stack.httpIngress.props.spec.ingressClassName = undefined;
        assertSingle(evaluate(stack), {
            policy: "ingress-class-set",
            level: "mandatory",
            includes: "Ingress cortex/cortex has no ingress class",
            resource: stack.httpIngress.urn,
        });
    });

    it("accepts the kubernetes.io/ingress.class annotation instead of spec.ingressClassName", () => {
        const stack = compliantStack();
        stack.httpIngress.props.spec.ingressClassName = undefined;
        stack.httpIngress.props.metadata.annotations[INGRESS_CLASS_ANNOTATION] = "haproxy";
        assert.deepEqual(evaluate(stack), []);
    });

    it("leaves Ingresses of other classes to their controller", () => {
        const stack = compliantStack();
        stack.httpIngress.props.spec.ingressClassName = "nginx";
        stack.httpIngress.props.metadata.annotations = {};
        assert.deepEqual(evaluate(stack), []);
    });
});

describe("ingress-waf-modsecurity", () => {
    it("reports an HTTP Ingress without waf: modsecurity (advisory by default, mandatory in production)", () => {
        const stack = compliantStack();
        delete stack.httpIngress.props.metadata.annotations[key(IngressKey.waf)];
        const expected = { policy: "ingress-waf-modsecurity", includes: "is not behind the WAF (no waf annotation): set haproxy-ingress.github.io/waf: modsecurity" };
        assertSingle(evaluate(stack), { ...expected, level: "advisory" });
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), { ...expected, level: "mandatory" });
    });

    it("accepts the legacy prefix", () => {
        const stack = compliantStack();
        const annotations = stack.httpIngress.props.metadata.annotations;
        delete annotations[key(IngressKey.waf)];
        annotations[`${LEGACY_ANNOTATION_PREFIX}${IngressKey.waf}`] = "modsecurity";
        assert.deepEqual(evaluate(stack, PRODUCTION_CONFIG), []);
    });

    it("requires waf-mode deny only where the config says so", () => {
        const stack = compliantStack();
        stack.httpIngress.props.metadata.annotations[key(IngressKey.wafMode)] = "detect";
        assert.deepEqual(evaluate(stack), []);
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), {
            policy: "ingress-waf-modsecurity",
            level: "mandatory",
            includes: 'haproxy-ingress.github.io/waf-mode is "detect"): set haproxy-ingress.github.io/waf-mode: deny',
        });
        assertSingle(evaluate(stack, { "ingress-waf-modsecurity": { requireDenyMode: true } }), {
            policy: "ingress-waf-modsecurity",
            level: "advisory",
            includes: "does not block attacks",
        });
    });

    it("does not ask for a WAF on tcp-service-port Ingresses", () => {
        const stack = compliantStack();
        assert.equal(stack.tcpIngress.props.metadata.annotations[key(IngressKey.waf)], undefined);
        assert.deepEqual(evaluate(stack, PRODUCTION_CONFIG), []);
    });
});

describe("ingress-source-allowlist", () => {
    it("reports a missing allowlist", () => {
        const stack = compliantStack();
        delete stack.tcpIngress.props.metadata.annotations[key(IngressKey.allowlistSourceRange)];
        assertSingle(evaluate(stack), {
            policy: "ingress-source-allowlist",
            level: "advisory",
            includes: "Ingress activemq/activemq-openwire has no source allowlist",
            resource: stack.tcpIngress.urn,
        });
    });

    it("reports a world-open entry unless the config allows it", () => {
        const stack = compliantStack();
        stack.httpIngress.props.metadata.annotations[key(IngressKey.allowlistSourceRange)] = "203.0.113.0/24,::/0";
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), {
            policy: "ingress-source-allowlist",
            level: "mandatory",
            includes: "contains ::/0, which admits every address",
        });
        assert.deepEqual(evaluate(stack, { "ingress-source-allowlist": { allowWorldOpen: true } }), []);
    });

    it("reports entries that admit every address only together, and a list of nothing but exceptions", () => {
        const stack = compliantStack();
        const annotations = stack.httpIngress.props.metadata.annotations;
        annotations[key(IngressKey.allowlistSourceRange)] = "0.0.0.0/1,128.0.0.0/1";
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), {
            policy: "ingress-source-allowlist",
            level: "mandatory",
            includes: "admits every IPv4 address with its entries together (0.0.0.0/1, 128.0.0.0/1)",
        });
        annotations[key(IngressKey.allowlistSourceRange)] = "!10.0.0.0/8";
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), {
            policy: "ingress-source-allowlist",
            level: "mandatory",
            includes: "holds only exceptions (!10.0.0.0/8), which admit every other address",
        });
        annotations[key(IngressKey.allowlistSourceRange)] = "0.0.0.0/1,128.0.0.0/2";
        assert.deepEqual(evaluate(stack, PRODUCTION_CONFIG), []);
    });

    it("reports invalid entries and accepts bare addresses and exceptions", () => {
        const stack = compliantStack();
        stack.httpIngress.props.metadata.annotations[key(IngressKey.allowlistSourceRange)] = "203.0.113.10, 2001:db8::1,!10.0.0.0/8,10.0.0.1/8,not-an-ip";
        const violations = evaluate(stack);
        assert.deepEqual(violations.map((violation) => violation.policy), ["ingress-source-allowlist", "ingress-source-allowlist"]);
        assert.ok(violations[0]?.message.includes('"10.0.0.1/8" has host bits set'), violations[0]?.message);
        assert.ok(violations[1]?.message.includes('"not-an-ip" is not an IP address or CIDR block'), violations[1]?.message);
    });

    it("checks the legacy whitelist-source-range when it is the only list", () => {
        const stack = compliantStack();
        const annotations = stack.tcpIngress.props.metadata.annotations;
        delete annotations[key(IngressKey.allowlistSourceRange)];
        annotations[`${LEGACY_ANNOTATION_PREFIX}whitelist-source-range`] = "0.0.0.0/0";
        assertSingle(evaluate(stack), {
            policy: "ingress-source-allowlist",
            level: "advisory",
            includes: "ingress.kubernetes.io/whitelist-source-range contains 0.0.0.0/0",
        });
    });
});

describe("ingress-tls-covers-hosts", () => {
    it("reports a rule host missing from spec.tls", () => {
        const stack = compliantStack();
        stack.httpIngress.props.spec.tls = [];
        assertSingle(evaluate(stack), {
            policy: "ingress-tls-covers-hosts",
            level: "advisory",
            includes: "host api.example.com is not in spec.tls",
        });
    });

    it("accepts a wildcard TLS entry one label above the host", () => {
        const stack = compliantStack();
        stack.httpIngress.props.spec.tls = [{ hosts: ["*.example.com"] }];
        assert.deepEqual(evaluate(stack), []);
        stack.httpIngress.props.spec.tls = [{ hosts: ["*.com"] }];
        assert.equal(evaluate(stack).length, 1);
    });
});

describe("ingress-no-wildcard-host", () => {
    it("reports a wildcard rule host", () => {
        const stack = compliantStack();
        stack.httpIngress.props.spec.rules[0]!.host = "*.example.com";
        stack.httpIngress.props.spec.tls = [{ hosts: ["*.example.com"] }];
        stack.dnsRecord.props.name = "*.example.com";
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), {
            policy: "ingress-no-wildcard-host",
            level: "mandatory",
            includes: "host *.example.com is a wildcard",
        });
    });
});

describe("ingress-annotations-effective", () => {
    const cases: { name: string; annotation: string; value: string; includes: string; ingress?: "tcp" }[] = [
        {
            name: "load-balance is not a key",
            annotation: key("load-balance"),
            value: "least_conn",
            includes: "haproxy-ingress.github.io/load-balance is not a haproxy-ingress v0.16 key (ignored): use haproxy-ingress.github.io/balance-algorithm: leastconn",
        },
        {
            name: "least_conn is not an algorithm",
            annotation: key(IngressKey.balanceAlgorithm),
            value: "least_conn",
            includes: "least_conn is not a HAProxy balance algorithm (HAProxy rejects the configuration): use haproxy-ingress.github.io/balance-algorithm: leastconn",
        },
        {
            name: "an unknown value is not an algorithm",
            annotation: key(IngressKey.balanceAlgorithm),
            value: "fastest",
            includes: "use haproxy-ingress.github.io/balance-algorithm: one of roundrobin, static-rr, leastconn",
        },
        {
            name: "use-proxy-protocol is Global",
            annotation: key(GlobalKey.useProxyProtocol),
            value: "true",
            includes:
                'haproxy-ingress.github.io/use-proxy-protocol is a Global key, read only from the controller ConfigMap (ignored on an Ingress): ' +
                'set use-proxy-protocol: "true" in the controller ConfigMap (TCP services also need tcp-service-proxy-protocol: "true")',
        },
        {
            name: "any Global key under the legacy prefix",
            annotation: `${LEGACY_ANNOTATION_PREFIX}${GlobalKey.timeoutClient}`,
            value: "50s",
            includes: 'ingress.kubernetes.io/timeout-client is a Global key',
        },
        {
            name: "haproxytech's prefix",
            annotation: "haproxy.org/load-balance",
            value: "leastconn",
            includes: "haproxy.org/load-balance has haproxytech's prefix, which haproxy-ingress ignores: use haproxy-ingress.github.io/balance-algorithm: leastconn",
        },
        {
            name: "unknown key",
            annotation: key("secure-backend"),
            value: "true",
            includes: "haproxy-ingress.github.io/secure-backend is not a haproxy-ingress v0.16 key (ignored)",
        },
        {
            name: "TCP key on an HTTP Ingress",
            annotation: key(IngressKey.tcpServiceProxyProtocol),
            value: "true",
            includes: "applies only to Ingresses with haproxy-ingress.github.io/tcp-service-port (ignored here)",
        },
        {
            name: "WAF on a TCP Ingress",
            annotation: key(IngressKey.waf),
            value: "modsecurity",
            includes: "haproxy-ingress.github.io/waf is ignored on a tcp-service-port Ingress",
            ingress: "tcp",
        },
        {
            name: "legacy prefix overridden by the preferred one",
            annotation: `${LEGACY_ANNOTATION_PREFIX}${IngressKey.balanceAlgorithm}`,
            value: "roundrobin",
            includes: "ingress.kubernetes.io/balance-algorithm is overridden by haproxy-ingress.github.io/balance-algorithm: leastconn",
        },
        {
            name: "whitelist next to allowlist",
            annotation: key("whitelist-source-range"),
            value: "10.0.0.0/8",
            includes: "whitelist-source-range is ignored because haproxy-ingress.github.io/allowlist-source-range is set",
        },
    ];
    for (const testCase of cases) {
        it(`reports ${testCase.name} (mandatory)`, () => {
            const stack = compliantStack();
            const ingress = testCase.ingress === "tcp" ? stack.tcpIngress : stack.httpIngress;
            ingress.props.metadata.annotations[testCase.annotation] = testCase.value;
            assertSingle(evaluate(stack), { policy: "ingress-annotations-effective", level: "mandatory", includes: testCase.includes, resource: ingress.urn });
        });
    }

    it("accepts HAProxy algorithms with arguments", () => {
        for (const value of ["random(2)", "hdr(host)", "uri whole", "url_param session", "rdp-cookie", "source"]) {
            const stack = compliantStack();
            stack.httpIngress.props.metadata.annotations[key(IngressKey.balanceAlgorithm)] = value;
            assert.deepEqual(evaluate(stack), [], value);
        }
    });

    it("is advisory when the config lowers it", () => {
        const stack = compliantStack();
        stack.httpIngress.props.metadata.annotations[key("load-balance")] = "roundrobin";
        assertSingle(evaluate(stack, { "ingress-annotations-effective": "advisory" }), {
            policy: "ingress-annotations-effective",
            level: "advisory",
            includes: "use haproxy-ingress.github.io/balance-algorithm: roundrobin",
        });
    });
});
