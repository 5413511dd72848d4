import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { npmScriptCommand } from "../harness/npmScript";
import { planFails, planStack } from "../harness/plan";
import { listStacks, PROJECT_ROOT } from "../harness/stackFile";
import { parsePlanArguments, usage } from "../scripts/planArguments";

const run = promisify(execFile);

async function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
        const [node, ...plan] = npmScriptCommand("plan");
        const { stdout, stderr } = await run(node, [...plan, ...args], { cwd: PROJECT_ROOT });
        return { code: 0, stdout, stderr };
    } catch (error) {
        const failure = error as { code: number; stdout: string; stderr: string };
        return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
}

/** A stack file written into the project for one test, removed with whatever out/<stack>/ it got. */
function withStackFile(stack: string, text: string): () => void {
    const file = join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
    writeFileSync(file, text);
    return () => {
        rmSync(file, { force: true });
        rmSync(join(PROJECT_ROOT, "out", stack), { recursive: true, force: true });
    };
}

const BAD_CONFIG = {
    config: {
        "commerce-edge:environment": "dev",
        "commerce-edge:dns": { zoneName: "example.com" },
        "commerce-edge:routes": {
            cortex: { host: "api.example.com", image: "r.example.com/cortex:1", allowlist: ["10.0.0.1/8"] },
            activemq: { consoleHost: "mq.example.com", allowlist: ["198.51.100.0/24"], consoleAllowlist: ["198.51.100.0/24"] },
        },
    },
};

describe("npm run plan", () => {
    it("fails on a config mistake with the one message, no stack trace, and writes nothing", async () => {
        const stack = `bad-${process.pid}`;
        const cleanup = withStackFile(stack, stringify(BAD_CONFIG));
        try {
            const result = await plan(stack);
            assert.equal(result.code, 1);
            assert.equal(result.stderr.trim(), [
                `Invalid config for stack "${stack}" (Pulumi.${stack}.yaml); nothing was created or changed:`,
                "  routes.cortex.allowlist[0]: \"10.0.0.1/8\" has host bits set (host bits must be zero: use 10.0.0.0/8)",
            ].join("\n"));
            assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
            assert.equal(existsSync(join(PROJECT_ROOT, "out", stack)), false, "nothing written under out/<stack>/");
        } finally {
            cleanup();
        }
    });

    it("refuses a stack file Pulumi would read differently, naming file and line, and writes nothing [rule yaml-as-pulumi-reads-it]", async () => {
        const stack = `yaml-${process.pid}`;
        const cleanup = withStackFile(stack, "config:\n  commerce-edge:environment: dev\n  commerce-edge:cluster:\n    nodeDiskSizeGiB: 0100\n");
        try {
            const result = await plan(stack);
            assert.equal(result.code, 1);
            assert.equal(result.stderr.trim(), `Pulumi.${stack}.yaml cannot be read:\n  Pulumi.${stack}.yaml:4: "0100" reads as 64 in Pulumi's YAML reader (yaml.v3) but 100 here (quote it, or write the value the way you mean it)`);
            assert.equal(existsSync(join(PROJECT_ROOT, "out", stack)), false);
        } finally {
            cleanup();
        }
    });

    it("writes nothing when one of several stacks fails to plan", async () => {
        const good = `good-${process.pid}`;
        const bad = `bad2-${process.pid}`;
        const cleanups = [withStackFile(good, readFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")), withStackFile(bad, stringify(BAD_CONFIG))];
        try {
            const result = await plan(good, bad);
            assert.equal(result.code, 1);
            assert.match(result.stderr, new RegExp(`Nothing was written: every stack must plan \\(${bad} did not\\)\\.`));
            assert.equal(existsSync(join(PROJECT_ROOT, "out", good)), false, "the stack that planned is not written either");
        } finally {
            cleanups.forEach((cleanup) => cleanup());
        }
    });

    it("prints its usage on --help", async () => {
        const help = await plan("--help");
        assert.equal(help.code, 0);
        assert.equal(help.stdout.trim(), usage(listStacks()));
    });

    it("refuses an unknown option, escaping the control characters it carries", async () => {
        const result = await plan("--\u001b]0;owned\u0007", "dev");
        assert.equal(result.code, 2);
        assert.equal(result.stderr, "npm run plan: unknown option \"--\\u001b]0;owned\\u0007\" (npm run plan -- --help)\n");
        assert.equal(result.stdout, "");
    });
});

describe("npm run plan's arguments", () => {
    const stacks = ["dev", "production", "staging"];
    it("plans dev by default, and each named stack once", () => {
        assert.deepEqual(parsePlanArguments([], stacks), { kind: "plan", stacks: ["dev"] });
        assert.deepEqual(parsePlanArguments(["production", "dev", "production"], stacks), { kind: "plan", stacks: ["production", "dev"] });
        assert.deepEqual(parsePlanArguments(["--", "staging"], stacks), { kind: "plan", stacks: ["staging"] });
    });

    it("answers --help or -h wherever it stands", () => {
        assert.deepEqual(parsePlanArguments(["dev", "-h"], stacks), { kind: "help" });
    });

    it("refuses all of several stacks when one does not exist, naming the ones that do", () => {
        assert.deepEqual(parsePlanArguments(["dev", "prod", "qa"], stacks), {
            kind: "error",
            message: "no stack \"prod\", \"qa\": there is no Pulumi.prod.yaml, Pulumi.qa.yaml (stacks here: dev, production, staging); nothing was planned",
        });
    });

    it("refuses unknown options, and reads anything after -- as a stack", () => {
        assert.deepEqual(parsePlanArguments(["-x"], stacks), { kind: "error", message: "unknown option \"-x\" (npm run plan -- --help)" });
        assert.deepEqual(parsePlanArguments(["--", "-x"], stacks).kind, "error");
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
