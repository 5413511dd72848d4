import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SECRET_KEYS } from "../config/schema";

export const PROJECT = "commerce-edge";
export const PROJECT_ROOT = join(__dirname, "..");

export interface StackConfigFile {
    /** Full keys (`commerce-edge:routes`, `aws:region`) to strings, as Pulumi passes config to a program. */
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    /** Secret keys given a placeholder because the file holds only ciphertext or nothing for them. */
    readonly placeholders: string[];
}

/** The value the offline plan uses for a secret it cannot decrypt; never valid for a real deployment. */
export function placeholderFor(key: string): string {
    return `offline-placeholder-for-${key}`;
}

/**
 * Reads `Pulumi.<stack>.yaml` as the Pulumi CLI would hand it to the program. `secure:` values
 * cannot be decrypted without the CLI, so they, and secrets the file does not set, become marked
 * placeholders; a real `pulumi up` reads the real values or fails on the missing ones.
 */
export function readStackFile(stack: string, root: string = PROJECT_ROOT): StackConfigFile {
    const file = join(root, `Pulumi.${stack}.yaml`);
    const document = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const placeholders: string[] = [];
    for (const [key, value] of Object.entries(document?.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            const shortKey = key.slice(key.indexOf(":") + 1);
            config[key] = placeholderFor(shortKey);
            secretKeys.push(key);
            placeholders.push(shortKey);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    for (const key of SECRET_KEYS) {
        const fullKey = `${PROJECT}:${key}`;
        if (config[fullKey] === undefined) {
            config[fullKey] = placeholderFor(key);
            secretKeys.push(fullKey);
            placeholders.push(key);
        }
    }
    return { config, secretKeys, placeholders };
}
