import { cidrsOverlap } from "../config/addressSet";
import { gibibytes } from "./quantity";

/**
 * What a live stack does when an input changes: per resource type, the input properties whose change
 * makes the provider replace the resource, or makes the update fail, each with its source. A change
 * of a property that is not listed is an in-place update. The offline diff (planDiff.ts) reads this
 * table.
 *
 * Sources:
 * - TF: the Terraform AWS provider behind the bridged Pulumi AWS provider, `ForceNew: true` (or a
 *   CustomizeDiff that forces new) in hashicorp/terraform-provider-aws internal/service/<service>/<file>.go;
 *   Pulumi names the inputs in camelCase (`cidr_block` → `cidrBlock`).
 * - PK8S: pulumi-kubernetes provider/pkg/provider/diff.go (`forceNew`: `.metadata.name`, `.metadata.namespace`
 *   and per-kind fields) and provider.go Diff (ConfigMap/Secret data replace unless the provider's
 *   enableConfigMapMutable/enableSecretMutable is on; named objects are deleted before their replacement
 *   is created).
 * - K8S: the Kubernetes API server's update validation (kubernetes/kubernetes pkg/apis/.../validation):
 *   fields it refuses to change, which Pulumi plans as an update that then fails.
 */

/** replace: the provider plans a replacement. fails: the change is planned as an update that the cloud API rejects or does not apply. */
export type ChangeEffect = "replace" | "fails";

export interface RuleContext {
    /** Inputs of the resource's explicit provider in the new plan, when it has one. */
    readonly providerInputs?: Readonly<Record<string, unknown>>;
    /** The resource's whole inputs, old and new. */
    readonly oldInputs: Readonly<Record<string, unknown>>;
    readonly newInputs: Readonly<Record<string, unknown>>;
    /** Per top-level input, the types of the resources this update creates whose outputs it carries. */
    readonly createdDependencyTypes?: Readonly<Record<string, readonly string[]>>;
}

export interface PropertyRule {
    /** Input path, dotted (Pulumi names); a change at or below it matches. */
    readonly path: string;
    readonly effect: ChangeEffect;
    /** Only these changes have the effect (the values at `path`, old and new); @default every change */
    readonly when?: (oldValue: unknown, newValue: unknown, context: RuleContext) => boolean;
    /** Shown with the change: what happens, in a few words. */
    readonly because: string;
    readonly source: string;
}

export interface TypeRow {
    readonly rules: readonly PropertyRule[];
    /**
     * An input that sets the resource's physical name. A replacement that keeps that name cannot create
     * the new resource before the old one is deleted: Kubernetes objects are then deleted first (PK8S),
     * AWS resources whose name must be unique fail (Pulumi replaces create-before-delete by default).
     */
    readonly fixedName?: {
        readonly path: string;
        /** Another input that must also stay equal for the name to collide (a Kubernetes object's namespace). */
        readonly scope?: string;
        readonly onReplace: "deleteFirst" | "fails";
        readonly source: string;
    };
    /**
     * A range the resource holds alone within a scope (a subnet's CIDR block in its VPC). Every old resource still
     * exists while new ones are created: Pulumi creates a replacement before deleting the old resource, and deletes
     * replaced and removed resources only after all creates and updates (pulumi/pulumi pkg/resource/deploy/
     * step_generator.go: "the delete step is generated later on, after all creates/updates finish"). A resource
     * created, or replaced, with a range that overlaps an old one's in the same scope therefore fails.
     */
    readonly exclusiveRange?: {
        readonly path: string;
        readonly scope: string;
        readonly overlaps: (a: string, b: string) => boolean;
        /** What the cloud API answers. */
        readonly refusal: string;
        readonly source: string;
    };
    /** Why replacing or deleting it is dangerous (stateful or address-bearing); absent for the rest. */
    readonly danger?: string;
    /** Notes on updates that only work under conditions. */
    readonly cautions?: readonly { readonly path: string; readonly note: string; readonly source: string }[];
}

const TF = (file: string): string => `TF ${file}`;
const forceNew = (paths: readonly string[], file: string, because = "forces a new resource"): PropertyRule[] =>
    paths.map((path) => ({ path, effect: "replace", because, source: TF(file) }));

const isSet = (value: unknown): boolean => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
const removedAny = (oldValue: unknown, newValue: unknown): boolean =>
    Array.isArray(oldValue) && (!Array.isArray(newValue) || oldValue.some((item) => !newValue.includes(item)));
const setOrUnset = (oldValue: unknown, newValue: unknown): boolean => isSet(oldValue) !== isSet(newValue);
const providerFlagOn = (context: RuleContext, flag: string): boolean => String(context.providerInputs?.[flag]) === "true";
const immutable = (context: RuleContext): boolean => context.newInputs.immutable === true || context.oldInputs.immutable === true;

/** Every Kubernetes object: its identity (PK8S metadataForceNewProperties), named objects deleted first. */
function kubernetes(extra: readonly PropertyRule[] = [], danger?: string): TypeRow {
    return {
        rules: [
            { path: "metadata.name", effect: "replace", because: "a new object name is a new object", source: "PK8S diff.go metadataForceNewProperties" },
            { path: "metadata.namespace", effect: "replace", because: "a new namespace is a new object", source: "PK8S diff.go metadataForceNewProperties" },
            ...extra,
        ],
        fixedName: { path: "metadata.name", scope: "metadata.namespace", onReplace: "deleteFirst", source: "PK8S provider.go Diff: DeleteBeforeReplace for named objects in the same namespace" },
        ...(danger ? { danger } : {}),
    };
}
const k8sReplace = (paths: readonly string[], because = "immutable: Pulumi replaces the object"): PropertyRule[] =>
    paths.map((path) => ({ path, effect: "replace", because, source: "PK8S diff.go forceNew" }));
const k8sRejected = (paths: readonly string[], source: string): PropertyRule[] =>
    paths.map((path) => ({ path, effect: "fails", because: "immutable: the API server rejects the update, and Pulumi does not replace for it", source: `K8S ${source}` }));

const SECURITY_GROUP_RULE: TypeRow = {
    rules: [
        ...forceNew(["securityGroupId"], "ec2/vpc_security_group_ingress_rule.go (RequiresReplace)"),
        // ModifyPlan: "you cannot change the rule's source type".
        ...["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"].map((path): PropertyRule => ({
            path,
            effect: "replace",
            when: setOrUnset,
            because: "a different source type (CIDR, prefix list, security group) is a new rule",
            source: TF("ec2/vpc_security_group_ingress_rule.go ModifyPlan"),
        })),
    ],
};

/** The table, by Pulumi type token. A test fails when a planned type has no row. */
export const REPLACE_ON_CHANGE: Readonly<Record<string, TypeRow>> = {
    // Network
    "aws:ec2/vpc:Vpc": {
        rules: forceNew(["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"], "ec2/vpc_.go"),
        danger: "a new VPC: its subnets, route tables, security groups, NAT gateways and target groups are replaced, and the EKS cluster cannot follow",
    },
    "aws:ec2/subnet:Subnet": {
        rules: forceNew(["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6Native", "ipv6NetmaskLength", "outpostArn"], "ec2/vpc_subnet.go"),
        exclusiveRange: {
            path: "cidrBlock",
            scope: "vpcId",
            overlaps: cidrsOverlap,
            refusal: "EC2 refuses a subnet whose CIDR block overlaps another subnet of the VPC (InvalidSubnet.Conflict)",
            source: "EC2 API Reference, CreateSubnet (\"the subnets' CIDR blocks must not overlap\"), error InvalidSubnet.Conflict; Pulumi docs, deleteBeforeReplace (\"By default … Pulumi creates new instances of resources before deleting old ones\")",
        },
        danger: "nodes, NAT gateways and the NLB have network interfaces in it",
    },
    "aws:ec2/routeTable:RouteTable": { rules: forceNew(["vpcId"], "ec2/vpc_route_table.go") },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": { rules: forceNew(["subnetId", "gatewayId"], "ec2/vpc_route_table_association.go") },
    "aws:ec2/internetGateway:InternetGateway": {
        rules: [],
        cautions: [{ path: "vpcId", note: "detached from the old VPC and attached to the new one (no replacement)", source: TF("ec2/vpc_internet_gateway.go") }],
    },
    "aws:ec2/eip:Eip": {
        rules: forceNew(["domain", "address", "networkBorderGroup", "publicIpv4Pool", "customerOwnedIpv4Pool"], "ec2/ec2_eip.go"),
        danger: "a new public IPv4 address: allowlists that admit the NAT address (here and at partners) stop matching",
    },
    "aws:ec2/natGateway:NatGateway": {
        rules: forceNew(["allocationId", "subnetId", "connectivityType", "privateIp", "secondaryPrivateIpAddressCount"], "ec2/vpc_nat_gateway.go"),
        danger: "private subnets route their egress through it; the route tables switch to the new one",
    },
    "aws:ec2/securityGroup:SecurityGroup": { rules: forceNew(["name", "namePrefix", "description", "vpcId"], "ec2/vpc_security_group.go") },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": SECURITY_GROUP_RULE,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": SECURITY_GROUP_RULE,
    "aws:ec2/launchTemplate:LaunchTemplate": {
        rules: forceNew(["name", "namePrefix"], "ec2/ec2_launch_template.go"),
        cautions: [{ path: "", note: "any other change creates a new template version; the node group rolls its nodes to it", source: TF("ec2/ec2_launch_template.go") }],
    },

    // EKS (remote components of @pulumi/eks: their rules are those of the aws:eks resources they create)
    "eks:index:Cluster": {
        rules: [
            ...forceNew(["name"], "eks/cluster.go (name)", "a new cluster name is a new EKS cluster"),
            ...forceNew(["kubernetesServiceIpAddressRange", "ipFamily"], "eks/cluster.go (kubernetes_network_config)"),
            ...forceNew(["bootstrapSelfManagedAddons"], "eks/cluster.go (bootstrap_self_managed_addons)"),
            {
                path: "encryptionConfigKeyArn",
                effect: "replace",
                when: (oldValue, newValue) => isSet(oldValue) && !isSet(newValue),
                because: "secrets encryption cannot be turned off: a new cluster",
                source: TF("eks/cluster.go CustomizeDiff ForceNewIfChange(encryption_config)"),
            },
            {
                path: "encryptionConfigKeyArn",
                effect: "fails",
                when: (oldValue, newValue) => isSet(oldValue) && isSet(newValue),
                because: "the provider only associates a key when none was set, so the cluster keeps the old key, which Pulumi schedules for deletion",
                source: TF("eks/cluster.go resourceClusterUpdate (AssociateEncryptionConfig only when none was set)"),
            },
            {
                path: "vpcId",
                effect: "fails",
                because: "an EKS cluster cannot move to another VPC: its replaced security group and the new subnets are rejected",
                source: "EKS User Guide, network-reqs (new subnets must be in the same VPC and AZs as the original ones)",
            },
            // This stack creates one public and one private subnet per zone (components/aws/network.ts): a subnet it
            // creates and adds is in a zone the cluster was not created with. An existing VPC's subnet may be in one of
            // its zones, which the plan cannot see: that stays a caution.
            ...["publicSubnetIds", "privateSubnetIds"].map((path): PropertyRule => ({
                path,
                effect: "fails",
                when: (_old, _new, context) => context.createdDependencyTypes?.[path]?.includes("aws:ec2/subnet:Subnet") === true,
                because: "the subnets added are new ones of this stack, in a new Availability Zone, and EKS accepts subnets only in the zones the cluster was created with: the cluster update (UpdateClusterConfig) fails",
                source: "EKS User Guide, \"View Amazon EKS networking requirements for VPC and subnets\" (\"All subnets that you add must be in the same set of AZs as originally provided when you created the cluster\"); aws/containers-roadmap#2330",
            })),
        ],
        fixedName: { path: "name", onReplace: "fails", source: "EKS CreateCluster: cluster names are unique per account and region" },
        danger: "a new control plane: new endpoint, OIDC issuer and cluster security group; every Kubernetes object is recreated through a new provider",
        cautions: [
            { path: "publicSubnetIds", note: "EKS accepts new subnets only in the same VPC and set of AZs as at creation", source: "EKS User Guide, network-reqs" },
            { path: "privateSubnetIds", note: "EKS accepts new subnets only in the same VPC and set of AZs as at creation", source: "EKS User Guide, network-reqs" },
            { path: "version", note: "one minor version per update, and nodes must follow", source: TF("eks/cluster.go (UpdateClusterVersion)") },
        ],
    },
    "eks:index:ManagedNodeGroup": {
        rules: [
            ...forceNew(["cluster", "clusterName"], "eks/node_group.go (cluster_name)"),
            ...forceNew(["nodeRole", "nodeRoleArn"], "eks/node_group.go (node_role_arn)"),
            ...forceNew(["subnetIds", "instanceTypes", "amiType", "capacityType", "diskSize", "nodeGroupName", "nodeGroupNamePrefix", "remoteAccess", "launchTemplate.id", "launchTemplate.name"], "eks/node_group.go"),
        ],
        danger: "every node is replaced: pods are evicted and rescheduled, ActiveMQ's volume follows its pod",
        cautions: [
            { path: "version", note: "rolling node replacement (UpdateNodegroupVersion)", source: TF("eks/node_group.go resourceNodeGroupUpdate") },
            { path: "launchTemplate.version", note: "rolling node replacement (UpdateNodegroupVersion)", source: TF("eks/node_group.go resourceNodeGroupUpdate") },
        ],
    },
    "aws:eks/addon:Addon": { rules: forceNew(["addonName", "clusterName"], "eks/addon.go") },
    // One entry per principal: a replacement creates the new one before deleting the old, which EKS refuses for the
    // same principal (ResourceInUseException); the program keys entries by role so that only a new role creates one.
    "aws:eks/accessEntry:AccessEntry": { rules: forceNew(["clusterName", "principalArn", "type"], "eks/access_entry.go") },
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": { rules: forceNew(["clusterName", "principalArn", "policyArn", "accessScope"], "eks/access_policy_association.go") },
    "pulumi:providers:kubernetes": {
        rules: [{
            path: "kubeconfig",
            effect: "replace",
            when: (oldValue, newValue) => activeCluster(oldValue) !== activeCluster(newValue),
            because: "the kubeconfig points at another cluster",
            source: "pulumi-kubernetes provider.go DiffConfig (replace when the active cluster changes)",
        }],
        danger: "Pulumi replaces every resource of a replaced provider (pulumi/pulumi step_generator.go: providerChanged → replace)",
    },

    // IAM and KMS
    "aws:iam/role:Role": { rules: forceNew(["name", "namePrefix", "path"], "iam/role.go") },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { rules: forceNew(["role", "policyArn"], "iam/role_policy_attachment.go") },
    "aws:iam/rolePolicy:RolePolicy": { rules: forceNew(["name", "namePrefix", "role"], "iam/role_policy.go") },
    "aws:kms/key:Key": {
        rules: forceNew(["keyUsage", "customerMasterKeySpec", "keySpec", "multiRegion", "customKeyStoreId", "xksKeyId"], "kms/key.go"),
        danger: "the old key is scheduled for deletion after deletionWindowInDays; what it encrypted (EKS secrets) must not depend on it by then",
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        rules: forceNew(["name", "namePrefix", "logGroupClass"], "logs/group.go"),
        fixedName: { path: "name", onReplace: "fails", source: "CloudWatch Logs CreateLogGroup: ResourceAlreadyExistsException" },
        danger: "its log history (the control plane's, or the deploy runner's builds') is deleted with it",
    },

    // Deploy runner
    "aws:codebuild/project:Project": {
        rules: forceNew(["name"], "codebuild/project.go"),
        fixedName: { path: "name", onReplace: "fails", source: "CodeBuild CreateProject: ResourceAlreadyExistsException" },
    },
    "aws:codebuild/webhook:Webhook": { rules: forceNew(["projectName"], "codebuild/webhook.go") },

    // Load balancing and DNS
    "aws:lb/loadBalancer:LoadBalancer": {
        rules: [
            ...forceNew(["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"], "elbv2/load_balancer.go"),
            {
                path: "subnets",
                effect: "replace",
                when: (oldValue, newValue, context) => context.newInputs.loadBalancerType === "network" && removedAny(oldValue, newValue),
                because: "an NLB cannot leave a subnet",
                source: TF("elbv2/load_balancer.go customizeDiffLoadBalancerNLB"),
            },
            {
                path: "securityGroups",
                effect: "replace",
                when: (oldValue, newValue, context) => context.newInputs.loadBalancerType === "network" && setOrUnset(oldValue, newValue),
                because: "an NLB cannot gain its first or lose its last security group",
                source: TF("elbv2/load_balancer.go customizeDiffLoadBalancerNLB"),
            },
        ],
        danger: "a new NLB has a new DNS name and addresses: the alias records follow, clients that pinned the name or addresses break",
    },
    "aws:lb/targetGroup:TargetGroup": {
        rules: forceNew(["name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType", "ipAddressType"], "elbv2/target_group.go"),
    },
    "aws:lb/listener:Listener": { rules: forceNew(["loadBalancerArn"], "elbv2/listener.go") },
    "aws:autoscaling/attachment:Attachment": { rules: forceNew(["autoscalingGroupName", "lbTargetGroupArn", "elb"], "autoscaling/attachment.go") },
    "aws:route53/record:Record": {
        rules: forceNew(["name", "zoneId"], "route53/record.go"),
        danger: "a public name: the old record is deleted",
    },

    // Kubernetes
    "kubernetes:core/v1:Namespace": kubernetes([], "deleting a namespace deletes everything in it"),
    "kubernetes:core/v1:ServiceAccount": kubernetes(),
    "kubernetes:core/v1:ConfigMap": kubernetes(["data", "binaryData"].map((path): PropertyRule => ({
        path,
        effect: "replace",
        when: (_old, _new, context) => !providerFlagOn(context, "enableConfigMapMutable") || immutable(context),
        because: "ConfigMap data changes replace it unless the provider sets enableConfigMapMutable",
        source: "PK8S diff.go forceNewProperties",
    }))),
    "kubernetes:core/v1:Secret": kubernetes(["type", "stringData", "data"].map((path): PropertyRule => ({
        path,
        effect: "replace",
        when: (_old, _new, context) => path === "type" || !providerFlagOn(context, "enableSecretMutable") || immutable(context),
        because: "Secret data changes replace it unless the provider sets enableSecretMutable",
        source: "PK8S diff.go forceNewProperties",
    }))),
    "kubernetes:core/v1:Service": kubernetes(k8sReplace(["spec.clusterIP"])),
    "kubernetes:core/v1:PersistentVolumeClaim": kubernetes([
        ...k8sReplace(["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"]),
        {
            path: "spec.resources.requests.storage",
            effect: "fails",
            when: (oldValue, newValue) => gibibytes(newValue) < gibibytes(oldValue),
            because: "a volume claim can only grow",
            source: "K8S pkg/apis/core/validation ValidatePersistentVolumeClaimUpdate",
        },
    ], "holds data"),
    "kubernetes:apps/v1:Deployment": kubernetes(k8sReplace(["spec.selector"])),
    "kubernetes:apps/v1:StatefulSet": kubernetes(
        k8sReplace(["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"]),
        "deleted before its replacement starts: the workload is down in between; its volume claims are kept (retention policy Retain) and reused with their old size",
    ),
    "kubernetes:policy/v1:PodDisruptionBudget": kubernetes(),
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": kubernetes(),
    "kubernetes:rbac.authorization.k8s.io/v1:Role": kubernetes(),
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": kubernetes(k8sReplace(["roleRef"])),
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": kubernetes(k8sReplace(["roleRef"])),
    "kubernetes:storage.k8s.io/v1:StorageClass": kubernetes([
        ...k8sReplace(["parameters", "provisioner"]),
        ...k8sRejected(["reclaimPolicy", "volumeBindingMode"], "pkg/apis/storage/validation ValidateStorageClassUpdate"),
    ]),
    "kubernetes:networking.k8s.io/v1:IngressClass": kubernetes(k8sRejected(["spec.controller"], "pkg/apis/networking/validation ValidateIngressClassUpdate")),
    "kubernetes:networking.k8s.io/v1:Ingress": kubernetes(),
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": kubernetes(),
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": kubernetes(),
};

/** Types that are this project's own local components: they hold no cloud state and need no row. */
export function isLocalComponent(type: string): boolean {
    return type.startsWith("commerce-edge:");
}

/** Planned types with no row in the table (this project's local components need none). */
export function typesWithoutRow(resources: readonly { readonly type: string }[]): string[] {
    return [...new Set(resources.map((resource) => resource.type))].filter((type) => !isLocalComponent(type) && REPLACE_ON_CHANGE[type] === undefined).sort();
}

/** The server and CA of a kubeconfig's current context, the identity pulumi-kubernetes compares. */
function activeCluster(kubeconfig: unknown): string {
    if (typeof kubeconfig !== "string") return JSON.stringify(kubeconfig ?? null);
    try {
        const parsed = JSON.parse(kubeconfig) as {
            "current-context"?: string;
            contexts?: { name: string; context?: { cluster?: string } }[];
            clusters?: { name: string; cluster?: Record<string, unknown> }[];
        };
        const clusterName = parsed.contexts?.find((context) => context.name === parsed["current-context"])?.context?.cluster;
        return JSON.stringify(parsed.clusters?.find((cluster) => cluster.name === clusterName)?.cluster ?? null);
    } catch {
        return kubeconfig;
    }
}

/** The value at a dotted path (`a.b`), or undefined. */
export function valueAt(inputs: unknown, path: string): unknown {
    if (path === "") return inputs;
    return path.split(".").reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), inputs);
}
