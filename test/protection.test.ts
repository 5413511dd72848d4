import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { PROTECTED_IN_PRODUCTION, protectTypes } from "../components/protection";
import { planStack } from "../harness/plan";

describe("production protection", () => {
    const transform = protectTypes(PROTECTED_IN_PRODUCTION);
    const args = (type: string, opts: pulumi.ResourceOptions = {}): pulumi.ResourceTransformArgs => ({ type, name: "x", custom: true, props: { a: 1 }, opts });

    it("protects a listed type and keeps its other options and inputs", async () => {
        const result = await transform(args("aws:kms/key:Key", { ignoreChanges: ["tags"], retainOnDelete: true }));
        assert.deepEqual(result, { props: { a: 1 }, opts: { ignoreChanges: ["tags"], retainOnDelete: true, protect: true } });
    });

    it("reaches the control plane the eks component creates, and leaves everything else alone", async () => {
        assert.equal((await transform(args("aws:eks/cluster:Cluster")))?.opts.protect, true);
        assert.equal(await transform(args("aws:lb/loadBalancer:LoadBalancer")), undefined);
        assert.equal(await transform(args("constructor")), undefined);
    });

    it("is not registered outside production", async () => {
        const plan = await planStack("dev");
        assert.deepEqual(plan.run.resources.filter((resource) => resource.protect === true).map((resource) => resource.urn), []);
        assert.ok(plan.run.resources.some((resource) => resource.type === "aws:kms/key:Key"));
    });
});
