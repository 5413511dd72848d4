import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ADDON_VERSIONS, DEFAULT_KUBERNETES_VERSION, EKS_CALENDAR_AS_OF, EKS_VERSIONS, supportStatus } from "../components/aws/eksVersions";
import { clock } from "../config/clock";
import { kubernetesVersionProblems, kubernetesVersionWarnings } from "../config/kubernetesVersion";
import { formatProblems } from "../config/messages";
import { validateStackConfig } from "../config/validate";
import { raw, validValues } from "./fixtures";

const TODAY = "2026-12-01";
const problems = (kubernetesVersion: string, upgradePolicy: "EXTENDED" | "STANDARD" = "EXTENDED", today = TODAY): string =>
    formatProblems(kubernetesVersionProblems({ kubernetesVersion, upgradePolicy }, today));

describe("EKS version table", () => {
    it("defaults to the newest version in standard support on the table's date that has pinned add-ons", () => {
        const candidates = EKS_VERSIONS.filter((version) => supportStatus(version, EKS_CALENDAR_AS_OF) === "standard" && ADDON_VERSIONS[version.version]);
        assert.equal(DEFAULT_KUBERNETES_VERSION, candidates[0]?.version);
        assert.equal(DEFAULT_KUBERNETES_VERSION, "1.36");
    });

    it("lists versions newest first with 14 months of standard and 12 of extended support", () => {
        for (const [index, version] of EKS_VERSIONS.entries()) {
            if (index > 0) assert.ok(Number(version.version.split(".")[1]) === Number(EKS_VERSIONS[index - 1]!.version.split(".")[1]) - 1);
            assert.equal(version.endOfExtendedSupport, `${Number(version.endOfStandardSupport.slice(0, 4)) + 1}${version.endOfStandardSupport.slice(4)}`, version.version);
            const released = new Date(`${version.eksRelease}T00:00:00Z`);
            released.setUTCMonth(released.getUTCMonth() + 14);
            assert.ok(Math.abs(released.getTime() - Date.parse(version.endOfStandardSupport)) <= 5 * 86_400_000, `${version.version} standard support is about 14 months`);
        }
    });

    it("pins every add-on for each version it pins any, in EKS add-on version format", () => {
        for (const [version, addons] of Object.entries(ADDON_VERSIONS)) {
            for (const value of Object.values(addons)) assert.match(value, /^v\d+\.\d+\.\d+-eksbuild\.\d+$/, version);
            assert.ok(addons.kubeProxy.startsWith(`v${version}.`), "kube-proxy matches the Kubernetes minor version");
        }
    });
});

describe("cluster.kubernetesVersion", () => {
    it("accepts a version in standard support, and one in extended support with the EXTENDED policy", () => {
        assert.equal(problems("1.36"), "");
        assert.equal(problems("1.33"), "");
    });

    it("refuses a version past the end of extended support", () => {
        assert.equal(problems("1.31"), "  cluster.kubernetesVersion: is 1.31, whose EKS extended support ended on 2026-11-26 (EKS no longer runs it: 1.32 or later)");
        assert.equal(problems("1.33", "EXTENDED", "2027-07-29"), "  cluster.kubernetesVersion: is 1.33, whose EKS extended support ended on 2027-07-29 (EKS no longer runs it: 1.34 or later)");
    });

    it("refuses a version EKS does not offer, and one without pinned add-ons", () => {
        assert.equal(problems("1.38"), "  cluster.kubernetesVersion: is 1.38, a version this program has no EKS release dates for (known: 1.29 to 1.37, from the EKS release calendar as of 2026-12-01)");
        assert.equal(problems("1.37"), "  cluster.kubernetesVersion: is 1.37, for which no add-on versions are pinned (pinned: 1.33, 1.34, 1.35, 1.36; a new version needs its row in components/aws/eksVersions.ts)");
    });

    it("refuses the STANDARD upgrade policy on a version already in extended support, as EKS does", () => {
        assert.equal(problems("1.36", "STANDARD"), "");
        assert.equal(problems("1.33", "STANDARD"), "  cluster.upgradePolicy: is STANDARD while 1.33 is in EKS extended support since 2026-07-29: a STANDARD cluster on 1.33 is upgraded by EKS to 1.34, so set cluster.kubernetesVersion to what `aws eks describe-cluster` reports; a cluster that entered extended support keeps it (EXTENDED: EKS refuses STANDARD there)");
    });

    it("is checked with every other key, against today", (t) => {
        t.mock.method(clock, "today", () => TODAY);
        const values = validValues() as Record<string, any>;
        values.cluster = { kubernetesVersion: "1.31", nodeMinSize: 2, nodeDesiredSize: 5, nodeMaxSize: 4 };
        const result = validateStackConfig(raw(values));
        assert.equal(result.ok ? "" : formatProblems(result.problems), [
            "  cluster.nodeDesiredSize: is 5 with nodeMinSize 2 and nodeMaxSize 4 (nodeMinSize ≤ nodeDesiredSize ≤ nodeMaxSize)",
            "  cluster.kubernetesVersion: is 1.31, whose EKS extended support ended on 2026-11-26 (EKS no longer runs it: 1.32 or later)",
        ].join("\n"));
    });
});

describe("version warnings", () => {
    it("says what extended support costs a month", () => {
        assert.deepEqual(kubernetesVersionWarnings({ kubernetesVersion: "1.33", upgradePolicy: "EXTENDED" }, TODAY), [
            "cluster.kubernetesVersion 1.33 is in EKS extended support since 2026-07-29 (until 2027-07-29): the control plane costs $0.60 an hour instead of $0.10, $438 a month instead of $73; upgrade one minor version per update up to 1.36 (README \"Upgrades\").",
        ]);
    });

    it("warns 90 days before standard support ends, saying what the upgrade policy then does", () => {
        assert.deepEqual(kubernetesVersionWarnings({ kubernetesVersion: "1.34", upgradePolicy: "STANDARD" }, TODAY), [
            "cluster.kubernetesVersion 1.34 leaves EKS standard support on 2026-12-02 (in 1 days); then EKS upgrades the control plane to 1.35 itself, leaving nodes and add-ons behind; upgrade one minor version per update up to 1.36 (README \"Upgrades\").",
        ]);
        assert.match(kubernetesVersionWarnings({ kubernetesVersion: "1.36", upgradePolicy: "EXTENDED" }, "2027-05-04")[0] ?? "", /leaves EKS standard support on 2027-08-02 \(in 90 days\); then it enters extended support, where the control plane costs \$0\.60/);
        assert.deepEqual(kubernetesVersionWarnings({ kubernetesVersion: "1.36", upgradePolicy: "EXTENDED" }, "2027-05-03"), []);
    });

    it("warns a STANDARD stack whose next version has no pinned add-ons that it could not follow EKS's upgrade", () => {
        assert.deepEqual(kubernetesVersionWarnings({ kubernetesVersion: "1.36", upgradePolicy: "STANDARD" }, "2027-07-01"), [
            "cluster.kubernetesVersion 1.36 leaves EKS standard support on 2027-08-02 (in 32 days); then EKS upgrades the control plane to 1.37 itself, leaving nodes and add-ons behind, and this program pins no add-ons for 1.37 yet, so the stack could not follow it: set cluster.upgradePolicy to EXTENDED before then; it is the newest version this program pins (README \"Upgrades\").",
        ]);
        assert.deepEqual(kubernetesVersionWarnings({ kubernetesVersion: "1.36", upgradePolicy: "EXTENDED" }, TODAY), []);
    });
});
