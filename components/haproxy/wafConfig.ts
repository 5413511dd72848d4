import type { HttpRoute } from "../../config/routeTable";
import { contentHash } from "../contentHash";

/**
 * The ModSecurity configuration this program gives the SPOA agent (jcmoraisjr/modsecurity-spoa), as
 * pure text. The agent's start.sh (@v0.14 rootfs/start.sh) includes the files named after `--` in the
 * order given; the image's own defaults (modsecurity.conf-recommended and its crs-setup.conf, whose
 * SecDefaultAction it rewrites to `deny,status:403`, rootfs/Dockerfile) are not loaded. The OWASP CRS
 * rules themselves stay the image's.
 */

/** Where the ConfigMap is mounted in the agent. */
export const WAF_CONFIG_DIR = "/etc/modsecurity/commerce-edge";
/** Where the image unpacks the CRS release (rootfs/Dockerfile: `tar ... -C /etc/modsecurity/owasp-modsecurity-crs`). */
export const IMAGE_CRS_RULES_DIR = "/etc/modsecurity/owasp-modsecurity-crs/rules";
/** Downloaded next to modsecurity.conf by the image; Debian's libapache2-mod-security2 ships it at the same path. */
export const UNICODE_MAPPING_FILE = "/etc/modsecurity/unicode.mapping";

/**
 * ModSecurity and CRS releases that each modsecurity-spoa tag builds and downloads
 * (rootfs/Dockerfile at that tag: MODSEC_VERSION, OWASP_MODSEC_VERSION).
 */
export const AGENT_RELEASES: Readonly<Record<string, { readonly modsecurity: string; readonly crs: string }>> = {
    "v0.11": { modsecurity: "2.9.6", crs: "3.3.4" },
    "v0.12": { modsecurity: "2.9.6", crs: "3.3.4" },
    "v0.13": { modsecurity: "2.9.7", crs: "4.3.0" },
    "v0.14": { modsecurity: "2.9.11", crs: "4.16.0" },
};

/**
 * The CRS release the agent image ships, from its tag; undefined for a tag not in AGENT_RELEASES or no tag. The tag is
 * what follows ":" in the last path component, before any "@digest" (distribution/reference grammar), so neither a
 * registry port nor a digest is taken for it.
 */
export function crsVersionOfImage(image: string): string | undefined {
    const withoutDigest = image.split("@")[0]!;
    const lastComponent = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
    const colon = lastComponent.indexOf(":");
    return colon < 0 ? undefined : AGENT_RELEASES[lastComponent.slice(colon + 1)]?.crs;
}

/** CRS 3.3.x and 4.x: the two lines whose setup variables this renderer knows. */
export const CRS_VERSION = /^(?:3\.3|4\.[0-9]{1,2})\.[0-9]{1,2}$/;

/**
 * Methods the agent can hand to ModSecurity. haproxy/spoa-modsecurity (the commit modsecurity-spoa
 * v0.14 builds, modsec_wrapper.c) maps the method to an Apache method number and gives up on any
 * other: no verdict comes back and haproxy-ingress lets the request through. So only these can be
 * allowed or refused by the WAF.
 */
export const AGENT_METHODS = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    "COPY", "MOVE", "LOCK", "UNLOCK", "MKCOL", "PROPFIND", "PROPPATCH", "MERGE", "LABEL", "REPORT", "UPDATE",
    "CHECKIN", "CHECKOUT", "UNCHECKOUT", "MKACTIVITY", "MKWORKSPACE", "VERSION_CONTROL", "BASELINE_CONTROL",
] as const;
export type AgentMethod = (typeof AGENT_METHODS)[number];

/** Cortex adds, changes and removes cart line items with PUT, PATCH and DELETE; CRS alone allows GET HEAD POST OPTIONS. */
export const DEFAULT_ALLOWED_METHODS: readonly AgentMethod[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * The most request body the agent can be shown: haproxy-ingress v0.16.1 runs HAProxy 2.8, whose request buffer holds
 * tune.bufsize (16384) less tune.maxrewrite (1024) of headers and body (configuration.txt "tune.bufsize",
 * "tune.maxrewrite"); `req.body` is what that buffer holds (7.3.6 "req.body"). The agent's SPOE frames are capped at
 * 16384 bytes as well (haproxy/spoa-modsecurity spoa.c MAX_FRAME_SIZE), so a larger tune.bufsize would not help.
 */
export const MAX_INSPECTABLE_BODY_BYTES = 16384 - 1024;
/** Half the buffer: Cortex's JSON bodies are far smaller, and headers of up to about 7 KB still fit beside it. */
export const DEFAULT_MAX_BODY_BYTES = 8192;

/**
 * CRS request detection rules (911 method enforcement to 944 Java attacks, in CRS 3.3 and 4.x). The
 * initialization (901) and blocking evaluation (949) rules are not per-route business, and response
 * rules (95x) never run: the agent sees requests only.
 */
export const EXCLUDABLE_RULE_IDS = { min: 911000, max: 944999 } as const;

/** A route's exclusions: CRS rules removed for requests to its host and path only. */
export interface WafRouteExclusion {
    /** Config key of the route, written into the rendered comment. */
    readonly configKey: string;
    readonly host: string;
    readonly path: string;
    readonly pathType: "Prefix" | "Exact";
    readonly ruleIds: readonly number[];
}

export interface WafConfigInput {
    /** CRS release the rules come from, e.g. "4.16.0": CRS 3.3 and 4 name the setup variables differently. */
    readonly crsVersion: string;
    /** 1-4 (CRS `paranoia_level` in 3.3, `blocking_paranoia_level` in 4). */
    readonly paranoiaLevel: number;
    readonly allowedMethods: readonly string[];
    /** CRS blocks a request whose inbound anomaly score reaches this (5 = one critical match). */
    readonly inboundAnomalyThreshold: number;
    readonly exclusions: readonly WafRouteExclusion[];
    /** Directory of the CRS `*.conf` rule files. @default IMAGE_CRS_RULES_DIR */
    readonly crsRulesDir?: string;
}

export interface WafConfigFile {
    readonly name: string;
    readonly content: string;
}

/** First id of the rules rendered here: 1-99,999 is ModSecurity's range for local rules. */
const ENGINE_RULE_ID = 10001;
const EXCLUSION_RULE_ID = 10100;

/**
 * Engine settings after ModSecurity v2's modsecurity.conf-recommended, changed where the agent differs
 * from a web server: SecRuleEngine On (haproxy-ingress's waf-mode decides deny or detect), no response
 * inspection (haproxy-ingress sends check-request only), no audit log (matches reach the agent's stdout
 * through its log hook, modsec_wrapper.c modsec_log; an audit file would fill the pod's scratch volume),
 * and temporary and data files in /tmp, the agent's only writable directory.
 */
function engineConf(): string {
    return [
        "# ModSecurity engine settings for the SPOA agent (rendered by commerce-edge).",
        "SecRuleEngine On",
        "SecRequestBodyAccess On",
        "SecRequestBodyLimit 13107200",
        "SecRequestBodyNoFilesLimit 131072",
        "SecRequestBodyInMemoryLimit 131072",
        "SecRequestBodyLimitAction Reject",
        "SecRequestBodyJsonDepthLimit 512",
        "SecPcreMatchLimit 1000",
        "SecPcreMatchLimitRecursion 1000",
        "SecResponseBodyAccess Off",
        "SecTmpDir /tmp/",
        "SecDataDir /tmp/",
        "SecAuditEngine Off",
        "SecArgumentSeparator &",
        "SecCookieFormat 0",
        `SecUnicodeMapFile ${UNICODE_MAPPING_FILE} 20127`,
        "SecStatusEngine Off",
        "",
        "# Parse XML and JSON bodies, so that CRS inspects their fields.",
        `SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application(?:/soap\\+|/)|text/)xml" "id:${ENGINE_RULE_ID},phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"`,
        `SecRule REQUEST_HEADERS:Content-Type "@rx ^application/(?:[a-z0-9.+-]+\\+)?json" "id:${ENGINE_RULE_ID + 1},phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"`,
        "",
        "# A body the engine could not parse was not inspected: refuse it.",
        `SecRule REQBODY_ERROR "!@eq 0" "id:${ENGINE_RULE_ID + 2},phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body',logdata:'%{reqbody_error_msg}',severity:2"`,
        `SecRule MULTIPART_STRICT_ERROR "!@eq 0" "id:${ENGINE_RULE_ID + 3},phase:2,t:none,log,deny,status:400,msg:'Multipart request body failed strict validation'"`,
        `SecRule MULTIPART_UNMATCHED_BOUNDARY "!@eq 0" "id:${ENGINE_RULE_ID + 4},phase:2,t:none,log,deny,status:400,msg:'Multipart parser detected a possible unmatched boundary'"`,
        `SecRule TX:/^MSC_/ "!@streq 0" "id:${ENGINE_RULE_ID + 5},phase:2,t:none,log,deny,status:500,msg:'ModSecurity internal error flagged: %{MATCHED_VAR_NAME}'"`,
        "",
    ].join("\n");
}

function crsMajor(crsVersion: string): 3 | 4 {
    if (!CRS_VERSION.test(crsVersion)) throw new Error(`crsVersion "${crsVersion}" is not a CRS 3.3.x or 4.x release`);
    return crsVersion.startsWith("3.") ? 3 : 4;
}

/** `tx.crs_setup_version` as CRS's own crs-setup.conf.example writes it: 3.3.4 → 334, 4.16.0 → 4160. */
export function crsSetupVersion(crsVersion: string): number {
    const [major, minor, patch] = crsVersion.split(".") as [string, string, string];
    return Number(`${major}${minor}${patch}`);
}

function secAction(id: number, setvars: readonly string[]): string {
    return `SecAction "id:${id},phase:1,pass,t:none,nolog,${setvars.map((setvar) => `setvar:'${setvar}'`).join(",")}"`;
}

/**
 * CRS setup (the role of crs-setup.conf): anomaly scoring with `pass` as the default action, so one
 * low-severity match does not block and rule 949110 decides on the total. CRS 3.3 names the paranoia
 * level `tx.paranoia_level`; 4.x `tx.blocking_paranoia_level` (crs-setup.conf.example of each release).
 */
function crsSetupConf(input: WafConfigInput): string {
    const major = crsMajor(input.crsVersion);
    const paranoiaVariable = major === 3 ? "tx.paranoia_level" : "tx.blocking_paranoia_level";
    return [
        `# OWASP CRS ${input.crsVersion} setup (rendered by commerce-edge).`,
        'SecDefaultAction "phase:1,log,auditlog,pass"',
        'SecDefaultAction "phase:2,log,auditlog,pass"',
        secAction(900000, [`${paranoiaVariable}=${input.paranoiaLevel}`]),
        secAction(900110, [`tx.inbound_anomaly_score_threshold=${input.inboundAnomalyThreshold}`]),
        secAction(900200, [`tx.allowed_methods=${input.allowedMethods.join(" ")}`]),
        secAction(900990, [`tx.crs_setup_version=${crsSetupVersion(input.crsVersion)}`]),
        "",
    ].join("\n");
}

/** A PCRE pattern matching `text` literally: every byte outside [A-Za-z0-9/_-] becomes \xHH. */
function literalPattern(text: string): string {
    return [...Buffer.from(text, "utf8")]
        .map((byte) => (/[A-Za-z0-9/_-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`))
        .join("");
}

/** The request paths a route's Ingress path matches (Kubernetes pathType semantics), on the raw path. */
export function routePathPattern(path: string, pathType: "Prefix" | "Exact"): string {
    if (pathType === "Exact") return `^${literalPattern(path)}$`;
    const prefix = path.replace(/\/+$/, "");
    return prefix === "" ? "^/" : `^${literalPattern(prefix)}(?:/|$)`;
}

/**
 * Per-route exclusions, loaded after the setup and before the CRS rules (the place of CRS's
 * REQUEST-900-EXCLUSION-RULES-BEFORE-CRS): a phase-1 rule on the Host header (any port) chained to
 * the route's path removes the listed rules for that transaction only (ctl:ruleRemoveById).
 */
function exclusionsConf(exclusions: readonly WafRouteExclusion[]): string {
    const rules = exclusions
        .filter((exclusion) => exclusion.ruleIds.length > 0)
        .map((exclusion, index) => [
            `# ${exclusion.configKey}.wafExclusions: ${exclusion.host}${exclusion.path} (${exclusion.pathType})`,
            `SecRule REQUEST_HEADERS:Host "@rx ^${literalPattern(exclusion.host)}(?::[0-9]+)?$" "id:${EXCLUSION_RULE_ID + index},phase:1,pass,nolog,t:none,t:lowercase,chain"`,
            `    SecRule REQUEST_FILENAME "@rx ${routePathPattern(exclusion.path, exclusion.pathType)}" "t:none,${[...new Set(exclusion.ruleIds)].map((id) => `ctl:ruleRemoveById=${id}`).join(",")}"`,
        ].join("\n"));
    return ["# Per-route CRS exclusions (rendered by commerce-edge).", ...rules, ""].join("\n");
}

function crsRulesConf(rulesDir: string): string {
    return [`# The CRS rules of the agent image, in file name order.`, `Include ${rulesDir}/*.conf`, ""].join("\n");
}

/** The agent's configuration files, in the order the agent must load them. */
export function wafConfigFiles(input: WafConfigInput): WafConfigFile[] {
    for (const method of input.allowedMethods) {
        if (!(AGENT_METHODS as readonly string[]).includes(method)) throw new Error(`allowed method "${method}" is not one the agent can parse (${AGENT_METHODS.join(", ")})`);
    }
    return [
        { name: "engine.conf", content: engineConf() },
        { name: "crs-setup.conf", content: crsSetupConf(input) },
        { name: "route-exclusions.conf", content: exclusionsConf(input.exclusions) },
        { name: "crs-rules.conf", content: crsRulesConf(input.crsRulesDir ?? IMAGE_CRS_RULES_DIR) },
    ];
}

/** The agent's settings as the stack config holds them (ingress.waf, with the CRS release resolved). */
export interface WafSettings {
    readonly crsVersion: string;
    readonly paranoiaLevel: number;
    readonly allowedMethods: readonly string[];
    readonly inboundAnomalyThreshold: number;
}

/** The renderer's input for a stack: its settings and the exclusions of the routes the WAF inspects. */
export function wafConfigInput(settings: WafSettings, routes: readonly HttpRoute[]): WafConfigInput {
    return {
        crsVersion: settings.crsVersion,
        paranoiaLevel: settings.paranoiaLevel,
        allowedMethods: settings.allowedMethods,
        inboundAnomalyThreshold: settings.inboundAnomalyThreshold,
        exclusions: routes
            .filter((route) => route.waf !== "off" && route.wafExclusions.length > 0)
            .map((route) => ({ configKey: route.configKey, host: route.host, path: route.path, pathType: route.pathType, ruleIds: route.wafExclusions })),
    };
}

/** Content hash of the files: it names the ConfigMap, so that a change creates a new one and rolls the agent. */
export function wafConfigHash(files: readonly WafConfigFile[]): string {
    return contentHash(JSON.stringify(files), 10);
}
