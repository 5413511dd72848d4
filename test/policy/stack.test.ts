import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ANNOTATION_PREFIX, GlobalKey, IngressKey } from "../../components/haproxy/keys";
import { PRODUCTION_CONFIG, assertSingle, assertViolation, compliantStack, evaluate } from "./fixtures";

const key = (name: string): string => `${ANNOTATION_PREFIX}${name}`;

describe("proxy-protocol-consistent", () => {
    it("reports a target group without PROXY v2 (mandatory)", () => {
        const stack = compliantStack();
        stack.targetGroupTcp.props.proxyProtocolV2 = false;
        assertSingle(evaluate(stack), {
            policy: "proxy-protocol-consistent",
            level: "mandatory",
            includes: "NLB target group edge-test-61616 (port 31616) does not send PROXY v2",
            resource: stack.targetGroupTcp.urn,
        });
    });

    for (const configKey of [GlobalKey.useProxyProtocol, GlobalKey.tcpServiceProxyProtocol]) {
        it(`reports the ConfigMap not accepting PROXY (${configKey} unset)`, () => {
            const stack = compliantStack();
            delete stack.configMap.props.data[configKey];
            assertSingle(evaluate(stack), {
                policy: "proxy-protocol-consistent",
                level: "mandatory",
                includes: `${configKey} is unset, but the NLB target groups send PROXY v2: set ${configKey}: "true"`,
                resource: stack.configMap.urn,
            });
        });
    }

    it("reports a TCP Ingress that turns PROXY off for its port", () => {
        const stack = compliantStack();
        stack.tcpIngress.props.metadata.annotations[key(IngressKey.tcpServiceProxyProtocol)] = "false";
        assertSingle(evaluate(stack), {
            policy: "proxy-protocol-consistent",
            level: "mandatory",
            includes: 'tcp-service-proxy-protocol: false overrides the ConfigMap, but the NLB sends PROXY v2: set it to "true" or remove it',
            resource: stack.tcpIngress.urn,
        });
    });

    it("reports a missing controller ConfigMap at stack level", () => {
        const stack = compliantStack();
        stack.configMap.props.metadata.name = "renamed";
        const violations = evaluate(stack);
        assertViolation(violations.find((violation) => violation.policy === "proxy-protocol-consistent"), {
            policy: "proxy-protocol-consistent",
            level: "mandatory",
            includes: "The controller ConfigMap ingress-controller/haproxy-ingress is not in the stack",
            resource: "stack",
        });
    });

    it("when PROXY is not required, accepts it off everywhere and reports a ConfigMap still expecting it", () => {
        const stack = compliantStack();
        for (const group of [stack.targetGroupHttp, stack.targetGroupHttps, stack.targetGroupTcp]) group.props.proxyProtocolV2 = false;
        stack.configMap.props.data[GlobalKey.tcpServiceProxyProtocol] = "false";
        delete stack.tcpIngress.props.metadata.annotations[key(IngressKey.tcpServiceProxyProtocol)];
        const config = { "proxy-protocol-consistent": { requireProxyProtocol: false } };
        assertSingle(evaluate(stack, config), {
            policy: "proxy-protocol-consistent",
            level: "mandatory",
            includes: 'use-proxy-protocol is "true", but no NLB target group sends PROXY v2',
        });
        stack.configMap.props.data[GlobalKey.useProxyProtocol] = "false";
        assert.deepEqual(evaluate(stack, config), []);
    });
});

describe("ingress-hosts-have-dns", () => {
    it("reports a host without a Route53 record (mandatory)", () => {
        const stack = compliantStack();
        const resources = Object.values(stack).filter((resource) => resource !== stack.dnsRecord);
        assertSingle(evaluate(resources), {
            policy: "ingress-hosts-have-dns",
            level: "mandatory",
            includes: "Ingress cortex/cortex: host api.example.com has no Route53 record",
            resource: stack.httpIngress.urn,
        });
    });

    it("reports a record that does not alias the NLB", () => {
        const stack = compliantStack();
        stack.dnsRecord.dependencies = [];
        stack.dnsRecord.props.aliases[0]!.name = "elsewhere.example.net";
        assertSingle(evaluate(stack), {
            policy: "ingress-hosts-have-dns",
            level: "mandatory",
            includes: "the Route53 record api.example.com does not alias the NLB",
        });
    });

    it("recognises the alias by the NLB's DNS name once it is known, and a trailing dot", () => {
        const stack = compliantStack();
        stack.dnsRecord.dependencies = [];
        stack.dnsRecord.props.name = "API.example.com.";
        const nlbProps: Record<string, unknown> = stack.nlb.props;
        nlbProps.dnsName = stack.dnsRecord.props.aliases[0]!.name;
        assert.deepEqual(evaluate(stack), []);
    });
});

describe("waf-has-modsecurity-endpoints", () => {
    it("reports WAF Ingresses while modsecurity-endpoints is empty (mandatory)", () => {
        const stack = compliantStack();
        stack.configMap.props.data[GlobalKey.modsecurityEndpoints] = " ";
        assertSingle(evaluate(stack), {
            policy: "waf-has-modsecurity-endpoints",
            level: "mandatory",
            includes: "Ingress cortex/cortex uses waf: modsecurity, but the controller ConfigMap ingress-controller/haproxy-ingress has no modsecurity-endpoints",
            resource: stack.configMap.urn,
        });
    });

    it("is silent when no Ingress uses the WAF", () => {
        const stack = compliantStack();
        delete stack.configMap.props.data[GlobalKey.modsecurityEndpoints];
        delete stack.httpIngress.props.metadata.annotations[key(IngressKey.waf)];
        delete stack.httpIngress.props.metadata.annotations[key(IngressKey.wafMode)];
        assert.deepEqual(evaluate(stack).map((violation) => violation.policy), ["ingress-waf-modsecurity"]);
    });
});

describe("controller-high-availability", () => {
    it("reports a single replica (advisory by default, mandatory in production)", () => {
        const stack = compliantStack();
        stack.deployment.props.spec.replicas = undefined;
        const expected = {
            policy: "controller-high-availability",
            includes: "Controller Deployment ingress-controller/haproxy-ingress runs 1 replica(s): run at least 2",
            resource: stack.deployment.urn,
        };
        assertSingle(evaluate(stack), { ...expected, level: "advisory" });
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), { ...expected, level: "mandatory" });
    });

    it("honours minReplicas from the config", () => {
        const stack = compliantStack();
        assertSingle(evaluate(stack, { "controller-high-availability": { minReplicas: 3 } }), {
            policy: "controller-high-availability",
            level: "advisory",
            includes: "runs 2 replica(s): run at least 3",
        });
    });

    it("reports a PodDisruptionBudget that does not select the controller pods", () => {
        const stack = compliantStack();
        stack.pdb.props.spec.selector = { matchLabels: { "app.kubernetes.io/name": "modsecurity-spoa" } };
        assertSingle(evaluate(stack), {
            policy: "controller-high-availability",
            level: "advisory",
            includes: "No PodDisruptionBudget selects the controller pods of ingress-controller/haproxy-ingress",
        });
    });

    it("evaluates matchExpressions", () => {
        const stack = compliantStack();
        stack.pdb.props.spec.selector = { matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["controller"] }] };
        assert.deepEqual(evaluate(stack), []);
        stack.pdb.props.spec.selector = { matchExpressions: [{ key: "app.kubernetes.io/component", operator: "NotIn", values: ["controller"] }] };
        assert.equal(evaluate(stack).length, 1);
    });

    it("reports a missing controller Deployment at stack level", () => {
        const stack = compliantStack();
        const resources = Object.values(stack).filter((resource) => resource !== stack.deployment);
        assertSingle(evaluate(resources), {
            policy: "controller-high-availability",
            level: "advisory",
            includes: "The controller Deployment ingress-controller/haproxy-ingress is not in the stack",
            resource: "stack",
        });
    });
});

describe("nlb-health-check-off-proxy-port", () => {
    it("reports a health check on traffic-port (mandatory)", () => {
        const stack = compliantStack();
        stack.targetGroupHttps.props.healthCheck.port = "traffic-port";
        assertSingle(evaluate(stack), {
            policy: "nlb-health-check-off-proxy-port",
            level: "mandatory",
            includes: "NLB target group edge-test-https: the health check targets traffic-port (30443), which expects a PROXY header",
            resource: stack.targetGroupHttps.urn,
        });
    });

    it("treats an unset health-check port as traffic-port", () => {
        const stack = compliantStack();
        stack.targetGroupHttp.props.healthCheck.port = undefined;
        assertSingle(evaluate(stack), { policy: "nlb-health-check-off-proxy-port", level: "mandatory", includes: "traffic-port (30080)" });
    });

    it("reports an HTTP health check on a PROXY v2 target group", () => {
        const stack = compliantStack();
        stack.targetGroupHttp.props.healthCheck.protocol = "HTTP";
        assertSingle(evaluate(stack), {
            policy: "nlb-health-check-off-proxy-port",
            level: "mandatory",
            includes: "an HTTP health check carries the PROXY v2 header the NLB adds to health-check connections too",
            resource: stack.targetGroupHttp.urn,
        });
    });

    it("reports a health check on another target group's traffic port", () => {
        const stack = compliantStack();
        stack.targetGroupTcp.props.healthCheck.port = "30080";
        assertSingle(evaluate(stack), { policy: "nlb-health-check-off-proxy-port", level: "mandatory", includes: "the health check targets traffic port 30080" });
    });
});
