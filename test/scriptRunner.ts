import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { npmScriptCommand } from "../harness/npmScript";
import { PROJECT_ROOT } from "../harness/stackFile";

export interface ScriptResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

const run = promisify(execFile);

/** Runs `npm run <script> -- …` as package.json defines it (without npm itself), from the project root, whatever its exit code. */
export async function runScript(script: string, ...args: string[]): Promise<ScriptResult> {
    try {
        const [node, ...command] = npmScriptCommand(script);
        const { stdout, stderr } = await run(node, [...command, ...args], { cwd: PROJECT_ROOT });
        return { code: 0, stdout, stderr };
    } catch (error) {
        const failure = error as ScriptResult;
        return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
}
