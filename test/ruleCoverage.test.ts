import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CONFIG_RULES } from "../config/ruleCatalog";

/** Test cases name the rule they exercise, as `rule: "<id>"` in a table or `[rule <id>]` in a title. */
function testedRules(): Set<string> {
    const files = ["test", join("test", "policy")].flatMap((directory) =>
        readdirSync(join(__dirname, "..", directory)).filter((file) => file.endsWith(".test.ts")).map((file) => join(__dirname, "..", directory, file)));
    const found = new Set<string>();
    for (const file of files) {
        for (const match of readFileSync(file, "utf8").matchAll(/rule: "([a-z0-9-]+)"|\[rule ([a-z0-9-]+)\]/g)) found.add(match[1] ?? match[2]!);
    }
    return found;
}

describe("README rule table", () => {
    it("has a test for every rule, and names no rule that does not exist", () => {
        const ids = CONFIG_RULES.map((rule) => rule.id);
        const tested = testedRules();
        assert.deepEqual(ids.filter((id) => !tested.has(id)), [], "rules without a test");
        assert.deepEqual([...tested].filter((id) => !ids.includes(id)), [], "tests naming an unknown rule");
        assert.equal(new Set(ids).size, ids.length, "rule ids are unique");
    });
});
