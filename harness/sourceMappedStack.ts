import { existsSync, readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { dirname, resolve } from "node:path";

/**
 * A stack trace with the frames of a bundle (scripts/runBundled.js) pointed back at the TypeScript sources, through
 * the source map written beside the bundle. The plan runs without Node's source maps: the Pulumi SDK reads
 * `new Error().stack` for every resource and promise, and mapping each of those cost more than a tenth of a plan.
 * So a stack is mapped only when it is printed. Frames of files without a `.map` beside them are left as they are.
 */
export function sourceMappedStack(stack: string): string {
    return stack.replace(FRAME_POSITION, (position: string, file: string, line: string, column: string) => {
        const origin = sourceMapOf(file)?.findOrigin(Number(line), Number(column));
        if (!origin || !("fileName" in origin)) return position;
        return `${resolve(dirname(file), origin.fileName)}:${origin.lineNumber}:${origin.columnNumber}`;
    });
}

/** `/path/file.js:12:34` in a frame line (`    at name (…)` or `    at …`). */
const FRAME_POSITION = /(?<=^\s+at (?:.*\()?)(\/[^():]+\.js):(\d+):(\d+)/gm;

const sourceMaps = new Map<string, SourceMap | undefined>();

function sourceMapOf(file: string): SourceMap | undefined {
    if (!sourceMaps.has(file)) {
        const mapFile = `${file}.map`;
        sourceMaps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")) as SourceMapPayload) : undefined);
    }
    return sourceMaps.get(file);
}
