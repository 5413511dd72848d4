import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inboundRuleCount, listenerSources } from "../components/aws/listenerSources";
import { buildRouteTable } from "../config/routeTable";
import { stackConfigSchema } from "../config/schema";
import { validateStackConfig } from "../config/validate";
import { raw, validValues } from "./fixtures";

function values(mutate: (values: Record<string, any>) => void): Record<string, any> {
    const result = structuredClone(validValues()) as Record<string, any>;
    mutate(result);
    return result;
}

describe("NLB listener sources", () => {
    it("admit anyone on 80 and 443, and a TCP route's IPv4 allowlist on its port", () => {
        const table = buildRouteTable(stackConfigSchema.parse(values((v) => {
            v.routes.activemq.allowlist = ["198.51.100.0/24", "2001:db8::/32"];
            v.routes.activemq.allowNatEgress = true;
            v.routes.additional = [{ protocol: "tcp", name: "redis", port: 6379, service: { namespace: "cache", name: "redis", port: 6379 }, allowlist: ["10.0.0.0/8", "0.0.0.0/0"], allowNatEgress: true }];
        })));
        assert.deepEqual(listenerSources(table), [
            { port: 80, cidrs: ["0.0.0.0/0"], natEgress: false },
            { port: 443, cidrs: ["0.0.0.0/0"], natEgress: false },
            { port: 61616, cidrs: ["198.51.100.0/24"], natEgress: true },
            { port: 6379, cidrs: ["0.0.0.0/0"], natEgress: false },
        ]);
        assert.equal(inboundRuleCount(listenerSources(table), 3), 7);
    });

    it("fit AWS's default 60 inbound rules exactly, and are refused one beyond", () => {
        const withEntries = (count: number) => values((v) => {
            v.routes.activemq.allowlist = Array.from({ length: count }, (_, index) => `10.${index}.0.0/16`);
        });
        assert.ok(validateStackConfig(raw(withEntries(58))).ok);
        const over = validateStackConfig(raw(withEntries(59)));
        assert.equal(over.ok ? "" : over.problems.map((problem) => problem.key).join(), "routes");
    });
});
