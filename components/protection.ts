import * as pulumi from "@pulumi/pulumi";

/**
 * What production must not lose by accident, by resource type, and why. `protect` makes the engine refuse to
 * delete the resource, and also to replace it: a change that would recreate one of these fails the update
 * instead of silently doing it.
 */
export const PROTECTED_IN_PRODUCTION: Readonly<Record<string, string>> = {
    // The control plane the eks component creates in its plugin (a transform reaches it; a transformation would not).
    // Not the component itself: its children inherit a component's protect (resource.ts: an unset protect takes the
    // parent's), which would also freeze the security groups, rules and IAM role the plugin may need to replace.
    "aws:eks/cluster:Cluster": "the control plane: deleting it deletes every workload and the cluster's secrets",
    "aws:kms/key:Key": "the key that encrypts the cluster's secrets: without it they cannot be read back",
    "aws:ec2/eip:Eip": "the NAT addresses partners allowlist: a new one cuts every allowlisted integration off",
    "aws:route53/record:Record": "the records clients resolve: a deletion is an outage until DNS caches expire",
    "kubernetes:apps/v1:StatefulSet": "ActiveMQ: deleting the broker drops its connections and in-flight messages",
    "kubernetes:core/v1:PersistentVolumeClaim": "ActiveMQ's KahaDB volume: the messages themselves",
};

/**
 * Sets `protect` on the resources of `types`, leaving every other option as it was. The engine invokes it for every
 * resource of the stack, including the children that packaged components such as @pulumi/eks create in their
 * provider plugins ("Transforms support modifying child resources of packaged components (such as those in awsx
 * and eks) whereas Transformations do not": pulumi.com/docs/iac/concepts/resources/options/transformations).
 */
export function protectTypes(types: Readonly<Record<string, string>>): pulumi.ResourceTransform {
    return (args) => (Object.hasOwn(types, args.type) ? { props: args.props, opts: { ...args.opts, protect: true } } : undefined);
}

/**
 * Registers the protection for production. Call before the first resource is constructed: a stack transform applies
 * to resources registered after it (runtime.registerResourceTransform, "all future resources").
 */
export function protectProductionState(isProduction: boolean): void {
    if (isProduction) pulumi.runtime.registerResourceTransform(protectTypes(PROTECTED_IN_PRODUCTION));
}
