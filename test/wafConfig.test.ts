import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
    crsSetupVersion,
    crsVersionOfImage,
    DEFAULT_ALLOWED_METHODS,
    IMAGE_CRS_RULES_DIR,
    routePathPattern,
    WAF_CONFIG_DIR,
    wafConfigFiles,
    wafConfigHash,
    wafConfigInput,
    type WafConfigInput,
} from "../components/haproxy/wafConfig";
import { wafDeploymentSpec } from "../components/haproxy/wafManifests";
import { validateStackConfig } from "../config/validate";
import { planStack } from "../harness/plan";
import { devConfigValue, field, PlanQuery } from "./planQueries";
import { problemsOf, raw, validValues } from "./fixtures";

const BASE: WafConfigInput = {
    crsVersion: "4.16.0",
    paranoiaLevel: 1,
    allowedMethods: DEFAULT_ALLOWED_METHODS,
    inboundAnomalyThreshold: 5,
    exclusions: [],
};

function file(input: WafConfigInput, name: string): string {
    const found = wafConfigFiles(input).find((candidate) => candidate.name === name);
    assert.ok(found, `no ${name}`);
    return found.content;
}

describe("agent ModSecurity files", () => {
    it("are engine, CRS setup, route exclusions, then the image's CRS rules, in that order", () => {
        assert.deepEqual(wafConfigFiles(BASE).map((candidate) => candidate.name), ["engine.conf", "crs-setup.conf", "route-exclusions.conf", "crs-rules.conf"]);
        assert.match(file(BASE, "crs-rules.conf"), new RegExp(`^Include ${IMAGE_CRS_RULES_DIR}/\\*\\.conf$`, "m"));
    });

    it("run the engine on requests only, with no audit log and scratch files in /tmp", () => {
        const engine = file(BASE, "engine.conf");
        for (const line of ["SecRuleEngine On", "SecRequestBodyAccess On", "SecResponseBodyAccess Off", "SecAuditEngine Off", "SecTmpDir /tmp/", "SecDataDir /tmp/"]) {
            assert.match(engine, new RegExp(`^${line.replace(/\//g, "\\/")}$`, "m"));
        }
    });

    it("name the CRS 4 setup variables for CRS 4 and the CRS 3.3 ones for 3.3", () => {
        const crs4 = file({ ...BASE, paranoiaLevel: 3 }, "crs-setup.conf");
        assert.match(crs4, /setvar:'tx\.blocking_paranoia_level=3'/);
        assert.match(crs4, /setvar:'tx\.crs_setup_version=4160'/);
        assert.doesNotMatch(crs4, /tx\.paranoia_level/);
        const crs3 = file({ ...BASE, crsVersion: "3.3.4", paranoiaLevel: 3 }, "crs-setup.conf");
        assert.match(crs3, /setvar:'tx\.paranoia_level=3'/);
        assert.match(crs3, /setvar:'tx\.crs_setup_version=334'/);
        assert.equal(crsSetupVersion("4.3.0"), 430);
        assert.throws(() => wafConfigFiles({ ...BASE, crsVersion: "3.2.0" }), /crsVersion "3\.2\.0" is not a CRS 3\.3\.x or 4\.x release/);
    });

    it("score anomalies with pass as the default action, and set the threshold and the methods", () => {
        const setup = file({ ...BASE, inboundAnomalyThreshold: 12, allowedMethods: ["GET", "PUT"] }, "crs-setup.conf");
        assert.match(setup, /^SecDefaultAction "phase:1,log,auditlog,pass"$/m);
        assert.match(setup, /^SecDefaultAction "phase:2,log,auditlog,pass"$/m);
        assert.match(setup, /setvar:'tx\.inbound_anomaly_score_threshold=12'/);
        assert.match(setup, /setvar:'tx\.allowed_methods=GET PUT'/);
        assert.throws(() => wafConfigFiles({ ...BASE, allowedMethods: ["GET", "PURGE"] }), /allowed method "PURGE" is not one the agent can parse/);
    });

    it("scope an exclusion to the route's host (any port) and path, removing each rule once", () => {
        const exclusions = file({ ...BASE, exclusions: [{ configKey: "routes.cortex", host: "api.example.com", path: "/cortex", pathType: "Prefix", ruleIds: [942100, 920420, 942100] }] }, "route-exclusions.conf");
        assert.match(exclusions, /^SecRule REQUEST_HEADERS:Host "@rx \^api\\x2eexample\\x2ecom\(\?::\[0-9\]\+\)\?\$" "id:10100,phase:1,pass,nolog,t:none,t:lowercase,chain"$/m);
        assert.match(exclusions, /^ {4}SecRule REQUEST_FILENAME "@rx \^\/cortex\(\?:\/\|\$\)" "t:none,ctl:ruleRemoveById=942100,ctl:ruleRemoveById=920420"$/m);
    });

    it("match paths as the Ingress pathType does, quoting every byte that is not plain", () => {
        assert.equal(routePathPattern("/", "Prefix"), "^/");
        assert.equal(routePathPattern("/cortex/", "Prefix"), "^/cortex(?:/|$)");
        assert.equal(routePathPattern("/v1.2", "Exact"), "^/v1\\x2e2$");
        assert.equal(routePathPattern('/a"b', "Prefix"), "^/a\\x22b(?:/|$)");
    });

    it("take exclusions only from routes the WAF inspects", () => {
        const result = validateStackConfig(raw({
            ...validValues(),
            routes: {
                ...(validValues().routes as Record<string, unknown>),
                cortex: { host: "api.example.com", image: "registry.example.com/ep/cortex:8.6.0", allowlist: ["198.51.100.0/24"], wafExclusions: [920420] },
                additional: [{ protocol: "http", name: "docs", host: "docs.example.com", service: { namespace: "docs", name: "docs", port: 80 }, allowlist: ["198.51.100.0/24"], wafMode: "off" }],
            },
        }));
        assert.ok(result.ok);
        const input = wafConfigInput({ ...result.config.ingress.waf, crsVersion: "4.16.0" }, result.routeTable.http);
        assert.deepEqual(input.exclusions, [{ configKey: "routes.cortex", host: "api.example.com", path: "/cortex", pathType: "Prefix", ruleIds: [920420] }]);
        assert.deepEqual(input.allowedMethods, ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
    });

    it("hash to a new name when any setting changes", () => {
        assert.equal(wafConfigHash(wafConfigFiles(BASE)), wafConfigHash(wafConfigFiles({ ...BASE })));
        assert.notEqual(wafConfigHash(wafConfigFiles(BASE)), wafConfigHash(wafConfigFiles({ ...BASE, paranoiaLevel: 2 })));
        assert.match(wafConfigHash(wafConfigFiles(BASE)), /^[0-9a-f]{10}$/);
    });
});

describe("WAF config keys", () => {
    it("refuse rule ids outside CRS's request detection rules, on every route that lists one", () => {
        assert.equal(problemsOf((v) => {
            v.routes.cortex.wafExclusions = [920420, 949110];
            v.routes.additional = [{ protocol: "http", name: "x", host: "x.example.com", service: { namespace: "x", name: "x", port: 80 }, allowlist: ["10.0.0.0/8"], wafExclusions: [901001] }];
        }), [
            "  routes.cortex.wafExclusions[1]: is not a CRS request detection rule id (911000-944999; initialization and blocking evaluation stay, wafMode turns a route's WAF off)",
            "  routes.additional[0].wafExclusions[0]: is not a CRS request detection rule id (911000-944999; initialization and blocking evaluation stay, wafMode turns a route's WAF off)",
        ].join("\n"));
    });

    it("refuse a method the agent cannot parse, a repeated method, and out-of-range levels and thresholds", () => {
        const problems = problemsOf((v) => { v.ingress = { waf: { allowedMethods: ["GET", "PURGE"], paranoiaLevel: 5, inboundAnomalyThreshold: 0 } }; });
        assert.match(problems, /^ {2}ingress\.waf\.paranoiaLevel: is 5 \(at most 4\)$/m);
        assert.match(problems, /^ {2}ingress\.waf\.allowedMethods\[1\]: is "PURGE" \(allowed: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT, /m);
        assert.match(problems, /^ {2}ingress\.waf\.inboundAnomalyThreshold: is 0 \(at least 1\)$/m);
        assert.equal(problemsOf((v) => { v.ingress = { waf: { allowedMethods: ["GET", "GET"] } }; }), "  ingress.waf.allowedMethods: lists a method twice (each method once)");
    });

    it("need the CRS release of an image tag it does not know, and refuse one that contradicts a known tag", () => {
        assert.equal(problemsOf((v) => { v.ingress = { wafImage: "registry.example.com/waf/modsecurity-spoa:v0.15" }; }),
            "  ingress.waf.crsVersion: is not set and ingress.wafImage registry.example.com/waf/modsecurity-spoa:v0.15 is not a modsecurity-spoa tag this program knows (set the OWASP CRS release the image ships, e.g. 4.16.0)");
        assert.equal(problemsOf((v) => { v.ingress = { waf: { crsVersion: "3.3.4" } }; }),
            "  ingress.waf.crsVersion: is 3.3.4 but ingress.wafImage quay.io/jcmoraisjr/modsecurity-spoa:v0.14 ships CRS 4.16.0 (leave it unset, or 4.16.0)");
        assert.equal(problemsOf((v) => { v.ingress = { wafImage: "registry.example.com/waf/modsecurity-spoa:v0.15", waf: { crsVersion: "5.0.0" } }; }),
            "  ingress.waf.crsVersion: is not a CRS 3.3.x or 4.x release (e.g. 4.16.0)");
        const mirrored = structuredClone(validValues()) as Record<string, any>;
        mirrored.ingress = { wafImage: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/quay/jcmoraisjr/modsecurity-spoa:v0.14" };
        assert.ok(validateStackConfig(raw(mirrored)).ok, "a mirror of a known tag needs no crsVersion");
    });

    it("read the tag of a digest-pinned image, and no tag from a digest or a registry port", () => {
        const digest = `@sha256:${"a".repeat(64)}`;
        assert.equal(crsVersionOfImage(`quay.io/jcmoraisjr/modsecurity-spoa:v0.14${digest}`), "4.16.0");
        assert.equal(crsVersionOfImage(`quay.io/jcmoraisjr/modsecurity-spoa${digest}`), undefined);
        assert.equal(crsVersionOfImage("registry.example.com:5000/modsecurity-spoa"), undefined);
        assert.equal(crsVersionOfImage("registry.example.com:5000/modsecurity-spoa:v0.13"), "4.3.0");
        const pinned = structuredClone(validValues()) as Record<string, any>;
        pinned.ingress = { wafImage: `quay.io/jcmoraisjr/modsecurity-spoa:v0.14${digest}` };
        assert.ok(validateStackConfig(raw(pinned)).ok, "a digest-pinned known tag needs no crsVersion");
    });

    it("refuse exclusions on a route whose WAF is off", () => {
        assert.equal(problemsOf((v) => { v.routes.cortex.wafMode = "off"; v.routes.cortex.wafExclusions = [920420]; }),
            "  routes.cortex.wafExclusions: is set on a route with wafMode off (remove it, or turn the WAF on)");
    });
});

describe("WAF agent pod", () => {
    const spec = wafDeploymentSpec({ image: "quay.io/jcmoraisjr/modsecurity-spoa:v0.14", replicas: 2, configMapName: "modsecurity-spoa-0123456789", configFiles: ["engine.conf", "crs-setup.conf"] }) as any;
    const pod = spec.template.spec;
    const container = pod.containers[0];

    it("passes the mounted files to start.sh after -- in load order", () => {
        assert.deepEqual(container.args, ["-p", "12345", "-n", "2", "--", `${WAF_CONFIG_DIR}/engine.conf`, `${WAF_CONFIG_DIR}/crs-setup.conf`]);
        assert.deepEqual(container.volumeMounts[0], { name: "config", mountPath: WAF_CONFIG_DIR, readOnly: true });
        assert.deepEqual(pod.volumes[0], { name: "config", configMap: { name: "modsecurity-spoa-0123456789" } });
    });

    it("meets Pod Security restricted: non-root, no escalation, no capabilities, RuntimeDefault seccomp, read-only root with /tmp writable", () => {
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.securityContext.runAsUser, 65534);
        assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
        assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        assert.deepEqual(container.volumeMounts[1], { name: "tmp", mountPath: "/tmp" });
        assert.deepEqual(pod.volumes[1], { name: "tmp", emptyDir: { sizeLimit: "64Mi" } });
    });
});

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

function wafConfigMapOf(q: PlanQuery): { name: string; data: Record<string, string> } {
    const maps = q.ofType(CONFIG_MAP).filter((resource) => /^modsecurity-spoa-[0-9a-f]{10}$/.test(field<string>(resource, "metadata.name")));
    assert.equal(maps.length, 1);
    return { name: field<string>(maps[0]!, "metadata.name"), data: field<Record<string, string>>(maps[0]!, "data") };
}

function mountedConfigMap(q: PlanQuery): string {
    const volumes = field<{ name: string; configMap?: { name: string } }[]>(q.kubernetes(DEPLOYMENT, "ingress-controller", "modsecurity-spoa"), "spec.template.spec.volumes");
    return volumes.find((volume) => volume.name === "config")!.configMap!.name;
}

describe("WAF agent config in the dev plan, and on a change", () => {
    let dev: PlanQuery;
    before(async () => { dev = new PlanQuery((await planStack("dev")).run.resources); });

    it("mounts an immutable ConfigMap, rendered for the image's CRS 4.16.0 with Cortex's methods allowed", () => {
        const configMap = wafConfigMapOf(dev);
        const resource = dev.kubernetes(CONFIG_MAP, "ingress-controller", configMap.name);
        assert.equal(field(resource, "immutable"), true);
        assert.equal(mountedConfigMap(dev), configMap.name);
        assert.deepEqual(Object.keys(configMap.data).sort(), ["crs-rules.conf", "crs-setup.conf", "engine.conf", "route-exclusions.conf"]);
        const args = field<{ args: string[] }[]>(dev.kubernetes(DEPLOYMENT, "ingress-controller", "modsecurity-spoa"), "spec.template.spec.containers")[0]!.args;
        assert.deepEqual(args.slice(args.indexOf("--") + 1), ["engine.conf", "crs-setup.conf", "route-exclusions.conf", "crs-rules.conf"].map((name) => `${WAF_CONFIG_DIR}/${name}`));
        assert.match(configMap.data["crs-setup.conf"]!, /tx\.allowed_methods=GET HEAD POST PUT PATCH DELETE OPTIONS'/);
        assert.match(configMap.data["crs-setup.conf"]!, /tx\.blocking_paranoia_level=1'/);
        const deployment = dev.kubernetes(DEPLOYMENT, "ingress-controller", "modsecurity-spoa");
        assert.ok(deployment.dependencies.includes(resource.urn), "the Deployment waits for its ConfigMap");
    });

    it("rolls the agent onto a new ConfigMap when a WAF key changes, and leaves it alone otherwise", async () => {
        const ingress = devConfigValue<Record<string, unknown>>("ingress");
        const tuned = new PlanQuery((await planStack("dev", {
            configOverrides: { "commerce-edge:ingress": JSON.stringify({ ...ingress, waf: { paranoiaLevel: 2 } }) },
        })).run.resources);
        assert.notEqual(wafConfigMapOf(tuned).name, wafConfigMapOf(dev).name);
        assert.equal(mountedConfigMap(tuned), wafConfigMapOf(tuned).name, "the pod template changes, so the Deployment rolls");
        assert.match(wafConfigMapOf(tuned).data["crs-setup.conf"]!, /tx\.blocking_paranoia_level=2'/);

        const routes = devConfigValue<{ cortex: Record<string, unknown> }>("routes");
        const unrelated = new PlanQuery((await planStack("dev", {
            configOverrides: { "commerce-edge:routes": JSON.stringify({ ...routes, cortex: { ...routes.cortex, allowlist: ["192.0.2.0/24"] } }) },
        })).run.resources);
        assert.equal(wafConfigMapOf(unrelated).name, wafConfigMapOf(dev).name);
    });
});
