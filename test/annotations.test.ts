import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../config/cidr";
import type { HttpAnnotationInput } from "../components/routes/annotations";
import { httpRouteAnnotations, parseAllowlist, renderAllowlist, routeAllowlist, tcpRouteAnnotations } from "../components/routes/annotations";
import { KEY_SCOPES } from "../components/haproxy/keys";
import { buildRouteTable } from "../config/routeTable";
import { stackConfigSchema } from "../config/schema";
import { validValues } from "./fixtures";

const BASE: HttpAnnotationInput = { waf: "deny", balanceAlgorithm: "leastconn", tls: true };
const P = "haproxy-ingress.github.io/";

describe("httpRouteAnnotations", () => {
    const cases: { name: string; route: HttpAnnotationInput; expected: Record<string, string> }[] = [
        {
            name: "WAF deny, TLS",
            route: BASE,
            expected: { [`${P}allowlist-source-range`]: "10.0.0.0/8", [`${P}balance-algorithm`]: "leastconn", [`${P}ssl-redirect`]: "true", [`${P}waf`]: "modsecurity", [`${P}waf-mode`]: "deny" },
        },
        {
            name: "WAF off, plain HTTP, rewrite and timeouts",
            route: { ...BASE, waf: "off", tls: false, balanceAlgorithm: "roundrobin", rewriteTarget: "/", timeouts: { server: "60s", connect: "3s" } },
            expected: {
                [`${P}allowlist-source-range`]: "10.0.0.0/8",
                [`${P}balance-algorithm`]: "roundrobin",
                [`${P}ssl-redirect`]: "false",
                [`${P}rewrite-target`]: "/",
                [`${P}timeout-connect`]: "3s",
                [`${P}timeout-server`]: "60s",
            },
        },
        {
            name: "canary by weight",
            route: { ...BASE, waf: "detect", canary: { weightPercent: 10 } },
            expected: {
                [`${P}allowlist-source-range`]: "10.0.0.0/8", [`${P}balance-algorithm`]: "leastconn", [`${P}ssl-redirect`]: "true",
                [`${P}waf`]: "modsecurity", [`${P}waf-mode`]: "detect",
                [`${P}blue-green-balance`]: "track=stable=90,track=canary=10", [`${P}blue-green-mode`]: "deploy",
            },
        },
        {
            name: "a body limit (deny-mode routes): proxy-body-size",
            route: { ...BASE, maxBodyBytes: 8192 },
            expected: {
                [`${P}allowlist-source-range`]: "10.0.0.0/8", [`${P}balance-algorithm`]: "leastconn", [`${P}ssl-redirect`]: "true",
                [`${P}waf`]: "modsecurity", [`${P}waf-mode`]: "deny", [`${P}proxy-body-size`]: "8192",
            },
        },
        {
            name: "canary by header only (canary pods out of the weighted balance)",
            route: { ...BASE, canary: { header: "X-Canary" } },
            expected: {
                [`${P}allowlist-source-range`]: "10.0.0.0/8", [`${P}balance-algorithm`]: "leastconn", [`${P}ssl-redirect`]: "true",
                [`${P}waf`]: "modsecurity", [`${P}waf-mode`]: "deny",
                [`${P}blue-green-balance`]: "track=stable=100,track=canary=0", [`${P}blue-green-mode`]: "deploy", [`${P}blue-green-header`]: "X-Canary:track",
            },
        },
    ];
    for (const { name, route, expected } of cases) {
        it(name, () => assert.deepEqual(httpRouteAnnotations(route, "10.0.0.0/8"), expected));
    }

    it("never emits keys the controller ignores or reads only in its ConfigMap", () => {
        const all = { ...httpRouteAnnotations({ ...BASE, maxBodyBytes: 8192, rewriteTarget: "/", canary: { weightPercent: 5, header: "X" }, timeouts: { connect: "1s", server: "1s", queue: "1s", httpRequest: "1s" } }, "10.0.0.0/8"), ...tcpRouteAnnotations({ port: 61616, balanceAlgorithm: "leastconn" }, "10.0.0.0/8") };
        for (const key of Object.keys(all)) {
            assert.ok(key.startsWith(P), key);
            const scope = KEY_SCOPES[key.slice(P.length)];
            assert.ok(scope && scope !== "Global", `${key} is read from an Ingress (scope ${String(scope)})`);
        }
        assert.ok(!Object.keys(all).some((key) => key.endsWith("/load-balance") || key.endsWith("/use-proxy-protocol")));
    });
});

describe("route body limit", () => {
    it("is ingress.waf.maxBodyBytes on deny-mode routes only: detect refuses nothing, off has no agent", () => {
        const values = validValues() as Record<string, any>;
        values.ingress = { wafMode: "deny", waf: { maxBodyBytes: 12288 } };
        values.routes.cortex.wafMode = "detect";
        values.routes.additional = [
            { protocol: "http", name: "off", host: "off.example.com", service: { namespace: "off", name: "off", port: 80 }, allowlist: ["198.51.100.0/24"], wafMode: "off" },
        ];
        const limits = Object.fromEntries(buildRouteTable(stackConfigSchema.parse(values)).http.map((route) => [route.name, route.maxBodyBytes]));
        assert.deepEqual(limits, { "cortex": undefined, "activemq-console": 12288, "off": undefined });
    });
});

describe("tcpRouteAnnotations", () => {
    it("sets the TCP port, PROXY and the allowlist", () => {
        assert.deepEqual(tcpRouteAnnotations({ port: 61616, balanceAlgorithm: "leastconn" }, "10.0.0.0/8,2001:db8::/32"), {
            [`${P}tcp-service-port`]: "61616",
            [`${P}tcp-service-proxy-protocol`]: "true",
            [`${P}allowlist-source-range`]: "10.0.0.0/8,2001:db8::/32",
            [`${P}balance-algorithm`]: "leastconn",
        });
    });
});

describe("routeAllowlist", () => {
    const natPublicIps = pulumi.output(["198.51.100.7"]);

    it("is a plain, known value for a route that does not admit the NAT addresses", () => {
        assert.equal(routeAllowlist({ allowlist: ["203.0.113.0/24"], allowNatEgress: false }, natPublicIps), "203.0.113.0/24");
    });

    it("adds each NAT address as a /32 once they are known", async () => {
        const value = routeAllowlist({ allowlist: ["203.0.113.0/24"], allowNatEgress: true }, natPublicIps);
        assert.equal(await new Promise((resolve) => pulumi.output(value).apply(resolve)), "203.0.113.0/24,198.51.100.7/32");
    });
});

describe("allowlist rendering", () => {
    const cidr = fc.oneof(
        fc.tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 16, max: 32 })).map(([a, b, prefix]) => `10.${a}.${b}.0/${Math.max(prefix, 24)}`),
        fc.tuple(fc.nat(0xffff), fc.integer({ min: 32, max: 64 })).map(([word, prefix]) => `2001:db8:${word.toString(16)}::/${Math.max(prefix, 48)}`),
    ).filter((text) => parseCidr(text).ok);

    it("renders any valid allowlist to comma-separated CIDRs that parse back to the same set", () => {
        fc.assert(fc.property(fc.array(cidr, { minLength: 1, maxLength: 20 }), (cidrs) => {
            const value = renderAllowlist(cidrs);
            assert.match(value, /^[0-9a-f:./,]+$/, "only characters HAProxy's ACL list accepts, no spaces");
            const parsed = parseAllowlist(value);
            assert.deepEqual(new Set(parsed), new Set(cidrs.map((text) => (parseCidr(text) as { ok: true; cidr: { canonical: string } }).cidr.canonical)));
            for (const entry of parsed) assert.ok(parseCidr(entry).ok);
        }));
    });

    it("refuses an invalid entry rather than emitting it", () => {
        assert.throws(() => renderAllowlist(["10.0.0.1/8"]), /host bits/);
    });
});
