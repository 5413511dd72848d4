import assert from "node:assert/strict";
import { before as beforeAll, describe, it } from "node:test";
import { planStack } from "../harness/plan";
import { devConfigValue, PlanQuery } from "./planQueries";

const devRoutes = devConfigValue<{ additional: unknown[] }>("routes");

function withAdditional(route: Record<string, unknown>): Record<string, string> {
    return { "commerce-edge:routes": JSON.stringify({ ...devRoutes, additional: [...devRoutes.additional, route] }) };
}

function count(q: PlanQuery, type: string): number {
    return q.ofType(type).length;
}

describe("adding a route in config", () => {
    let before: PlanQuery;
    beforeAll(async () => {
        before = new PlanQuery((await planStack("dev")).run.resources);
    });

    it("adds exactly one Ingress and one DNS record for an HTTP route on a new host, and no listener", async () => {
        const after = new PlanQuery((await planStack("dev", {
            configOverrides: withAdditional({ protocol: "http", name: "search", host: "search.dev.commerce.example.com", service: { namespace: "search", name: "search", port: 9200 }, allowlist: ["198.51.100.0/24"] }),
        })).run.resources);
        assert.equal(count(after, "kubernetes:networking.k8s.io/v1:Ingress") - count(before, "kubernetes:networking.k8s.io/v1:Ingress"), 1);
        assert.equal(count(after, "aws:route53/record:Record") - count(before, "aws:route53/record:Record"), 1);
        assert.equal(count(after, "aws:lb/listener:Listener"), count(before, "aws:lb/listener:Listener"));
        assert.equal(after.resources.length - before.resources.length, 2);
    });

    it("adds no DNS record for a path on an existing host", async () => {
        const after = new PlanQuery((await planStack("dev", {
            configOverrides: withAdditional({ protocol: "http", name: "cortex-studio", host: "api.dev.commerce.example.com", path: "/studio", service: { namespace: "studio", name: "studio", port: 8080 }, allowlist: ["198.51.100.0/24"] }),
        })).run.resources);
        assert.equal(count(after, "kubernetes:networking.k8s.io/v1:Ingress") - count(before, "kubernetes:networking.k8s.io/v1:Ingress"), 1);
        assert.equal(count(after, "aws:route53/record:Record"), count(before, "aws:route53/record:Record"));
    });

    it("adds one Ingress, one listener, target group, attachment and SG rules for a TCP route", async () => {
        const after = new PlanQuery((await planStack("dev", {
            configOverrides: withAdditional({ protocol: "tcp", name: "redis", port: 6379, service: { namespace: "cache", name: "redis", port: 6379 }, allowlist: ["198.51.100.0/24"] }),
        })).run.resources);
        for (const type of ["kubernetes:networking.k8s.io/v1:Ingress", "aws:lb/listener:Listener", "aws:lb/targetGroup:TargetGroup", "aws:autoscaling/attachment:Attachment"]) {
            assert.equal(count(after, type) - count(before, type), 1, type);
        }
        assert.equal(count(after, "aws:route53/record:Record"), count(before, "aws:route53/record:Record"));
        const listener = after.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 6379);
        assert.ok(listener);
        const targetGroup = after.ofType("aws:lb/targetGroup:TargetGroup").find((tg) => tg.inputs.port === 31379);
        assert.equal(targetGroup?.inputs.proxyProtocolV2, true);
    });
});
