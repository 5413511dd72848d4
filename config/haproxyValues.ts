/**
 * Values that end up in HAProxy's generated configuration, checked as haproxy-ingress v0.16.1 and HAProxy 2.8
 * take them.
 */

/** haproxy-ingress ignores a timeout key whose value does not match `^[0-9]+(us|ms|s|m|h|d)$` (annotations/updater.go regexValidTime). */
const TIME = /^([0-9]+)(us|ms|s|m|h|d)$/;
const MS_PER_UNIT: Readonly<Record<string, bigint>> = { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n, d: 86_400_000n };
/** HAProxy 2.8 refuses timers of 2^31 ms or more (src/tools.c parse_time_err, "timer overflow … ~24.8 days"). */
export const HAPROXY_MAX_TIMER_MS = 2_147_483_647n;

export function haproxyTimeoutProblem(value: string): string | undefined {
    const match = TIME.exec(value);
    if (!match) return `${JSON.stringify(value)} is not a time (a whole number and a unit: us, ms, s, m, h or d, e.g. 30s)`;
    const amount = BigInt(match[1]!);
    const unit = match[2]!;
    // HAProxy rounds microseconds up to whole milliseconds (configuration.txt 2.5 "Time format").
    const milliseconds = unit === "us" ? (amount + 999n) / 1000n : amount * MS_PER_UNIT[unit]!;
    if (amount === 0n) return `${JSON.stringify(value)} is zero (HAProxy reads 0 as no timeout at all: at least 1ms)`;
    if (milliseconds > HAPROXY_MAX_TIMER_MS) return `${JSON.stringify(value)} is more than HAProxy's largest timer (2147483647ms, about 24.8 days)`;
    return undefined;
}

/**
 * A rewrite target: haproxy-ingress writes it, single-quoted, as the <replace-fmt> of `http-request replace-path`
 * (annotations/backend.go buildBackendRewriteURL; haproxy.tmpl), which HAProxy reads as a log-format string:
 * `%` would start a sample expression and `\` a back-reference. So: path characters without `%`, `\` or quotes.
 */
const REWRITE_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/]*$/;

export function rewriteTargetProblem(value: string): string | undefined {
    if (!REWRITE_TARGET.test(value)) {
        return `${JSON.stringify(value)} is not a plain path (must start with "/"; letters, digits and - . _ ~ ! $ & ( ) * + , ; = : @ /; no %, \\, quotes, spaces or control characters: HAProxy reads the target as a log-format string)`;
    }
    return undefined;
}
