import assert from "node:assert/strict";
import type { RecordedResource } from "../../harness/mockEngine";
import type { PolicyResourceLike } from "../../policy/offline";
import { ResourceType } from "../../policy/lib/types";

/**
 * Helpers for the plan tests (one stack per test file: the Pulumi mock runtime is process-global).
 * A plan that lacks what the policies look at would pass them vacuously, so the tests check presence.
 */

/** Types of the offline plan the policies inspect; aws:eks/cluster:Cluster exists only in a real deployment. */
export const PLANNED_TYPES = Object.values(ResourceType).filter((type) => type !== ResourceType.eksCluster);

export function assertPolicedTypesPresent(resources: readonly RecordedResource[]): void {
    const present = new Set(resources.map((resource) => resource.type));
    for (const type of PLANNED_TYPES) assert.ok(present.has(type), `the plan has no ${type}`);
}

/** The plan's resources as mutable copies, with `mutate` applied to the inputs of the one named `name` of `type`. */
export function mutated(
    resources: readonly RecordedResource[],
    type: string,
    name: string,
    mutate: (props: Record<string, unknown>) => void,
): PolicyResourceLike[] {
    let found = false;
    const copies = resources.map((resource) => {
        const props = structuredClone(resource.inputs) as Record<string, unknown>;
        if (resource.type === type && resource.name === name) {
            mutate(props);
            found = true;
        }
        return { type: resource.type, name: resource.name, urn: resource.urn, props, dependencies: resource.dependencies, ...(resource.parent ? { parent: resource.parent } : {}) };
    });
    assert.ok(found, `the plan has no ${type} named ${name}`);
    return copies;
}

/** A nested object of `props` as a mutable record. */
export function at(props: Record<string, unknown>, ...path: string[]): Record<string, unknown> {
    return path.reduce((current, key) => current[key] as Record<string, unknown>, props);
}
