import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { formatProblems } from "../config/messages";
import { rawStackConfig } from "../config/rawConfig";
import { projectConfigDeclarations } from "../config/reference";
import { validateStackConfig } from "../config/validate";
import { containsPlaceholder, placeholderFor, PROJECT, PROJECT_ROOT, readProject, readStackFile, StackFileError, type StackConfigFile } from "../harness/stackFile";
import { resolveLikeYamlV3 } from "../harness/yamlLikePulumi";
import { offlineZones } from "../harness/zones";

/** Stack files as the Pulumi CLI reads them (yaml.v3, Pulumi.yaml's declarations), in a scratch project. */

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function project(files: Readonly<Record<string, string>>): string {
    const root = mkdtempSync(join(tmpdir(), "stack-file-"));
    roots.push(root);
    copyFileSync(join(PROJECT_ROOT, "Pulumi.yaml"), join(root, "Pulumi.yaml"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
    return root;
}

const ROUTES = `  commerce-edge:routes:
    cortex:
      host: api.example.com
      image: registry.example.com/ep/cortex:8.6.0
      allowlist: [198.51.100.0/24]
    activemq:
      consoleHost: mq.example.com
      allowlist: [198.51.100.0/24]
      consoleAllowlist: [203.0.113.0/24]
`;
/** A valid stack file; `extra` lines go below `config:`, before the routes. */
function stackYaml(extra = "", environment = "dev"): string {
    return `config:\n  aws:region: eu-west-1\n  commerce-edge:environment: ${environment}\n  commerce-edge:dns:\n    zoneName: example.com\n${extra}${ROUTES}`;
}
const EXTRA_LINE = 6;

function read(text: string, more: Readonly<Record<string, string>> = {}): StackConfigFile {
    return readStackFile("t", project({ "Pulumi.t.yaml": text, ...more }));
}

function refusal(text: string, more: Readonly<Record<string, string>> = {}): string {
    try {
        read(text, more);
    } catch (error) {
        assert.ok(error instanceof StackFileError, String(error));
        assert.doesNotMatch(error.message, /\n\s+at /, "no stack trace");
        return error.message;
    }
    assert.fail("expected the stack file to be refused");
}

interface Case {
    readonly rule: string;
    readonly name: string;
    readonly text: string;
    readonly expected: string;
    readonly more?: Readonly<Record<string, string>>;
}

const CANNOT_READ = "Pulumi.t.yaml cannot be read:";
const NOT_VALID = "Pulumi.t.yaml is not a valid stack file; nothing was planned:";

const cases: Case[] = [
    {
        rule: "yaml-as-pulumi-reads-it",
        name: "a merge key, which yaml.v3 applies and YAML 1.2 does not",
        text: stackYaml("  commerce-edge:cluster:\n    <<: {nodeMinSize: 3}\n"),
        expected: `${CANNOT_READ}\n  Pulumi.t.yaml:${EXTRA_LINE + 1}: a merge key \`<<\` (Pulumi's reader merges the referenced map in, this plan would not: write the keys out)`,
    },
    {
        rule: "yaml-as-pulumi-reads-it",
        name: "numbers yaml.v3 reads differently: a leading-zero octal, underscores, binary",
        text: stackYaml("  commerce-edge:cluster:\n    nodeDiskSizeGiB: 0100\n    nodeMaxSize: 1_0\n    nodeMinSize: 0b11\n"),
        expected: [
            CANNOT_READ,
            `  Pulumi.t.yaml:${EXTRA_LINE + 1}: "0100" reads as 64 in Pulumi's YAML reader (yaml.v3) but 100 here (quote it, or write the value the way you mean it)`,
            `  Pulumi.t.yaml:${EXTRA_LINE + 2}: "1_0" reads as 10 in Pulumi's YAML reader (yaml.v3) but "1_0" here (quote it, or write the value the way you mean it)`,
            `  Pulumi.t.yaml:${EXTRA_LINE + 3}: "0b11" reads as 3 in Pulumi's YAML reader (yaml.v3) but "0b11" here (quote it, or write the value the way you mean it)`,
        ].join("\n"),
    },
    {
        rule: "yaml-as-pulumi-reads-it",
        name: "an unquoted date, a tag and a duplicate key",
        text: stackYaml("  commerce-edge:cluster:\n    kubernetesVersion: 2026-01-01\n    nodeMinSize: !!int 3\n    nodeMinSize: 3\n"),
        expected: `${CANNOT_READ}\n  Pulumi.t.yaml:${EXTRA_LINE + 3}: a key already defined above in the same map (Pulumi's reader refuses duplicate keys too: keep one)`,
    },
    {
        rule: "yaml-as-pulumi-reads-it",
        name: "an unquoted date and a tag",
        text: stackYaml("  commerce-edge:cluster:\n    kubernetesVersion: 2026-01-01\n    nodeMinSize: !!int 3\n"),
        expected: [
            CANNOT_READ,
            `  Pulumi.t.yaml:${EXTRA_LINE + 1}: "2026-01-01" is a timestamp, which Pulumi passes on as a reformatted date (quote it)`,
            `  Pulumi.t.yaml:${EXTRA_LINE + 2}: the tag !!int (Pulumi's reader and this one resolve tags differently: remove it, or use !!str)`,
        ].join("\n"),
    },
    {
        rule: "yaml-as-pulumi-reads-it",
        name: "a syntax error, with the file and line",
        text: stackYaml("  commerce-edge:cluster:\n    nodeInstanceTypes: [m6i.large\n"),
        expected: `${CANNOT_READ}\n  Pulumi.t.yaml:${EXTRA_LINE + 2}: Flow sequence in block collection must be sufficiently indented and end with a ] (YAML syntax error)`,
    },
    {
        rule: "config-keys",
        name: "one key written bare and namespaced, a key with too many colons, and an unknown setting",
        text: `confg:\n  a: b\n${stackYaml("  ingress: {replicas: 2}\n  commerce-edge:ingress: {replicas: 3}\n  commerce-edge:a:b: c\n")}`,
        expected: [
            NOT_VALID,
            "  Pulumi.t.yaml:1: confg: is not a stack file setting, and Pulumi ignores it (allowed: config, secretsprovider, encryptedkey, encryptionsalt, environment)",
            `  Pulumi.t.yaml:${EXTRA_LINE + 3}: commerce-edge:ingress: is commerce-edge:ingress again (first written as ingress; Pulumi would keep one of the two at random)`,
            `  Pulumi.t.yaml:${EXTRA_LINE + 4}: commerce-edge:a:b: is not a config key (namespace:name, e.g. commerce-edge:routes)`,
        ].join("\n"),
    },
    {
        rule: "config-keys",
        name: "an ESC environment import, which the plan cannot open",
        text: `environment:\n  - shared/dev\n${stackYaml()}`,
        expected: `${NOT_VALID}\n  Pulumi.t.yaml:1: environment: imports Pulumi ESC environments, which the offline plan cannot open (set the config in this file)`,
    },
    {
        rule: "config-namespaces",
        name: "a misspelt namespace",
        text: stackYaml("  comerce-edge:ingress:\n    replicas: 3\n"),
        expected: `${NOT_VALID}\n  Pulumi.t.yaml:${EXTRA_LINE}: comerce-edge:ingress: the namespace "comerce-edge" is read by nothing (allowed: commerce-edge, aws, eks, kubernetes, pulumi; a misspelt namespace drops the key silently)`,
    },
    {
        rule: "project-declarations",
        name: "a required key missing, a password and the certificate in plain text, and a section of the wrong type",
        text: stackYaml("  commerce-edge:activemqAdminPassword: hunter2-hunter2\n  commerce-edge:tlsCertificate: \"-----BEGIN CERTIFICATE-----\"\n  commerce-edge:network: 10.0.0.0/16\n").replace("  commerce-edge:dns:\n    zoneName: example.com\n", ""),
        expected: [
            NOT_VALID,
            "  Pulumi.t.yaml:4: commerce-edge:activemqAdminPassword: is in plain text, but it is a secret (pulumi config set --secret activemqAdminPassword <value>; the CLI refuses it: \"must be encrypted as it's secret\")",
            "  Pulumi.t.yaml:5: commerce-edge:tlsCertificate: is in plain text, but it is a secret (pulumi config set --secret tlsCertificate <value>; the CLI refuses it: \"must be encrypted as it's secret\")",
            "  Pulumi.t.yaml:6: commerce-edge:network: must be of type object (Pulumi.yaml declares it so; the CLI stops with the same words)",
            "  Pulumi.t.yaml: commerce-edge:dns: is not set, and Pulumi.yaml declares it without a default (the CLI stops with \"Stack 't' is missing configuration value 'dns'\")",
        ].join("\n"),
    },
    {
        rule: "project-declarations",
        name: "a password and a section left empty, which Pulumi reads as the empty string",
        text: stackYaml("  commerce-edge:activemqBrokerPassword:\n  commerce-edge:cluster:\n"),
        expected: [
            NOT_VALID,
            `  Pulumi.t.yaml:${EXTRA_LINE}: commerce-edge:activemqBrokerPassword: is in plain text, but it is a secret (pulumi config set --secret activemqBrokerPassword <value>; the CLI refuses it: "must be encrypted as it's secret")`,
            `  Pulumi.t.yaml:${EXTRA_LINE + 1}: commerce-edge:cluster: must be of type object (Pulumi.yaml declares it so; the CLI stops with the same words)`,
        ].join("\n"),
    },
    {
        rule: "project-declarations",
        name: "an encrypted value of a key that is not a secret",
        text: stackYaml("  commerce-edge:ingress:\n    secure: AAABAGhlbGxv\n"),
        expected: `${NOT_VALID}\n  Pulumi.t.yaml:${EXTRA_LINE}: commerce-edge:ingress: is encrypted, but it is not a secret of this program and the offline plan cannot decrypt it (set it in plain text)`,
    },
    {
        rule: "offline-secrets",
        name: "an offline secrets file with a key that is no secret",
        text: stackYaml(),
        more: { ".offline-secrets.t.yaml": "activemqAdminPassword: admin-password-123\nroutes: {}\n" },
        expected: ".offline-secrets.t.yaml cannot be used:\n  .offline-secrets.t.yaml:2: routes: is not a secret of this project (allowed: tlsCertificate, tlsPrivateKey, activemqAdminPassword, activemqBrokerPassword)",
    },
];

describe("stack files read as Pulumi reads them", () => {
    for (const testCase of cases) {
        it(`refuses ${testCase.name}`, () => assert.equal(refusal(testCase.text, testCase.more), testCase.expected));
    }

    it("reads a bare key into the project namespace, the old ns:config:name form, and an empty value as \"\", as Pulumi does", () => {
        const file = read(stackYaml().replace("  commerce-edge:environment: dev\n", "  environment: dev\n  aws:config:profile: edge\n  aws:skipMetadataApiCheck:\n"));
        assert.equal(file.config[`${PROJECT}:environment`], "dev");
        assert.equal(file.config["aws:profile"], "edge");
        assert.equal(file.config["aws:skipMetadataApiCheck"], "");
    });

    it("passes yes/no/on/off on as text, as yaml.v3 does when decoding into any", () => {
        const file = read(stackYaml("  commerce-edge:cluster:\n    nodeInstanceTypes: [yes, off]\n"));
        assert.equal(file.config[`${PROJECT}:cluster`], JSON.stringify({ nodeInstanceTypes: ["yes", "off"] }));
    });

    it("fills the declared defaults, as the CLI does", () => {
        const file = read(stackYaml());
        assert.equal(file.config[`${PROJECT}:network`], "{}");
        assert.equal(file.config[`${PROJECT}:ingress`], "{}");
    });
});

describe("Pulumi's YAML resolution of plain scalars (yaml.v3 resolve.go)", () => {
    const table: [string, unknown][] = [
        ["true", true], ["False", false], ["yes", "yes"], ["on", "on"], ["~", null], ["Null", null],
        ["017", 15], ["0o17", 15], ["0x1F", 31], ["-0x1F", -31], ["0b101", 5], ["1_000", 1000], ["08", 8], ["1.30", 1.3], [".5", 0.5], ["+12", 12], ["1e3", 1000],
        ["1.2.3", "1.2.3"], ["0.0.0.0/0", "0.0.0.0/0"], ["m6i.large", "m6i.large"], ["-", "-"], ["<<", "<<"],
    ];
    for (const [text, value] of table) {
        it(`reads ${JSON.stringify(text)} as ${JSON.stringify(value)}`, () => assert.deepEqual(resolveLikeYamlV3(text), { kind: "value", value }));
    }
    for (const text of ["2001-12-14", ".nan", "-.inf", "12345678901234567890"]) {
        it(`marks ${JSON.stringify(text)} as a value that cannot reach the program unchanged`, () => assert.equal(resolveLikeYamlV3(text).kind, "special"));
    }
});

describe("secrets the offline plan does not have [rule offline-secrets]", () => {
    function validated(file: StackConfigFile, stack = "t") {
        return validateStackConfig(rawStackConfig({
            project: PROJECT,
            stack,
            keys: Object.keys(file.config),
            get: (key) => file.config[`${PROJECT}:${key}`],
            unreadableSecrets: new Set(file.placeholders),
        }));
    }

    it("plans placeholders for the passwords only in dev: no certificate is invented", () => {
        const file = read(stackYaml());
        assert.deepEqual(file.placeholders, ["activemqAdminPassword", "activemqBrokerPassword"]);
        assert.equal(file.config[`${PROJECT}:tlsCertificate`], undefined);
        assert.deepEqual(file.secretKeys, [`${PROJECT}:activemqAdminPassword`, `${PROJECT}:activemqBrokerPassword`]);
    });

    it("plans the certificate pair production requires, and reports it", () => {
        const file = read(stackYaml("  commerce-edge:ingress: {replicas: 3}\n", "production"));
        assert.deepEqual(file.placeholders, ["activemqAdminPassword", "activemqBrokerPassword", "tlsCertificate", "tlsPrivateKey"]);
        assert.ok(file.notices.includes("tlsPrivateKey: required in production and not set in Pulumi.t.yaml; planned with a placeholder (pulumi up stops until it is set: pulumi config set --secret tlsPrivateKey < file)"));
    });

    it("invents no certificate beside ingress.defaultCertificateSecret, so that config stays valid", () => {
        const file = read(stackYaml("  commerce-edge:ingress: {replicas: 3, defaultCertificateSecret: ingress-controller/tls}\n", "production"));
        assert.deepEqual(file.placeholders, ["activemqAdminPassword", "activemqBrokerPassword"]);
        const result = validated(file);
        assert.equal(result.ok ? "" : formatProblems(result.problems), "");
    });

    it("still finds a certificate set without its key", () => {
        const file = read(stackYaml("  commerce-edge:tlsCertificate:\n    secure: AAABAGNlcnQ=\n"));
        assert.deepEqual(file.placeholders, ["tlsCertificate", "activemqAdminPassword", "activemqBrokerPassword"]);
        const result = validated(file);
        assert.equal(result.ok ? "" : formatProblems(result.problems), "  tlsPrivateKey: is not set while tlsCertificate is (set both, as secrets: pulumi config set --secret tlsPrivateKey < file)");
    });

    it("derives an encrypted secret's placeholder from its ciphertext, so that a new ciphertext changes what consumes it", () => {
        const ciphertext = "v1:AAAAAAAAAAAAAAAA:bmV3LWNpcGhlcnRleHQ=";
        const file = read(stackYaml(`  commerce-edge:activemqBrokerPassword:\n    secure: ${ciphertext}\n`));
        const placeholder = file.config[`${PROJECT}:activemqBrokerPassword`]!;
        // sha256("v1:AAAAAAAAAAAAAAAA:bmV3LWNpcGhlcnRleHQ=") starts with ebf5f485 (sha256sum).
        assert.equal(placeholder, "offline-placeholder-for-activemqBrokerPassword-ebf5f485");
        assert.ok(!placeholder.includes(ciphertext) && !placeholder.includes("bmV3"), "no part of the ciphertext");
        assert.notEqual(read(stackYaml("  commerce-edge:activemqBrokerPassword:\n    secure: v1:AAAAAAAAAAAAAAAA:b3RoZXI=\n")).config[`${PROJECT}:activemqBrokerPassword`], placeholder);
        assert.deepEqual(file.ciphertexts, { [`${PROJECT}:activemqBrokerPassword`]: ciphertext });
        assert.deepEqual(file.placeholders, ["activemqBrokerPassword", "activemqAdminPassword"], "still reported, and its rules not checked");
        assert.equal(file.config[`${PROJECT}:activemqAdminPassword`], "offline-placeholder-for-activemqAdminPassword", "a secret the file does not hold has no ciphertext to hash");
    });

    it("reads the same ciphertext under any spelling of its key as the same secret", () => {
        const spellings = ["activemqBrokerPassword", "commerce-edge:activemqBrokerPassword", "commerce-edge:config:activemqBrokerPassword"];
        const files = spellings.map((key) => read(stackYaml(`  ${key}:\n    secure: v1:AAAAAAAAAAAAAAAA:c2FtZQ==\n`)));
        for (const file of files) {
            assert.deepEqual(file.ciphertexts, files[0]!.ciphertexts);
            assert.deepEqual(file.config, files[0]!.config);
        }
    });

    it("recognises a placeholder of a key, of any ciphertext or none, and nothing else", () => {
        assert.ok(containsPlaceholder(placeholderFor("tlsCertificate"), "tlsCertificate"));
        assert.ok(containsPlaceholder(`{"cert":"${placeholderFor("tlsCertificate", "v1:x:y")}"}`, "tlsCertificate"));
        assert.ok(!containsPlaceholder(placeholderFor("tlsCertificate", "v1:x:y"), "tlsPrivateKey"));
        assert.ok(!containsPlaceholder(placeholderFor("activemqAdminPasswordOld"), "activemqAdminPassword"));
        assert.ok(!containsPlaceholder("offline-placeholder-for-activemqAdminPassword-wïth-ümlauts", "activemqAdminPassword"));
    });

    it("uses real values from .offline-secrets.<stack>.yaml, which are then checked", () => {
        const file = read(stackYaml(), { ".offline-secrets.t.yaml": "activemqAdminPassword: short\ncommerce-edge:activemqBrokerPassword: broker-password-123\n" });
        assert.deepEqual(file.placeholders, []);
        assert.equal(file.config[`${PROJECT}:activemqBrokerPassword`], "broker-password-123");
        const result = validated(file);
        assert.equal(result.ok ? "" : formatProblems(result.problems), "  activemqAdminPassword: is shorter than 12 characters (at least 12)");
    });
});

describe("Pulumi.yaml", () => {
    it("declares the config the schema implies (types, required keys, secret: true on the passwords) [rule project-declarations]", () => {
        const declared = Object.fromEntries(Object.entries(readProject().declarations).map(([key, value]) => [key.slice(PROJECT.length + 1), value]));
        assert.deepEqual(declared, projectConfigDeclarations());
        assert.equal(declared.activemqAdminPassword?.secret, true);
        assert.equal(declared.tlsCertificate, undefined, "an optional secret cannot be declared");
    });
});

describe("zones the offline plan answers with [rule zones]", () => {
    it("gives eu-west-1 the three AZ IDs AWS lists, and six unchecked zones anywhere else", () => {
        assert.deepEqual(offlineZones("eu-west-1"), { names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"], checked: true });
        const elsewhere = offlineZones("us-east-2");
        assert.equal(elsewhere.checked, false);
        assert.equal(elsewhere.names.length, 6);
    });
});
