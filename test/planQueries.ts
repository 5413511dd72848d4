import type { RecordedResource } from "../harness/mockEngine";
import { PROJECT, readStackFile } from "../harness/stackFile";

/** A structured `commerce-edge:` key of the dev stack file, as the program receives it. */
export function devConfigValue<T = any>(key: string): T {
    return JSON.parse(readStackFile("dev").config[`${PROJECT}:${key}`]!) as T;
}

/** Small queries over a plan's recorded resources. */
export class PlanQuery {
    constructor(readonly resources: readonly RecordedResource[]) {}

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((resource) => resource.type === type);
    }

    one(type: string, predicate: (resource: RecordedResource) => boolean = () => true): RecordedResource {
        const matches = this.ofType(type).filter(predicate);
        if (matches.length !== 1) throw new Error(`expected one ${type}, found ${matches.length}`);
        return matches[0]!;
    }

    kubernetes(kind: string, namespace: string | undefined, name: string): RecordedResource {
        return this.one(kind, (resource) => {
            const metadata = resource.inputs.metadata as { name?: string; namespace?: string } | undefined;
            return metadata?.name === name && metadata.namespace === namespace;
        });
    }

    byUrn(urn: string): RecordedResource {
        const found = this.resources.find((resource) => resource.urn === urn);
        if (!found) throw new Error(`no resource ${urn}`);
        return found;
    }

    /** Every resource reachable from `urn` through dependencies and parents (what it waits for, transitively). */
    upstream(urn: string): Set<string> {
        const seen = new Set<string>();
        const stack = [urn];
        while (stack.length > 0) {
            const urnToVisit = stack.pop();
            const current = this.resources.find((resource) => resource.urn === urnToVisit);
            if (!current) continue;
            for (const next of current.dependencies) {
                if (!seen.has(next)) {
                    seen.add(next);
                    stack.push(next);
                }
            }
        }
        return seen;
    }
}

export function field<T = unknown>(resource: RecordedResource, path: string): T {
    return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], resource.inputs) as T;
}

/** What a second plan changes against a first: URNs only in one of them, and URNs whose inputs differ. */
export interface PlanDelta {
    readonly added: string[];
    readonly removed: string[];
    readonly changed: string[];
}

export function planDelta(before: readonly RecordedResource[], after: readonly RecordedResource[]): PlanDelta {
    const inputsBefore = new Map(before.map((resource) => [resource.urn, JSON.stringify(resource.inputs)]));
    const urnsAfter = new Set(after.map((resource) => resource.urn));
    return {
        added: after.filter((resource) => !inputsBefore.has(resource.urn)).map((resource) => resource.urn).sort(),
        removed: before.filter((resource) => !urnsAfter.has(resource.urn)).map((resource) => resource.urn).sort(),
        changed: after.filter((resource) => inputsBefore.has(resource.urn) && inputsBefore.get(resource.urn) !== JSON.stringify(resource.inputs)).map((resource) => resource.urn).sort(),
    };
}

/** The last segment of a URN: the resource's name. */
export function urnName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}
