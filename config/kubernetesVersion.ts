import {
    ADDON_VERSIONS,
    CONTROL_PLANE_USD_PER_HOUR,
    EKS_CALENDAR_AS_OF,
    EKS_VERSIONS,
    eksVersion,
    HOURS_PER_MONTH,
    supportStatus,
} from "../components/aws/eksVersions";
import type { ConfigProblem } from "./messages";

/** EKS upgrade policy (UpgradePolicyRequest.supportType, EKS API reference). */
export const UPGRADE_POLICIES = ["EXTENDED", "STANDARD"] as const;
export type UpgradePolicy = (typeof UPGRADE_POLICIES)[number];

interface VersionChoice {
    readonly kubernetesVersion: string;
    readonly upgradePolicy: UpgradePolicy;
}

/** Days standard support may have left before the plan warns. */
const WARN_DAYS_BEFORE_EXTENDED = 90;

const monthly = (usdPerHour: number): string => `$${Math.round(usdPerHour * HOURS_PER_MONTH)}`;
const pinnedVersions = (): string[] => Object.keys(ADDON_VERSIONS).sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
const newestPinned = (): string => pinnedVersions().at(-1) ?? "";

/** The next minor version on the EKS calendar: where EKS takes a STANDARD cluster when standard support ends. */
function nextVersion(version: string): string {
    const [major, minor] = version.split(".").map(Number);
    return `${major}.${(minor ?? 0) + 1}`;
}

function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/**
 * What EKS would refuse, or what the program cannot run: a version EKS does not offer (unknown, or past its end of
 * extended support, EKS User Guide "Kubernetes versions": "On the end of extended support date, you can no longer
 * create new Amazon EKS clusters with the unsupported version"), one without pinned add-ons, and the STANDARD upgrade
 * policy on a version in extended support ("You cannot disable extended support once your cluster has entered it",
 * EKS User Guide "Disable extended support").
 */
export function kubernetesVersionProblems(cluster: VersionChoice, today: string): ConfigProblem[] {
    const key = "cluster.kubernetesVersion";
    const version = eksVersion(cluster.kubernetesVersion);
    const known = `${EKS_VERSIONS.at(-1)?.version ?? ""} to ${EKS_VERSIONS[0]?.version ?? ""}`;
    if (!version) {
        return [{ key, message: `is ${cluster.kubernetesVersion}, a version this program has no EKS release dates for (known: ${known}, from the EKS release calendar as of ${EKS_CALENDAR_AS_OF})` }];
    }
    const status = supportStatus(version, today);
    if (status === "ended") {
        const oldest = EKS_VERSIONS.filter((candidate) => supportStatus(candidate, today) !== "ended").at(-1)?.version ?? "";
        return [{ key, message: `is ${version.version}, whose EKS extended support ended on ${version.endOfExtendedSupport} (EKS no longer runs it: ${oldest} or later)` }];
    }
    if (!ADDON_VERSIONS[version.version]) {
        return [{ key, message: `is ${version.version}, for which no add-on versions are pinned (pinned: ${pinnedVersions().join(", ")}; a new version needs its row in components/aws/eksVersions.ts)` }];
    }
    if (status === "extended" && cluster.upgradePolicy === "STANDARD") {
        return [{
            key: "cluster.upgradePolicy",
            message: `is STANDARD while ${version.version} is in EKS extended support since ${version.endOfStandardSupport}: `
                + `a STANDARD cluster on ${version.version} is upgraded by EKS to ${nextVersion(version.version)}, so set cluster.kubernetesVersion to what `
                + "`aws eks describe-cluster` reports; a cluster that entered extended support keeps it (EXTENDED: EKS refuses STANDARD there)",
        }];
    }
    return [];
}

/** Cost and deadline warnings for the plan and `pulumi up`; empty for a version comfortably in standard support. */
export function kubernetesVersionWarnings(cluster: VersionChoice, today: string): string[] {
    const version = eksVersion(cluster.kubernetesVersion);
    if (!version) return [];
    const cost = `the control plane costs $${CONTROL_PLANE_USD_PER_HOUR.extended.toFixed(2)} an hour instead of $${CONTROL_PLANE_USD_PER_HOUR.standard.toFixed(2)}, `
        + `${monthly(CONTROL_PLANE_USD_PER_HOUR.extended)} a month instead of ${monthly(CONTROL_PLANE_USD_PER_HOUR.standard)}`;
    const upgrade = version.version === newestPinned()
        ? `it is the newest version this program pins (README "Upgrades")`
        : `upgrade one minor version per update up to ${newestPinned()} (README "Upgrades")`;
    const status = supportStatus(version, today);
    if (status === "extended") {
        return [`cluster.kubernetesVersion ${version.version} is in EKS extended support since ${version.endOfStandardSupport} (until ${version.endOfExtendedSupport}): ${cost}; ${upgrade}.`];
    }
    const daysLeft = daysBetween(today, version.endOfStandardSupport);
    if (status === "standard" && daysLeft <= WARN_DAYS_BEFORE_EXTENDED) {
        const next = nextVersion(version.version);
        const pinnedNext = ADDON_VERSIONS[next] ? "" : `, and this program pins no add-ons for ${next} yet, so the stack could not follow it: set cluster.upgradePolicy to EXTENDED before then`;
        const then = cluster.upgradePolicy === "EXTENDED"
            ? `it enters extended support, where ${cost}`
            : `EKS upgrades the control plane to ${next} itself, leaving nodes and add-ons behind${pinnedNext}`;
        return [`cluster.kubernetesVersion ${version.version} leaves EKS standard support on ${version.endOfStandardSupport} (in ${daysLeft} days); then ${then}; ${upgrade}.`];
    }
    return [];
}
