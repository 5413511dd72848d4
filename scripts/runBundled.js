"use strict";
/**
 * Runs a TypeScript entry point of this project as one esbuild bundle in plain Node (the `plan`, `diff` and
 * `bench` npm scripts):   node scripts/runBundled.js scripts/plan.ts [arguments…]
 *
 * Why not `node --import tsx`: tsx's hooks see every module the SDKs load (each .js file is read and lexed for
 * ESM syntax: tsx 4.23 dist/register-*.cjs, createExtensions), and tsx turns source maps on, so every
 * `new Error().stack` the Pulumi SDK takes per resource and per promise is mapped. Together that was 1.4 s of a
 * 3.3 s plan (CPU). The bundle holds the project's files and the packages they import, which Node would otherwise
 * load module by module (kubernetes-models: some 230 ES modules for the stacks' kinds), except the Pulumi SDKs:
 * they stay in node_modules, one instance shared by the program, the policy pack and the mock engine. It runs
 * without source maps (harness/sourceMappedStack.ts maps a failure's stack when it is printed), and is cached in
 * node_modules/.cache/commerce-edge, rebuilt when esbuild's version or the content of any file it was built from
 * changes. package.json starts it with --no-turbofan --no-maglev: a plan lives two seconds, too short for V8's
 * optimising compilers (TurboFan, and Maglev where Node runs it, as Node 24 does), which compile on background
 * threads, to earn back the CPU they spend (README, Performance).
 */
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { join, relative, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const CACHE = join(ROOT, "node_modules", ".cache", "commerce-edge");
const ESBUILD_VERSION = require("esbuild/package.json").version;

/**
 * What identifies a file's content: its digest, or for a package's file (only npm writes those, replacing the
 * file) its size and modification time, which are cheaper to read (a bundle holds some 450 of them).
 */
function fingerprint(file) {
    const path = join(ROOT, file);
    if (!existsSync(path)) return undefined;
    if (file.split(/[\\/]/).includes("node_modules")) {
        const stats = statSync(path);
        return `${stats.size}:${stats.mtimeMs}`;
    }
    return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Whether the bundle was built by this esbuild from exactly the files that are here now. */
function isFresh(manifestFile) {
    if (!existsSync(manifestFile)) return false;
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    return manifest.esbuild === ESBUILD_VERSION && Object.entries(manifest.inputs).every(([file, print]) => fingerprint(file) === print);
}

/** Written beside and renamed into place, so a process running the bundle meanwhile never reads half a file. */
function writeAtomically(file, contents) {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, contents);
    renameSync(temporary, file);
}

function build(entry, bundleFile, manifestFile) {
    const result = require("esbuild").buildSync({
        absWorkingDir: ROOT,
        entryPoints: [entry],
        bundle: true,
        external: ["@pulumi/*"],
        platform: "node",
        format: "cjs",
        target: "node20",
        // Class and function names as in the source: error names, stack frames.
        keepNames: true,
        sourcemap: "external",
        outfile: bundleFile,
        metafile: true,
        write: false,
        logLevel: "warning",
    });
    mkdirSync(CACHE, { recursive: true });
    for (const output of result.outputFiles) writeAtomically(output.path, output.contents);
    const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((file) => [file, fingerprint(file)]));
    writeAtomically(manifestFile, `${JSON.stringify({ esbuild: ESBUILD_VERSION, inputs }, null, 2)}\n`);
}

const [entryArgument, ...args] = process.argv.slice(2);
if (!entryArgument || !/\.ts$/.test(entryArgument)) {
    console.error("usage: node scripts/runBundled.js <entry.ts> [arguments…]");
    process.exit(2);
}
const entry = relative(ROOT, resolve(entryArgument));
const name = entry.replace(/\.ts$/, "").replace(/[\\/]/g, "-");
const bundleFile = join(CACHE, `${name}.js`);
const manifestFile = join(CACHE, `${name}.inputs.json`);
if (!isFresh(manifestFile)) build(entry, bundleFile, manifestFile);
process.argv = [process.argv[0], bundleFile, ...args];
require(bundleFile);
