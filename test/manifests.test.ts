import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PROGRAM_KIND_MODULES, validateManifests, type Manifest } from "../harness/manifests";

const deployment = (container: Record<string, unknown>): Manifest => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop" },
    spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "r.example.com/web:1", ...container }] } } },
});

describe("validateManifests", () => {
    it("passes a valid object", async () => {
        assert.deepEqual(await validateManifests([deployment({ ports: [{ containerPort: 8080 }] })]), []);
    });

    it("names the object and the field of a schema error", async () => {
        assert.deepEqual(await validateManifests([deployment({ ports: [{ containerPort: "http" }] })]), [
            "Deployment shop/web: spec.template.spec.containers.0.ports.0.containerPort must be integer",
        ]);
    });

    it("refuses a kind it has no schema for", async () => {
        assert.deepEqual(await validateManifests([{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }]), [
            "Widget w: no schema for example.com/v1 Widget in kubernetes-models",
        ]);
    });

    it("refuses an unknown kind of a known group, and validates the group's other kinds", async () => {
        assert.deepEqual(await validateManifests([{ apiVersion: "apps/v1", kind: "Widget", metadata: { name: "w" } }, deployment({ ports: [{ containerPort: "http" }] })]), [
            "Widget w: no schema for apps/v1 Widget in kubernetes-models",
            "Deployment shop/web: spec.template.spec.containers.0.ports.0.containerPort must be integer",
        ]);
    });

    it("loads each kind the program creates from the module its path names", async () => {
        for (const [path, load] of PROGRAM_KIND_MODULES) {
            const kind = path.split("/").pop()!;
            assert.equal(typeof (await load())[kind], "function", path);
        }
    });
});
