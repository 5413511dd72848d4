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
export function modelModule(apiVersion: string, kind: string): string {
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
    return `${CRD_MODEL_PACKAGES[group] ?? "kubernetes-models"}/${apiVersion}/${kind}`;
}

type ModelModule = Record<string, unknown>;

/**
 * The model modules of the kinds the program creates, imported by name so that the plan's bundle holds them
 * (scripts/runBundled.js): one script instead of some 230 ES modules Node loads one by one (the dev plan's 17
 * kinds: 25 ms instead of 125 ms CPU). A kind not listed is imported when met.
 */
export const PROGRAM_KIND_MODULES: ReadonlyMap<string, () => Promise<ModelModule>> = new Map<string, () => Promise<ModelModule>>([
    ["kubernetes-models/apps/v1/Deployment", () => import("kubernetes-models/apps/v1/Deployment")],
    ["kubernetes-models/apps/v1/StatefulSet", () => import("kubernetes-models/apps/v1/StatefulSet")],
    ["kubernetes-models/networking.k8s.io/v1/Ingress", () => import("kubernetes-models/networking.k8s.io/v1/Ingress")],
    ["kubernetes-models/networking.k8s.io/v1/IngressClass", () => import("kubernetes-models/networking.k8s.io/v1/IngressClass")],
    ["kubernetes-models/networking.k8s.io/v1/NetworkPolicy", () => import("kubernetes-models/networking.k8s.io/v1/NetworkPolicy")],
    ["kubernetes-models/policy/v1/PodDisruptionBudget", () => import("kubernetes-models/policy/v1/PodDisruptionBudget")],
    ["kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole", () => import("kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole")],
    ["kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding", () => import("kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding")],
    ["kubernetes-models/rbac.authorization.k8s.io/v1/Role", () => import("kubernetes-models/rbac.authorization.k8s.io/v1/Role")],
    ["kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding", () => import("kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding")],
    ["kubernetes-models/storage.k8s.io/v1/StorageClass", () => import("kubernetes-models/storage.k8s.io/v1/StorageClass")],
    ["kubernetes-models/v1/ConfigMap", () => import("kubernetes-models/v1/ConfigMap")],
    ["kubernetes-models/v1/Namespace", () => import("kubernetes-models/v1/Namespace")],
    ["kubernetes-models/v1/PersistentVolumeClaim", () => import("kubernetes-models/v1/PersistentVolumeClaim")],
    ["kubernetes-models/v1/Secret", () => import("kubernetes-models/v1/Secret")],
    ["kubernetes-models/v1/Service", () => import("kubernetes-models/v1/Service")],
    ["kubernetes-models/v1/ServiceAccount", () => import("kubernetes-models/v1/ServiceAccount")],
    ["@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor", () => import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor")],
]);

/**
 * Validates manifests against the Kubernetes OpenAPI schema. Returns one line per problem,
 * naming the object and the field; an object of a kind with no schema is itself a problem.
 */
export async function validateManifests(manifests: readonly Manifest[]): Promise<string[]> {
    const problems: string[] = [];
    const modules = new Map<string, ModelModule | undefined>();
    for (const manifest of manifests) {
        const path = modelModule(manifest.apiVersion, manifest.kind);
        if (!modules.has(path)) {
            const load = PROGRAM_KIND_MODULES.get(path) ?? ((): Promise<ModelModule> => import(path));
            modules.set(path, await load().then((module) => module, () => undefined));
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
