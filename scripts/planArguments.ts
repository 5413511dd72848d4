import { stackNames } from "../harness/stackFile";

/** The command line of `npm run plan`, parsed without side effects so that it can be tested. */

export type PlanCommand =
    | { readonly kind: "help" }
    | { readonly kind: "plan"; readonly stacks: readonly string[] }
    | { readonly kind: "error"; readonly message: string };

export const DEFAULT_STACK = "dev";

export function usage(stacks: readonly string[]): string {
    return [
        "Usage: npm run plan -- [--help] [stack ...]",
        "",
        "Plans each stack offline: runs index.ts under Pulumi's mocks with Pulumi.<stack>.yaml, checks the",
        "Kubernetes objects and the policy pack, and writes out/<stack>/. With several stacks, every one must",
        "plan before anything is written.",
        "",
        `Stacks here: ${stackNames(stacks)} (default: ${DEFAULT_STACK})`,
        "Options:",
        "  -h, --help  print this help and exit",
    ].join("\n");
}

/** Why `requested` names a stack that has no settings file, listing the stacks that do; undefined when all exist. */
export function unknownStacks(requested: readonly string[], stacks: readonly string[]): string | undefined {
    const missing = requested.filter((stack) => !stacks.includes(stack));
    if (missing.length === 0) return undefined;
    return `no stack ${missing.map((stack) => JSON.stringify(stack)).join(", ")}: there is no ${missing.map((stack) => `Pulumi.${stack}.yaml`).join(", ")} (stacks here: ${stackNames(stacks)}); nothing was planned`;
}

/** Options first or anywhere; `--` ends them. Unknown options and unknown stacks refuse the whole call. */
export function parsePlanArguments(args: readonly string[], stacks: readonly string[]): PlanCommand {
    const requested: string[] = [];
    let optionsEnded = false;
    for (const arg of args) {
        if (!optionsEnded && arg === "--") optionsEnded = true;
        else if (!optionsEnded && (arg === "--help" || arg === "-h")) return { kind: "help" };
        else if (!optionsEnded && arg.startsWith("-")) return { kind: "error", message: `unknown option ${JSON.stringify(arg)} (npm run plan -- --help)` };
        else if (!requested.includes(arg)) requested.push(arg);
    }
    const missing = unknownStacks(requested, stacks);
    if (missing !== undefined) return { kind: "error", message: missing };
    return { kind: "plan", stacks: requested.length > 0 ? requested : [DEFAULT_STACK] };
}
