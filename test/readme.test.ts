import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { withReference } from "../config/reference";

const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

describe("README", () => {
    it("has the config reference generated from the current schema (run npm run docs)", () => {
        assert.equal(readme, withReference(readme));
    });

    it("keeps the two fresh-machine commands, the second being what CI runs", () => {
        assert.ok(readme.includes("npm ci && npm run plan"));
        assert.ok(readme.includes("sudo bash .ci/run"));
        const ci = readFileSync(join(__dirname, "..", ".ci", "run"), "utf8");
        assert.match(ci, /^npm ci\b.*\nnpm test$/m);
    });
});
