import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { escapeControlCharacters } from "../config/messages";
import { needsCertificateSecrets } from "../config/rules";
import { SECRET_KEYS } from "../config/schema";
import { PROVIDER_NAMESPACES } from "../config/validate";
import { readYamlLikePulumi } from "./yamlLikePulumi";

export const PROJECT = "commerce-edge";

/**
 * The nearest directory at or above `start` with a Pulumi.yaml, as the Pulumi CLI finds its project. Found, not
 * fixed relative to this file: the plan also runs from a bundle in node_modules/.cache (scripts/runBundled.js).
 */
export function projectRootAbove(start: string): string {
    for (let directory = start; ; directory = dirname(directory)) {
        if (existsSync(join(directory, "Pulumi.yaml"))) return directory;
        if (dirname(directory) === directory) throw new Error(`no Pulumi.yaml in ${start} or any directory above it`);
    }
}

export const PROJECT_ROOT = projectRootAbove(__dirname);

/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI does before it starts the program, with the project's
 * `config:` declarations from Pulumi.yaml (pulumi/pulumi sdk/go/common/workspace/loaders.go
 * LoadProjectStackBytes, sdk/go/common/resource/config key.go/object.go, pkg/workspace/config.go mergeConfig):
 * - YAML as yaml.v3 reads it (harness/yamlLikePulumi.ts), or refused with the line;
 * - a key without a namespace belongs to the project (stackConfigNamespacedWithProject); `ns:config:name` is the
 *   old form of `ns:name`; any other colon count is refused (ParseKey);
 * - a top-level key left empty is the empty string (Pulumi warns, checkForEmptyConfig);
 * - a declared key without a default must be set ("Stack 'dev' is missing configuration value …"), a declared
 *   default fills it in, a `secret: true` key must be `secure:` ("… must be encrypted as it's secret"), and a
 *   typed key must have its type (ValidateConfigValue).
 * Stricter than the CLI, because the offline plan must not guess: unknown namespaces (a misspelt one drops its
 * keys silently), unknown top-level keys, ESC `environment:` imports, and encrypted values of keys that are
 * not secrets are refused; every secret of the program's schema must be `secure:`.
 */

export interface StackConfigFile {
    /** Full keys (`commerce-edge:routes`, `aws:region`) to strings, as Pulumi passes config to a program. */
    readonly config: Record<string, string>;
    /** Full keys of the values Pulumi marks secret. */
    readonly secretKeys: string[];
    /** Full keys of the `secure:` values to their ciphertext, whatever spelling of the key the file uses. */
    readonly ciphertexts: Readonly<Record<string, string>>;
    /** Secrets the plan does not have (encrypted, or required and not set): planned with a placeholder. */
    readonly placeholders: string[];
    /** Facts about the file the plan reports, e.g. which secrets are placeholders and why. */
    readonly notices: string[];
}

/** A mistake in a project or stack file: printed as is, without a stack trace. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(escapeControlCharacters(message));
        this.name = "StackFileError";
    }
}

const PLACEHOLDER_PREFIX = "offline-placeholder-for-";

/**
 * The value the offline plan uses for a secret it cannot read; marked so that nobody takes it for a real one.
 * An encrypted secret's placeholder carries a short hash of its ciphertext, so that a changed ciphertext changes
 * what consumes it (the plan diff counts those updates); the hash of a ciphertext tells nothing of the value.
 * A secret the file does not hold at all has the bare placeholder.
 */
export function placeholderFor(key: string, ciphertext?: string): string {
    if (ciphertext === undefined) return `${PLACEHOLDER_PREFIX}${key}`;
    return `${PLACEHOLDER_PREFIX}${key}-${createHash("sha256").update(ciphertext).digest("hex").slice(0, 8)}`;
}

/** Whether `text` holds a placeholder of `key` (made by placeholderFor, of any ciphertext or none). */
export function containsPlaceholder(text: string, key: string): boolean {
    const escapedKey = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`${PLACEHOLDER_PREFIX}${escapedKey}(?:-[0-9a-f]{8})?(?![\\w-])`).test(text);
}

/** Stacks that have a settings file here (`Pulumi.<stack>.yaml`). */
export function listStacks(root: string = PROJECT_ROOT): string[] {
    return readdirSync(root)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

/** The stacks as messages name them. */
export function stackNames(stacks: readonly string[]): string {
    return stacks.length > 0 ? stacks.join(", ") : "none";
}

export type ConfigType = "string" | "integer" | "boolean" | "array" | "object";

export interface ConfigDeclaration {
    readonly type?: ConfigType;
    readonly items?: { readonly type: ConfigType };
    readonly secret?: boolean;
    readonly default?: unknown;
    readonly description?: string;
}

interface Located {
    readonly line: number | undefined;
    readonly message: string;
}

function fail(file: string, heading: string, problems: readonly Located[]): never {
    throw new StackFileError(`${heading}:\n${problems.map((problem) => `  ${file}${problem.line === undefined ? "" : `:${problem.line}`}: ${problem.message}`).join("\n")}`);
}

function readYamlFile(path: string, file: string, heading: string) {
    const result = readYamlLikePulumi(readFileSync(path, "utf8"));
    if (!result.ok) fail(file, heading, result.problems);
    return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `{ secure: <ciphertext> }`, the form `pulumi config set --secret` writes (config/object.go isSecureValue). */
function isSecure(value: unknown): boolean {
    return isRecord(value) && Object.keys(value).length === 1 && typeof value.secure === "string";
}

function containsSecure(value: unknown): boolean {
    if (isSecure(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecure);
    return isRecord(value) && Object.values(value).some(containsSecure);
}

/** The string the program receives (config/object.go MarshalString): scalars as text, collections as JSON. */
function asConfigText(value: unknown): string {
    if (value === null) return "";
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Pulumi's key parsing (config/key.go ParseKey) after namespacing bare keys with the project. */
function fullKeyOf(key: string, project: string): string | undefined {
    const parts = key.split(":");
    if (parts.length === 1) return `${project}:${key}`;
    if (parts.length === 2) return key;
    if (parts.length === 3 && parts[1] === "config") return `${parts[0]}:${parts[2]}`;
    return undefined;
}

/** ValidateConfigValue (workspace/project.go) for a value as the CLI sees it: scalars arrive as text. */
function typeMatches(declaration: ConfigDeclaration, value: unknown): boolean {
    const text = isRecord(value) || Array.isArray(value) ? undefined : asConfigText(value);
    switch (declaration.type) {
        case undefined:
        case "string":
            return declaration.type === undefined || text !== undefined;
        case "integer":
            return text !== undefined && /^[-+]?[0-9]+$/.test(text);
        case "boolean":
            return text === "true" || text === "false";
        case "object":
            return isRecord(value);
        case "array":
            return Array.isArray(value) && value.every((item) => typeMatches({ type: declaration.items?.type ?? "string" }, item));
    }
}

function defaultCertificateSecretOf(ingressText: string | undefined): unknown {
    try {
        const ingress = JSON.parse(ingressText ?? "{}") as unknown;
        return isRecord(ingress) ? ingress.defaultCertificateSecret : undefined;
    } catch {
        return undefined;
    }
}

/** The project's name and config declarations, keyed by full key. */
export function readProject(root: string = PROJECT_ROOT): { readonly name: string; readonly declarations: Readonly<Record<string, ConfigDeclaration>> } {
    const document = readYamlFile(join(root, "Pulumi.yaml"), "Pulumi.yaml", "Pulumi.yaml cannot be read");
    const project = isRecord(document.value) ? document.value : {};
    const name = typeof project.name === "string" ? project.name : PROJECT;
    const declarations: Record<string, ConfigDeclaration> = {};
    for (const [key, declaration] of Object.entries(isRecord(project.config) ? project.config : {})) {
        const fullKey = fullKeyOf(key, name);
        if (fullKey && isRecord(declaration)) declarations[fullKey] = declaration as ConfigDeclaration;
    }
    return { name, declarations };
}

const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt"];
const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

/** Real secret values for the offline plan from the untracked `.offline-secrets.<stack>.yaml` (README "Offline plan"). */
function readOfflineSecrets(root: string, stack: string, project: string): Map<string, string> {
    const file = `.offline-secrets.${stack}.yaml`;
    const path = join(root, file);
    const secrets = new Map<string, string>();
    if (!existsSync(path)) return secrets;
    const document = readYamlFile(path, file, `${file} cannot be read`);
    const problems: Located[] = [];
    for (const [key, value] of Object.entries(isRecord(document.value) ? document.value : {})) {
        const shortKey = key.startsWith(`${project}:`) ? key.slice(project.length + 1) : key;
        if (!SECRET_KEY_SET.has(shortKey)) problems.push({ line: document.lineOf([key]), message: `${key}: is not a secret of this project (allowed: ${SECRET_KEYS.join(", ")})` });
        else if (typeof value !== "string") problems.push({ line: document.lineOf([key]), message: `${key}: is not a string (quote the value, or use a block scalar: |)` });
        else secrets.set(`${project}:${shortKey}`, value);
    }
    if (problems.length > 0) fail(file, `${file} cannot be used`, problems);
    return secrets;
}

/**
 * Reads `Pulumi.<stack>.yaml` as the Pulumi CLI would hand it to the program. Secrets the plan cannot read
 * (`secure:` ciphertext, or required and not set) become marked placeholders, only where the config has or
 * requires them, unless `.offline-secrets.<stack>.yaml` gives their real value.
 */
export function readStackFile(stack: string, root: string = PROJECT_ROOT): StackConfigFile {
    const file = `Pulumi.${stack}.yaml`;
    const path = join(root, file);
    if (!existsSync(path)) {
        const stacks = listStacks(root);
        throw new StackFileError(`No stack "${stack}": there is no ${file} (stacks here: ${stackNames(stacks)})`);
    }
    const { name: project, declarations } = readProject(root);
    const document = readYamlFile(path, file, `${file} cannot be read`);
    const heading = `${file} is not a valid stack file; nothing was planned`;
    const problems: Located[] = [];
    const top = document.value ?? {};
    if (!isRecord(top)) fail(file, heading, [{ line: 1, message: "is not a map of settings (config: …)" }]);
    for (const key of Object.keys(top)) {
        if (key === "environment") problems.push({ line: document.lineOf([key]), message: "environment: imports Pulumi ESC environments, which the offline plan cannot open (set the config in this file)" });
        else if (!STACK_FILE_KEYS.includes(key)) problems.push({ line: document.lineOf([key]), message: `${key}: is not a stack file setting, and Pulumi ignores it (allowed: ${STACK_FILE_KEYS.join(", ")}, environment)` });
    }
    const rawConfig = top.config ?? {};
    if (!isRecord(rawConfig)) fail(file, heading, [{ line: document.lineOf(["config"]), message: "config: is not a map of keys" }]);

    const offlineSecrets = readOfflineSecrets(root, stack, project);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const ciphertexts: Record<string, string> = {};
    const placeholders: string[] = [];
    const notices: string[] = [];
    const firstLine = new Map<string, string>();
    const knownNamespaces = [project, ...PROVIDER_NAMESPACES];

    for (const [key, value] of Object.entries(rawConfig)) {
        const line = document.lineOf(["config", key]);
        const fullKey = fullKeyOf(key, project);
        if (fullKey === undefined) {
            problems.push({ line, message: `${key}: is not a config key (namespace:name, e.g. ${project}:routes)` });
            continue;
        }
        const namespace = fullKey.slice(0, fullKey.indexOf(":"));
        if (!knownNamespaces.includes(namespace)) {
            problems.push({ line, message: `${key}: the namespace "${namespace}" is read by nothing (allowed: ${knownNamespaces.join(", ")}; a misspelt namespace drops the key silently)` });
            continue;
        }
        const earlier = firstLine.get(fullKey);
        if (earlier !== undefined) {
            problems.push({ line, message: `${key}: is ${fullKey} again (first written as ${earlier}; Pulumi would keep one of the two at random)` });
            continue;
        }
        firstLine.set(fullKey, key);
        const shortKey = namespace === project ? fullKey.slice(project.length + 1) : undefined;
        const declaration = declarations[fullKey];
        const mustBeSecret = declaration?.secret === true || (shortKey !== undefined && SECRET_KEY_SET.has(shortKey));
        if (isSecure(value)) {
            if (shortKey !== undefined && !mustBeSecret) {
                problems.push({ line, message: `${key}: is encrypted, but it is not a secret of this program and the offline plan cannot decrypt it (set it in plain text)` });
                continue;
            }
            secretKeys.push(fullKey);
            const ciphertext = (value as { secure: string }).secure;
            ciphertexts[fullKey] = ciphertext;
            const known = offlineSecrets.get(fullKey);
            config[fullKey] = known ?? placeholderFor(shortKey ?? fullKey, ciphertext);
            if (known === undefined && shortKey !== undefined) {
                placeholders.push(shortKey);
                notices.push(`${shortKey}: encrypted in ${file}; planned with a placeholder (give the offline plan its value in .offline-secrets.${stack}.yaml)`);
            }
            continue;
        }
        if (containsSecure(value)) {
            problems.push({ line, message: `${key}: holds an encrypted value inside it, which the offline plan cannot decrypt and this program does not expect (only ${SECRET_KEYS.join(", ")} are secrets, as whole keys)` });
            continue;
        }
        // A key left empty is "" to Pulumi (checkForEmptyConfig), so it too must be encrypted and of its type.
        if (mustBeSecret) {
            problems.push({ line, message: `${key}: is in plain text, but it is a secret (pulumi config set --secret ${shortKey ?? key} <value>; the CLI refuses it: "must be encrypted as it's secret")` });
            continue;
        }
        if (declaration?.type !== undefined && !typeMatches(declaration, value)) {
            problems.push({ line, message: `${key}: must be of type ${declaration.type === "array" ? `array<${declaration.items?.type ?? "string"}>` : declaration.type} (Pulumi.yaml declares it so; the CLI stops with the same words)` });
            continue;
        }
        config[fullKey] = asConfigText(value);
    }

    /** A secret the config requires and the file does not hold: its offline value, else a reported placeholder. */
    const planRequiredSecret = (fullKey: string, why: string): void => {
        const shortKey = fullKey.slice(project.length + 1);
        secretKeys.push(fullKey);
        const known = offlineSecrets.get(fullKey);
        config[fullKey] = known ?? placeholderFor(shortKey);
        if (known === undefined) {
            placeholders.push(shortKey);
            notices.push(`${shortKey}: ${why}`);
        }
    };
    for (const [fullKey, declaration] of Object.entries(declarations)) {
        if (firstLine.has(fullKey) || !fullKey.startsWith(`${project}:`)) continue;
        const shortKey = fullKey.slice(project.length + 1);
        if (declaration.default !== undefined) {
            config[fullKey] = asConfigText(declaration.default);
            continue;
        }
        if (declaration.secret === true) {
            planRequiredSecret(fullKey, `not set in ${file}; planned with a placeholder (pulumi up stops until it is set: pulumi config set --secret ${shortKey} <value>)`);
            continue;
        }
        problems.push({ line: undefined, message: `${fullKey}: is not set, and Pulumi.yaml declares it without a default (the CLI stops with "Stack '${stack}' is missing configuration value '${shortKey}'")` });
    }
    const certificateKeys = ["tlsCertificate", "tlsPrivateKey"].map((key) => `${project}:${key}`);
    if (certificateKeys.every((key) => config[key] === undefined) && needsCertificateSecrets(config[`${project}:environment`], defaultCertificateSecretOf(config[`${project}:ingress`]))) {
        for (const fullKey of certificateKeys) {
            planRequiredSecret(fullKey, `required in production and not set in ${file}; planned with a placeholder (pulumi up stops until it is set: pulumi config set --secret ${fullKey.slice(project.length + 1)} < file)`);
        }
    }
    for (const fullKey of offlineSecrets.keys()) {
        // A secret the stack file does not hold at all stays unset: the plan must not invent config.
        if (config[fullKey] === undefined) notices.push(`${fullKey.slice(project.length + 1)}: given in .offline-secrets.${stack}.yaml but not set in ${file}, so ignored (pulumi config set --secret sets it)`);
    }
    if (problems.length > 0) fail(file, heading, problems);
    return { config, secretKeys, ciphertexts, placeholders, notices };
}
