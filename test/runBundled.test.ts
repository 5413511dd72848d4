import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { buildSync } from "esbuild";
import { sourceMappedStack } from "../harness/sourceMappedStack";
import { PROJECT_ROOT, projectRootAbove } from "../harness/stackFile";

const run = promisify(execFile);
const scratch = join(PROJECT_ROOT, "out", `runBundled-test-${process.pid}`);
const cacheName = `out-runBundled-test-${process.pid}`;

after(() => {
    rmSync(scratch, { recursive: true, force: true });
    for (const suffix of [".js", ".js.map", ".inputs.json"]) rmSync(join(PROJECT_ROOT, "node_modules", ".cache", "commerce-edge", `${cacheName}-entry${suffix}`), { force: true });
});

describe("scripts/runBundled.js", () => {
    const runEntry = async (...args: string[]): Promise<string> =>
        (await run(process.execPath, [join(PROJECT_ROOT, "scripts", "runBundled.js"), join(scratch, "entry.ts"), ...args], { cwd: PROJECT_ROOT })).stdout;

    it("runs a TypeScript entry point with its arguments, and rebuilds when a file it imports changes", async () => {
        mkdirSync(scratch, { recursive: true });
        writeFileSync(join(scratch, "entry.ts"), 'import { word } from "./word";\nconsole.log(`${word} ${process.argv.slice(2).join(" ")}`);\n');
        writeFileSync(join(scratch, "word.ts"), 'export const word: string = "first";\n');
        assert.equal(await runEntry("a", "b"), "first a b\n");
        writeFileSync(join(scratch, "word.ts"), 'export const word: string = "second";\n');
        assert.equal(await runEntry("c"), "second c\n");
    });
});

describe("sourceMappedStack", () => {
    it("points a bundle's frames at the TypeScript line that threw, and leaves other frames alone", async () => {
        mkdirSync(scratch, { recursive: true });
        const source = join(scratch, "thrower.ts");
        writeFileSync(source, ["export function thrower(): never {", "    const reason: string = \"mapped\";", "    throw new Error(reason);", "}", ""].join("\n"));
        const bundle = join(scratch, "thrower.bundle.js");
        buildSync({ entryPoints: [source], bundle: true, platform: "node", format: "cjs", sourcemap: "external", outfile: bundle, logLevel: "silent" });
        const { thrower } = (await import(bundle)) as { thrower: () => never };
        let stack = "";
        try {
            thrower();
        } catch (error) {
            stack = (error as Error).stack ?? "";
        }
        assert.match(stack, new RegExp(`${bundle.replaceAll(".", "\\.")}:\\d+:\\d+`), "the raw stack points into the bundle");
        const mapped = sourceMappedStack(stack);
        assert.match(mapped.split("\n")[1]!, new RegExp(`at thrower \\(${source.replaceAll(".", "\\.")}:3:11\\)$`));
        assert.equal(mapped.split("\n").slice(2).join("\n"), stack.split("\n").slice(2).join("\n"), "frames of files without a .map beside them are unchanged");
    });
});

describe("projectRootAbove", () => {
    it("finds the directory with Pulumi.yaml from below it, and refuses a tree without one", () => {
        assert.equal(projectRootAbove(join(PROJECT_ROOT, "node_modules", ".cache", "commerce-edge")), PROJECT_ROOT);
        assert.equal(projectRootAbove(PROJECT_ROOT), PROJECT_ROOT);
        assert.throws(() => projectRootAbove("/proc/self"), /no Pulumi\.yaml in \/proc\/self or any directory above it/);
    });
});
