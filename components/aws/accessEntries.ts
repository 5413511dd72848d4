/**
 * EKS access entries for the cluster's admin and viewer roles, one per role, keyed by the role and never by its list
 * position: reordering or removing a role leaves every other entry untouched (EKS allows one entry per principal, so
 * a re-keyed entry would be created before the old one is gone and fail with ResourceInUseException).
 */

/** The EKS access policy every admin role gets, cluster-wide. */
export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
/**
 * Read-only, cluster-wide, for preview roles (EKS User Guide, "Review access policy permissions": view most objects,
 * not Secrets). Pulumi's Kubernetes provider then previews with a client-side diff: its server-side dry run needs patch
 * rights, and it falls back when they are refused (pulumi/pulumi-kubernetes#2419).
 */
export const CLUSTER_VIEW_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";

const ROLE_ARN = /^arn:aws[a-z-]*:iam::([0-9]{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/;

/**
 * `<account>-<role name>`: IAM role names are unique per account whatever their path (IAM User Guide, "IAM
 * identifiers"), and hold only `[\w+=,.@-]`, so the key fits a Pulumi resource name (an ARN itself holds `::`,
 * which URNs use as separators).
 */
export function accessEntryKey(roleArn: string): string {
    const key = roleKey(roleArn);
    if (key === undefined) throw new Error(`"${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    return key;
}

/** The key, or undefined for text that is no role ARN. */
export function roleKey(roleArn: string): string | undefined {
    const match = ROLE_ARN.exec(roleArn);
    return match ? `${match[1]}-${match[2]}` : undefined;
}
