import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/**
 * Starts Pulumi's Node.js entry points the way the CLI's language host does. Source: pulumi/pulumi
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go at 1b5949891b (after v3.259.0, the newest snapshot found;
 * @pulumi/pulumi here is 3.270.0): execRuntime/constructArguments for programs, RunPlugin for policy packs.
 */

/**
 * Skips ts-node's type-check in Pulumi steps where CI has already run tsc: @pulumi/pulumi
 * cmd/run/run.js reads PULUMI_NODEJS_TRANSPILE_ONLY ("true" → ts-node transpileOnly).
 */
export const TRANSPILE_ONLY_ENV = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } as const;

export interface ChildResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * The language host's parseOptions: `typescript` defaults to true, `tsconfig` and `nodeargs` pass through
 * (main.go splits nodeargs with shlex; quoting is not reproduced here).
 */
function runtimeOptions(projectFile: string): { env: Record<string, string>; nodeArgs: string[] } {
    const document = parse(readFileSync(projectFile, "utf8")) as { runtime?: string | { options?: Record<string, unknown> } } | null;
    const options = typeof document?.runtime === "object" ? (document.runtime.options ?? {}) : {};
    const unsupported = Object.keys(options).filter((key) => !["typescript", "tsconfig", "nodeargs", "packagemanager"].includes(key));
    if (unsupported.length > 0) throw new Error(`${projectFile}: runtime options ${unsupported.join(", ")} are not reproduced by harness/engine`);
    return {
        env: {
            ...(options.typescript !== false ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
            ...(typeof options.tsconfig === "string" ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
        },
        nodeArgs: typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [],
    };
}

/**
 * The CLI's environment, minus what only this test run sets: node:test's marker, and a transpile-only
 * switch from the outside, which would silently skip the type-check a test asks for.
 * TS_NODE_CACHE=false: ts-node 7.0.1 (vendored in @pulumi/pulumi) caches compiled files, type-checked or
 * not, under os.tmpdir(); every run here compiles like a fresh CI runner.
 */
function baseEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_CACHE: "false", ...extra };
    delete env.NODE_TEST_CONTEXT;
    if (!("PULUMI_NODEJS_TRANSPILE_ONLY" in extra)) delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    return env;
}

function collect(child: ReturnType<typeof spawn>): Promise<ChildResult> {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

export interface ProgramRunOptions {
    /** Address of the engine and resource monitor (harness/engine/monitor.ts). */
    readonly address: string;
    /** Directory holding Pulumi.yaml. */
    readonly projectDirectory: string;
    readonly project: string;
    readonly stack: string;
    readonly dryRun: boolean;
    /** Full keys (`project:key`) to string values, as in the stack's config. */
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    /** Pulumi.yaml `main`; "." (package.json `main`) when unset. */
    readonly entryPoint?: string;
    /** Environment of the `pulumi` process, e.g. TRANSPILE_ONLY_ENV. */
    readonly env?: Readonly<Record<string, string>>;
}

/** `pulumi preview` / `pulumi up`: runs the program through @pulumi/pulumi/cmd/run until it exits. */
export function runProgram(options: ProgramRunOptions): Promise<ChildResult> {
    const directory = options.projectDirectory;
    const runtime = runtimeOptions(join(directory, "Pulumi.yaml"));
    // locateModule: require.resolve from the program directory.
    const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [directory] });
    // constructConfig renames `project:key` to `project:config:key`; secret keys keep their names.
    const config = Object.fromEntries(Object.entries(options.config).map(([key, value]) => [key.replace(":", ":config:"), value]));
    const args = [
        ...runtime.nodeArgs,
        runPath,
        "--monitor", options.address,
        "--engine", options.address,
        // --sync (named pipes for synchronous invokes) is left out: nothing in @pulumi/pulumi 3.270 opens them
        // (runtime/settings.js tryGetSyncInvokes has no caller).
        // The DIY backends' organization (pkg/backend/diy/backend.go); Pulumi Cloud passes the real one.
        "--organization", "organization",
        "--project", options.project,
        "--root-directory", directory,
        "--stack", options.stack,
        "--pwd", directory,
        ...(options.dryRun ? ["--dry-run"] : []),
        // `pulumi up --parallel` default: GOMAXPROCS × 4 (pkg/cmd/pulumi/operations/up.go defaultParallel).
        "--parallel", String(availableParallelism() * 4),
        options.entryPoint ?? ".",
    ];
    const env = baseEnv({
        ...options.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys),
        ...runtime.env,
    });
    return collect(spawn(process.execPath, args, { cwd: directory, env, stdio: ["ignore", "pipe", "pipe"] }));
}

export interface PolicyPackStartOptions {
    /** Directory holding PulumiPolicy.yaml. */
    readonly directory: string;
    readonly project: string;
    readonly stack: string;
    readonly dryRun: boolean;
    /** The stack's config, full keys, as the engine sends it in ConfigureStack. */
    readonly config: Readonly<Record<string, string>>;
}

export interface PolicyPackProcess {
    /** `127.0.0.1:<port>` the pack printed. */
    readonly address: string;
    /** Stops the pack; resolves with what it wrote. */
    stop(): Promise<ChildResult>;
}

/**
 * `--policy-pack <dir>`: RunPlugin starts @pulumi/pulumi/cmd/run-policy-pack with the engine address and
 * the pack directory as arguments and the pack directory as working directory (NewPolicyAnalyzer in
 * pkg/resource/plugin/analyzer_plugin.go passes the address). The CLI's PolicyProxy (sdk/policy_proxy.go)
 * first takes ConfigureStack itself and passes the stack as PULUMI_NODEJS_* and PULUMI_CONFIG; the pack
 * then prints its port on stdout (@pulumi/policy server.js serve).
 */
export async function startPolicyPack(options: PolicyPackStartOptions): Promise<PolicyPackProcess> {
    const runtime = runtimeOptions(join(options.directory, "PulumiPolicy.yaml"));
    const runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [options.directory] });
    const env = baseEnv({
        ...runtime.env,
        PULUMI_NODEJS_ORGANIZATION: "organization",
        PULUMI_NODEJS_PROJECT: options.project,
        PULUMI_NODEJS_STACK: options.stack,
        PULUMI_NODEJS_DRY_RUN: String(options.dryRun),
        PULUMI_CONFIG: JSON.stringify(options.config),
    });
    // RunPlugin puts nodeargs after the run path for plugins. run-policy-pack drops the engine address
    // (cmd/run-policy-pack/index.js argv._.shift()), so the placeholder stands in for the CLI's.
    const child = spawn(process.execPath, [runPath, ...runtime.nodeArgs, "127.0.0.1:0", options.directory], {
        cwd: options.directory,
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const result = collect(child);
    const port = await new Promise<string>((resolve, reject) => {
        let seen = "";
        const onData = (chunk: Buffer): void => {
            seen += chunk.toString();
            const line = /^(\d+)\r?\n/.exec(seen);
            if (line) {
                child.stdout?.off("data", onData);
                resolve(line[1] ?? "");
            }
        };
        child.stdout?.on("data", onData);
        void result.then(({ code, stdout, stderr }) => reject(new Error(`policy pack exited with ${String(code)} before printing its port:\n${stdout}${stderr}`)));
    });
    return {
        address: `127.0.0.1:${port}`,
        stop: () => {
            child.kill();
            return result;
        },
    };
}
