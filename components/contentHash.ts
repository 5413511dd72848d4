import { createHash } from "node:crypto";

/**
 * The first `length` hex digits of the SHA-256 of `text`: for names and annotations that change exactly when the
 * content does (a new ConfigMap name, a pod-template annotation that rolls the pods).
 */
export function contentHash(text: string, length: number): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}
