import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { changedSecrets } from "../harness/basePlan";
import { PROJECT_ROOT } from "../harness/stackFile";

/**
 * Secrets in `npm run diff`, on a copy of this project in a scratch repository: the stack file is changed there,
 * not in this working tree, where other test files read the stacks at the same time.
 */

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const DEV = readFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");
const BROKER_BEFORE = "v1:QmFzZU5vbmNlMTIz:YnJva2VyLWNpcGhlcnRleHQtYmVmb3Jl";
const BROKER_AFTER = "v1:SGVhZE5vbmNlNDU2:YnJva2VyLWNpcGhlcnRleHQtYWZ0ZXI=";
const ADMIN = "v1:QWRtaW5Ob25jZTc4:YWRtaW4tY2lwaGVydGV4dC1zYW1l";

/** Pulumi.dev.yaml with secrets under `config:`, each line `  key:\n    secure: ciphertext`. */
function devWithSecrets(secrets: Readonly<Record<string, string>>): string {
    const lines = Object.entries(secrets).map(([key, ciphertext]) => `  ${key}:\n    secure: ${ciphertext}\n`).join("");
    assert.match(DEV, /^config:\n/m);
    return DEV.replace(/^config:\n/m, `config:\n${lines}`);
}

function git(root: string, ...args: string[]): string {
    return execFileSync("git", ["-C", root, "-c", "user.name=test", "-c", "user.email=test@example.invalid", ...args], { encoding: "utf8" }).trim();
}

/** A scratch repository with this working tree's files committed (stack files as given), sharing its node_modules. */
function projectCopy(stackFiles: Readonly<Record<string, string>>): string {
    const root = mkdtempSync(join(tmpdir(), "diff-secrets-"));
    roots.push(root);
    for (const file of git(PROJECT_ROOT, "ls-files", "--cached", "--others", "--exclude-standard").split("\n")) {
        if (!existsSync(join(PROJECT_ROOT, file))) continue;
        mkdirSync(dirname(join(root, file)), { recursive: true });
        copyFileSync(join(PROJECT_ROOT, file), join(root, file));
    }
    for (const [file, text] of Object.entries(stackFiles)) writeFileSync(join(root, file), text);
    git(root, "init", "--quiet");
    git(root, "add", ".");
    git(root, "commit", "--quiet", "-m", "base");
    // Linked after the commit: .gitignore's `node_modules/` does not match a link.
    for (const modules of ["node_modules", join("policy", "node_modules")]) {
        if (existsSync(join(PROJECT_ROOT, modules))) symlinkSync(join(PROJECT_ROOT, modules), join(root, modules), "dir");
    }
    return root;
}

describe("changed secrets between two stack files", () => {
    it("compares ciphertexts by full key: a key respelt with its namespace is unchanged, a new ciphertext is changed", () => {
        const base = projectCopy({ "Pulumi.dev.yaml": devWithSecrets({ activemqAdminPassword: ADMIN, "commerce-edge:activemqBrokerPassword": BROKER_BEFORE }) });
        const head = projectCopy({ "Pulumi.dev.yaml": devWithSecrets({ "commerce-edge:activemqAdminPassword": ADMIN, "commerce-edge:activemqBrokerPassword": BROKER_AFTER }) });
        assert.deepEqual(changedSecrets("dev", base, head), [{ key: "commerce-edge:activemqBrokerPassword", sameValueInPlans: false }]);
        const respelt = projectCopy({ "Pulumi.dev.yaml": devWithSecrets({ "commerce-edge:config:activemqAdminPassword": ADMIN, activemqBrokerPassword: BROKER_BEFORE }) });
        assert.deepEqual(changedSecrets("dev", base, respelt), []);
    });

    it("says when both plans had the same value from .offline-secrets.<stack>.yaml, which hides the change from the plans", () => {
        const offline = { ".offline-secrets.dev.yaml": "activemqBrokerPassword: broker-password-123\n" };
        const base = projectCopy({ "Pulumi.dev.yaml": devWithSecrets({ activemqBrokerPassword: BROKER_BEFORE }), ...offline });
        const head = projectCopy({ "Pulumi.dev.yaml": devWithSecrets({ activemqBrokerPassword: BROKER_AFTER }), ...offline });
        assert.deepEqual(changedSecrets("dev", base, head), [{ key: "commerce-edge:activemqBrokerPassword", sameValueInPlans: true }]);
    });
});

describe("npm run diff with a secret changed in the stack file", () => {
    it("counts what consumes it as updated, names the key, and writes no ciphertext, placeholder or plaintext", async () => {
        const root = projectCopy({ "Pulumi.dev.yaml": devWithSecrets({ activemqAdminPassword: ADMIN, "commerce-edge:activemqBrokerPassword": BROKER_BEFORE }) });
        // The working tree: the broker password re-encrypted, the admin password's key respelt, its value given locally.
        writeFileSync(join(root, "Pulumi.dev.yaml"), devWithSecrets({ "commerce-edge:activemqAdminPassword": ADMIN, "commerce-edge:activemqBrokerPassword": BROKER_AFTER }));
        const plaintext = "local-admin-password-9q2w";
        writeFileSync(join(root, ".offline-secrets.dev.yaml"), `activemqAdminPassword: ${plaintext}\n`);
        // The entry point npm run diff bundles, run with tsx: the bundle, cached in the shared node_modules, would
        // resolve its project to this working tree, not to the copy.
        const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/diff.ts", "dev"], { cwd: root });
        const markdown = readFileSync(join(root, "out", "dev", "diff.md"), "utf8");
        const summary = readFileSync(join(root, "out", "dev", "summary.md"), "utf8");
        const summaryLine = markdown.split("\n")[0]!;
        assert.match(summaryLine, /^Resources: 0 to create, 2 to update, 0 to replace, 0 to delete, \d+ unchanged$/, stderr);
        assert.equal(stdout.split("\n")[0], summaryLine);
        assert.match(markdown, /- \*\*update\*\* `Secret activemq\/activemq-credentials`\n(  - .*\n)*  - `stringData`: changed \(secret, value not shown\)/);
        assert.match(markdown, /- \*\*update\*\* `StatefulSet activemq\/activemq`/);
        assert.match(markdown, /^> Secret config changed in Pulumi\.dev\.yaml: commerce-edge:activemqBrokerPassword\. The ciphertext differs; the value is not readable offline and may be the same/m);
        assert.doesNotMatch(markdown, /activemqAdminPassword/, "the respelt key is not a change");
        for (const text of [markdown, summary, stdout, stderr]) {
            for (const hidden of [BROKER_BEFORE, BROKER_AFTER, ADMIN, "YnJva2Vy", plaintext, "offline-placeholder"]) assert.ok(!text.includes(hidden), hidden);
        }
    });
});
