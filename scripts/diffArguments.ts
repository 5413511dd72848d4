import { stackNames } from "../harness/stackFile";
import { DEFAULT_STACK, unknownStacks } from "./planArguments";

/** The command line of `npm run diff`, parsed without side effects so that it can be tested. */

export type DiffCommand =
    | { readonly kind: "help" }
    | { readonly kind: "diff"; readonly stack: string; readonly base: string }
    | { readonly kind: "error"; readonly message: string };

export const DEFAULT_BASE = "HEAD";

export function diffUsage(stacks: readonly string[]): string {
    return [
        "Usage: npm run diff -- [--help] [stack] [--base <git-ref>]",
        "",
        "Plans the stack offline at the base commit (a temporary git worktree) and in the working tree, and writes",
        "out/<stack>/diff.md (what pulumi up would create, update, replace and delete), summary.md and, when the",
        "traffic topology changed, topology.md.",
        "",
        `Stacks here: ${stackNames(stacks)} (default: ${DEFAULT_STACK})`,
        "Options:",
        `  --base <git-ref>  the commit, branch or tag to compare with (default: ${DEFAULT_BASE})`,
        "  -h, --help        print this help and exit",
    ].join("\n");
}

/** One stack; options anywhere, `--` ends them. An unknown option or stack refuses the call before anything is checked out. */
export function parseDiffArguments(args: readonly string[], stacks: readonly string[]): DiffCommand {
    let stack: string | undefined;
    let base = DEFAULT_BASE;
    let optionsEnded = false;
    for (let index = 0; index < args.length; index++) {
        const arg = args[index]!;
        if (!optionsEnded && arg === "--") optionsEnded = true;
        else if (!optionsEnded && (arg === "--help" || arg === "-h")) return { kind: "help" };
        else if (!optionsEnded && arg === "--base") {
            const ref = args[++index];
            if (ref === undefined || ref.startsWith("-")) return { kind: "error", message: "--base needs a git ref (npm run diff -- --help)" };
            base = ref;
        } else if (!optionsEnded && arg.startsWith("-")) return { kind: "error", message: `unknown option ${JSON.stringify(arg)} (npm run diff -- --help)` };
        else if (stack !== undefined) return { kind: "error", message: `one stack at a time: ${JSON.stringify(stack)} and ${JSON.stringify(arg)} (npm run diff -- --help)` };
        else stack = arg;
    }
    const missing = unknownStacks([stack ?? DEFAULT_STACK], stacks);
    if (missing !== undefined) return { kind: "error", message: missing };
    return { kind: "diff", stack: stack ?? DEFAULT_STACK, base };
}
