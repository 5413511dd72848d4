import { CONTROLLER_NAME } from "../components/haproxy/controllerManifests";
import { CREATION_SECONDS, DEFAULT_CREATION_SECONDS } from "./creationTimes";
import type { RecordedResource } from "./mockEngine";

/**
 * The deploy critical path of a recorded plan: the chain of waits that decides how long a first
 * `pulumi up` takes, each resource weighted by its typical creation time (creationTimes.ts).
 *
 * A resource starts when everything it waits for has finished. It waits for:
 * - its dependencies, a component expanded as Pulumi expands it (runtime/dependsOn.js): to the custom
 *   and remote resources below it, through components only. A dependency that one of its input
 *   properties consumes (the SDK's propertyDependencies) is data; any other one is an explicit dependsOn;
 * - its provider, which must exist before the resource can be created;
 * - custom and remote resources referenced in its inputs: the SDK awaits a custom resource's id before
 *   registering, and a plugin reads a remote component's outputs, even where a remote component leaves
 *   references out of its dependencies (a local component reference only waits for its URN);
 * - for a pod workload, and for an EKS add-on (whose pods must run before it is ACTIVE), the node groups
 *   of its cluster: Pulumi's await needs Ready pods, which need nodes, though nothing in the program says so;
 * - for a Service with a selector (not headless), the pod workloads of its namespace it selects: its
 *   await needs a ready endpoint address (pulumi-kubernetes provider/pkg/await/service.go);
 * - for a pod workload, the claims its pods mount (volume claim templates, or claims of its namespace named in
 *   its pod volumes) and the EKS add-on that runs their storage class's provisioner: a pod starts only once its
 *   claim exists and binds, and the claim binds only once the CSI driver runs;
 * - for a node group, the VPC CNI add-on of its cluster: a node is Ready, and the group's creation done, only
 *   once the CNI runs on it (EKS User Guide, "Amazon VPC CNI");
 * - for an Ingress, the controller of its class (the Deployment started with --ingress-class=<class>):
 *   the Ingress await needs the status.loadBalancer the controller publishes (pulumi-kubernetes
 *   provider/pkg/await/ingress.go).
 * Local components take no time; a remote component (its type has a creation time) stands for the
 * children its plugin creates.
 */

/** The fields of a recorded resource the critical path reads. */
export type GraphResource = Pick<RecordedResource, "urn" | "type" | "name" | "custom" | "dependencies"> &
    Partial<Pick<RecordedResource, "parent" | "provider" | "inputs" | "propertyDependencies">>;

/**
 * How a resource waits for the one before it on the path. Every reason but dependsOn is a data
 * dependency: an Output consumed, a provider, a resource reference, or what Pulumi's await of the
 * resource needs (nodes for pods, the CNI for nodes, ready endpoints for a Service, a claim and its CSI driver
 * for a volume, the controller that publishes an Ingress's status). Without propertyDependencies a dependency counts as dependsOn.
 */
export type WaitReason = "data" | "dependsOn" | "provider" | "reference" | "nodes" | "network" | "selects" | "storage" | "publishes";

/** Every reason but an explicit dependsOn. */
export function isDataDependency(reason: WaitReason): boolean {
    return reason !== "dependsOn";
}

export interface PathStep {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly seconds: number;
    /** Seconds after the deploy starts creating resources. */
    readonly finishSeconds: number;
    /** Absent on the first step. */
    readonly waitsBy?: WaitReason;
}

export interface CriticalPath {
    readonly totalSeconds: number;
    readonly steps: readonly PathStep[];
    /** Earliest finish of every resource that takes time (custom or remote), by URN. */
    readonly finishSeconds: ReadonlyMap<string, number>;
    /**
     * How much later each of those could finish without delaying the deploy: the total minus the
     * longest chain through it. 0 on the critical path.
     */
    readonly slackSeconds: ReadonlyMap<string, number>;
    /** Custom resource types not in the table, weighted DEFAULT_CREATION_SECONDS. */
    readonly defaultedTypes: readonly string[];
}

/** Kinds whose await waits for Ready pods. */
const POD_WORKLOADS = new Set([
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:core/v1:Pod",
]);
const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";
const CLAIM = "kubernetes:core/v1:PersistentVolumeClaim";
const ADDON = "aws:eks/addon:Addon";
/** EKS add-ons that run a CSI provisioner (EKS User Guide, EBS/EFS CSI driver add-ons). */
const PROVISIONER_ADDONS: Readonly<Record<string, string>> = { "ebs.csi.aws.com": "aws-ebs-csi-driver", "efs.csi.aws.com": "aws-efs-csi-driver" };
const metadataOf = (resource: GraphResource): { name?: string; namespace?: string; annotations?: Record<string, string> } =>
    (resource.inputs?.metadata as { name?: string; namespace?: string; annotations?: Record<string, string> } | undefined) ?? {};
const namespaceOf = (resource: GraphResource): string => metadataOf(resource).namespace ?? "default";
const CLUSTERS = new Set(["eks:index:Cluster", "aws:eks/cluster:Cluster"]);
const NODE_GROUPS = new Set(["eks:index:ManagedNodeGroup", "eks:index:NodeGroup", "eks:index:NodeGroupV2", "aws:eks/nodeGroup:NodeGroup"]);

function referencedUrns(value: unknown, into: Set<string>): Set<string> {
    if (Array.isArray(value)) {
        for (const item of value) referencedUrns(item, into);
    } else if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (typeof record.$ref === "string") into.add(record.$ref);
        else for (const child of Object.values(record)) referencedUrns(child, into);
    }
    return into;
}

export function criticalPath(resources: readonly GraphResource[], weights: Readonly<Record<string, number>> = CREATION_SECONDS): CriticalPath {
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const children = new Map<string, GraphResource[]>();
    for (const resource of resources) {
        if (!resource.parent) continue;
        const siblings = children.get(resource.parent);
        if (siblings) siblings.push(resource);
        else children.set(resource.parent, [resource]);
    }
    const takesTime = (resource: GraphResource): boolean => resource.custom || weights[resource.type] !== undefined;
    const isTimed = (urn: string): boolean => {
        const resource = byUrn.get(urn);
        return resource !== undefined && takesTime(resource);
    };
    const defaulted = new Set<string>();
    const secondsOf = (resource: GraphResource): number => {
        const seconds = weights[resource.type];
        if (seconds !== undefined) return seconds;
        defaulted.add(resource.type);
        return DEFAULT_CREATION_SECONDS;
    };

    const expansions = new Map<string, string[]>();
    const expand = (urn: string): string[] => {
        const resource = byUrn.get(urn);
        if (!resource) return [];
        if (takesTime(resource)) return [urn];
        let expanded = expansions.get(urn);
        if (!expanded) {
            expanded = (children.get(urn) ?? []).flatMap((child) => expand(child.urn));
            expansions.set(urn, expanded);
        }
        return expanded;
    };

    const work = resources.filter(takesTime);
    const waits = new Map<string, Map<string, WaitReason>>();
    const references = new Map<string, Set<string>>();
    // A data reason replaces dependsOn on the same edge: the dependsOn only restates what the data needs.
    const addWait = (own: Map<string, WaitReason>, self: string, urns: Iterable<string>, reason: WaitReason): void => {
        for (const urn of urns) {
            if (urn !== self && (!own.has(urn) || (own.get(urn) === "dependsOn" && reason !== "dependsOn"))) own.set(urn, reason);
        }
    };
    for (const resource of work) {
        const own = new Map<string, WaitReason>();
        const consumed = new Set(Object.values(resource.propertyDependencies ?? {}).flat());
        for (const dependency of resource.dependencies) addWait(own, resource.urn, expand(dependency), consumed.has(dependency) ? "data" : "dependsOn");
        if (resource.provider) addWait(own, resource.urn, expand(resource.provider), "provider");
        const referenced = referencedUrns(resource.inputs ?? {}, new Set());
        references.set(resource.urn, referenced);
        addWait(own, resource.urn, [...referenced].filter(isTimed), "reference");
        waits.set(resource.urn, own);
    }

    // Clusters a resource belongs to: reached through what it waits for or references.
    const clusters = new Map<string, ReadonlySet<string>>();
    const clustersOf = (urn: string): ReadonlySet<string> => {
        const known = clusters.get(urn);
        if (known) return known;
        const found = new Set<string>();
        clusters.set(urn, found);
        if (CLUSTERS.has(byUrn.get(urn)?.type ?? "")) found.add(urn);
        for (const next of [...(waits.get(urn)?.keys() ?? []), ...(references.get(urn) ?? [])]) {
            for (const cluster of clustersOf(next)) found.add(cluster);
        }
        return found;
    };
    const sameCluster = (a: string, b: string): boolean => {
        const ofA = clustersOf(a);
        return [...clustersOf(b)].some((cluster) => ofA.has(cluster));
    };
    /** Whether `from` waits for `target`, directly or through what it waits for. */
    const waitsFor = (from: string, target: string, seen = new Set<string>()): boolean => {
        for (const next of waits.get(from)?.keys() ?? []) {
            if (next === target) return true;
            if (!seen.has(next)) {
                seen.add(next);
                if (waitsFor(next, target, seen)) return true;
            }
        }
        return false;
    };
    const nodeGroups = work.filter((resource) => NODE_GROUPS.has(resource.type));
    for (const waiter of work.filter((resource) => POD_WORKLOADS.has(resource.type) || resource.type === ADDON)) {
        // An add-on the nodes themselves wait for (the VPC CNI, kube-proxy: DaemonSets with nothing to run yet) is ACTIVE
        // without them; every other add-on's pods need nodes.
        const groups = nodeGroups.filter((group) => sameCluster(waiter.urn, group.urn) && !(waiter.type === ADDON && waitsFor(group.urn, waiter.urn)));
        addWait(waits.get(waiter.urn)!, waiter.urn, groups.map((group) => group.urn), "nodes");
    }

    const addons = work.filter((resource) => resource.type === ADDON);
    for (const group of nodeGroups) {
        const cni = addons.filter((addon) => addon.inputs?.addonName === "vpc-cni" && sameCluster(group.urn, addon.urn));
        addWait(waits.get(group.urn)!, group.urn, cni.map((addon) => addon.urn), "network");
    }

    const storageClasses = work.filter((resource) => resource.type === STORAGE_CLASS);
    const claimResources = work.filter((resource) => resource.type === CLAIM);
    const defaultClass = storageClasses.find((resource) => metadataOf(resource).annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    const driversOf = (className: string | undefined, near: string): string[] => {
        const storageClass = className === undefined ? defaultClass : storageClasses.find((resource) => metadataOf(resource).name === className);
        const addonName = PROVISIONER_ADDONS[String(storageClass?.inputs?.provisioner)];
        return addons.filter((addon) => addon.inputs?.addonName === addonName && sameCluster(near, addon.urn)).map((addon) => addon.urn);
    };
    type PodSpec = { volumeClaimTemplates?: { spec?: { storageClassName?: string } }[]; template?: { spec?: { volumes?: { persistentVolumeClaim?: { claimName?: string } }[] } } };
    for (const workload of work.filter((resource) => POD_WORKLOADS.has(resource.type))) {
        const spec = workload.inputs?.spec as PodSpec | undefined;
        const own = waits.get(workload.urn)!;
        for (const template of spec?.volumeClaimTemplates ?? []) addWait(own, workload.urn, driversOf(template.spec?.storageClassName, workload.urn), "storage");
        for (const volume of spec?.template?.spec?.volumes ?? []) {
            const claimName = volume.persistentVolumeClaim?.claimName;
            const claim = claimResources.find((resource) => metadataOf(resource).name === claimName && namespaceOf(resource) === namespaceOf(workload));
            if (!claim) continue;
            addWait(own, workload.urn, [claim.urn], "storage");
            addWait(own, workload.urn, driversOf((claim.inputs?.spec as { storageClassName?: string } | undefined)?.storageClassName, workload.urn), "storage");
        }
    }

    const podArgs = (resource: GraphResource): string[] =>
        ((resource.inputs?.spec as { template?: { spec?: { containers?: { args?: string[] }[] } } } | undefined)?.template?.spec?.containers ?? []).flatMap((container) => container.args ?? []);
    for (const ingress of work.filter((resource) => resource.type === INGRESS)) {
        const className = (ingress.inputs?.spec as { ingressClassName?: string } | undefined)?.ingressClassName;
        if (!className) continue;
        const controllers = work.filter((resource) => POD_WORKLOADS.has(resource.type) && podArgs(resource).includes(`--ingress-class=${className}`));
        addWait(waits.get(ingress.urn)!, ingress.urn, controllers.map((controller) => controller.urn), "publishes");
    }

    for (const service of work.filter((resource) => resource.type === SERVICE)) {
        const spec = service.inputs?.spec as { selector?: Record<string, string>; clusterIP?: string; type?: string } | undefined;
        const selector = Object.entries(spec?.selector ?? {});
        if (selector.length === 0 || spec?.clusterIP === "None" || spec?.type === "ExternalName") continue;
        const selected = work.filter((resource) => POD_WORKLOADS.has(resource.type) && namespaceOf(resource) === namespaceOf(service)).filter((workload) => {
            const labels = (workload.inputs?.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ?? {};
            return selector.every(([key, value]) => labels[key] === value);
        });
        addWait(waits.get(service.urn)!, service.urn, selected.map((workload) => workload.urn), "selects");
    }

    const finish = new Map<string, number>();
    const previous = new Map<string, { urn: string; reason: WaitReason }>();
    const visiting = new Set<string>();
    const finishOf = (urn: string): number => {
        const known = finish.get(urn);
        if (known !== undefined) return known;
        if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
        visiting.add(urn);
        let start = 0;
        for (const [wait, reason] of [...waits.get(urn)!].sort(([a], [b]) => a.localeCompare(b))) {
            const waitFinish = finishOf(wait);
            // Ties keep the first wait in URN order, so the path is deterministic.
            if (!previous.has(urn) || waitFinish > start) {
                start = waitFinish;
                previous.set(urn, { urn: wait, reason });
            }
        }
        visiting.delete(urn);
        const done = start + secondsOf(byUrn.get(urn)!);
        finish.set(urn, done);
        return done;
    };

    let last: string | undefined;
    for (const resource of [...work].sort((a, b) => a.urn.localeCompare(b.urn))) {
        if (last === undefined || finishOf(resource.urn) > finishOf(last)) last = resource.urn;
    }
    const total = last === undefined ? 0 : finish.get(last)!;
    const waiters = new Map<string, string[]>();
    for (const [urn, own] of waits) {
        for (const wait of own.keys()) {
            const list = waiters.get(wait);
            if (list) list.push(urn);
            else waiters.set(wait, [urn]);
        }
    }
    // Longest chain of work after a resource finishes.
    const tails = new Map<string, number>();
    const tailOf = (urn: string): number => {
        const known = tails.get(urn);
        if (known !== undefined) return known;
        const tail = Math.max(0, ...(waiters.get(urn) ?? []).map((waiter) => secondsOf(byUrn.get(waiter)!) + tailOf(waiter)));
        tails.set(urn, tail);
        return tail;
    };
    const slack = new Map(work.map((resource) => [resource.urn, total - finishOf(resource.urn) - tailOf(resource.urn)]));

    const steps: PathStep[] = [];
    for (let urn = last; urn !== undefined; urn = previous.get(urn)?.urn) {
        const resource = byUrn.get(urn)!;
        const waitsBy = previous.get(urn)?.reason;
        steps.unshift({ urn, type: resource.type, name: resource.name, seconds: secondsOf(resource), finishSeconds: finish.get(urn)!, ...(waitsBy ? { waitsBy } : {}) });
    }
    return { totalSeconds: total, steps, finishSeconds: finish, slackSeconds: slack, defaultedTypes: [...defaulted].sort() };
}

export function duration(seconds: number): string {
    return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

/** A short table: one line per resource on the path. */
export function formatCriticalPath(path: CriticalPath): string {
    const rows = path.steps.map((step) => [duration(step.finishSeconds), duration(step.seconds), step.waitsBy ?? "", step.type, step.name]);
    const header = ["done at", "takes", "waits by", "type", "name"];
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
    const line = (cells: string[]): string => cells.map((cell, column) => (column < 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd();
    return [
        `Deploy critical path: ${duration(path.totalSeconds)} (${path.totalSeconds} s) through ${path.steps.length} resources (typical creation times: harness/creationTimes.ts)`,
        `  ${line(header)}`,
        ...rows.map((row) => `  ${line(row)}`),
        ...(path.defaultedTypes.length > 0 ? [`  types without a creation time, counted as ${DEFAULT_CREATION_SECONDS} s: ${path.defaultedTypes.join(", ")}`] : []),
    ].join("\n");
}

/** Resources whose place relative to the path the reports watch. */
export interface Watched {
    readonly label: string;
    readonly picks: (resource: GraphResource) => boolean;
}

/** The edge resources a deploy should not wait for, and the rollout that should end it. */
export const WATCHED: readonly Watched[] = [
    { label: "KMS key", picks: (resource) => resource.type === "aws:kms/key:Key" },
    { label: "NLB", picks: (resource) => /^aws:lb\//.test(resource.type) },
    { label: "DNS records", picks: (resource) => resource.type === "aws:route53/record:Record" },
    {
        label: "controller rollout",
        picks: (resource) => resource.type === "kubernetes:apps/v1:Deployment" && (resource.inputs?.metadata as { name?: string } | undefined)?.name === CONTROLLER_NAME,
    },
];

export interface Margin {
    readonly label: string;
    /** The picked resource with the least slack. */
    readonly type: string;
    readonly name: string;
    readonly finishSeconds: number;
    readonly slackSeconds: number;
}

/** For each watched group, the resource closest to the path; groups the plan lacks are left out. */
export function margins(path: CriticalPath, resources: readonly GraphResource[], watched: readonly Watched[] = WATCHED): Margin[] {
    return watched.flatMap(({ label, picks }) => {
        const closest = resources
            .filter((resource) => picks(resource) && path.slackSeconds.has(resource.urn))
            .sort((a, b) => path.slackSeconds.get(a.urn)! - path.slackSeconds.get(b.urn)! || a.urn.localeCompare(b.urn))[0];
        if (!closest) return [];
        return [{ label, type: closest.type, name: closest.name, finishSeconds: path.finishSeconds.get(closest.urn)!, slackSeconds: path.slackSeconds.get(closest.urn)! }];
    });
}

export function formatMargins(found: readonly Margin[]): string {
    const width = Math.max(...found.map((margin) => margin.label.length));
    return [
        "Slack (how much later it could finish without delaying the deploy; 0 = on the path):",
        ...found.map((margin) => `  ${margin.label.padEnd(width)}  slack ${duration(margin.slackSeconds).padStart(7)}  done at ${duration(margin.finishSeconds).padStart(7)}  ${margin.type} ${margin.name}`),
    ].join("\n");
}
