import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ANNOTATION_PREFIX, IngressKey } from "../components/haproxy/keys";
import { planStack, type Plan } from "../harness/plan";
import { enforcementLevels, loadPolicyConfig } from "../policy/offline";
import { field, PlanQuery } from "./planQueries";

/** Staging is production's shape at a lower cost: what it must keep of production, and what it may drop. */

let plan: Plan;
let q: PlanQuery;
before(async () => {
    plan = await planStack("staging");
    q = new PlanQuery(plan.run.resources);
});

describe("staging plan", () => {
    it("runs every policy as mandatory, WAF in deny mode, and passes them", () => {
        const levels = enforcementLevels(loadPolicyConfig("staging"));
        assert.deepEqual(new Set(Object.values(levels)), new Set(["mandatory"]));
        assert.deepEqual(plan.violations, []);
        assert.deepEqual(plan.schemaProblems, []);
    });

    it("spreads over three zones behind one NAT gateway", () => {
        assert.equal(q.ofType("aws:ec2/subnet:Subnet").length, 6);
        assert.equal(q.ofType("aws:ec2/natGateway:NatGateway").length, 1);
    });

    it("blocks attacks on every HTTP route", () => {
        const httpIngresses = q.ofType("kubernetes:networking.k8s.io/v1:Ingress").filter((ingress) => {
            const annotations = field<Record<string, string>>(ingress, "metadata.annotations");
            return annotations[`${ANNOTATION_PREFIX}${IngressKey.tcpServicePort}`] === undefined;
        });
        assert.ok(httpIngresses.length >= 2);
        for (const ingress of httpIngresses) {
            const annotations = field<Record<string, string>>(ingress, "metadata.annotations");
            assert.equal(annotations[`${ANNOTATION_PREFIX}${IngressKey.waf}`], "modsecurity", ingress.name);
            assert.equal(annotations[`${ANNOTATION_PREFIX}${IngressKey.wafMode}`], "deny", ingress.name);
        }
    });

    it("keeps deletion protection for production only", () => {
        assert.equal(field(q.one("aws:lb/loadBalancer:LoadBalancer"), "enableDeletionProtection"), false);
        assert.equal(field(q.one("eks:index:Cluster"), "deletionProtection"), false);
    });
});
