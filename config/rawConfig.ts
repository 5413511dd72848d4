import { z } from "zod";
import { stackConfigSchema } from "./schema";
import type { RawStackConfig } from "./validate";

/** Top-level keys whose values are objects or lists: Pulumi hands them to the program JSON-encoded. */
const STRUCTURED_KEYS: ReadonlySet<string> = new Set(
    Object.entries(stackConfigSchema.shape)
        .filter(([, schema]) => {
            const type = (z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { type?: string }).type;
            return type === "object" || type === "array";
        })
        .map(([key]) => key),
);

/**
 * The raw stack config from Pulumi's config: every key's name (to find unknown keys and namespaces) and a
 * getter for this project's values. JSON that does not parse stays text, so the schema says what is wrong.
 */
export function rawStackConfig(args: {
    readonly project: string;
    readonly stack: string;
    readonly keys: Iterable<string>;
    readonly get: (key: string) => string | undefined;
    readonly region?: string;
    readonly unreadableSecrets?: ReadonlySet<string>;
}): RawStackConfig {
    const prefix = `${args.project}:`;
    const values: Record<string, unknown> = {};
    const otherKeys: string[] = [];
    for (const fullKey of args.keys) {
        if (!fullKey.startsWith(prefix)) {
            otherKeys.push(fullKey);
            continue;
        }
        const key = fullKey.slice(prefix.length);
        const text = args.get(key);
        if (text === undefined) continue;
        values[key] = STRUCTURED_KEYS.has(key) ? parseJson(text) : text;
    }
    return {
        stack: args.stack,
        values,
        otherKeys,
        ...(args.region !== undefined ? { region: args.region } : {}),
        ...(args.unreadableSecrets ? { unreadableSecrets: args.unreadableSecrets } : {}),
    };
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return text;
    }
}
