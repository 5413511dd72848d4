import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { planFails, planStack } from "../harness/plan";
import { PROJECT_ROOT } from "../harness/stackFile";

const run = promisify(execFile);

async function plan(stack: string): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
        const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts", "plan.ts"), stack], { cwd: PROJECT_ROOT });
        return { code: 0, stdout, stderr };
    } catch (error) {
        const failure = error as { code: number; stdout: string; stderr: string };
        return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
}

describe("npm run plan", () => {
    it("fails on a config mistake with the one message, no stack trace, and writes nothing", async () => {
        const stack = `bad-${process.pid}`;
        const file = join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
        writeFileSync(file, stringify({
            config: {
                "commerce-edge:environment": "dev",
                "commerce-edge:dns": { zoneName: "example.com" },
                "commerce-edge:routes": {
                    cortex: { host: "api.example.com", image: "r.example.com/cortex:1", allowlist: ["10.0.0.1/8"] },
                    activemq: { consoleHost: "mq.example.com", allowlist: ["198.51.100.0/24"], consoleAllowlist: ["198.51.100.0/24"] },
                },
            },
        }));
        try {
            const result = await plan(stack);
            assert.equal(result.code, 1);
            assert.equal(result.stderr.trim(), [
                `Invalid config for stack "${stack}" (Pulumi.${stack}.yaml); nothing was created or changed:`,
                "  routes.cortex.allowlist[0]: \"10.0.0.1/8\" has host bits set (host bits must be zero: use 10.0.0.0/8)",
            ].join("\n"));
            assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
        } finally {
            rmSync(file, { force: true });
            rmSync(join(PROJECT_ROOT, "out", stack), { recursive: true, force: true });
        }
    });

    it("names a missing stack file plainly", async () => {
        const result = await plan("no-such-stack");
        assert.equal(result.code, 1);
        assert.match(result.stderr, /ENOENT.*Pulumi\.no-such-stack\.yaml/);
        assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
});

describe("the plan's policy verdict", () => {
    it("fails a plan that breaks a mandatory policy (a world-open allowlist under the production policy config)", async () => {
        const routes = {
            cortex: { host: "api.dev.commerce.example.com", image: "r.example.com/cortex:1", allowlist: ["0.0.0.0/0"] },
            activemq: { consoleHost: "mq.dev.commerce.example.com", allowlist: ["198.51.100.0/24"], consoleAllowlist: ["198.51.100.0/24"] },
        };
        const result = await planStack("dev", { configOverrides: { "commerce-edge:routes": JSON.stringify(routes) }, policyConfig: { all: "mandatory" } });
        const offending = result.violations.filter((violation) => violation.policy === "ingress-source-allowlist");
        assert.equal(offending.length, 1);
        assert.equal(offending[0]!.level, "mandatory");
        assert.match(offending[0]!.message, /0\.0\.0\.0\/0/);
        assert.ok(planFails(result));
    });
});
