import * as pulumi from "@pulumi/pulumi";
import { formatProblems } from "./messages";
import { buildModel, type EdgeModel } from "./model";
import { rawStackConfig } from "./rawConfig";
import { validateStackConfig, type RawStackConfig } from "./validate";

/**
 * A user's config mistake. A RunError, so Pulumi prints the message without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(stack: string, problems: string) {
        super(`Invalid config for stack "${stack}" (Pulumi.${stack}.yaml); nothing was created or changed:\n${problems}`);
        this.name = "ConfigError";
    }
}

/**
 * Reads this project's keys through `pulumi.Config`. Key names come from `runtime.allConfig()` (public API), to
 * find misspelt keys and namespaces. Secret keys are read with `get` too (the SDK returns their plaintext) and
 * wrapped as secret Outputs in the model at once; Pulumi.yaml declares the passwords `secret: true`, so the
 * CLI refuses them in plain text before the program starts.
 */
export function readRawConfig(): RawStackConfig {
    const config = new pulumi.Config();
    const region = new pulumi.Config("aws").get("region");
    return rawStackConfig({
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        keys: Object.keys(pulumi.runtime.allConfig()),
        get: (key) => config.get(key),
        ...(region !== undefined ? { region } : {}),
    });
}

/** Reads and validates the stack config; throws one ConfigError listing every problem. */
export function readStackConfig(): EdgeModel {
    const stack = pulumi.getStack();
    const result = validateStackConfig(readRawConfig());
    if (!result.ok) throw new ConfigError(stack, formatProblems(result.problems));
    return buildModel(result.config, result.routeTable, pulumi.getProject(), stack);
}
