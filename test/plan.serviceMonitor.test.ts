import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { planStack } from "../harness/plan";
import { PROJECT_ROOT } from "../harness/stackFile";
import { PlanQuery } from "./planQueries";

const ingress = (parse(readFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> }).config["commerce-edge:ingress"];

describe("ingress.serviceMonitor", () => {
    it("adds a schema-valid ServiceMonitor selecting the metrics Service", async () => {
        const plan = await planStack("dev", { configOverrides: { "commerce-edge:ingress": JSON.stringify({ ...ingress, serviceMonitor: true }) } });
        assert.deepEqual(plan.schemaProblems, []);
        const monitor = new PlanQuery(plan.run.resources).one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
        assert.deepEqual((monitor.inputs.spec as { selector: unknown }).selector, { matchLabels: { "commerce-edge/metrics": "true" } });
    });
});
