import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ProgramFailure, runUnderMocks, type ProgramRun } from "../harness/mockEngine";

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

describe("the mock engine's options", () => {
    it("records deleteBeforeReplace, which decides whether a replacement and its old resource coexist", async () => {
        const result = await run(() => {
            new Thing("first", {}, { deleteBeforeReplace: true });
            new Thing("second");
        });
        assert.deepEqual([recorded(result, "first").deleteBeforeReplace, recorded(result, "second").deleteBeforeReplace], [true, undefined]);
    });
});

describe("the mock engine's transforms", () => {
    const withTransform = (transform: pulumi.ResourceTransform) => () => {
        pulumi.runtime.registerResourceTransform(transform);
        new Thing("thing", { size: 1 });
    };
    const failsWith = async (program: () => unknown, message: RegExp): Promise<void> => {
        await assert.rejects(run(program), (error: unknown) => {
            assert.ok(error instanceof ProgramFailure, String(error));
            assert.match(error.message, message);
            return true;
        });
    };

    it("records the protect a stack transform sets", async () => {
        const result = await run(withTransform((args) => ({ props: args.props, opts: { ...args.opts, protect: true } })));
        assert.equal(recorded(result, "thing").protect, true);
    });

    it("fails the run when a stack transform changes the inputs, which it would not apply", async () => {
        await failsWith(withTransform((args) => ({ props: { ...args.props, size: 2 }, opts: args.opts })),
            /^a stack transform returned changed inputs for test:index:Thing "thing"; the offline plan's mock engine applies only `protect`/);
    });

    it("fails the run when a stack transform sets options other than protect", async () => {
        await failsWith(withTransform((args) => ({ props: args.props, opts: { ...args.opts, protect: true, ignoreChanges: ["size"], retainOnDelete: true } })),
            /^a stack transform returned the options ignoreChanges, retainOnDelete for test:index:Thing "thing"/);
    });

    it("fails the run when a resource has resource transforms, which it does not run", async () => {
        await failsWith(() => {
            new Thing("thing", { size: 1 }, { transforms: [(args) => ({ props: args.props, opts: args.opts })] });
        }, /^test:index:Thing "thing" has resource transforms \(the transforms option\), which the offline plan's mock engine does not run/);
    });
});
