import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { GlobalKey } from "../../components/haproxy/keys";
import type { Plan } from "../../harness/plan";
import { planStack } from "../../harness/plan";
import { evaluatePolicies, loadPolicyConfig } from "../../policy/offline";
import { ResourceType } from "../../policy/lib/types";
import { assertViolation } from "./fixtures";
import { assertPolicedTypesPresent, at, mutated } from "./planSupport";

describe("the dev plan against the pack", () => {
    let plan: Plan;
    const config = loadPolicyConfig("dev");

    before(async () => {
        plan = await planStack("dev");
    });

    it("contains every resource type the policies inspect", () => {
        assertPolicedTypesPresent(plan.run.resources);
    });

    it("passes with the dev policy config", () => {
        assert.deepEqual(evaluatePolicies(plan.run.resources, { config }), []);
    });

    it("fails when the controller stops accepting PROXY while the NLB sends it", () => {
        const configMap = plan.run.resources.find((resource) => resource.type === ResourceType.configMap);
        assert.ok(configMap);
        const resources = mutated(plan.run.resources, ResourceType.configMap, configMap.name, (props) => {
            at(props, "data")[GlobalKey.useProxyProtocol] = "false";
        });
        const violations = evaluatePolicies(resources, { config });
        assert.equal(violations.length, 1, JSON.stringify(violations, null, 2));
        assertViolation(violations[0], {
            policy: "proxy-protocol-consistent",
            level: "mandatory",
            includes: 'use-proxy-protocol is "false", but the NLB target groups send PROXY v2',
            resource: configMap.urn,
        });
    });
});
