import assert from "node:assert/strict";
import type { PolicyPackConfig } from "@pulumi/policy";
import { ANNOTATION_PREFIX, GlobalKey, INGRESS_CLASS, IngressKey } from "../../components/haproxy/keys";
import type { PolicyResourceLike, Violation, ViolationLevel } from "../../policy/offline";
import { evaluatePolicies, loadPolicyConfig } from "../../policy/offline";
import { ResourceType } from "../../policy/lib/types";

/**
 * A compliant edge stack in the shapes the offline plan records (see out/<stack>/resources.json):
 * every policy passes on it. `compliantStack()` builds a fresh deep copy that a test may mutate.
 */

function urn(type: string, name: string): string {
    return `urn:pulumi:test::commerce-edge::${type}::${name}`;
}

function resource<P extends object>(type: string, name: string, props: P, dependencies: string[] = []) {
    return { type, name, urn: urn(type, name), props, dependencies };
}

export const HOST = "api.example.com";
const NLB_DNS = "edge-test-0123456789.elb.eu-west-1.amazonaws.com";

function targetGroup(name: string, port: number) {
    return resource(ResourceType.targetGroup, name, {
        port,
        protocol: "TCP",
        proxyProtocolV2: true as boolean,
        targetType: "instance",
        healthCheck: { enabled: true, protocol: "TCP", port: "30253" as string | undefined },
    });
}

export function compliantStack() {
    const nlb = resource(ResourceType.loadBalancer, "edge-test", {
        loadBalancerType: "network",
        internal: false,
        enableCrossZoneLoadBalancing: true as boolean,
    });
    return {
        configMap: resource(ResourceType.configMap, "edge-test-config", {
            metadata: { name: "haproxy-ingress", namespace: "ingress-controller" },
            data: {
                [GlobalKey.useProxyProtocol]: "true",
                [GlobalKey.tcpServiceProxyProtocol]: "true",
                [GlobalKey.modsecurityEndpoints]: "172.20.0.175:12345",
                [GlobalKey.healthzPort]: "10253",
            } as Record<string, string>,
        }),
        deployment: resource(ResourceType.deployment, "edge-test-controller", {
            metadata: { name: "haproxy-ingress", namespace: "ingress-controller" },
            spec: {
                replicas: 2 as number | undefined,
                selector: { matchLabels: { "app.kubernetes.io/name": "haproxy-ingress" } },
                template: { metadata: { labels: { "app.kubernetes.io/name": "haproxy-ingress", "app.kubernetes.io/component": "controller" } } },
            },
        }),
        pdb: resource(ResourceType.podDisruptionBudget, "edge-test-controller", {
            metadata: { name: "haproxy-ingress", namespace: "ingress-controller" },
            spec: {
                maxUnavailable: 1,
                selector: { matchLabels: { "app.kubernetes.io/name": "haproxy-ingress" } as Record<string, string> } as Record<string, unknown>,
            },
        }),
        httpIngress: resource(ResourceType.ingress, "cortex-ingress", {
            metadata: {
                name: "cortex",
                namespace: "cortex",
                annotations: {
                    [`${ANNOTATION_PREFIX}${IngressKey.allowlistSourceRange}`]: "203.0.113.0/24,2001:db8:100::/48",
                    [`${ANNOTATION_PREFIX}${IngressKey.balanceAlgorithm}`]: "leastconn",
                    [`${ANNOTATION_PREFIX}${IngressKey.sslRedirect}`]: "true",
                    [`${ANNOTATION_PREFIX}${IngressKey.waf}`]: "modsecurity",
                    [`${ANNOTATION_PREFIX}${IngressKey.wafMode}`]: "deny",
                } as Record<string, string>,
            },
            spec: {
                ingressClassName: INGRESS_CLASS as string | undefined,
                rules: [{ host: HOST, http: { paths: [{ path: "/cortex", pathType: "Prefix", backend: { service: { name: "cortex", port: { number: 8080 } } } }] } }],
                tls: [{ hosts: [HOST] }],
            },
        }),
        tcpIngress: resource(ResourceType.ingress, "activemq-openwire-ingress", {
            metadata: {
                name: "activemq-openwire",
                namespace: "activemq",
                annotations: {
                    [`${ANNOTATION_PREFIX}${IngressKey.tcpServicePort}`]: "61616",
                    [`${ANNOTATION_PREFIX}${IngressKey.tcpServiceProxyProtocol}`]: "true",
                    [`${ANNOTATION_PREFIX}${IngressKey.allowlistSourceRange}`]: "10.20.0.0/16",
                    [`${ANNOTATION_PREFIX}${IngressKey.balanceAlgorithm}`]: "leastconn",
                } as Record<string, string>,
            },
            spec: { ingressClassName: INGRESS_CLASS, defaultBackend: { service: { name: "activemq", port: { number: 61616 } } } },
        }),
        nlb,
        targetGroupHttp: targetGroup("edge-test-http", 30080),
        targetGroupHttps: targetGroup("edge-test-https", 30443),
        targetGroupTcp: targetGroup("edge-test-61616", 31616),
        dnsRecord: resource(
            ResourceType.route53Record,
            "api-example-com-a",
            { name: HOST, type: "A", zoneId: "Z0FAKEHOSTEDZONE0001", aliases: [{ name: NLB_DNS, zoneId: "Z0FAKENLBZONE0000001", evaluateTargetHealth: true }] },
            [nlb.urn],
        ),
        eksComponent: resource(ResourceType.eksComponentCluster, "edge-test", {
            endpointPrivateAccess: true,
            endpointPublicAccess: true as boolean | undefined,
            publicAccessCidrs: ["203.0.113.0/24"] as string[] | undefined,
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            encryptionConfigKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/test" as string | undefined,
        }),
        eksCluster: resource(ResourceType.eksCluster, "edge-test-eksCluster", {
            vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] as string[] | undefined },
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:eu-west-1:123456789012:key/test" } } as unknown,
        }),
    };
}

export type CompliantStack = ReturnType<typeof compliantStack>;

export const PRODUCTION_CONFIG: PolicyPackConfig = loadPolicyConfig("production");

/** Runs the pack over a fixture (or its resources minus some) with an optional policy config. */
export function evaluate(stack: CompliantStack | readonly PolicyResourceLike[], config?: PolicyPackConfig): Violation[] {
    const resources = Array.isArray(stack) ? stack : Object.values(stack);
    return evaluatePolicies(resources, config === undefined ? {} : { config });
}

export interface Expected {
    readonly policy: string;
    readonly level: ViolationLevel;
    /** Substring of the message. */
    readonly includes: string;
    /** URN, or "stack". */
    readonly resource?: string;
}

/** Exactly one violation, and it is the expected one. */
export function assertSingle(violations: readonly Violation[], expected: Expected): void {
    assert.equal(violations.length, 1, `expected one violation, got ${JSON.stringify(violations, null, 2)}`);
    assertViolation(violations[0], expected);
}

export function assertViolation(violation: Violation | undefined, expected: Expected): void {
    assert.ok(violation, "missing violation");
    assert.equal(violation.policy, expected.policy);
    assert.equal(violation.level, expected.level);
    assert.ok(violation.message.includes(expected.includes), `message ${JSON.stringify(violation.message)} lacks ${JSON.stringify(expected.includes)}`);
    if (expected.resource !== undefined) assert.equal(violation.resource, expected.resource);
}
