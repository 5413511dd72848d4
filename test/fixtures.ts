import assert from "node:assert/strict";
import { formatProblems } from "../config/messages";
import { validateStackConfig, type RawStackConfig } from "../config/validate";

/** A valid dev config, as parsed from the stack file; tests deep-copy and mutate it. */
export function validValues(): Record<string, unknown> {
    return {
        environment: "dev",
        dns: { zoneName: "example.com" },
        routes: {
            cortex: { host: "api.example.com", image: "registry.example.com/ep/cortex:8.6.0", allowlist: ["198.51.100.0/24"] },
            activemq: { consoleHost: "mq.example.com", allowlist: ["198.51.100.0/24"], consoleAllowlist: ["203.0.113.0/24"] },
        },
        activemqAdminPassword: "admin-password-123",
        activemqBrokerPassword: "broker-password-123",
    };
}

export const SECRET_KEYS_SET = new Set(["activemqAdminPassword", "activemqBrokerPassword", "tlsCertificate", "tlsPrivateKey"]);

/** A stack name that names no tier, so that any environment fits it. */
export const NEUTRAL_STACK = "edge-test";

export function raw(values: Record<string, unknown>, stack = NEUTRAL_STACK, more: Partial<RawStackConfig> = {}): RawStackConfig {
    return { stack, values, ...more };
}

/** Full Pulumi config (project:key → string) for running the program under mocks. */
export function programConfig(values: Record<string, unknown>): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = { "aws:region": "eu-west-1" };
    for (const [key, value] of Object.entries(values)) config[`commerce-edge:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    return { config, secretKeys: [...SECRET_KEYS_SET].map((key) => `commerce-edge:${key}`) };
}

/** A change to the baseline values; the values are plain data, typed loosely so each case can reach any key. */
export type Mutation = (values: Record<string, any>) => void;

/** The problems validation reports for the baseline with `mutate` applied; fails the test if it is accepted. */
export function problemsOf(mutate: Mutation): string {
    const values = structuredClone(validValues()) as Record<string, any>;
    mutate(values);
    const result = validateStackConfig(raw(values));
    assert.equal(result.ok, false, "expected the config to be rejected");
    return result.ok ? "" : formatProblems(result.problems);
}
