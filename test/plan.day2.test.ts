import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { planStack, type Plan } from "../harness/plan";
import { field, PlanQuery } from "./planQueries";

/** Issue #13: what the second, third and tenth `pulumi up` of a live dev stack do. */

let plan: Plan;
let q: PlanQuery;
before(async () => {
    plan = await planStack("dev");
    q = new PlanQuery(plan.run.resources);
});

describe("drains that drain", () => {
    it("lets every PDB evict pods that run but are not Ready, so a crash-looping pod never blocks a node drain", () => {
        const budgets = q.ofType("kubernetes:policy/v1:PodDisruptionBudget");
        assert.deepEqual(budgets.map((pdb) => `${field<string>(pdb, "metadata.namespace")}/${field<string>(pdb, "metadata.name")}`).sort(), [
            "cortex/cortex", "ingress-controller/haproxy-ingress", "ingress-controller/modsecurity-spoa", "status-page/status-page",
        ]);
        for (const pdb of budgets) {
            assert.equal(field(pdb, "spec.unhealthyPodEvictionPolicy"), "AlwaysAllow", pdb.name);
            assert.equal(field(pdb, "spec.maxUnavailable"), 1, pdb.name);
        }
    });
});
