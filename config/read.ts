import * as pulumi from "@pulumi/pulumi";
import { formatProblems } from "./messages";
import { buildModel, type EdgeModel } from "./model";
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

/** Structured config values arrive JSON-encoded; plain strings stay strings. */
function parseValue(text: string): unknown {
    const trimmed = text.trimStart();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(text) as unknown;
        } catch {
            return text;
        }
    }
    return text;
}

/**
 * Whether a key was set with `--secret`. The SDK's `runtime.isConfigSecret` is marked internal, so it
 * is reached through a narrow cast; without it every set secret key counts as secret.
 */
function isSecretKey(fullKey: string): boolean {
    const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
    return runtime.isConfigSecret ? runtime.isConfigSecret(fullKey) : true;
}

/** Reads this project's keys from the Pulumi runtime config. */
export function readRawConfig(): RawStackConfig {
    const prefix = `${pulumi.getProject()}:`;
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        values[key] = parseValue(text);
        if (isSecretKey(fullKey)) secretKeys.add(key);
    }
    return { stack: pulumi.getStack(), values, secretKeys };
}

/** Reads and validates the stack config; throws one ConfigError listing every problem. */
export function readStackConfig(): EdgeModel {
    const stack = pulumi.getStack();
    const result = validateStackConfig(readRawConfig());
    if (!result.ok) throw new ConfigError(stack, formatProblems(result.problems));
    return buildModel(result.config, result.routeTable, pulumi.getProject(), stack);
}
