import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as callbackrpc from "@pulumi/pulumi/proto/callback_grpc_pb";
import * as callbackproto from "@pulumi/pulumi/proto/callback_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { randomUUID } from "node:crypto";
import { fakeInvokeResult, fakeResourceState } from "../fakes";
import { engineUrn } from "../mockEngine";

/**
 * A small Pulumi engine for programs started through `@pulumi/pulumi/cmd/run`: the Engine service
 * (logs, root resource) and the ResourceMonitor service, on @pulumi/pulumi's own gRPC stubs. It answers
 * as `pulumi preview` (dryRun: computed values unknown, as for a first create) or `pulumi up` (computed
 * values from harness/fakes.ts, the offline plan's fakes), and records every registration as the engine
 * hands it to analyzers. Behaviour copied from pulumi/pulumi pkg/resource/deploy/source_eval.go (resmon).
 */

type Props = Record<string, unknown>;

const UNKNOWN = pulumi.runtime.unknownValue;
const SIG = pulumi.runtime.specialSigKey;
/** The engine's built-in invoke that returns a registered resource's state (pkg/resource/deploy/builtins.go). */
const GET_RESOURCE = "pulumi:pulumi:getResource";

export interface Registration {
    readonly urn: string;
    /** "" for components and for planned creates in a preview. */
    readonly id: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** A multi-language component (eks:index:Cluster): its provider's Construct builds it. */
    readonly remote: boolean;
    readonly parent?: string;
    /** URN of the provider resource. */
    readonly provider?: string;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** Inputs as the engine holds them: unknowns as the unknown sentinel, secrets and references as signature objects. */
    readonly inputs: Props;
    /** The state returned to the program (and given to AnalyzeStack). */
    readonly outputs: Props;
    /** The `protect` option after the stack's transforms ran. */
    readonly protect: boolean;
}

export interface LogEntry {
    readonly severity: "debug" | "info" | "warning" | "error";
    readonly message: string;
    readonly urn: string;
}

export interface EngineOptions {
    readonly project: string;
    readonly stack: string;
    readonly dryRun: boolean;
    readonly region: string;
}

export interface Engine {
    /** Address for both `--engine` and `--monitor`. */
    readonly address: string;
    readonly registrations: readonly Registration[];
    readonly logs: readonly LogEntry[];
    /** Stack outputs registered through RegisterResourceOutputs on the root resource. */
    stackOutputs(): Props | undefined;
    close(): Promise<void>;
}

/** resmon.supportedMonitorFeatures: what a 3.2xx engine advertises through GetDeploymentInfo. */
const FEATURES = [
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_REPLACE_WITH,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_TRANSFORMS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_PARAMETERIZATION,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_RESOURCE_HOOKS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_ERROR_HOOKS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SENDS_OPTIONS_TO_HOOKS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_BYTE_STRING,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_INVOKE_DEPENDS_ON,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_INVOKE_PARENT,
];

const SEVERITIES = { [engineproto.LogSeverity.DEBUG]: "debug", [engineproto.LogSeverity.INFO]: "info", [engineproto.LogSeverity.WARNING]: "warning", [engineproto.LogSeverity.ERROR]: "error" } as const;

function isPlainObject(value: unknown): value is Props {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Output values (sent to remote components) become what the engine stores: the value, the secret
 * wrapper, or the unknown sentinel. Everything else passes through.
 */
function engineValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(engineValue);
    if (!isPlainObject(value)) return value;
    if (value[SIG] === pulumi.runtime.specialOutputValueSig) {
        const inner = "value" in value ? engineValue(value.value) : UNKNOWN;
        return value.secret === true ? { [SIG]: pulumi.runtime.specialSecretSig, value: inner } : inner;
    }
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, engineValue(child)]));
}

/** Struct-safe copy: undefined object members are dropped, as protobuf cannot carry them. */
function defined(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : defined(item)));
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(Object.entries(value).filter(([, child]) => child !== undefined).map(([key, child]) => [key, defined(child)]));
}

/**
 * A planned create under `pulumi preview`: the checked inputs, with every value the cloud computes
 * (anything the fake state adds) unknown.
 */
function plannedState(inputs: unknown, computed: unknown): unknown {
    if (!isPlainObject(computed) || computed[SIG] !== undefined) return inputs === undefined ? UNKNOWN : inputs;
    if (inputs !== undefined && (!isPlainObject(inputs) || inputs[SIG] !== undefined)) return inputs;
    const known = inputs ?? {};
    const keys = new Set([...Object.keys(known), ...Object.keys(computed)]);
    return Object.fromEntries([...keys].map((key) => [key, key in computed ? plannedState(known[key], computed[key]) : known[key]]));
}

/** Starts the engine and monitor on 127.0.0.1 (one gRPC server, both services). */
export async function startEngine(options: EngineOptions): Promise<Engine> {
    const registrations: Registration[] = [];
    const logs: LogEntry[] = [];
    const outputsByUrn = new Map<string, Props>();
    let rootUrn = "";

    const unary = <Request, Response>(handle: (request: Request) => Response | Promise<Response>) =>
        (call: grpc.ServerUnaryCall<Request, Response>, callback: grpc.sendUnaryData<Response>): void => {
            Promise.resolve()
                .then(() => handle(call.request))
                .then((response) => callback(null, response), (error: unknown) => {
                    callback({ code: grpc.status.UNKNOWN, details: error instanceof Error ? error.message : String(error) });
                });
        };

    /**
     * Stack transforms, as source_eval.go runs them: on every registration, each transform the program registered
     * (RegisterStackTransform) is invoked through the program's Callbacks server, in order, before the resource is
     * processed; what it returns replaces the inputs and options.
     */
    const stackTransforms: callbackproto.Callback[] = [];
    const callbackClients = new Map<string, InstanceType<typeof callbackrpc.CallbacksClient>>();
    const runTransforms = async (request: resproto.RegisterResourceRequest): Promise<{ properties: Struct | undefined; protect: boolean }> => {
        let properties = request.getObject();
        let options = new resproto.TransformResourceOptions().setProtect(request.getProtect() ?? false).setRetainOnDelete(request.getRetainondelete() ?? false);
        for (const transform of stackTransforms) {
            const target = transform.getTarget();
            const client = callbackClients.get(target) ?? new callbackrpc.CallbacksClient(target, grpc.credentials.createInsecure());
            callbackClients.set(target, client);
            const transformRequest = new resproto.TransformRequest()
                .setType(request.getType())
                .setName(request.getName())
                .setCustom(request.getCustom())
                .setParent(request.getParent())
                .setOptions(options);
            if (properties) transformRequest.setProperties(properties);
            const invoke = new callbackproto.CallbackInvokeRequest().setToken(transform.getToken()).setRequest(transformRequest.serializeBinary());
            const reply = await new Promise<callbackproto.CallbackInvokeResponse>((resolve, reject) =>
                client.invoke(invoke, (error: grpc.ServiceError | null, response: callbackproto.CallbackInvokeResponse) => (error ? reject(error) : resolve(response))));
            const transformed = resproto.TransformResponse.deserializeBinary(reply.getResponse_asU8());
            properties = transformed.getProperties() ?? properties;
            options = transformed.getOptions() ?? options;
        }
        return { properties, protect: options.getProtect() ?? false };
    };

    /** builtins.go getResource: how the SDK rehydrates a resource reference it receives. */
    const registeredState = (urn: string): Props => {
        const registration = registrations.find((candidate) => candidate.urn === urn);
        if (!registration) throw new Error(`unknown resource ${urn}`);
        return { urn, id: registration.id, state: registration.outputs };
    };

    const register = async (request: resproto.RegisterResourceRequest): Promise<resproto.RegisterResourceResponse> => {
        const type = request.getType();
        const name = request.getName();
        const urn = engineUrn(options.stack, options.project, request.getParent(), type, name);
        const transformed = await runTransforms(request);
        const inputs = engineValue(transformed.properties?.toJavaScript() ?? {}) as Props;
        const custom = request.getCustom();
        const remote = request.getRemote();
        const isProvider = type.startsWith("pulumi:providers:");
        let id = "";
        let outputs: Props = {};
        if (custom || remote) {
            // The offline plan's fakes: the state of an update; in a preview only which values the cloud computes.
            const fake = fakeResourceState({ type, name, inputs, custom }, options.region);
            outputs = defined(options.dryRun ? plannedState(inputs, fake.state) : fake.state) as Props;
            // providers/registry.go Create: a provider's ID is unknown in a preview, a fresh UUID in an update;
            // other planned creates have no ID (the SDK reads "" as unknown).
            id = isProvider ? (options.dryRun ? UNKNOWN : randomUUID()) : options.dryRun ? "" : (fake.id ?? "");
        }
        const propertyDependencies: Record<string, string[]> = {};
        request.getPropertydependenciesMap().forEach((dependencies, key) => {
            propertyDependencies[key] = dependencies.getUrnsList();
        });
        const provider = request.getProvider();
        registrations.push({
            urn,
            id,
            type,
            name,
            custom,
            remote,
            ...(request.getParent() ? { parent: request.getParent() } : {}),
            ...(provider ? { provider: provider.slice(0, provider.lastIndexOf("::")) } : {}),
            dependencies: request.getDependenciesList(),
            propertyDependencies,
            inputs,
            outputs,
            protect: transformed.protect,
        });
        outputsByUrn.set(urn, outputs);
        return new resproto.RegisterResourceResponse()
            .setUrn(urn)
            .setId(id)
            .setObject(Struct.fromJavaScript(outputs as Record<string, never>));
    };

    const server = new grpc.Server();
    server.addService(enginerpc.EngineService, {
        log: unary((request: engineproto.LogRequest) => {
            logs.push({ severity: SEVERITIES[request.getSeverity()], message: request.getMessage(), urn: request.getUrn() });
            return new Empty();
        }),
        getRootResource: unary(() => new engineproto.GetRootResourceResponse().setUrn(rootUrn)),
        setRootResource: unary((request: engineproto.SetRootResourceRequest) => {
            rootUrn = request.getUrn();
            return new engineproto.SetRootResourceResponse();
        }),
    });
    server.addService(resrpc.ResourceMonitorService, {
        getDeploymentInfo: unary(() =>
            new resproto.DeploymentInfo()
                .setProject(options.project)
                .setStack(options.stack)
                .setOrganization("organization")
                .setDryrun(options.dryRun)
                .setSupportedfeaturesList(FEATURES)),
        registerResource: unary(register),
        registerResourceOutputs: unary((request: resproto.RegisterResourceOutputsRequest) => {
            outputsByUrn.set(request.getUrn(), request.getOutputs()?.toJavaScript() ?? {});
            return new Empty();
        }),
        invoke: unary((request: resproto.ResourceInvokeRequest) => {
            const args = request.getArgs()?.toJavaScript() ?? {};
            const result = request.getTok() === GET_RESOURCE ? registeredState(String(args.urn)) : fakeInvokeResult(request.getTok(), args, options.region);
            return new resproto.ResourceInvokeResponse().setReturn(Struct.fromJavaScript(defined(result) as Record<string, never>));
        }),
        registerStackTransform: unary((request: callbackproto.Callback) => {
            stackTransforms.push(request);
            return new Empty();
        }),
        signalAndWaitForShutdown: unary(() => new Empty()),
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort))));

    return {
        address: `127.0.0.1:${port}`,
        registrations,
        logs,
        stackOutputs: () => (rootUrn === "" ? undefined : outputsByUrn.get(rootUrn)),
        close: () => {
            for (const client of callbackClients.values()) client.close();
            return new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        },
    };
}
