import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./stackFile";

/**
 * The command `npm run <name>` runs, with this Node and without npm (whose own start-up is not the script's):
 * `node --flag scripts/a.js b` → [process.execPath, "--flag", "scripts/a.js", "b"], to run with cwd = the project.
 */
export function npmScriptCommand(name: string, root: string = PROJECT_ROOT): [string, ...string[]] {
    const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
    const script = scripts[name];
    if (script === undefined) throw new Error(`package.json has no script "${name}"`);
    const [command, ...args] = script.split(" ");
    if (command !== "node" || args.some((arg) => !/^[\w./=-]+$/.test(arg))) throw new Error(`npm run ${name} is not a plain node command: "${script}"`);
    return [process.execPath, ...args];
}
