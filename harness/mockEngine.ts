import * as pulumi from "@pulumi/pulumi";
import type { MockResourceResult } from "@pulumi/pulumi/runtime";
import { isDeepStrictEqual } from "node:util";
import { fakeInvokeResult, fakeResourceState } from "./fakes";

/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` and records every registration: the one mock
 * engine used by the offline plan and by the tests. Cloud-computed values come from `fakes.ts`.
 */

/** The region the engine fakes when the config names none (the stack files' region). */
export const DEFAULT_REGION = "eu-west-1";

/** Marks a secret value in recorded inputs; the plaintext never leaves the engine. */
export const SECRET_MARKER = "[secret]";

export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** False for component resources (including remote components such as eks:index:Cluster). */
    readonly custom: boolean;
    readonly parent?: string;
    readonly provider?: string;
    /** URNs this resource depends on (explicit dependsOn and Outputs it consumes). */
    readonly dependencies: readonly string[];
    /** Per input property, the URNs of the Outputs it consumes; a dependency in none of them is an explicit dependsOn. */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** Inputs as registered: secrets replaced by SECRET_MARKER, resource references by `{ $ref: urn }`. */
    readonly inputs: Readonly<Record<string, unknown>>;
    /** Dotted paths of inputs that were secret. */
    readonly secretPaths: readonly string[];
    /** URNs this resource was known by before (`aliases`): Pulumi moves their state to it instead of replacing. */
    readonly aliases: readonly string[];
    /** The `protect` option after the stack's transforms; present only when true. */
    readonly protect?: true;
    /** The `deleteBeforeReplace` option; present only when true. */
    readonly deleteBeforeReplace?: true;
    /** Inputs with secrets in clear, for assertions that need the value; never written to disk. */
    readonly rawInputs: Readonly<Record<string, unknown>>;
    /** The fake id and the outputs the fake cloud computed (state properties that are not inputs): never real values. */
    readonly id: string;
    readonly computed: Readonly<Record<string, unknown>>;
}

export interface ProgramRun {
    readonly resources: readonly RecordedResource[];
    readonly outputs: Readonly<Record<string, unknown>>;
    /** Names of outputs that are secret. */
    readonly secretOutputs: readonly string[];
    /** Milliseconds from the call until the first resource registration. */
    readonly msToFirstRegistration: number;
    /** What the program logged with `pulumi.log.warn`, in order. */
    readonly warnings: readonly string[];
}

export interface RunOptions {
    readonly project: string;
    readonly stack: string;
    /** Full config keys (`project:key`, `aws:region`) to string values, as Pulumi passes them. */
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys?: readonly string[];
    /** The program: `index.ts`'s default export, or any function that registers resources. */
    readonly program: () => unknown;
}

/** Thrown when the program fails; carries what was registered before the failure. */
export class ProgramFailure extends Error {
    constructor(
        readonly cause: unknown,
        readonly resources: readonly RecordedResource[],
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramFailure";
    }
}

const WARNING_PREFIX = "warning: [runtime] ";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

interface Normalised {
    readonly clean: unknown;
    readonly raw: unknown;
}

/** Keeps the shape of a secret value (so manifests stay schema-valid) and hides every leaf. */
function redact(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(redact);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, redact(child)]));
    return SECRET_MARKER;
}

/** Secrets unwrapped (`raw`) or redacted (`clean`), resource references as `{ $ref: urn }`; secret paths collected. */
export function normalise(value: unknown, path: string, secretPaths: string[]): Normalised {
    if (Array.isArray(value)) {
        const items = value.map((item, index) => normalise(item, `${path}[${index}]`, secretPaths));
        return { clean: items.map((item) => item.clean), raw: items.map((item) => item.raw) };
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            secretPaths.push(path);
            const inner = normalise(record.value, path, []);
            return { clean: redact(inner.clean), raw: inner.raw };
        }
        if (record[SIG_KEY] === RESOURCE_SIG) {
            return { clean: { $ref: record.urn }, raw: { $ref: record.urn } };
        }
        const clean: Record<string, unknown> = {};
        const raw: Record<string, unknown> = {};
        for (const [key, child] of Object.entries(record)) {
            const result = normalise(child, path === "" ? key : `${path}.${key}`, secretPaths);
            clean[key] = result.clean;
            raw[key] = result.raw;
        }
        return { clean, raw };
    }
    return { clean: value, raw: value };
}

interface AliasSpec {
    getName(): string;
    getType(): string;
    getStack(): string;
    getProject(): string;
    getParenturn(): string;
    getNoparent(): boolean;
}

interface Struct {
    toJavaScript(): Record<string, unknown>;
}

/** What the fake cloud added to the inputs (at any depth), secrets redacted. */
function computedOutputs(state: Record<string, unknown>, inputs: Record<string, unknown>): Record<string, unknown> {
    const added = (value: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> => {
        const result: Record<string, unknown> = {};
        for (const [key, child] of Object.entries(value)) {
            const input = given[key];
            if (!(key in given)) result[key] = child;
            else if (isRecord(child) && isRecord(input)) {
                const inner = added(child, input);
                if (Object.keys(inner).length > 0) result[key] = inner;
            }
        }
        return result;
    };
    return normalise(added(state, inputs), "", []).clean as Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

interface RegisterRequest {
    getAliasesList(): { getUrn(): string; getSpec(): AliasSpec | undefined }[];
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean | undefined;
    getDeletebeforereplace(): boolean;
    getProvider(): string;
    getDependenciesList(): string[];
    getTransformsList(): unknown[];
    getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getObject(): Struct | undefined;
}

interface RegisterResponse {
    getUrn(): string;
    getId(): string;
}

type Monitor = {
    registerResource(request: RegisterRequest, callback: (error: unknown, response?: RegisterResponse) => void): void;
    newUrn(parent: string, type: string, name: string): string;
};

/**
 * The URN the engine gives a resource: its type qualified by the parent's whole qualified type, so a grandchild
 * reads `Component$Child$Grandchild` (urn.New in pulumi/pulumi sdk/go/common/resource/urn/urn.go). The SDK's mock
 * monitor keeps only the parent's last type, which would give grandchildren URNs no real stack has.
 */
export function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    const parentType = parent === "" ? "" : (parent.split("::")[2] ?? "");
    const qualified = parentType === "" || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * An alias as the engine resolves it (step_generator.go collapseAliasToUrn): a URN given as is, or one built from a spec,
 * the resource's own type, name and parent filling what the spec leaves empty.
 */
function aliasUrn(alias: { getUrn(): string; getSpec(): AliasSpec | undefined }, request: RegisterRequest, stack: string, project: string): string {
    const spec = alias.getSpec();
    if (!spec) return alias.getUrn();
    const parent = spec.getNoparent() ? "" : spec.getParenturn() || request.getParent();
    return engineUrn(spec.getStack() || stack, spec.getProject() || project, parent, spec.getType() || request.getType(), spec.getName() || request.getName());
}

/**
 * What a stack transform returned that this engine would not apply: the real engine replaces the resource's inputs and
 * options with the transform's (source_eval.go), this one only reads `protect`.
 */
function unappliedByTransform(given: pulumi.ResourceTransformArgs, result: pulumi.ResourceTransformResult): string[] {
    const options = Object.entries(result.opts ?? {})
        .filter(([key, value]) => key !== "protect" && value !== undefined && !isDeepStrictEqual(value, (given.opts as Record<string, unknown>)[key]))
        .map(([key]) => key);
    return [
        ...(isDeepStrictEqual(result.props, given.props) ? [] : ["changed inputs"]),
        ...(options.length > 0 ? [`the option${options.length > 1 ? "s" : ""} ${options.join(", ")}`] : []),
    ];
}

async function settle(pending: () => number): Promise<void> {
    const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
    for (let quietRounds = 0; quietRounds < 3; ) {
        await runtime.waitForRPCs?.();
        await new Promise((resolve) => setTimeout(resolve, 5));
        quietRounds = pending() === 0 ? quietRounds + 1 : 0;
    }
}

async function resolveOutputs(exported: unknown): Promise<{ outputs: Record<string, unknown>; secretOutputs: string[] }> {
    const value = (await Promise.resolve(exported)) as Record<string, unknown> | undefined;
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, output] of Object.entries(value ?? {})) {
        const wrapped = pulumi.output(output as pulumi.Input<unknown>) as pulumi.Output<unknown>;
        const [resolved, isSecret] = await Promise.all([
            new Promise<unknown>((resolve) => wrapped.apply((inner) => resolve(inner))),
            pulumi.isSecret(wrapped),
        ]);
        if (isSecret) secretOutputs.push(key);
        outputs[key] = isSecret ? SECRET_MARKER : normalise(resolved, key, []).clean;
    }
    return { outputs, secretOutputs };
}

/** What the fake cloud returned for a registration, and the inputs it was given. */
interface FakeRegistration {
    readonly result: MockResourceResult;
    readonly inputs: Record<string, unknown>;
}

/** Runs `options.program` under mocks and returns what it registered and exported. */
export async function runUnderMocks(options: RunOptions): Promise<ProgramRun> {
    const started = performance.now();
    let firstRegistration: number | undefined;
    const region = options.config["aws:region"] ?? DEFAULT_REGION;
    const resources: RecordedResource[] = [];
    const transforms: pulumi.ResourceTransform[] = [];
    const failures: unknown[] = [];
    let inFlight = 0;
    let lastFake: FakeRegistration | undefined;

    await pulumi.runtime.setMocks(
        {
            // The mock monitor calls this synchronously inside registerResource: the hook below reads it right after.
            newResource: (args) => {
                lastFake = { result: fakeResourceState(args, region), inputs: (args.inputs ?? {}) as Record<string, unknown> };
                return lastFake.result;
            },
            call: (args) => fakeInvokeResult(args.token, args.inputs as Record<string, unknown>, region),
            // The engine runs stack transforms on every registration; the mock monitor only hands them over.
            registerTransform: (transform) => transforms.push(transform),
        },
        options.project,
        options.stack,
        false,
    );
    pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);

    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
    monitor.newUrn = (parent, type, name) => engineUrn(options.stack, options.project, parent, type, name);
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) => {
        firstRegistration ??= performance.now();
        inFlight++;
        const secretPaths: string[] = [];
        const inputs = normalise(request.getObject()?.toJavaScript() ?? {}, "", secretPaths);
        const described = `${request.getType()} "${request.getName()}"`;
        if (request.getTransformsList().length > 0) {
            failures.push(new Error(`${described} has resource transforms (the transforms option), which the offline plan's mock engine does not run: pulumi up would, so the plan would differ from it`));
        }
        const transformed = transforms.reduce<Promise<pulumi.ResourceOptions>>(
            async (opts, transform) => {
                const args = { type: request.getType(), name: request.getName(), custom: request.getCustom(), props: inputs.raw as pulumi.Inputs, opts: await opts };
                const result = await transform(args);
                if (!result) return args.opts;
                const unapplied = unappliedByTransform(args, result);
                if (unapplied.length > 0) {
                    throw new Error(`a stack transform returned ${unapplied.join(" and ")} for ${described}; the offline plan's mock engine applies only \`protect\` from a transform, pulumi up applies all of it, so the plan would differ from it`);
                }
                return result.opts;
            },
            Promise.resolve({ protect: request.getProtect() ?? false }),
        );
        const propertyDependencies: Record<string, string[]> = {};
        request.getPropertydependenciesMap().forEach((value, key) => {
            propertyDependencies[key] = [...new Set(value.getUrnsList())].sort();
        });
        lastFake = undefined;
        register(request, (error, response) => {
            if (error || !response) {
                inFlight--;
                callback(error, response);
                return;
            }
            void transformed.then((opts) => {
                inFlight--;
                resources.push({
                    urn: response.getUrn(),
                    type: request.getType(),
                    name: request.getName(),
                    custom: request.getCustom(),
                    ...(request.getParent() ? { parent: request.getParent() } : {}),
                    ...(request.getProvider() ? { provider: request.getProvider().split("::").slice(0, -1).join("::") } : {}),
                    dependencies: [...new Set(request.getDependenciesList())].sort(),
                    propertyDependencies,
                    inputs: inputs.clean as Record<string, unknown>,
                    rawInputs: inputs.raw as Record<string, unknown>,
                    secretPaths,
                    id: response.getId(),
                    computed: fake ? computedOutputs(fake.result.state as Record<string, unknown>, fake.inputs) : {},
                    aliases: request.getAliasesList().map((alias) => aliasUrn(alias, request, options.stack, options.project)),
                    ...(opts.protect === true ? { protect: true as const } : {}),
                    ...(request.getDeletebeforereplace() ? { deleteBeforeReplace: true as const } : {}),
                });
            }, (transformError: unknown) => {
                inFlight--;
                failures.push(transformError);
            });
            callback(error, response);
        });
        // The callback runs later; newResource has run by now (synchronously, inside register).
        const fake: FakeRegistration | undefined = lastFake;
    };

    // Without an engine the SDK writes pulumi.log.warn to console.warn with this prefix (@pulumi/pulumi log/index.js).
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (...parts: unknown[]): void => {
        const text = parts.map(String).join(" ");
        if (text.startsWith(WARNING_PREFIX)) warnings.push(text.slice(WARNING_PREFIX.length));
        else consoleWarn(...parts);
    };

    const onRejection = (reason: unknown): void => {
        failures.push(reason);
    };
    process.on("unhandledRejection", onRejection);
    try {
        let exported: unknown;
        try {
            const result = options.program();
            exported = typeof result === "function" ? (result as () => unknown)() : result;
            const { outputs, secretOutputs } = await resolveOutputs(exported);
            await settle(() => inFlight);
            if (failures.length > 0) throw failures[0];
            return {
                resources: [...resources].sort((a, b) => a.urn.localeCompare(b.urn)),
                outputs,
                secretOutputs,
                msToFirstRegistration: (firstRegistration ?? performance.now()) - started,
                warnings,
            };
        } catch (error) {
            throw new ProgramFailure(error, resources);
        }
    } finally {
        process.off("unhandledRejection", onRejection);
        console.warn = consoleWarn;
    }
}
