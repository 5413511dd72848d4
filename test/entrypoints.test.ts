import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { PROTECTED_IN_PRODUCTION } from "../components/protection";
import { type Diagnostic, PolicyAnalyzer } from "../harness/engine/analyzer";
import { type ChildResult, type PolicyPackProcess, runProgram, startPolicyPack, TRANSPILE_ONLY_ENV } from "../harness/engine/languageHost";
import { type LogEntry, type Registration, startEngine } from "../harness/engine/monitor";
import { normalise, type ProgramRun, runUnderMocks } from "../harness/mockEngine";
import { loadProgram } from "../harness/plan";
import { PROJECT, PROJECT_ROOT, readStackFile } from "../harness/stackFile";
import { loadPolicyConfig } from "../policy/offline";
import { POLICIES } from "../policy/allPolicies";

/**
 * The program and the policy pack through Pulumi's own entry points (@pulumi/pulumi/cmd/run and
 * cmd/run-policy-pack), started as the CLI's language host starts them, against harness/engine. What the
 * mocks-based plan cannot see: ts-node compiling with the project's tsconfig files, the SDK's real
 * serialisation (unknowns in a preview), and the analyzer's gRPC protocol.
 */

type Props = Record<string, unknown>;

const UNKNOWN = pulumi.runtime.unknownValue;
const ROOT_STACK = "pulumi:pulumi:Stack";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const ALLOWLIST = "haproxy-ingress.github.io/allowlist-source-range";

interface EntryPointRun extends ChildResult {
    readonly registrations: readonly Registration[];
    readonly logs: readonly LogEntry[];
    readonly stackOutputs: Props | undefined;
}

async function runThroughCli(stack: string, dryRun: boolean, extra: { env?: Record<string, string>; entryPoint?: string } = {}): Promise<EntryPointRun> {
    const file = readStackFile(stack);
    const region = file.config["aws:region"];
    assert.ok(region, `Pulumi.${stack}.yaml sets aws:region`);
    const engine = await startEngine({ project: PROJECT, stack, dryRun, region });
    try {
        const result = await runProgram({
            address: engine.address,
            projectDirectory: PROJECT_ROOT,
            project: PROJECT,
            stack,
            dryRun,
            config: file.config,
            secretKeys: file.secretKeys,
            ...extra,
        });
        return { ...result, registrations: engine.registrations, logs: engine.logs, stackOutputs: engine.stackOutputs() };
    } finally {
        await engine.close();
    }
}

async function planUnderMocks(stack: string): Promise<ProgramRun> {
    const file = readStackFile(stack);
    return runUnderMocks({ project: PROJECT, stack, config: file.config, secretKeys: file.secretKeys, program: await loadProgram() });
}

/** Dotted paths of every unknown value. */
function unknownPaths(value: unknown, path = ""): string[] {
    if (value === UNKNOWN) return [path];
    if (Array.isArray(value)) return value.flatMap((item, index) => unknownPaths(item, `${path}[${index}]`));
    if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, child]) => unknownPaths(child, path === "" ? key : `${path}.${key}`));
    return [];
}

/** `value` with the given paths (as unknownPaths writes them) replaced by the unknown sentinel. */
function maskPaths(value: unknown, paths: readonly string[], path = ""): unknown {
    if (paths.includes(path)) return UNKNOWN;
    if (Array.isArray(value)) return value.map((item, index) => maskPaths(item, paths, `${path}[${index}]`));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, maskPaths(child, paths, path === "" ? key : `${path}.${key}`)]));
    }
    return value;
}

function urns(registrations: readonly { urn: string; type: string }[]): string[] {
    return registrations.filter((registration) => registration.type !== ROOT_STACK).map((registration) => registration.urn).sort();
}

function byUrn(registrations: readonly Registration[]): Map<string, Registration> {
    return new Map(registrations.map((registration) => [registration.urn, registration]));
}

function assertRan(run: EntryPointRun): void {
    const errors = run.logs.filter((entry) => entry.severity === "error").map((entry) => entry.message);
    assert.deepEqual({ code: run.code, errors }, { code: 0, errors: [] }, `the program failed:\n${run.stdout}${run.stderr}`);
}

/** Entry point that wraps index.ts with a type error: it runs only if ts-node does not type-check. */
function illTypedEntryPoint(directory: string): string {
    const file = join(directory, "index.ts");
    writeFileSync(file, [
        `import program = require(${JSON.stringify(join(PROJECT_ROOT, "index"))});`,
        `const typeErrorProbe: number = "not a number";`,
        "export = program;",
        "",
    ].join("\n"));
    return file;
}

let scratch: string;
let packStarting: Promise<PolicyPackProcess> | undefined;
let productionPreview: EntryPointRun;
let productionUp: EntryPointRun;
let devPreview: EntryPointRun;
let devUpTranspileOnly: EntryPointRun;
let plans: Record<"dev" | "production", ProgramRun>;
let analyzer: PolicyAnalyzer;

before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "entrypoints-"));
    const productionConfig = readStackFile("production").config;
    packStarting = startPolicyPack({ directory: join(PROJECT_ROOT, "policy"), project: PROJECT, stack: "production", dryRun: true, config: productionConfig });
    let pack: PolicyPackProcess;
    // All at once: each child is single-threaded, so the machine's cores share them.
    [productionPreview, productionUp, devPreview, devUpTranspileOnly, pack, plans] = await Promise.all([
        // The CLI's path: ts-node type-checks the program with the project's TypeScript.
        runThroughCli("production", true),
        runThroughCli("production", false, { env: TRANSPILE_ONLY_ENV }),
        runThroughCli("dev", true, { env: TRANSPILE_ONLY_ENV }),
        runThroughCli("dev", false, { env: TRANSPILE_ONLY_ENV, entryPoint: illTypedEntryPoint(scratch) }),
        packStarting,
        // One after the other: the mocks are global to this process.
        (async () => ({ dev: await planUnderMocks("dev"), production: await planUnderMocks("production") }))(),
    ]);
    analyzer = new PolicyAnalyzer(pack.address);
    await analyzer.configureStack({ project: PROJECT, stack: "production", dryRun: true, config: productionConfig });
}, { timeout: 240_000 });

after(async () => {
    analyzer?.close();
    await (await packStarting?.catch(() => undefined))?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the program through @pulumi/pulumi/cmd/run", () => {
    it("runs for dev and production, in preview and update, without errors", () => {
        for (const run of [productionPreview, productionUp, devPreview, devUpTranspileOnly]) assertRan(run);
    });

    it("registers the resources of the offline plan", () => {
        assert.deepEqual(urns(productionPreview.registrations), urns(plans.production.resources));
        assert.deepEqual(urns(productionUp.registrations), urns(plans.production.resources));
        assert.deepEqual(urns(devPreview.registrations), urns(plans.dev.resources));
        assert.deepEqual(urns(devUpTranspileOnly.registrations), urns(plans.dev.resources));
    });

    it("in an update, sends the inputs and exports the outputs the offline plan records", () => {
        for (const [run, plan] of [[productionUp, plans.production], [devUpTranspileOnly, plans.dev]] as const) {
            const planned = new Map(plan.resources.map((resource) => [resource.urn, resource.rawInputs]));
            for (const registration of run.registrations.filter((candidate) => candidate.type !== ROOT_STACK)) {
                assert.deepEqual(normalise(registration.inputs, "", []).raw, planned.get(registration.urn), registration.urn);
            }
            assert.deepEqual(normalise(run.stackOutputs, "", []).clean, plan.outputs);
        }
    });

    it("protects production's stateful resources through the program's stack transform, called back by the engine", () => {
        for (const run of [productionPreview, productionUp]) {
            const registrations = run.registrations.filter((registration) => registration.type !== ROOT_STACK);
            assert.deepEqual(
                registrations.filter((registration) => registration.protect).map((registration) => registration.urn),
                registrations.filter((registration) => Object.hasOwn(PROTECTED_IN_PRODUCTION, registration.type)).map((registration) => registration.urn),
            );
            assert.ok(registrations.some((registration) => registration.protect && registration.type === "aws:kms/key:Key"));
            assert.ok(registrations.some((registration) => !registration.protect && registration.type === "eks:index:Cluster"), "the component stays unprotected: its children would inherit it");
        }
        assert.deepEqual(devPreview.registrations.filter((registration) => registration.protect), []);
    });

    it("with PULUMI_NODEJS_TRANSPILE_ONLY=true, runs an entry point that does not type-check", () => {
        // cmd/run/run.js: transpileOnly = PULUMI_NODEJS_TRANSPILE_ONLY === "true"; ts-node would otherwise fail on TS2322.
        assertRan(devUpTranspileOnly);
        assert.ok(devUpTranspileOnly.registrations.length > 1);
    });
});

describe("a first preview knows every value but the truly unknown ones", () => {
    const previewed = (run: EntryPointRun, update: EntryPointRun) => {
        const updated = byUrn(update.registrations);
        return run.registrations.map((registration) => ({ registration, updated: updated.get(registration.urn)! }));
    };

    it("matches the update everywhere else, value for value", () => {
        for (const [preview, update] of [[productionPreview, productionUp], [devPreview, devUpTranspileOnly]] as const) {
            for (const { registration, updated } of previewed(preview, update)) {
                assert.deepEqual(registration.inputs, maskPaths(updated.inputs, unknownPaths(registration.inputs)), registration.urn);
            }
        }
    });

    it("leaves unknown only --publish-address and the config checksum of the controller Deployment", () => {
        const { registration, updated } = previewed(productionPreview, productionUp).find(({ registration }) => registration.type === "kubernetes:apps/v1:Deployment" && registration.name === "edge-production-controller")!;
        const args = ((updated.inputs.spec as any).template.spec.containers[0].args as string[]);
        const publishAddress = args.findIndex((arg) => arg.startsWith("--publish-address="));
        assert.equal(args[publishAddress], `--publish-address=${String(productionUp.stackOutputs?.nlbDnsName)}`);
        assert.deepEqual(unknownPaths(registration.inputs), [
            "spec.template.metadata.annotations.commerce-edge/config-checksum",
            `spec.template.spec.containers[0].args[${publishAddress}]`,
        ]);
    });

    it("leaves unknown in Kubernetes objects only leaves computed at deploy time, never a whole object", () => {
        const deployment = productionPreview.registrations.find((registration) => registration.type === "kubernetes:apps/v1:Deployment" && registration.name === "edge-production-controller")!;
        const publishAddress = unknownPaths(deployment.inputs).find((path) => path.includes(".args["))!;
        const unknownByObject = Object.fromEntries(productionPreview.registrations
            .filter((registration) => registration.type.startsWith("kubernetes:") && unknownPaths(registration.inputs).length > 0)
            .map((registration) => [`${registration.type} ${registration.name}`, unknownPaths(registration.inputs)]));
        assert.deepEqual(unknownByObject, {
            // The `kubernetes` Service's ClusterIP: EKS picks the service range.
            "kubernetes:networking.k8s.io/v1:NetworkPolicy ingress-controller/haproxy-ingress": ["spec.egress[0].to[0].ipBlock.cidr"],
            // The WAF agent Service's ClusterIP, and the checksum of the config that holds it; the NLB's DNS name.
            "kubernetes:core/v1:ConfigMap edge-production-config": ["data.modsecurity-endpoints"],
            "kubernetes:apps/v1:Deployment edge-production-controller": ["spec.template.metadata.annotations.commerce-edge/config-checksum", publishAddress],
            // The credentials Secret's resourceVersion, which the API server assigns.
            "kubernetes:apps/v1:StatefulSet activemq-broker": ["spec.template.metadata.annotations.commerce-edge/credentials-version"],
            // Allowlists that admit the NAT gateways' Elastic IPs.
            "kubernetes:networking.k8s.io/v1:Ingress activemq-openwire-ingress": [`metadata.annotations.${ALLOWLIST}`],
            "kubernetes:networking.k8s.io/v1:Ingress cortex-ingress": [`metadata.annotations.${ALLOWLIST}`],
        });
    });

    it("leaves unknown only modsecurity-endpoints in the controller ConfigMap", () => {
        const configMap = productionPreview.registrations.find((registration) => registration.type === "kubernetes:core/v1:ConfigMap" && registration.name === "edge-production-config")!;
        assert.deepEqual(unknownPaths(configMap.inputs), ["data.modsecurity-endpoints"]);
    });

    it("knows every Ingress annotation but the allowlist of routes that admit the NAT addresses", () => {
        for (const [preview, update] of [[productionPreview, productionUp], [devPreview, devUpTranspileOnly]] as const) {
            const natAddresses = (update.stackOutputs?.natPublicIps as string[]).map((ip) => `${ip}/32`);
            const ingresses = previewed(preview, update).filter(({ registration }) => registration.type === INGRESS);
            assert.ok(ingresses.length >= 3);
            for (const { registration, updated } of ingresses) {
                const allowlist = String((updated.inputs.metadata as any).annotations[ALLOWLIST]).split(",");
                const admitsNat = natAddresses.some((address) => allowlist.includes(address));
                assert.deepEqual(unknownPaths(registration.inputs), admitsNat ? [`metadata.annotations.${ALLOWLIST}`] : [], registration.urn);
            }
        }
    });
});

describe("the policy pack through @pulumi/pulumi/cmd/run-policy-pack", () => {
    const analyzeAll = async (registrations: readonly Registration[]): Promise<Diagnostic[]> => {
        const providers = byUrn(registrations);
        const perResource = await Promise.all(registrations.map((registration) => analyzer.analyze(registration, providers)));
        return [...perResource.flat(), ...(await analyzer.analyzeStack(registrations))];
    };
    const cannotRunInPreview = (diagnostic: Diagnostic): boolean => diagnostic.message.includes("during preview");

    /** A copy of the cortex Ingress without allowlist, with an annotation haproxy-ingress ignores, on a host without DNS. */
    const badIngress = (registrations: readonly Registration[]): Registration => {
        const cortex = registrations.find((registration) => registration.type === INGRESS && registration.name === "cortex-ingress")!;
        const inputs = structuredClone(cortex.inputs) as any;
        delete inputs.metadata.annotations[ALLOWLIST];
        inputs.metadata.annotations["haproxy-ingress.github.io/load-balance"] = "roundrobin";
        inputs.metadata.name = "rogue";
        inputs.spec.rules[0].host = "rogue.commerce.example.com";
        inputs.spec.tls[0].hosts = ["rogue.commerce.example.com"];
        const urn = cortex.urn.replace(/cortex-ingress$/, "rogue-ingress");
        return { ...cortex, urn, name: "rogue-ingress", inputs, outputs: inputs };
    };

    before(async () => analyzer.configure(loadPolicyConfig("production")));

    it("lists every policy of policy/allPolicies.ts with its level", async () => {
        assert.deepEqual(
            (await analyzer.policies()).map((policy) => [policy.name, policy.level]),
            POLICIES.map((policy) => [policy.name, policy.enforcementLevel ?? "advisory"]),
        );
    });

    it("passes the production update, every policy mandatory", async () => {
        assert.deepEqual(await analyzeAll(productionUp.registrations), []);
    });

    it("in the first preview, defers only the checks of values that are unknown", async () => {
        const natIngresses = productionPreview.registrations.filter((registration) => registration.type === INGRESS && unknownPaths(registration.inputs).length > 0);
        const cluster = productionPreview.registrations.find((registration) => registration.type === "eks:index:Cluster")!;
        const diagnostics = await analyzeAll(productionPreview.registrations);
        assert.ok(diagnostics.every(cannotRunInPreview), JSON.stringify(diagnostics.filter((diagnostic) => !cannotRunInPreview(diagnostic)), null, 2));
        assert.deepEqual(diagnostics.map((diagnostic) => [diagnostic.policy, diagnostic.urn, diagnostic.level]).sort(), [
            // The NAT addresses in their allowlists, the KMS key's ARN, the WAF agent Service's ClusterIP.
            ...natIngresses.map((ingress) => ["ingress-source-allowlist", ingress.urn, "advisory"]),
            ["eks-secrets-encryption", cluster.urn, "advisory"],
            ["waf-has-modsecurity-endpoints", "", "advisory"],
        ].sort());
    });

    for (const [mode, run] of [["update", () => productionUp], ["first preview", () => productionPreview]] as const) {
        it(`flags an injected bad Ingress, mandatory, in the ${mode}`, async () => {
            const registrations = run().registrations;
            const bad = badIngress(registrations);
            const resourceFindings = (await analyzer.analyze(bad, byUrn(registrations))).map((diagnostic) => [diagnostic.policy, diagnostic.level]);
            assert.deepEqual(resourceFindings.sort(), [["ingress-annotations-effective", "mandatory"], ["ingress-source-allowlist", "mandatory"]]);
            const stackFindings = (await analyzer.analyzeStack([...registrations, bad])).filter((diagnostic) => !cannotRunInPreview(diagnostic));
            assert.deepEqual(stackFindings.map((diagnostic) => [diagnostic.policy, diagnostic.urn, diagnostic.level]), [["ingress-hosts-have-dns", bad.urn, "mandatory"]]);
        });
    }
});
