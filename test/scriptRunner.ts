import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../harness/stackFile";

export interface ScriptResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

const run = promisify(execFile);

/** Runs scripts/<script>.ts as `npm run <script> -- …` does (node with tsx, from the project root), whatever its exit code. */
export async function runScript(script: string, ...args: string[]): Promise<ScriptResult> {
    try {
        const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts", `${script}.ts`), ...args], { cwd: PROJECT_ROOT });
        return { code: 0, stdout, stderr };
    } catch (error) {
        const failure = error as ScriptResult;
        return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
}
