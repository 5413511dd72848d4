import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AGENT_RELEASES, DEFAULT_MAX_BODY_BYTES, MAX_INSPECTABLE_BODY_BYTES, wafConfigFiles, wafConfigInput, type WafConfigFile } from "../components/haproxy/wafConfig";
import { buildModel } from "../config/model";
import { validateStackConfig } from "../config/validate";
import { assertEngineInstalled, CRS_RULES_DIR, crsVersionOf, ModSecurityServer, type Response } from "./apacheModSecurity";
import { raw, validValues } from "./fixtures";

/**
 * The files the program mounts into the agent, loaded into a real ModSecurity v2 with the OWASP CRS
 * (Debian's mod_security2 and modsecurity-crs; see README "WAF" for what differs from the agent).
 */

const CORTEX_HOST = "api.example.com";
const IMPORTS_HOST = "imports.example.com";
const JSON_TYPE = { "content-type": "application/json" };
const CSV_TYPE = { "content-type": "text/csv" };
const SQLI = "1' OR '1'='1";
const XSS = "<script>alert(1)</script>";

/** A Cortex-like JSON body of exactly `bytes` bytes: line items, then a note padded to size, then `last` as its final field. */
function jsonBodyOfSize(bytes: number, last: string): string {
    const items = Array.from({ length: Math.floor(bytes / 100) }, (_, index) => ({ sku: `qgqvhklbnruws${index}=`, quantity: 1 }));
    const shell = (note: string): string => JSON.stringify({ items, note, message: last });
    const padding = bytes - Buffer.byteLength(shell(""));
    assert.ok(padding >= 0, `${bytes} bytes cannot hold the line items`);
    const body = shell("Gift wrap please ".repeat(padding).slice(0, padding));
    assert.equal(Buffer.byteLength(body), bytes);
    return body;
}

/**
 * The program's rendering for a stack whose agent image ships the CRS release under test, through
 * validation, the model and wafConfigInput as index.ts does, with one route excluding 920420 (CRS
 * refuses text/csv). Only crs-rules.conf differs from what the agent mounts: it includes the tested
 * rules directory instead of the image's.
 */
function programFiles(crsVersion: string, waf: Record<string, unknown> = {}): WafConfigFile[] {
    const values = validValues() as Record<string, any>;
    const tag = Object.entries(AGENT_RELEASES).find(([, release]) => release.crs === crsVersion)?.[0];
    values.ingress = tag
        ? { wafImage: `quay.io/jcmoraisjr/modsecurity-spoa:${tag}`, waf }
        : { wafImage: "registry.example.com/waf/modsecurity-spoa:custom", waf: { ...waf, crsVersion } };
    values.routes.additional = [{
        protocol: "http", name: "imports", host: IMPORTS_HOST, path: "/imports",
        service: { namespace: "imports", name: "imports", port: 8080 }, allowlist: ["198.51.100.0/24"], wafExclusions: [920420],
    }];
    const result = validateStackConfig(raw(values));
    assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.problems));
    const model = buildModel(result.config, result.routeTable, "commerce-edge", "dev");
    return wafConfigFiles({ ...wafConfigInput(model.ingress.waf, model.routeTable.http), crsRulesDir: CRS_RULES_DIR });
}

/** For suite titles only: the hooks fail with the install hint when the CRS is missing. */
function testedCrs(): string {
    try {
        return `CRS ${crsVersionOf(CRS_RULES_DIR)}`;
    } catch {
        return "CRS missing";
    }
}

async function startWith(waf?: Record<string, unknown>): Promise<ModSecurityServer> {
    assertEngineInstalled();
    return ModSecurityServer.start(programFiles(crsVersionOf(CRS_RULES_DIR), waf));
}

function assertForwarded(server: ModSecurityServer, response: Response, method: string, path: string): void {
    assert.equal(response.status, 200, `${method} ${path} should pass the WAF:\n${server.errorLog().split("\n").slice(-5).join("\n")}`);
    const last = server.forwarded.at(-1);
    assert.deepEqual([last?.method, last?.url], [method, path], "the backend received it");
}

/** 403 from ModSecurity, nothing forwarded, and the CRS rules named fired for that path. */
function assertDenied(server: ModSecurityServer, response: Response, forwardedBefore: number, uri: string, ruleIds: readonly number[]): void {
    assert.equal(response.status, 403);
    assert.equal(server.forwarded.length, forwardedBefore, "the backend received nothing");
    const fired = server.ruleIdsFor(uri);
    for (const id of ruleIds) assert.ok(fired.includes(id), `rule ${id} fired for ${uri} (fired: ${fired.join(", ")})`);
}

describe(`agent ModSecurity config on a real engine, defaults (${testedCrs()} in ${CRS_RULES_DIR})`, () => {
    let server: ModSecurityServer;
    before(async () => { server = await startWith(); });
    after(async () => { await server?.stop(); });

    const denied = async (method: string, path: string, uri: string, ruleIds: readonly number[], options: { host?: string; headers?: Record<string, string>; body?: string } = {}): Promise<void> => {
        const before = server.forwarded.length;
        assertDenied(server, await server.send(method, path, { host: options.host ?? CORTEX_HOST, ...options }), before, uri, ruleIds);
    };

    it("lets Cortex's cart calls through: GET, POST, PUT, PATCH, DELETE, HEAD and a CORS preflight", async () => {
        const lineItem = "/cortex/carts/mobee/default/lineitems/gy4gmnzzg4=";
        const calls: [string, string, string | undefined][] = [
            ["GET", "/cortex/carts/mobee/default?zoom=lineitems:element,total", undefined],
            ["POST", "/cortex/carts/mobee/default/lineitems/items/mobee/qgqvhklbnruws=?followlocation", JSON.stringify({ quantity: 1 })],
            ["PUT", lineItem, JSON.stringify({ quantity: 2, configuration: { "gift-message": "Happy birthday, O'Brien!" } })],
            ["PATCH", lineItem, JSON.stringify({ quantity: 3 })],
            ["DELETE", lineItem, undefined],
            ["HEAD", "/cortex/carts/mobee/default", undefined],
        ];
        for (const [method, path, body] of calls) {
            assertForwarded(server, await server.send(method, path, { host: CORTEX_HOST, headers: body ? JSON_TYPE : {}, ...(body ? { body } : {}) }), method, path);
        }
        const preflight = await server.send("OPTIONS", lineItem, { host: CORTEX_HOST, headers: { origin: "https://shop.example.com", "access-control-request-method": "PUT" } });
        assertForwarded(server, preflight, "OPTIONS", lineItem);
    });

    it("lets an HTML link through at paranoia level 1", async () => {
        assertForwarded(server, await server.send("GET", LINK_IN_REVIEW, { host: CORTEX_HOST }), "GET", LINK_IN_REVIEW);
    });

    it("denies SQL injection in the query and in a JSON body", async () => {
        await denied("GET", `/cortex/items?q=${encodeURIComponent(SQLI)}`, "/cortex/items", [942100, 949110]);
        await denied("PUT", "/cortex/carts/mobee/default/lineitems/li-1", "/cortex/carts/mobee/default/lineitems/li-1", [942100, 949110], {
            headers: JSON_TYPE, body: JSON.stringify({ quantity: `1 UNION SELECT password FROM users--` }),
        });
    });

    it("denies XSS in the query and in a JSON body", async () => {
        await denied("GET", `/cortex/searches?keywords=${encodeURIComponent(XSS)}`, "/cortex/searches", [941100, 949110]);
        await denied("POST", "/cortex/profiles/mobee/default", "/cortex/profiles/mobee/default", [941100, 949110], { headers: JSON_TYPE, body: JSON.stringify({ "given-name": XSS }) });
    });

    it("denies a method outside allowedMethods", async () => {
        await denied("COPY", "/cortex/carts/mobee/default", "/cortex/carts/mobee/default", [911100, 949110]);
    });

    it("does not forward a JSON body it cannot parse", async () => {
        const before = server.forwarded.length;
        const response = await server.send("PUT", "/cortex/carts/mobee/default/lineitems/li-2", { host: CORTEX_HOST, headers: JSON_TYPE, body: '{"quantity":' });
        assert.ok(response.status >= 400, `status ${response.status}`);
        assert.equal(server.forwarded.length, before);
    });

    it("inspects a JSON body of ingress.waf.maxBodyBytes whole: a legitimate one passes, SQL injection in its last field is denied", async () => {
        const path = "/cortex/carts/mobee/default/lineitems";
        assertForwarded(server, await server.send("POST", path, { host: CORTEX_HOST, headers: JSON_TYPE, body: jsonBodyOfSize(DEFAULT_MAX_BODY_BYTES, "Happy birthday!") }), "POST", path);
        await denied("POST", "/cortex/carts/mobee/default/bulk", "/cortex/carts/mobee/default/bulk", [942100, 949110], {
            headers: JSON_TYPE, body: jsonBodyOfSize(DEFAULT_MAX_BODY_BYTES, "1 UNION SELECT password FROM users--"),
        });
    });

    it("denies a legitimate JSON body cut where HAProxy's buffer ends, as the agent gets a larger one: why deny-mode routes answer 413 above maxBodyBytes", async () => {
        const cut = jsonBodyOfSize(3 * MAX_INSPECTABLE_BODY_BYTES, "Happy birthday!").slice(0, MAX_INSPECTABLE_BODY_BYTES);
        const before = server.forwarded.length;
        const response = await server.send("PUT", "/cortex/carts/mobee/default/cut", { host: CORTEX_HOST, headers: JSON_TYPE, body: cut });
        // The engine refuses it itself, before any rule: read_request_body fails, hook_request_late answers 500
        // (ModSecurity v2 mod_security2.c; the agent's modsecProcessRequestBody runs the same hook), and the agent's
        // non-zero code makes haproxy-ingress deny.
        assert.equal(response.status, 500);
        assert.equal(server.forwarded.length, before, "the backend received nothing");
        assert.match(server.errorLog(), /JSON parser error: parse error: premature EOF/);
    });

    it("skips an excluded rule on its route's host and path only", async () => {
        const csv = "sku,quantity\nqgqvhklbnruws=,4\n";
        assertForwarded(server, await server.send("POST", "/imports/price-lists", { host: IMPORTS_HOST, headers: CSV_TYPE, body: csv }), "POST", "/imports/price-lists");
        assertForwarded(server, await server.send("POST", "/imports", { host: `${IMPORTS_HOST.toUpperCase()}:443`, headers: CSV_TYPE, body: csv }), "POST", "/imports");
        await denied("POST", "/importsx/price-lists", "/importsx/price-lists", [920420], { host: IMPORTS_HOST, headers: CSV_TYPE, body: csv });
        await denied("POST", "/other", "/other", [920420], { host: IMPORTS_HOST, headers: CSV_TYPE, body: csv });
        await denied("POST", "/imports/price-lists", "/imports/price-lists", [920420], { host: CORTEX_HOST, headers: CSV_TYPE, body: csv });
        await denied("POST", "/imports/attack", "/imports/attack", [942100], { host: IMPORTS_HOST, headers: JSON_TYPE, body: JSON.stringify({ q: SQLI }) });
    });
});

const LINK_IN_REVIEW = `/cortex/reviews?text=${encodeURIComponent("<a href=x>")}`;

describe(`agent ModSecurity config on a real engine, stricter: paranoia 2, CRS's methods (${testedCrs()})`, () => {
    let server: ModSecurityServer;
    before(async () => { server = await startWith({ paranoiaLevel: 2, allowedMethods: ["GET", "HEAD", "POST", "OPTIONS"] }); });
    after(async () => { await server?.stop(); });

    it("denies PUT, PATCH and DELETE once allowedMethods leaves them out (CRS's own default)", async () => {
        for (const method of ["PUT", "PATCH", "DELETE"]) {
            const before = server.forwarded.length;
            const response = await server.send(method, "/cortex/carts/mobee/default/lineitems/li-1", { host: CORTEX_HOST, headers: JSON_TYPE, body: "{}" });
            assertDenied(server, response, before, "/cortex/carts/mobee/default/lineitems/li-1", [911100, 949110]);
        }
    });

    it("runs paranoia-level-2 rules: an HTML link that level 1 lets through is denied", async () => {
        const before = server.forwarded.length;
        assertDenied(server, await server.send("GET", LINK_IN_REVIEW, { host: CORTEX_HOST }), before, "/cortex/reviews", [941320, 949110]);
    });
});

describe(`agent ModSecurity config on a real engine, inboundAnomalyThreshold 10 (${testedCrs()})`, () => {
    let server: ModSecurityServer;
    before(async () => { server = await startWith({ inboundAnomalyThreshold: 10 }); });
    after(async () => { await server?.stop(); });

    it("lets one critical match (score 5) through and denies two (SQLi and XSS, score 10)", async () => {
        const single = `/cortex/items?q=${encodeURIComponent(SQLI)}`;
        assertForwarded(server, await server.send("GET", single, { host: CORTEX_HOST }), "GET", single);
        assert.ok(server.ruleIdsFor("/cortex/items").includes(942100), "the SQLi rule still matched");
        const before = server.forwarded.length;
        const both = await server.send("GET", `/cortex/both?q=${encodeURIComponent(SQLI)}&r=${encodeURIComponent(XSS)}`, { host: CORTEX_HOST });
        assertDenied(server, both, before, "/cortex/both", [942100, 941100, 949110]);
    });
});
