import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { webDeploymentSpec } from "../components/routes/workloadManifests";
import { buildModel } from "../config/model";
import { buildRouteTable, type WorkloadSpec } from "../config/routeTable";
import { stackConfigSchema } from "../config/schema";
import { validValues } from "./fixtures";

function cortexWorkload(mutate: (values: Record<string, any>) => void = () => undefined): WorkloadSpec {
    const values = structuredClone(validValues()) as Record<string, any>;
    mutate(values);
    const workload = buildRouteTable(stackConfigSchema.parse(values)).http.find((route) => route.name === "cortex")?.workload;
    assert.ok(workload);
    return workload;
}

describe("Cortex as Elastic Path runs it", () => {
    it("takes Elastic Path's resource figures per tier, and config overrides them", () => {
        assert.deepEqual([cortexWorkload().cpu, cortexWorkload().memory], ["500m", "4608Mi"]);
        const production = cortexWorkload((v) => { v.environment = "production"; });
        assert.deepEqual([production.cpu, production.memory], ["3", "5120Mi"]);
        const sized = cortexWorkload((v) => { v.routes.cortex.cpu = "2"; v.routes.cortex.memory = "6Gi"; });
        assert.deepEqual([sized.cpu, sized.memory], ["2", "6Gi"]);
    });

    it("probes liveness and readiness on their own paths", () => {
        const container = (webDeploymentSpec("cortex", cortexWorkload(), "stable") as any).template.spec.containers[0];
        assert.equal(container.livenessProbe.httpGet.path, "/cortex/healthcheck/liveness");
        assert.equal(container.readinessProbe.httpGet.path, "/cortex/healthcheck/readiness");
        assert.deepEqual(container.resources, { requests: { cpu: "500m", memory: "4608Mi" }, limits: { memory: "4608Mi" } });
    });

    it("passes env values and references, and envFrom ConfigMaps and Secrets, to the stable and canary pods", () => {
        const workload = cortexWorkload((v) => {
            v.routes.cortex.env = [
                { name: "EP_COMMERCE_ENVNAME", value: "prod" },
                { name: "EP_DB_URL", configMapKeyRef: { name: "cortex-database", key: "url" } },
                { name: "EP_DB_PASS", secretKeyRef: { name: "cortex-database", key: "password" } },
            ];
            v.routes.cortex.envFrom = [{ configMap: "cortex-settings" }, { secret: "cortex-search" }];
            v.routes.cortex.canary = { image: "registry.example.com/ep/cortex:8.7.0", weightPercent: 5 };
        });
        for (const track of ["stable", "canary"] as const) {
            const container = (webDeploymentSpec("cortex", workload, track) as any).template.spec.containers[0];
            assert.deepEqual(container.env, [
                { name: "EP_COMMERCE_ENVNAME", value: "prod" },
                { name: "EP_DB_URL", valueFrom: { configMapKeyRef: { name: "cortex-database", key: "url" } } },
                { name: "EP_DB_PASS", valueFrom: { secretKeyRef: { name: "cortex-database", key: "password" } } },
            ]);
            assert.deepEqual(container.envFrom, [{ configMapRef: { name: "cortex-settings" } }, { secretRef: { name: "cortex-search" } }]);
        }
    });

    it("sets no env when none is configured", () => {
        const container = (webDeploymentSpec("cortex", cortexWorkload(), "stable") as any).template.spec.containers[0];
        assert.equal(container.env, undefined);
        assert.equal(container.envFrom, undefined);
    });
});

describe("ActiveMQ's in-cluster clients", () => {
    const clients = (mutate: (values: Record<string, any>) => void): readonly string[] => {
        const values = structuredClone(validValues()) as Record<string, any>;
        mutate(values);
        const config = stackConfigSchema.parse(values);
        return buildModel(config, buildRouteTable(config), "commerce-edge", "dev").activemq.inClusterClients;
    };

    it("default to the namespace Cortex runs in, deployed here or not", () => {
        assert.deepEqual(clients(() => undefined), ["cortex"]);
        assert.deepEqual(clients((v) => {
            delete v.routes.cortex.image;
            v.routes.cortex.service = { namespace: "commerce", name: "cortex", port: 8080 };
        }), ["commerce"]);
    });

    it("are the configured namespaces when set", () => {
        assert.deepEqual(clients((v) => { v.routes.activemq.inClusterClients = ["cortex", "orders"]; }), ["cortex", "orders"]);
    });
});
