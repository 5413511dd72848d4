import * as grpc from "@grpc/grpc-js";
import type { PolicyPackConfig } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { Registration } from "./monitor";

/**
 * The engine's side of a policy pack (pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go and
 * pkg/resource/deploy/step_generator.go): Analyze gets each resource's inputs before its step,
 * AnalyzeStack every resource's outputs at the end of a preview or update.
 */

export type Level = "advisory" | "mandatory" | "disabled" | "remediate";

const LEVELS: Record<Level, analyzerproto.EnforcementLevel> = {
    advisory: analyzerproto.EnforcementLevel.ADVISORY,
    mandatory: analyzerproto.EnforcementLevel.MANDATORY,
    disabled: analyzerproto.EnforcementLevel.DISABLED,
    remediate: analyzerproto.EnforcementLevel.REMEDIATE,
};
const LEVEL_NAMES = Object.fromEntries(Object.entries(LEVELS).map(([name, level]) => [level, name])) as Record<analyzerproto.EnforcementLevel, Level>;

export interface PolicyInfo {
    readonly name: string;
    readonly level: Level;
    readonly schemaProperties: Readonly<Record<string, { readonly default?: unknown }>>;
}

export interface Diagnostic {
    readonly policy: string;
    /** The resource the policy blamed; "" for a stack-wide finding. */
    readonly urn: string;
    readonly message: string;
    readonly level: Level;
}

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;

function call<Response>(invoke: (callback: Callback<Response>) => unknown): Promise<Response> {
    return new Promise((resolve, reject) => {
        invoke((error, response) => (error ? reject(error) : resolve(response)));
    });
}

/**
 * Properties as the engine marshals them for analyzers (plugin/rpc.go MarshalPropertyValue without
 * KeepResources): a resource reference becomes its ID (custom resources) or its URN (components).
 */
function analyzerValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(analyzerValue);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialResourceSig) return "id" in record ? record.id : record.urn;
    return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, analyzerValue(child)]));
}

function propertiesOf(values: Readonly<Record<string, unknown>>): Struct {
    return Struct.fromJavaScript(analyzerValue(values) as Record<string, never>);
}

/** `analyzed`: the resource of an Analyze call, which the engine blames for its findings. */
function diagnosticsOf(response: analyzerproto.AnalyzeResponse, analyzed = ""): Diagnostic[] {
    return response.getDiagnosticsList().map((diagnostic) => ({
        policy: diagnostic.getPolicyname(),
        urn: diagnostic.getUrn() || analyzed,
        message: diagnostic.getMessage(),
        level: LEVEL_NAMES[diagnostic.getEnforcementlevel()],
    }));
}

function options(registration: Registration): analyzerproto.AnalyzerResourceOptions {
    return new analyzerproto.AnalyzerResourceOptions().setParent(registration.parent ?? "");
}

export class PolicyAnalyzer {
    private readonly client: AnalyzerClient;

    constructor(address: string) {
        this.client = new AnalyzerClient(address, grpc.credentials.createInsecure());
    }

    /** What the CLI's PolicyProxy forwards once the pack is up (sdk/policy_proxy.go Attach). */
    async configureStack(stack: { project: string; stack: string; dryRun: boolean; config: Readonly<Record<string, string>> }): Promise<void> {
        const request = new analyzerproto.AnalyzerStackConfigureRequest()
            .setProject(stack.project)
            .setStack(stack.stack)
            .setOrganization("organization")
            .setDryRun(stack.dryRun);
        for (const [key, value] of Object.entries(stack.config)) request.getConfigMap().set(key, value);
        await call((done: Callback<analyzerproto.AnalyzerStackConfigureResponse>) => this.client.configureStack(request, done));
    }

    async policies(): Promise<PolicyInfo[]> {
        const info = await call((done: Callback<analyzerproto.AnalyzerInfo>) => this.client.getAnalyzerInfo(new Empty(), done));
        return info.getPoliciesList().map((policy) => ({
            name: policy.getName(),
            level: LEVEL_NAMES[policy.getEnforcementlevel()],
            schemaProperties: (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as PolicyInfo["schemaProperties"],
        }));
    }

    /**
     * `--policy-pack-config <file>`: ReconcilePolicyPackConfig (pkg/resource/analyzer/config.go) fills every
     * policy's schema defaults and level, applies "all", then each entry of the file, and Configure sends it all.
     */
    async configure(config: PolicyPackConfig): Promise<void> {
        const reconciled = new Map<string, { level: Level; properties: Record<string, unknown> }>();
        for (const policy of await this.policies()) {
            const defaults = Object.entries(policy.schemaProperties).filter(([, schema]) => schema.default !== undefined).map(([key, schema]) => [key, schema.default]);
            reconciled.set(policy.name, { level: policy.level, properties: Object.fromEntries(defaults) });
        }
        const all = config.all;
        const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
        if (allLevel !== undefined) for (const entry of reconciled.values()) entry.level = allLevel;
        for (const [name, entry] of Object.entries(config)) {
            const { enforcementLevel, ...properties } = typeof entry === "string" ? { enforcementLevel: entry } : entry;
            const current = reconciled.get(name) ?? { level: "advisory", properties: {} };
            reconciled.set(name, { level: enforcementLevel ?? current.level, properties: { ...current.properties, ...properties } });
        }
        const request = new analyzerproto.ConfigureAnalyzerRequest();
        for (const [name, { level, properties }] of reconciled) {
            request.getPolicyconfigMap().set(name, new analyzerproto.PolicyConfig().setEnforcementlevel(LEVELS[level]).setProperties(propertiesOf(properties)));
        }
        await call((done: Callback<Empty>) => this.client.configure(request, done));
    }

    /** Analyze: one resource's inputs, as the step generator sends them before the resource's step. */
    async analyze(registration: Registration, providers: ReadonlyMap<string, Registration>): Promise<Diagnostic[]> {
        const request = new analyzerproto.AnalyzeRequest()
            .setUrn(registration.urn)
            .setType(registration.type)
            .setName(registration.name)
            .setProperties(propertiesOf(registration.inputs))
            .setOptions(options(registration));
        const provider = registration.provider === undefined ? undefined : providers.get(registration.provider);
        if (provider) {
            request.setProvider(new analyzerproto.AnalyzerProviderResource()
                .setUrn(provider.urn)
                .setType(provider.type)
                .setName(provider.name)
                .setProperties(propertiesOf(provider.inputs)));
        }
        return diagnosticsOf(await call((done: Callback<analyzerproto.AnalyzeResponse>) => this.client.analyze(request, done)), registration.urn);
    }

    /** AnalyzeStack: every resource's outputs, parents and dependencies. */
    async analyzeStack(registrations: readonly Registration[]): Promise<Diagnostic[]> {
        const request = new analyzerproto.AnalyzeStackRequest().setResourcesList(registrations.map((registration) => {
            const resource = new analyzerproto.AnalyzerResource()
                .setUrn(registration.urn)
                .setType(registration.type)
                .setName(registration.name)
                .setProperties(propertiesOf(registration.outputs))
                .setOptions(options(registration))
                .setParent(registration.parent ?? "")
                .setDependenciesList([...registration.dependencies]);
            for (const [key, urns] of Object.entries(registration.propertyDependencies)) {
                resource.getPropertydependenciesMap().set(key, new analyzerproto.AnalyzerPropertyDependencies().setUrnsList([...urns]));
            }
            return resource;
        }));
        return diagnosticsOf(await call((done: Callback<analyzerproto.AnalyzeResponse>) => this.client.analyzeStack(request, done)));
    }

    close(): void {
        this.client.close();
    }
}
