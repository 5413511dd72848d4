import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planStack } from "../harness/plan";
import { devConfigValue, PlanQuery } from "./planQueries";

const ingress = devConfigValue<Record<string, unknown>>("ingress");

describe("ingress.serviceMonitor", () => {
    it("adds a schema-valid ServiceMonitor selecting the metrics Service", async () => {
        const plan = await planStack("dev", { configOverrides: { "commerce-edge:ingress": JSON.stringify({ ...ingress, serviceMonitor: true }) } });
        assert.deepEqual(plan.schemaProblems, []);
        const monitor = new PlanQuery(plan.run.resources).one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
        assert.deepEqual((monitor.inputs.spec as { selector: unknown }).selector, { matchLabels: { "commerce-edge/metrics": "true" } });
    });
});
