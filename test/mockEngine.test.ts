import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks, type ProgramRun } from "../harness/mockEngine";

/** The mock engine itself, on small programs of its own (the project's program is planned everywhere else). */

const STACK = "t";
const PROJECT = "p";
const THING = "test:index:Thing";

/** A custom resource of a type no provider has: the mocks need none. */
class Thing extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs = {}, opts: pulumi.CustomResourceOptions = {}) {
        super(THING, name, props, opts);
    }
}

const run = (program: () => unknown): Promise<ProgramRun> => runUnderMocks({ project: PROJECT, stack: STACK, config: {}, program });
const recorded = (result: ProgramRun, name: string) => {
    const found = result.resources.find((resource) => resource.name === name);
    assert.ok(found, `${name} was not registered`);
    return found;
};

describe("the mock engine's aliases", () => {
    it("resolves an alias whose parent is the stack to a top-level URN, as the engine does", async () => {
        const result = await run(() => {
            new Thing("renamed", {}, { aliases: [{ name: "former", parent: `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}` }] });
        });
        assert.deepEqual(recorded(result, "renamed").aliases, [`urn:pulumi:${STACK}::${PROJECT}::${THING}::former`]);
    });

    it("qualifies an alias under a nested parent with the parent's whole type, and takes the spec's stack and project", async () => {
        const result = await run(() => {
            const outer = new pulumi.ComponentResource("test:index:Outer", "outer");
            const inner = new pulumi.ComponentResource("test:index:Inner", "inner", {}, { parent: outer });
            new Thing("renamed", {}, { parent: inner, aliases: [{ name: "former" }, { name: "elsewhere", stack: "other", project: "q", parent: undefined }] });
        });
        assert.deepEqual(recorded(result, "renamed").aliases, [
            `urn:pulumi:${STACK}::${PROJECT}::test:index:Outer$test:index:Inner$${THING}::former`,
            `urn:pulumi:other::q::${THING}::elsewhere`,
        ]);
    });
});
