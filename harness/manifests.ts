import type { RecordedResource } from "./mockEngine";

/**
 * Kubernetes objects as the provider would apply them, and their validation against the Kubernetes
 * OpenAPI schema shipped by kubernetes-models (ajv-compiled validators per kind).
 */

export interface Manifest {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
    readonly [field: string]: unknown;
}

/** Types the Kubernetes provider registers that are not objects in the cluster. */
function isKubernetesObject(resource: RecordedResource): boolean {
    return resource.custom && resource.type.startsWith("kubernetes:") && !resource.type.startsWith("pulumi:providers:");
}

/** `kubernetes:apps/v1:Deployment` → apiVersion `apps/v1`, kind `Deployment`; core group is `v1`. */
export function typeToApiVersionKind(type: string): { apiVersion: string; kind: string } {
    const [, groupVersion = "", kind = ""] = type.split(":");
    const [group = "", version = ""] = groupVersion.split("/");
    return { apiVersion: group === "core" ? version : `${group}/${version}`, kind };
}

export function manifestsOf(resources: readonly RecordedResource[]): Manifest[] {
    return resources.filter(isKubernetesObject).map((resource) => {
        const { apiVersion, kind } = typeToApiVersionKind(resource.type);
        const manifest = { ...resource.inputs, apiVersion, kind } as Record<string, unknown>;
        const metadata = { ...((manifest.metadata as Record<string, unknown> | undefined) ?? {}) };
        metadata.name ??= resource.name;
        return { ...manifest, metadata } as Manifest;
    });
}

export function manifestId(manifest: Manifest): string {
    const namespace = manifest.metadata.namespace ? `${manifest.metadata.namespace}/` : "";
    return `${manifest.kind} ${namespace}${manifest.metadata.name ?? "(unnamed)"}`;
}

interface ValidationError {
    readonly instancePath: string;
    readonly message?: string;
    readonly params?: Record<string, unknown>;
}

type ModelClass = new (data: unknown) => { validate(): void };

/** Packages of kubernetes-models for CRD groups the program may create. */
const CRD_MODEL_PACKAGES: Readonly<Record<string, string>> = {
    "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

/**
 * Module of kubernetes-models for one kind: `v1` `Service` → `kubernetes-models/v1/Service`. One kind, not its
 * group's index: the index imports every kind of the group with its validator (apps/v1 alone is dozens of modules).
 */
function modelModule(apiVersion: string, kind: string): string {
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
    return `${CRD_MODEL_PACKAGES[group] ?? "kubernetes-models"}/${apiVersion}/${kind}`;
}

/**
 * Validates manifests against the Kubernetes OpenAPI schema. Returns one line per problem,
 * naming the object and the field; an object of a kind with no schema is itself a problem.
 */
export async function validateManifests(manifests: readonly Manifest[]): Promise<string[]> {
    const problems: string[] = [];
    const modules = new Map<string, Record<string, unknown> | undefined>();
    for (const manifest of manifests) {
        const path = modelModule(manifest.apiVersion, manifest.kind);
        if (!modules.has(path)) {
            modules.set(path, await import(path).then((module: Record<string, unknown>) => module, () => undefined));
        }
        const Model = modules.get(path)?.[manifest.kind] as ModelClass | undefined;
        if (!Model) {
            problems.push(`${manifestId(manifest)}: no schema for ${manifest.apiVersion} ${manifest.kind} in kubernetes-models`);
            continue;
        }
        try {
            new Model(manifest).validate();
        } catch (error) {
            const errors = (error as { errors?: ValidationError[] }).errors;
            if (!errors) throw error;
            for (const detail of errors) {
                const field = detail.instancePath.replace(/^\//, "").replaceAll("/", ".") || "(root)";
                const extra = detail.params?.additionalProperty ? ` "${String(detail.params.additionalProperty)}"` : "";
                problems.push(`${manifestId(manifest)}: ${field} ${detail.message ?? "is invalid"}${extra}`);
            }
        }
    }
    return problems;
}
