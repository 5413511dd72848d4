import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ANNOTATION_PREFIX, IngressKey } from "../../components/haproxy/keys";
import type { RecordedResource } from "../../harness/mockEngine";
import { listStacks } from "../../harness/stackFile";
import { POLICIES } from "../../policy/allPolicies";
import { enforcementLevels, evaluatePolicies, loadPolicyConfig } from "../../policy/offline";
import { PRODUCTION_CONFIG, compliantStack, evaluate } from "./fixtures";

/** The baseline with the NLB cross-zone off: one advisory violation of nlb-cross-zone. */
function oneAdvisoryViolation() {
    const stack = compliantStack();
    stack.nlb.props.enableCrossZoneLoadBalancing = false;
    return stack;
}

describe("evaluatePolicies levels", () => {
    const levelUnder = (config: Parameters<typeof evaluate>[1]): string | undefined => evaluate(oneAdvisoryViolation(), config)[0]?.level;

    it("uses the policy's own level without config", () => {
        assert.equal(levelUnder(undefined), "advisory");
    });

    it("lets all, then the policy's entry override it", () => {
        assert.equal(levelUnder({ all: "mandatory" }), "mandatory");
        assert.equal(levelUnder({ all: "mandatory", "nlb-cross-zone": "advisory" }), "advisory");
        assert.equal(levelUnder({ all: "advisory", "nlb-cross-zone": { enforcementLevel: "mandatory" } }), "mandatory");
        assert.equal(levelUnder({ "nlb-cross-zone": "remediate" }), "mandatory");
    });

    it("skips disabled policies unless asked to include them", () => {
        const stack = Object.values(oneAdvisoryViolation());
        assert.deepEqual(evaluatePolicies(stack, { config: { "nlb-cross-zone": "disabled" } }), []);
        const included = evaluatePolicies(stack, { config: { "nlb-cross-zone": "disabled" }, includeDisabled: true });
        assert.deepEqual(included.map((violation) => [violation.policy, violation.level]), [["nlb-cross-zone", "disabled"]]);
    });

    it("makes every policy mandatory with the production config", () => {
        assert.deepEqual(new Set(Object.values(enforcementLevels(PRODUCTION_CONFIG))), new Set(["mandatory"]));
        assert.equal(Object.keys(enforcementLevels()).length, POLICIES.length);
    });
});

describe("policy config validation", () => {
    const cases: { name: string; config: Record<string, unknown>; problem: string }[] = [
        { name: "unknown policy", config: { "no-such-policy": "mandatory" }, problem: 'unknown policy "no-such-policy"' },
        { name: "unknown property", config: { "nlb-cross-zone": { colour: "red" } }, problem: "nlb-cross-zone.colour is not a property of this policy" },
        { name: "wrong type", config: { "ingress-source-allowlist": { allowWorldOpen: "yes" } }, problem: "ingress-source-allowlist.allowWorldOpen must be of type boolean" },
        { name: "below minimum", config: { "controller-high-availability": { minReplicas: 0 } }, problem: "minReplicas must be at least 1" },
        { name: "item off the enum", config: { "eks-control-plane-logs": { requiredLogTypes: ["api", "kubelet"] } }, problem: "requiredLogTypes items must be one of" },
        { name: "bad level", config: { all: "strict" }, problem: 'all: enforcement level "strict" is not one of' },
        { name: "an entry that is neither", config: { "nlb-cross-zone": null }, problem: "nlb-cross-zone: expected an enforcement level or an object" },
    ];
    for (const testCase of cases) {
        it(`rejects ${testCase.name}`, () => {
            assert.throws(() => evaluatePolicies([], { config: testCase.config as never }), (error: Error) => error.message.includes(testCase.problem));
        });
    }
});

describe("resource shapes", () => {
    it("accepts RecordedResource (inputs, URN dependencies) as the plan records it", () => {
        const stack = compliantStack();
        stack.dnsRecord.props.aliases[0]!.name = "elsewhere.example.net";
        const recorded: RecordedResource[] = Object.values(stack).map(({ props, ...rest }) => ({ ...rest, custom: true, inputs: props, rawInputs: props, secretPaths: [], aliases: [], propertyDependencies: {}, id: "", computed: {} }));
        assert.deepEqual(evaluatePolicies(recorded), [], "the record still depends on the NLB");
        const withoutDependency = recorded.map((resource) => (resource.urn === stack.dnsRecord.urn ? { ...resource, dependencies: [] } : resource));
        assert.deepEqual(evaluatePolicies(withoutDependency).map((violation) => violation.policy), ["ingress-hosts-have-dns"]);
    });

    it("accepts engine-style resources whose parent and dependencies are objects", () => {
        const stack = compliantStack();
        stack.dnsRecord.props.aliases[0]!.name = "elsewhere.example.net";
        const resources = Object.values(stack).map((resource) => ({ ...resource, dependencies: resource.dependencies.map((urn) => ({ urn })), parent: { urn: "urn:pulumi:test::commerce-edge::pulumi:pulumi:Stack::commerce-edge-test" } }));
        assert.deepEqual(evaluatePolicies(resources), []);
    });

    it("reports resource violations against the resource URN and reads config per policy", () => {
        const stack = compliantStack();
        stack.httpIngress.props.metadata.annotations[`${ANNOTATION_PREFIX}${IngressKey.wafMode}`] = "detect";
        const [violation] = evaluatePolicies(Object.values(stack), { config: { "ingress-waf-modsecurity": { requireDenyMode: true } } });
        assert.equal(violation?.resource, stack.httpIngress.urn);
    });
});

describe("loadPolicyConfig", () => {
    it("reads config.<stack>.json, or {} when the stack has none", () => {
        const directory = mkdtempSync(join(tmpdir(), "policy-config-"));
        writeFileSync(join(directory, "config.staging.json"), JSON.stringify({ all: "mandatory" }));
        assert.deepEqual(loadPolicyConfig("staging", directory), { all: "mandatory" });
        assert.deepEqual(loadPolicyConfig("dev", directory), {});
        writeFileSync(join(directory, "config.broken.json"), "[]");
        assert.throws(() => loadPolicyConfig("broken", directory), /must hold a JSON object/);
    });

    it("refuses names that are not stack names", () => {
        assert.throws(() => loadPolicyConfig("../secrets"), /is not a stack name/);
    });
});

describe("pack metadata", () => {
    it("has unique policy names, each with a configSchema", () => {
        const names = POLICIES.map((policy) => policy.name);
        assert.equal(new Set(names).size, names.length);
        for (const policy of POLICIES) assert.ok(policy.configSchema, `${policy.name} has no configSchema`);
    });

    it("documents every policy with its level in each stack in the README", () => {
        const readme = readFileSync(join(__dirname, "../../policy/README.md"), "utf8");
        const cells = (line: string): string[] => line.split("|").slice(1, -1).map((cell) => cell.trim());
        const stacks = cells(/^\| policy \| checks \|.*$/m.exec(readme)?.[0] ?? "").slice(2);
        assert.deepEqual([...stacks].sort(), listStacks(), "one level column per Pulumi.<stack>.yaml");
        const rows = new Map([...readme.matchAll(/^\| `([a-z0-9-]+)` \|.*$/gm)].map((match) => [match[1], cells(match[0]).slice(2)] as const));
        const levels = stacks.map((stack) => enforcementLevels(loadPolicyConfig(stack)));
        assert.deepEqual([...rows.keys()].sort(), POLICIES.map((policy) => policy.name).sort());
        for (const policy of POLICIES) assert.deepEqual(rows.get(policy.name), levels.map((level) => level[policy.name]), policy.name);
    });
});
