import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ANNOTATION_PREFIX, IngressKey } from "../../components/haproxy/keys";
import type { Plan } from "../../harness/plan";
import { planStack } from "../../harness/plan";
import { evaluatePolicies, loadPolicyConfig } from "../../policy/offline";
import { ResourceType } from "../../policy/lib/types";
import { assertViolation } from "./fixtures";
import { assertPolicedTypesPresent, at, mutated } from "./planSupport";

describe("the production plan against the pack", () => {
    let plan: Plan;
    const config = loadPolicyConfig("production");

    before(async () => {
        plan = await planStack("production");
    });

    it("contains every resource type the policies inspect", () => {
        assertPolicedTypesPresent(plan.run.resources);
    });

    it("passes with the production policy config", () => {
        assert.deepEqual(evaluatePolicies(plan.run.resources, { config }), []);
    });

    it("fails (mandatory) when an HTTP route's WAF only detects", () => {
        const ingress = plan.run.resources.find(
            (resource) => resource.type === ResourceType.ingress && JSON.stringify(resource.inputs).includes(`${ANNOTATION_PREFIX}${IngressKey.waf}"`),
        );
        assert.ok(ingress, "the production plan has a WAF-protected Ingress");
        const resources = mutated(plan.run.resources, ResourceType.ingress, ingress.name, (props) => {
            at(props, "metadata", "annotations")[`${ANNOTATION_PREFIX}${IngressKey.wafMode}`] = "detect";
        });
        const violations = evaluatePolicies(resources, { config });
        assert.equal(violations.length, 1, JSON.stringify(violations, null, 2));
        assertViolation(violations[0], { policy: "ingress-waf-modsecurity", level: "mandatory", includes: "does not block attacks", resource: ingress.urn });
    });

    it("fails (mandatory) when a host loses its Route53 record", () => {
        const dnsRecord = plan.run.resources.find((resource) => resource.type === ResourceType.route53Record);
        assert.ok(dnsRecord);
        const resources = plan.run.resources.filter((resource) => resource !== dnsRecord);
        const violations = evaluatePolicies(resources, { config });
        assert.equal(violations.length, 1, JSON.stringify(violations, null, 2));
        assertViolation(violations[0], {
            policy: "ingress-hosts-have-dns",
            level: "mandatory",
            includes: `host ${String(dnsRecord.inputs.name)} has no Route53 record`,
        });
    });
});
