import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PRODUCTION_CONFIG, assertSingle, compliantStack, evaluate } from "./fixtures";

describe("eks-endpoint-not-world-open", () => {
    it("reports the component with unset publicAccessCidrs (advisory; mandatory in production)", () => {
        const stack = compliantStack();
        stack.eksComponent.props.publicAccessCidrs = undefined;
        const expected = {
            policy: "eks-endpoint-not-world-open",
            includes: "EKS cluster edge-test (eks:index:Cluster): the public API endpoint admits every address (publicAccessCidrs unset (AWS default 0.0.0.0/0))",
            resource: stack.eksComponent.urn,
        };
        assertSingle(evaluate(stack), { ...expected, level: "advisory" });
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), { ...expected, level: "mandatory" });
    });

    it("reports the aws:eks cluster open to ::/0 and accepts a private endpoint", () => {
        const stack = compliantStack();
        stack.eksCluster.props.vpcConfig.publicAccessCidrs = ["203.0.113.0/24", "::/0"];
        assertSingle(evaluate(stack), {
            policy: "eks-endpoint-not-world-open",
            level: "advisory",
            includes: "EKS cluster edge-test-eksCluster (aws:eks/cluster:Cluster): the public API endpoint admits every address (::/0)",
        });
        stack.eksCluster.props.vpcConfig.endpointPublicAccess = false;
        assert.deepEqual(evaluate(stack), []);
    });

    it("reports CIDRs that admit every address only together, judged by the addresses they admit", () => {
        const stack = compliantStack();
        stack.eksComponent.props.publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"];
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), {
            policy: "eks-endpoint-not-world-open",
            level: "mandatory",
            includes: "the public API endpoint admits every address (0.0.0.0/1, 128.0.0.0/1 together)",
            resource: stack.eksComponent.urn,
        });
        stack.eksComponent.props.publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/2"];
        assert.deepEqual(evaluate(stack, PRODUCTION_CONFIG), []);
    });
});

describe("eks-control-plane-logs", () => {
    it("reports missing log types on either cluster type", () => {
        const stack = compliantStack();
        stack.eksComponent.props.enabledClusterLogTypes = ["api"];
        assertSingle(evaluate(stack), {
            policy: "eks-control-plane-logs",
            level: "advisory",
            includes: "control-plane logs audit, authenticator are off: add them to enabledClusterLogTypes (now [api])",
            resource: stack.eksComponent.urn,
        });
        const child = compliantStack();
        child.eksCluster.props.enabledClusterLogTypes = [];
        assertSingle(evaluate(child, PRODUCTION_CONFIG), { policy: "eks-control-plane-logs", level: "mandatory", includes: "logs api, audit, authenticator are off" });
    });

    it("takes the required log types from the config", () => {
        const stack = compliantStack();
        const violations = evaluate(stack, { "eks-control-plane-logs": { requiredLogTypes: ["api", "audit", "authenticator", "scheduler"] } });
        assert.deepEqual(violations.map((violation) => violation.message.includes("logs scheduler are off")), [true, true]);
    });
});

describe("eks-secrets-encryption", () => {
    it("reports the component without encryptionConfigKeyArn", () => {
        const stack = compliantStack();
        stack.eksComponent.props.encryptionConfigKeyArn = undefined;
        assertSingle(evaluate(stack), {
            policy: "eks-secrets-encryption",
            level: "advisory",
            includes: "EKS cluster edge-test (eks:index:Cluster): Kubernetes secrets are not encrypted with a KMS key",
        });
    });

    it("reports the aws:eks cluster whose encryptionConfig does not cover secrets", () => {
        const stack = compliantStack();
        stack.eksCluster.props.encryptionConfig = { resources: [], provider: { keyArn: "arn:aws:kms:eu-west-1:123456789012:key/test" } };
        assertSingle(evaluate(stack, PRODUCTION_CONFIG), { policy: "eks-secrets-encryption", level: "mandatory", includes: "edge-test-eksCluster" });
    });
});

describe("nlb-cross-zone", () => {
    it("reports an NLB without cross-zone load balancing", () => {
        const stack = compliantStack();
        stack.nlb.props.enableCrossZoneLoadBalancing = false;
        assertSingle(evaluate(stack), {
            policy: "nlb-cross-zone",
            level: "advisory",
            includes: "NLB edge-test: cross-zone load balancing is off",
            resource: stack.nlb.urn,
        });
    });
});
