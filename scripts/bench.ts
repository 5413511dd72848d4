import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDataDependency, type Margin, type PathStep } from "../harness/criticalPath";
import { npmScriptCommand } from "../harness/npmScript";
import { parseTimings, type PhaseTime } from "../harness/phaseTimer";
import { PROJECT_ROOT } from "../harness/stackFile";

/**
 * Benchmarks of the offline plan, `npm run bench`: dev stacks with 1, 10, 100 and 300 extra HTTP
 * routes (plus 3 TCP routes), 3 runs each after one discarded warm-up, every run in a fresh child
 * (this file with --child, started as `npm run bench` starts it) so wall time includes module loading;
 * `npm run plan -- dev` against the bare require of the four Pulumi SDKs, and `npm run diff -- dev`
 * against HEAD, in SPEED_RUNS interleaved rounds of fresh processes; one `npm test`; the dev plan's
 * deploy critical path; the targets as PASS/FAIL lines. Writes out/bench.json.
 */

const ROOT = PROJECT_ROOT;
const ROUTE_COUNTS = [1, 10, 100, 300];
const RUNS = 3;
const SPEED_RUNS = 7;
const SDKS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/kubernetes", "@pulumi/eks"];
const TCP_ROUTES = 3;
const BENCH_NAMESPACE = "bench";
/** Above this, growth between 100 and 300 routes is not noise. */
const RSS_NOISE_MIB = 10;

interface ChildResult {
    readonly resources: number;
    /** Node and tsx start-up until this file runs. */
    readonly bootMs: number;
    /** Harness, Pulumi SDKs and the program's modules. */
    readonly loadMs: number;
    readonly msToFirstRegistration: number;
    readonly planMs: number;
    readonly maxRssKiB: number;
    readonly criticalPath?: {
        readonly totalSeconds: number;
        readonly steps: readonly PathStep[];
        readonly table: string;
        readonly margins: readonly Margin[];
    };
}

interface Run extends ChildResult {
    readonly wallMs: number;
}

/** The dev stack's routes with `httpRoutes` generated HTTP routes and TCP_ROUTES TCP routes appended. */
function generatedRoutes(config: Readonly<Record<string, string>>, httpRoutes: number): string {
    const routes = JSON.parse(config["commerce-edge:routes"]!) as { additional?: unknown[] };
    const zone = (JSON.parse(config["commerce-edge:dns"]!) as { zoneName: string }).zoneName;
    const allowlist = ["203.0.113.0/24"];
    const http = Array.from({ length: httpRoutes }, (_, index) => ({
        protocol: "http",
        name: `bench-${index}`,
        host: `bench-${index}.${zone}`,
        service: { namespace: BENCH_NAMESPACE, name: `bench-${index}`, port: 80 },
        allowlist,
    }));
    // Explicit NodePorts: the default 31000 + port % 1000 must stay clear of the stack's own ports.
    const tcp = Array.from({ length: TCP_ROUTES }, (_, index) => ({
        protocol: "tcp",
        name: `bench-tcp-${index}`,
        port: 15000 + index,
        nodePort: 30100 + index,
        service: { namespace: BENCH_NAMESPACE, name: `bench-tcp-${index}`, port: 15000 + index },
        allowlist,
    }));
    return JSON.stringify({ ...routes, additional: [...(routes.additional ?? []), ...http, ...tcp] });
}

/** Child: one plan, measured from process start; prints one JSON line. */
async function child(httpRoutes: number | undefined, withCriticalPath: boolean): Promise<void> {
    const bootMs = performance.now();
    const { planStack } = await import("../harness/plan");
    const { readStackFile } = await import("../harness/stackFile");
    // Loaded here (planStack would load it first thing) so module loading is measured apart from the program.
    await import("../index");
    const loadMs = performance.now() - bootMs;
    const configOverrides: Record<string, string> = httpRoutes === undefined ? {} : { "commerce-edge:routes": generatedRoutes(readStackFile("dev").config, httpRoutes) };
    const started = performance.now();
    const plan = await planStack("dev", { configOverrides });
    const planMs = performance.now() - started;
    if (plan.schemaProblems.length > 0) throw new Error(`schema problems:\n${plan.schemaProblems.join("\n")}`);

    let criticalPathResult: ChildResult["criticalPath"];
    if (withCriticalPath) {
        const { criticalPath, formatCriticalPath, formatMargins, margins } = await import("../harness/criticalPath");
        const path = criticalPath(plan.run.resources);
        const found = margins(path, plan.run.resources);
        criticalPathResult = { totalSeconds: path.totalSeconds, steps: path.steps, table: `${formatCriticalPath(path)}\n${formatMargins(found)}`, margins: found };
    }
    const result: ChildResult = {
        resources: plan.run.resources.length,
        bootMs,
        loadMs,
        msToFirstRegistration: plan.run.msToFirstRegistration,
        planMs,
        maxRssKiB: process.resourceUsage().maxRSS,
        ...(criticalPathResult ? { criticalPath: criticalPathResult } : {}),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

interface Exit {
    readonly code: number | null;
    readonly wallMs: number;
    readonly stdout: string;
    readonly stderr: string;
}

function run(command: string, args: readonly string[], echoStderr: boolean): Promise<Exit> {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const process_ = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        process_.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
        process_.stderr.on("data", (chunk: Buffer) => {
            stderr.push(chunk);
            if (echoStderr) process.stderr.write(chunk);
        });
        process_.on("error", reject);
        process_.on("close", (code) => resolve({ code, wallMs: performance.now() - started, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }));
    });
}

async function planInChild(httpRoutes: number | undefined, withCriticalPath = false): Promise<Run> {
    const [node, ...bench] = npmScriptCommand("bench");
    const args = [...bench, "--child", ...(httpRoutes === undefined ? [] : [String(httpRoutes)]), ...(withCriticalPath ? ["--critical-path"] : [])];
    const exit = await run(node, args, true);
    if (exit.code !== 0) throw new Error(`plan with ${httpRoutes ?? "no extra"} routes exited with ${exit.code}`);
    const lines = exit.stdout.trim().split("\n");
    return { ...(JSON.parse(lines[lines.length - 1]!) as ChildResult), wallMs: exit.wallMs };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (kib: number): number => kib / 1024;
const ms = (value: number): string => `${Math.round(value)} ms`;

interface Row {
    readonly httpRoutes: number;
    readonly resources: number;
    readonly wallMs: { readonly median: number; readonly min: number; readonly max: number };
    readonly peakRssMiB: number;
    readonly beforeFirstRegistrationMs: number;
    readonly bootAndLoadMs: number;
    readonly msToFirstRegistration: number;
    readonly runs: readonly Run[];
}

function row(httpRoutes: number, runs: readonly Run[]): Row {
    const walls = runs.map((result) => result.wallMs);
    return {
        httpRoutes,
        resources: runs[0]!.resources,
        wallMs: { median: median(walls), min: Math.min(...walls), max: Math.max(...walls) },
        peakRssMiB: mib(median(runs.map((result) => result.maxRssKiB))),
        beforeFirstRegistrationMs: median(runs.map((result) => result.bootMs + result.loadMs + result.msToFirstRegistration)),
        bootAndLoadMs: median(runs.map((result) => result.bootMs + result.loadMs)),
        msToFirstRegistration: median(runs.map((result) => result.msToFirstRegistration)),
        runs,
    };
}

interface Target {
    readonly name: string;
    readonly pass: boolean;
    readonly detail: string;
}

function timeTarget(rows: readonly Row[]): Target {
    const one = rows.find((candidate) => candidate.httpRoutes === 1)!;
    const most = rows.find((candidate) => candidate.httpRoutes === 300)!;
    const ratio = most.wallMs.median / one.wallMs.median;
    return { name: "300 routes plan in <= 3x the time of 1 route", pass: ratio <= 3, detail: `${ms(most.wallMs.median)} / ${ms(one.wallMs.median)} = ${ratio.toFixed(2)}x` };
}

function memoryTarget(rows: readonly Row[]): Target {
    const [one, hundred, most] = [1, 100, 300].map((count) => rows.find((candidate) => candidate.httpRoutes === count)!);
    const low = (hundred!.peakRssMiB - one!.peakRssMiB) / 99;
    const high = (most!.peakRssMiB - hundred!.peakRssMiB) / 200;
    const growth = most!.peakRssMiB - hundred!.peakRssMiB;
    // At most linear: the slope must not rise beyond noise as routes grow.
    const pass = growth <= RSS_NOISE_MIB || high <= 1.5 * Math.max(low, 0);
    return {
        name: "peak memory grows at most linearly",
        pass,
        detail: `RSS per extra route ${low.toFixed(3)} MiB (1→100), ${high.toFixed(3)} MiB (100→300); +${growth.toFixed(1)} MiB from 100 to 300`,
    };
}

function criticalPathTargets(path: NonNullable<ChildResult["criticalPath"]>): Target[] {
    const margin = (label: string): Margin | undefined => path.margins.find((candidate) => candidate.label === label);
    const slack = (label: string): string => {
        const found = margin(label);
        return found ? `${label} slack ${found.slackSeconds} s (done at ${found.finishSeconds} s)` : `${label}: not in the plan`;
    };
    const offPath = (label: string): boolean => (margin(label)?.slackSeconds ?? 0) > 0;
    const find = (predicate: (step: PathStep) => boolean): number => path.steps.findIndex(predicate);
    const cluster = find((step) => step.type === "eks:index:Cluster" || step.type === "aws:eks/cluster:Cluster");
    const nodes = find((step) => /^(eks:index:(Managed)?NodeGroup|aws:eks\/nodeGroup:NodeGroup)/.test(step.type));
    const beforeCluster = path.steps.slice(0, Math.max(cluster, 0));
    const afterNodes = path.steps.slice(nodes + 1);
    const chain = path.steps.map((step) => `${step.type.replace(/^.*:/, "")} ${step.name}`).join(" → ");
    const avoidable = path.steps.slice(1).filter((step) => step.waitsBy !== undefined && !isDataDependency(step.waitsBy));
    return [
        { name: "NLB and DNS off the critical path", pass: offPath("NLB") && offPath("DNS records"), detail: `${slack("NLB")}; ${slack("DNS records")}` },
        {
            name: "the path is network → EKS → node group → in-cluster rollout",
            pass: cluster >= 0 && cluster < nodes
                && beforeCluster.every((step) => step.type.startsWith("aws:ec2/") || step.type === "aws:kms/key:Key")
                && afterNodes.length > 0 && afterNodes.every((step) => step.type.startsWith("kubernetes:") || step.type === "aws:eks/addon:Addon"),
            detail: chain,
        },
        {
            name: "every edge on the critical path is a data dependency (no avoidable dependsOn)",
            pass: avoidable.length === 0,
            detail: avoidable.length === 0
                ? path.steps.slice(1).map((step) => `${step.waitsBy} → ${step.name}`).join(", ")
                : `dependsOn no data needs: ${avoidable.map((step) => `${step.type} ${step.name}`).join(", ")}`,
        },
    ];
}

interface Spread {
    readonly median: number;
    readonly min: number;
    readonly max: number;
}

const spread = (values: readonly number[]): Spread => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

/** One command's fresh processes: CPU (user + system, as the process counts it) and wall time (spawn to exit). */
interface CommandTiming {
    readonly cpuMs: Spread;
    readonly wallMs: Spread;
    /** Median CPU and wall time of each phase the command's Timings line names. */
    readonly phases: Readonly<Record<string, PhaseTime>>;
}

/** Requires the four SDKs and prints its CPU and wall time as the plan's Timings line counts them (from process start). */
const REQUIRE_SDKS = SDKS.map((sdk) => `require(${JSON.stringify(sdk)});`).join("")
    + "const usage = process.cpuUsage(); console.log(`Timings (CPU / wall): total ${Math.round((usage.user + usage.system) / 1000)} / ${Math.round(performance.now())} ms`);";

interface SpeedTiming {
    readonly requireSdks: CommandTiming;
    readonly plan: CommandTiming;
    readonly diff: CommandTiming;
}

function commandTiming(exits: readonly Exit[]): CommandTiming {
    const timings = exits.map((exit) => parseTimings(exit.stdout));
    const phases = [...new Set(timings.flatMap((timing) => [...timing.keys()]))];
    const phase = (name: string, clock: keyof PhaseTime): number => median(timings.map((timing) => timing.get(name)?.[clock] ?? 0));
    return {
        cpuMs: spread(timings.map((timing) => timing.get("total")?.cpuMs ?? Number.NaN)),
        wallMs: spread(exits.map((exit) => exit.wallMs)),
        phases: Object.fromEntries(phases.map((name) => [name, { cpuMs: phase(name, "cpuMs"), wallMs: phase(name, "wallMs") }])),
    };
}

/**
 * The bare require of the four Pulumi SDKs, `npm run plan -- dev` and `npm run diff -- dev` (base HEAD), each as
 * npm would start it but without npm, in SPEED_RUNS rounds of one fresh process each (interleaved, so that load
 * from other processes on the machine falls on all three alike).
 */
async function speedTiming(): Promise<SpeedTiming> {
    const [node, ...planArgs] = npmScriptCommand("plan");
    const [, ...diffArgs] = npmScriptCommand("diff");
    const commands: readonly (readonly [keyof SpeedTiming, readonly string[]])[] = [
        ["requireSdks", ["-e", REQUIRE_SDKS]],
        ["plan", [...planArgs, "dev"]],
        ["diff", [...diffArgs, "dev", "--base", "HEAD"]],
    ];
    const exits: Record<keyof SpeedTiming, Exit[]> = { requireSdks: [], plan: [], diff: [] };
    for (let index = 0; index < SPEED_RUNS; index++) {
        for (const [name, args] of commands) {
            const exit = await run(node, args, false);
            if (exit.code !== 0) throw new Error(`${name} exited with ${exit.code}:\n${exit.stderr}`);
            exits[name].push(exit);
        }
    }
    return { requireSdks: commandTiming(exits.requireSdks), plan: commandTiming(exits.plan), diff: commandTiming(exits.diff) };
}

function planSpeedTarget(timing: SpeedTiming): Target {
    const ratio = timing.plan.cpuMs.median / timing.requireSdks.cpuMs.median;
    return {
        name: "npm run plan -- dev within 2x the bare require of the four Pulumi SDKs (CPU)",
        pass: ratio <= 2,
        detail: `${ms(timing.plan.cpuMs.median)} / ${ms(timing.requireSdks.cpuMs.median)} = ${ratio.toFixed(2)}x (medians of ${SPEED_RUNS}; wall `
            + `${ms(timing.plan.wallMs.median)} / ${ms(timing.requireSdks.wallMs.median)} = ${(timing.plan.wallMs.median / timing.requireSdks.wallMs.median).toFixed(2)}x)`,
    };
}

function diffTarget(timing: SpeedTiming): Target {
    const ratio = timing.diff.wallMs.median / timing.plan.wallMs.median;
    return { name: "npm run diff within 2.5x one plan", pass: ratio <= 2.5, detail: `${ms(timing.diff.wallMs.median)} / ${ms(timing.plan.wallMs.median)} = ${ratio.toFixed(2)}x (wall)` };
}

function speedTable(timing: SpeedTiming): string {
    const line = (label: string, command: CommandTiming): string =>
        `| ${label} | ${ms(command.cpuMs.median)} | ${ms(command.cpuMs.min)} | ${ms(command.cpuMs.max)} | ${ms(command.wallMs.median)} | ${ms(command.wallMs.min)} | ${ms(command.wallMs.max)} |`;
    const phases = (command: CommandTiming): string[] => Object.entries(command.phases).map(([phase, time]) => `| ${phase} | ${ms(time.cpuMs)} | ${ms(time.wallMs)} |`);
    return [
        `${SPEED_RUNS} interleaved rounds of fresh processes (CPU = user + system of the process; wall = spawn to exit):`,
        "",
        "| command | CPU median | CPU min | CPU max | wall median | wall min | wall max |",
        "|---|---:|---:|---:|---:|---:|---:|",
        line(`require of ${SDKS.join(", ")}`, timing.requireSdks),
        line("npm run plan -- dev", timing.plan),
        line("npm run diff -- dev (base HEAD)", timing.diff),
        "",
        "Where npm run plan -- dev spends it (median per phase, from its Timings line):",
        "",
        "| phase | CPU | wall |",
        "|---|---:|---:|",
        ...phases(timing.plan),
        "",
        "Where npm run diff -- dev spends it:",
        "",
        "| phase | CPU | wall |",
        "|---|---:|---:|",
        ...phases(timing.diff),
    ].join("\n");
}

async function npmTest(): Promise<{ code: number | null; wallMs: number; peakRssMiB?: number }> {
    // GNU time reports the largest resident set among the processes npm test runs (tsc, eslint, test files).
    const timed = existsSync("/usr/bin/time");
    const exit = await run(timed ? "/usr/bin/time" : "npm", timed ? ["-v", "npm", "test"] : ["test"], false);
    mkdirSync(join(ROOT, "out"), { recursive: true });
    writeFileSync(join(ROOT, "out", "bench-npm-test.log"), `${exit.stdout}\n${exit.stderr}`);
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(exit.stderr);
    return { code: exit.code, wallMs: exit.wallMs, ...(rss ? { peakRssMiB: mib(Number(rss[1])) } : {}) };
}

async function main(): Promise<void> {
    // One discarded run first: the first process after a while reads modules from a cold disk cache.
    await planInChild(ROUTE_COUNTS[0]);
    const rows: Row[] = [];
    for (const count of ROUTE_COUNTS) {
        const runs: Run[] = [];
        for (let index = 0; index < RUNS; index++) runs.push(await planInChild(count));
        rows.push(row(count, runs));
        console.error(`planned ${count} extra HTTP routes: ${ms(rows[rows.length - 1]!.wallMs.median)} median`);
    }
    const dev = await planInChild(undefined, true);
    const speed = await speedTiming();
    const test = await npmTest();

    console.log(`Offline plan of generated dev stacks (+${TCP_ROUTES} TCP routes), ${RUNS} fresh child processes each, Node ${process.version}:\n`);
    console.log("| extra HTTP routes | resources | wall median | wall min | wall max | peak RSS (median) | before 1st registration | of which boot + module load | of which program |");
    console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const entry of rows) {
        console.log(`| ${entry.httpRoutes} | ${entry.resources} | ${ms(entry.wallMs.median)} | ${ms(entry.wallMs.min)} | ${ms(entry.wallMs.max)} | ${entry.peakRssMiB.toFixed(0)} MiB | ${ms(entry.beforeFirstRegistrationMs)} | ${ms(entry.bootAndLoadMs)} | ${ms(entry.msToFirstRegistration)} |`);
    }
    console.log(`\n${speedTable(speed)}`);
    console.log(`\nnpm test: ${ms(test.wallMs)} wall, peak RSS ${test.peakRssMiB === undefined ? "n/a (no /usr/bin/time)" : `${test.peakRssMiB.toFixed(0)} MiB`}, exit code ${test.code} (output in out/bench-npm-test.log)\n`);
    console.log(dev.criticalPath!.table);

    const targets = [timeTarget(rows), memoryTarget(rows), planSpeedTarget(speed), diffTarget(speed), ...criticalPathTargets(dev.criticalPath!)];
    console.log("");
    for (const target of targets) console.log(`${target.pass ? "PASS" : "FAIL"}  ${target.name}: ${target.detail}`);

    mkdirSync(join(ROOT, "out"), { recursive: true });
    writeFileSync(join(ROOT, "out", "bench.json"), `${JSON.stringify({ node: process.version, tcpRoutes: TCP_ROUTES, rows, devPlan: dev, speed, npmTest: test, targets }, null, 2)}\n`);
    console.log("\nWrote out/bench.json");
}

const childAt = process.argv.indexOf("--child");
if (childAt >= 0) {
    const count = process.argv[childAt + 1];
    child(count !== undefined && /^\d+$/.test(count) ? Number(count) : undefined, process.argv.includes("--critical-path")).catch((error: unknown) => {
        console.error(error);
        process.exit(1);
    });
} else {
    main().catch((error: unknown) => {
        console.error(error);
        process.exit(1);
    });
}
