/**
 * EKS access entries for the cluster's admin roles, keyed by the role, never by its list position: reordering or
 * removing a role leaves every other entry untouched (EKS allows one entry per principal, so a re-keyed entry
 * would be created before the old one is gone and fail with ResourceInUseException).
 */

/** The EKS access policy every admin role gets, cluster-wide. */
export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

const ROLE_ARN = /^arn:aws[a-z-]*:iam::([0-9]{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/;

/**
 * `<account>-<role name>`: IAM role names are unique per account whatever their path (IAM User Guide, "IAM
 * identifiers"), and hold only `[\w+=,.@-]`, so the key fits a Pulumi resource name (an ARN itself holds `::`,
 * which URNs use as separators).
 */
export function adminAccessEntryKey(roleArn: string): string {
    const key = roleKey(roleArn);
    if (key === undefined) throw new Error(`"${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    return key;
}

/** The key, or undefined for text that is no role ARN. */
export function roleKey(roleArn: string): string | undefined {
    const match = ROLE_ARN.exec(roleArn);
    return match ? `${match[1]}-${match[2]}` : undefined;
}
