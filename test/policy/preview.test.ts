import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ANNOTATION_PREFIX, GlobalKey, IngressKey } from "../../components/haproxy/keys";
import { evaluatePolicies } from "../../policy/offline";
import { compliantStack } from "./fixtures";

/**
 * Under `pulumi preview` the analyzer wraps props so that reading an unknown value throws, and it
 * reports that policy as "can't run during preview". A first preview does not know the NAT address in
 * an allowlist, the WAF Service's ClusterIP, the KMS key's ARN nor the NLB's DNS name; only the checks
 * that need those values may stop (test/entrypoints.test.ts sees the same through the real analyzer).
 */

/** @pulumi/policy's sentinel for an unknown string (internal to proxy.js, which has no typings). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The policies that need one of those values. */
const DEFERRED = ["ingress-source-allowlist", "waf-has-modsecurity-endpoints", "eks-secrets-encryption"];

async function previewStack() {
    const proxy = (await import("@pulumi/policy/proxy")) as unknown as { unknownCheckingProxy<T>(value: T): T };
    const stack = compliantStack();
    stack.httpIngress.props.metadata.annotations[`${ANNOTATION_PREFIX}${IngressKey.allowlistSourceRange}`] = UNKNOWN_STRING;
    stack.configMap.props.data[GlobalKey.modsecurityEndpoints] = UNKNOWN_STRING;
    stack.eksComponent.props.encryptionConfigKeyArn = UNKNOWN_STRING;
    stack.eksCluster.props.encryptionConfig = { resources: ["secrets"], provider: { keyArn: UNKNOWN_STRING } };
    (stack.nlb.props as Record<string, unknown>).dnsName = UNKNOWN_STRING;
    stack.dnsRecord.props.aliases[0]!.name = UNKNOWN_STRING;
    return Object.values(stack).map((resource) => ({ ...resource, props: proxy.unknownCheckingProxy(resource.props) }));
}

describe("policies during a preview", () => {
    it("run everything that does not need the unknown values", async () => {
        const resources = await previewStack();
        const config = Object.fromEntries(DEFERRED.map((name) => [name, "disabled" as const]));
        assert.deepEqual(evaluatePolicies(resources, { config }), []);
    });

    for (const policy of DEFERRED) {
        it(`leave ${policy} to the update, when its value is known`, async () => {
            const resources = await previewStack();
            const others = DEFERRED.filter((name) => name !== policy);
            const config = Object.fromEntries(others.map((name) => [name, "disabled" as const]));
            assert.throws(() => evaluatePolicies(resources, { config }), (error: Error) => error.message.startsWith(`Policy ${policy} failed`) && error.message.includes("can't be known during preview"));
        });
    }
});
