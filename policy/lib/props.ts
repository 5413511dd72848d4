/**
 * Readers for untyped resource properties. Policies see plain JSON (engine or offline plan), so
 * every access goes through these instead of casts; a wrong shape reads as "absent".
 */

export type Props = Readonly<Record<string, unknown>>;

export function record(value: unknown): Props {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : {};
}

export function list(value: unknown): readonly unknown[] {
    return Array.isArray(value) ? value : [];
}

export function text(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

export function texts(value: unknown): string[] {
    return list(value).filter((item): item is string => typeof item === "string");
}

/** String-valued entries of a map such as `metadata.labels`. */
export function stringMap(value: unknown): Record<string, string> {
    return Object.fromEntries(Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** Kubernetes object identity as `namespace/name` (namespace "default" when unset). */
export function objectRef(props: Props): string {
    const metadata = record(props.metadata);
    return `${text(metadata.namespace) ?? "default"}/${text(metadata.name) ?? "(unnamed)"}`;
}

