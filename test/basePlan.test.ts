import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { checkoutBase } from "../harness/basePlan";
import { PROJECT_ROOT, readStackFile } from "../harness/stackFile";

/** The base side of npm run diff: the base commit in a temporary worktree of a scratch repository. */

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A repository with the project's Pulumi.yaml and Pulumi.dev.yaml committed, and `.offline-secrets.dev.yaml` ignored beside them. */
function repository(): string {
    const root = mkdtempSync(join(tmpdir(), "base-plan-"));
    roots.push(root);
    copyFileSync(join(PROJECT_ROOT, "Pulumi.yaml"), join(root, "Pulumi.yaml"));
    copyFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), join(root, "Pulumi.dev.yaml"));
    writeFileSync(join(root, ".gitignore"), ".offline-secrets.*.yaml\n");
    const git = (...args: string[]): string => execFileSync("git", ["-C", root, "-c", "user.name=test", "-c", "user.email=test@example.invalid", ...args], { encoding: "utf8" });
    git("init", "--quiet");
    git("add", ".");
    git("commit", "--quiet", "-m", "stack");
    writeFileSync(join(root, ".offline-secrets.dev.yaml"), "activemqBrokerPassword: broker-password-123\n");
    assert.equal(git("status", "--porcelain"), "", "the secrets file is ignored, so no commit has it");
    return root;
}

describe("the base checkout", () => {
    it("reads the working tree's .offline-secrets.<stack>.yaml, so that both plans use the same secret values", () => {
        const root = repository();
        const checkout = checkoutBase("HEAD", root);
        try {
            const base = readStackFile("dev", checkout.dir);
            const head = readStackFile("dev", root);
            assert.equal(head.config["commerce-edge:activemqBrokerPassword"], "broker-password-123");
            assert.deepEqual(head.placeholders, ["activemqAdminPassword"], "the one secret the file does not give");
            assert.deepEqual([base.config, base.placeholders], [head.config, head.placeholders]);
        } finally {
            checkout.remove();
        }
        assert.equal(readFileSync(join(root, ".offline-secrets.dev.yaml"), "utf8"), "activemqBrokerPassword: broker-password-123\n", "removing the worktree leaves the file it linked");
    });
});
