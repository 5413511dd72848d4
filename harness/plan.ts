import { manifestsOf, validateManifests, type Manifest } from "./manifests";
import { runUnderMocks, type ProgramRun } from "./mockEngine";
import { PROJECT, readStackFile } from "./stackFile";

export interface Plan {
    readonly stack: string;
    readonly run: ProgramRun;
    readonly manifests: readonly Manifest[];
    readonly schemaProblems: readonly string[];
    readonly placeholders: readonly string[];
}

export interface PlanOptions {
    /** Replaces or adds config keys (full keys) after the stack file is read; for tests and benchmarks. */
    readonly configOverrides?: Readonly<Record<string, string>>;
    readonly root?: string;
}

/** Runs the real program (index.ts) for a stack under the mock engine and validates its manifests. */
export async function planStack(stack: string, options: PlanOptions = {}): Promise<Plan> {
    const file = readStackFile(stack, options.root);
    const program = (await import("../index")) as unknown as { default?: () => unknown } | (() => unknown);
    const entry = typeof program === "function" ? program : program.default;
    if (typeof entry !== "function") throw new Error("index.ts must export the program function (export = async () => ...)");
    const run = await runUnderMocks({
        project: PROJECT,
        stack,
        config: { ...file.config, ...options.configOverrides },
        secretKeys: file.secretKeys,
        program: entry,
    });
    const manifests = manifestsOf(run.resources);
    return { stack, run, manifests, schemaProblems: await validateManifests(manifests), placeholders: file.placeholders };
}
