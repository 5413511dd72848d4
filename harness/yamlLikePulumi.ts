import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node, type Scalar } from "yaml";

/**
 * Reads YAML the way the Pulumi CLI does, or refuses it where that is not certain. Pulumi reads stack and
 * project files with Go's gopkg.in/yaml.v3 v3.0.1 (sdk/go/common/encoding/marshal.go), decoding into `any`;
 * this harness reads them with eemeli/yaml's YAML 1.2 core schema. The two agree on quoted, block and most
 * plain scalars, but not on all (yaml.v3 resolve.go, decode.go):
 * - yaml.v3 strips "_" from numbers (1_000 is 1000) and reads a leading-zero integer as octal (017 is 15),
 *   0b101 as binary, and signed hex or octal (-0x1F);
 * - it reads an unquoted date (2001-12-14) as a timestamp, which Pulumi re-serialises as a different text;
 * - it applies `<<` merge keys; YAML 1.2 has none, so eemeli/yaml keeps `<<` as an ordinary key;
 * - tags other than !!str, directives such as %YAML 1.1, and several documents are read differently or not at all.
 * yes/no/on/off are strings in both (yaml.v3 makes them booleans only when decoding into a Go bool, and Pulumi
 * decodes into `any`); duplicate keys are an error in both. Every plain scalar is resolved the yaml.v3 way
 * below and compared with eemeli/yaml's value; where they differ, or the value cannot reach the program
 * unchanged (NaN, infinities, integers past 2^53), the file is refused with the line.
 */

export interface YamlProblem {
    readonly line: number;
    readonly message: string;
}

export type YamlReadResult =
    | { readonly ok: true; readonly value: unknown; readonly lineOf: (path: readonly (string | number)[]) => number | undefined }
    | { readonly ok: false; readonly problems: readonly YamlProblem[] };

type V3Value = { readonly kind: "value"; readonly value: null | boolean | number | string } | { readonly kind: "special"; readonly what: string };

const V3_MAP: Readonly<Record<string, V3Value>> = {
    ...Object.fromEntries(["true", "True", "TRUE"].map((text) => [text, { kind: "value", value: true }])),
    ...Object.fromEntries(["false", "False", "FALSE"].map((text) => [text, { kind: "value", value: false }])),
    ...Object.fromEntries(["", "~", "null", "Null", "NULL"].map((text) => [text, { kind: "value", value: null }])),
    ...Object.fromEntries([".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"].map((text) => [text, { kind: "special", what: "NaN or infinity, which Pulumi cannot pass to the program (JSON has neither)" }])),
};

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Go's strconv.ParseInt(text, 0, 64) / ParseUint: base prefixes 0x, 0o, 0b, a leading 0 for octal. */
function goParseInteger(text: string): bigint | undefined {
    const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
    if (!match) return undefined;
    const [, sign, digits] = match as unknown as [string, string, string];
    const lower = digits.toLowerCase();
    const magnitude = lower.startsWith("0x") || lower.startsWith("0b")
        ? BigInt(lower)
        : lower.startsWith("0o")
          ? BigInt(`0o${lower.slice(2)}`)
          : lower.length > 1 && lower.startsWith("0")
            ? BigInt(`0o${lower.slice(1)}`)
            : BigInt(lower);
    const value = sign === "-" ? -magnitude : magnitude;
    return value >= -(2n ** 63n) && value < 2n ** 64n ? value : undefined;
}

/** How yaml.v3 resolves an untagged plain scalar (resolve.go `resolve` with an empty tag). */
export function resolveLikeYamlV3(text: string): V3Value {
    const first = text[0] ?? "";
    const hint = /[0-9]/.test(first) ? "D" : first === "+" || first === "-" ? "S" : first === "." ? "." : "yYnNtTfFoO~".includes(first) && first !== "" ? "M" : text === "" ? "M" : "";
    if (hint === "") return { kind: "value", value: text };
    const mapped = V3_MAP[text];
    if (mapped) return mapped;
    if (hint === "." && /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return { kind: "value", value: Number(text) };
    if (hint === "D" || hint === "S") {
        if (TIMESTAMP.test(text)) return { kind: "special", what: "a timestamp, which Pulumi passes on as a reformatted date" };
        const plain = text.replaceAll("_", "");
        const integer = goParseInteger(plain);
        if (integer !== undefined) {
            if (integer > MAX_SAFE || integer < -MAX_SAFE) return { kind: "special", what: "an integer too large to pass to the program exactly" };
            return { kind: "value", value: Number(integer) };
        }
        if (YAML_STYLE_FLOAT.test(plain)) return { kind: "value", value: Number(plain) };
    }
    return { kind: "value", value: text };
}

function sameValue(a: unknown, b: unknown): boolean {
    return a === b || (typeof a === "number" && typeof b === "number" && Object.is(a + 0, b + 0));
}

/** What the two readers make of one plain scalar, or undefined when they agree. */
function disagreement(node: Scalar): string | undefined {
    const v3 = resolveLikeYamlV3(node.source ?? "");
    if (v3.kind === "special") return `${JSON.stringify(node.source)} is ${v3.what} (quote it)`;
    if (!sameValue(v3.value, node.value)) {
        return `${JSON.stringify(node.source)} reads as ${JSON.stringify(v3.value)} in Pulumi's YAML reader (yaml.v3) but ${JSON.stringify(node.value)} here (quote it, or write the value the way you mean it)`;
    }
    return undefined;
}

/** Parses `text` and refuses every construct Pulumi's reader would read differently; lines are 1-based. */
export function readYamlLikePulumi(text: string): YamlReadResult {
    const lineCounter = new LineCounter();
    // Pulumi strips a UTF-8 byte-order mark before parsing (workspace/loaders.go readFileStripUTF8BOM).
    const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
    const documents = parseAllDocuments(source, { lineCounter, merge: false, uniqueKeys: true, version: "1.2", schema: "core" });
    const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
    if (!Array.isArray(documents)) return { ok: true, value: null, lineOf: () => undefined };
    const problems: YamlProblem[] = [];
    if (documents.length > 1) problems.push({ line: lineAt(documents[1]!.range[0]), message: "a second YAML document (Pulumi reads only the first: one document per file)" });
    const document = documents[0];
    if (!document) return { ok: true, value: null, lineOf: () => undefined };
    for (const error of document.errors) {
        const message = error.code === "DUPLICATE_KEY"
            ? "a key already defined above in the same map (Pulumi's reader refuses duplicate keys too: keep one)"
            : `${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")} (YAML syntax error)`;
        problems.push({ line: error.linePos?.[0].line ?? 1, message });
    }
    if (document.directives.yaml.explicit) problems.push({ line: 1, message: "a %YAML directive (remove it: Pulumi's reader and this one treat YAML versions differently)" });
    if (problems.length > 0) return { ok: false, problems };

    visit(document, {
        Pair(_, pair) {
            const key = pair.key;
            if (isScalar(key) && key.type === "PLAIN" && key.source === "<<") {
                problems.push({ line: lineAt(key.range?.[0]), message: "a merge key `<<` (Pulumi's reader merges the referenced map in, this plan would not: write the keys out)" });
            } else if (!isScalar(key) || typeof key.value !== "string") {
                const shown = isScalar(key) ? JSON.stringify(key.source ?? key.value) : "a collection";
                problems.push({ line: lineAt((key as Node | null)?.range?.[0]), message: `the key ${shown} is not a string (quote it)` });
            }
        },
        Scalar(_, node) {
            if (node.tag !== undefined && node.tag !== "tag:yaml.org,2002:str") {
                problems.push({ line: lineAt(node.range?.[0]), message: `the tag ${node.tag.replace("tag:yaml.org,2002:", "!!")} (Pulumi's reader and this one resolve tags differently: remove it, or use !!str)` });
                return;
            }
            if (node.type !== "PLAIN" || node.tag !== undefined) return;
            const problem = disagreement(node);
            if (problem) problems.push({ line: lineAt(node.range?.[0]), message: problem });
        },
    });
    if (problems.length > 0) return { ok: false, problems: dedupe(problems) };
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) as unknown, lineOf: (path) => lineOfPath(document, lineCounter, path) };
}

function dedupe(problems: readonly YamlProblem[]): YamlProblem[] {
    const seen = new Set<string>();
    return problems.filter((problem) => {
        const id = `${problem.line}:${problem.message}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
    }).sort((a, b) => a.line - b.line);
}

/** The line of the key at `path` (or of the item, in a list). */
function lineOfPath(document: Document, lineCounter: LineCounter, path: readonly (string | number)[]): number | undefined {
    let node: unknown = document.contents;
    let line: number | undefined;
    for (const part of path) {
        if (isAlias(node)) node = node.resolve(document);
        if (isMap(node)) {
            const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === part);
            if (!pair) return line;
            const offset = (pair.key as Node).range?.[0];
            if (offset !== undefined) line = lineCounter.linePos(offset).line;
            node = pair.value;
        } else if (isSeq(node) && typeof part === "number") {
            node = node.items[part];
            const offset = (node as Node | undefined)?.range?.[0];
            if (offset !== undefined) line = lineCounter.linePos(offset).line;
        } else {
            return line;
        }
    }
    return line;
}
