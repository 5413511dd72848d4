import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ADDON_VERSIONS, EKS_VERSIONS } from "../components/aws/eksVersions";
import { DRAIN_TIMINGS } from "../components/timings";
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

describe("README drain timing", () => {
    it("states the figures of components/timings.ts", () => {
        const section = readme.slice(readme.indexOf("## Drain timing"), readme.indexOf("## Upgrades"));
        const health = DRAIN_TIMINGS.nlbHealthCheck;
        for (const figure of [
            `interval ${health.intervalSeconds} s, unhealthy threshold ${health.unhealthyThreshold}`,
            `≤ ${DRAIN_TIMINGS.secondsUntilUnhealthy} s`,
            `preStop sleep ${DRAIN_TIMINGS.controllerPreStopSleepSeconds} s`,
            `terminationGracePeriodSeconds ${DRAIN_TIMINGS.controllerTerminationGraceSeconds} s`,
            `unhealthy draining interval ${DRAIN_TIMINGS.unhealthyDrainingIntervalSeconds} s`,
            `deregistration delay (${DRAIN_TIMINGS.deregistrationDelaySeconds} s`,
        ]) assert.ok(section.includes(figure), figure);
    });
});

describe("README upgrades", () => {
    it("states the release calendar and the pinned versions of components/aws/eksVersions.ts", () => {
        const section = readme.slice(readme.indexOf("## Upgrades"), readme.indexOf("## Day-2 changes"));
        const rows = section.split("\n").filter((line) => /^\| 1\.\d+ \|/.test(line)).map((line) => line.split("|").slice(1, 6).map((cell) => cell.trim()));
        assert.ok(rows.length >= 5);
        for (const [version, release, standard, extended, pinned] of rows) {
            const row = EKS_VERSIONS.find((candidate) => candidate.version === version)!;
            assert.deepEqual([release, standard?.slice(0, 10), extended], [row.eksRelease, row.endOfStandardSupport, row.endOfExtendedSupport], version);
            assert.equal(pinned?.startsWith("yes"), ADDON_VERSIONS[version!] !== undefined, version);
        }
    });
});
