/**
 * EKS Kubernetes versions and the add-on versions pinned for each: dated data, refreshed by hand (README "Upgrades").
 *
 * Release calendar: EKS User Guide, "Understand the Kubernetes version lifecycle on EKS", table "Amazon EKS
 * Kubernetes release calendar" (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html; awsdocs/
 * amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc), read 2026-12-01. Dates are UTC; extended-support
 * billing starts at the beginning of the day standard support ends. 1.37: released on EKS 2026-10-02 (What's New,
 * "Amazon EKS and Amazon EKS Distro now support Kubernetes version 1.37"); its calendar row was not at hand, so its
 * end dates follow the documented rule of 14 months of standard and 12 of extended support.
 */
export const EKS_CALENDAR_AS_OF = "2026-12-01";

export interface EksVersion {
    readonly version: string;
    readonly eksRelease: string;
    readonly endOfStandardSupport: string;
    readonly endOfExtendedSupport: string;
}

export const EKS_VERSIONS: readonly EksVersion[] = [
    { version: "1.37", eksRelease: "2026-10-02", endOfStandardSupport: "2027-12-02", endOfExtendedSupport: "2028-12-02" },
    { version: "1.36", eksRelease: "2026-06-02", endOfStandardSupport: "2027-08-02", endOfExtendedSupport: "2028-08-02" },
    { version: "1.35", eksRelease: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
    { version: "1.34", eksRelease: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    { version: "1.33", eksRelease: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    { version: "1.32", eksRelease: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    { version: "1.31", eksRelease: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    { version: "1.30", eksRelease: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    { version: "1.29", eksRelease: "2024-01-23", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
];

/** EKS pricing (aws.amazon.com/eks/pricing): per cluster and hour, in standard and in extended support. */
export const CONTROL_PLANE_USD_PER_HOUR = { standard: 0.1, extended: 0.6 } as const;
/** The hours AWS bills a month by (730 = 8,760 / 12). */
export const HOURS_PER_MONTH = 730;

export type SupportStatus = "standard" | "extended" | "ended";

/** Where a version stands on a day (YYYY-MM-DD, UTC). */
export function supportStatus(version: EksVersion, day: string): SupportStatus {
    if (day < version.endOfStandardSupport) return "standard";
    return day < version.endOfExtendedSupport ? "extended" : "ended";
}

export function eksVersion(version: string): EksVersion | undefined {
    return EKS_VERSIONS.find((candidate) => candidate.version === version);
}

/** Versions of the four EKS managed add-ons the program installs, pinned per Kubernetes version. */
export interface AddonVersions {
    readonly vpcCni: string;
    readonly kubeProxy: string;
    readonly coreDns: string;
    readonly ebsCsiDriver: string;
}

/**
 * The newest build of each add-on for its Kubernetes version, as the EKS User Guide listed them on 2026-08-20:
 * "Manage kube-proxy" (managing-kube-proxy.html), "Manage CoreDNS" (managing-coredns.html) and "Assign IPs to Pods
 * with the Amazon VPC CNI" (managing-vpc-cni.html); the VPC CNI build is the same for every version. The EBS CSI
 * driver has no such table: v1.66.0-eksbuild.1 is what `aws eks describe-addon-versions` returned for 1.35 on
 * 2026-09-17 and ran on 1.33 to 1.36 clusters in the records we found (upstream kubernetes-sigs/aws-ebs-csi-driver
 * v1.66.0). 1.37 has no row yet: its builds were not published where we could read them. VPC CNI v1.22.4 enforces
 * network policies (needs v1.14.0 or later, EKS User Guide "Configure your cluster for Kubernetes network policies").
 */
export const ADDON_VERSIONS: Readonly<Record<string, AddonVersions>> = {
    "1.36": { vpcCni: "v1.22.4-eksbuild.3", kubeProxy: "v1.36.0-eksbuild.14", coreDns: "v1.14.3-eksbuild.3", ebsCsiDriver: "v1.66.0-eksbuild.1" },
    "1.35": { vpcCni: "v1.22.4-eksbuild.3", kubeProxy: "v1.35.3-eksbuild.13", coreDns: "v1.14.3-eksbuild.3", ebsCsiDriver: "v1.66.0-eksbuild.1" },
    "1.34": { vpcCni: "v1.22.4-eksbuild.3", kubeProxy: "v1.34.6-eksbuild.13", coreDns: "v1.13.2-eksbuild.11", ebsCsiDriver: "v1.66.0-eksbuild.1" },
    "1.33": { vpcCni: "v1.22.4-eksbuild.3", kubeProxy: "v1.33.10-eksbuild.13", coreDns: "v1.12.4-eksbuild.18", ebsCsiDriver: "v1.66.0-eksbuild.1" },
};

/** The program's default: the newest version in standard support on EKS_CALENDAR_AS_OF that has pinned add-ons. */
export const DEFAULT_KUBERNETES_VERSION = "1.36";
