import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { adminAccessEntryKey, CLUSTER_ADMIN_POLICY_ARN } from "./accessEntries";

export interface ClusterArgs {
    /** The EKS cluster's name (also in the subnets' `kubernetes.io/cluster/<name>` tag). */
    readonly clusterName: string;
    readonly vpcId: pulumi.Input<string>;
    readonly publicSubnetIds: pulumi.Input<string[]>;
    /** Nodes live only here. */
    readonly privateSubnetIds: pulumi.Input<string[]>;
    /** Nodes join the cluster only once these exist: the private subnets' routes out (NAT). @default [] */
    readonly nodeEgress?: readonly pulumi.Resource[];
    /** Kubernetes minor version. @default "1.33" */
    readonly kubernetesVersion: string;
    /** @default ["m6i.large"] */
    readonly nodeInstanceTypes: readonly string[];
    /** @default 2 */
    readonly nodeMinSize: number;
    /** @default 3 */
    readonly nodeDesiredSize: number;
    /** @default 6 */
    readonly nodeMaxSize: number;
    /** @default 50 */
    readonly nodeDiskSizeGiB: number;
    /** CIDRs allowed to reach the public API endpoint; empty keeps the endpoint private. @default [] */
    readonly endpointPublicAccessCidrs: readonly string[];
    /** IAM roles granted cluster-admin through access entries. @default [] */
    readonly adminRoleArns: readonly string[];
    /** Days CloudWatch keeps the control-plane logs. @default 90 */
    readonly logRetentionDays: number;
    /** Deletion protection on the control plane. */
    readonly deletionProtection: boolean;
    readonly tags?: Record<string, string>;
}

/** Control-plane log types sent to CloudWatch. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator"] as const;

const WORKER_POLICIES = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
];

/** The EBS CSI controller's service account, trusted by its IAM role (IRSA). */
const EBS_CSI_SERVICE_ACCOUNT = "system:serviceaccount:kube-system:ebs-csi-controller-sa";

/**
 * EKS with a private managed node group: KMS-encrypted secrets, control-plane logs, OIDC, access
 * entries (API mode), the EBS CSI add-on and a default gp3 StorageClass, plus a Kubernetes provider.
 *
 * The node security group is created here but independently of the control plane, so the NLB can
 * admit itself into it without waiting for EKS.
 */
export class Cluster extends pulumi.ComponentResource {
    /** Security group of the nodes that admits the NLB; does not depend on the control plane. */
    readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** Auto-scaling groups of the managed node group, for the NLB target group attachments. */
    readonly nodeAutoScalingGroupNames: pulumi.Output<string[]>;
    readonly clusterName: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    /** What a PersistentVolumeClaim needs before it can bind: the EBS CSI add-on. */
    readonly storageReady: pulumi.Resource[];

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:aws:Cluster", name, {}, opts);
        const parent = { parent: this };

        const secretsKey = new aws.kms.Key(`${name}-secrets`, {
            description: `Envelope encryption of Kubernetes secrets of the ${name} EKS cluster`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags: args.tags,
        }, parent);

        const nodeSecurityGroup = new aws.ec2.SecurityGroup(`${name}-nodes`, {
            vpcId: args.vpcId,
            description: "EKS nodes: NodePorts of the ingress controller, from the NLB only",
            tags: { ...args.tags, Name: `${name}-nodes` },
        }, parent);

        new aws.vpc.SecurityGroupEgressRule(`${name}-nodes-out`, {
            securityGroupId: nodeSecurityGroup.id,
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
            description: "Nodes reach AWS APIs, registries and backends",
        }, parent);

        const nodeRole = new aws.iam.Role(`${name}-node`, {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags: args.tags,
        }, parent);
        const nodePolicies = WORKER_POLICIES.map((policyArn, index) =>
            new aws.iam.RolePolicyAttachment(`${name}-node-${index}`, { role: nodeRole.name, policyArn }, parent));

        // Created before the cluster, or EKS creates it on the first log line and keeps the logs forever
        // (EKS User Guide, control-plane logs: /aws/eks/<cluster-name>/cluster).
        const controlPlaneLogs = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
            name: `/aws/eks/${args.clusterName}/cluster`,
            retentionInDays: args.logRetentionDays,
            tags: args.tags,
        }, parent);

        const cluster = new eks.Cluster(name, {
            name: args.clusterName,
            vpcId: args.vpcId,
            publicSubnetIds: args.publicSubnetIds,
            privateSubnetIds: args.privateSubnetIds,
            nodeAssociatePublicIpAddress: false,
            version: args.kubernetesVersion,
            // In API mode the managed node group gets its EC2_LINUX access entry from EKS itself.
            skipDefaultNodeGroup: true,
            endpointPrivateAccess: true,
            endpointPublicAccess: args.endpointPublicAccessCidrs.length > 0,
            ...(args.endpointPublicAccessCidrs.length > 0 ? { publicAccessCidrs: [...args.endpointPublicAccessCidrs] } : {}),
            enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
            encryptionConfigKeyArn: secretsKey.arn,
            createOidcProvider: true,
            authenticationMode: eks.AuthenticationMode.Api,
            deletionProtection: args.deletionProtection,
            tags: args.tags,
        }, { parent: this, dependsOn: [controlPlaneLogs] });

        for (const [index, principalArn] of args.adminRoleArns.entries()) {
            // Until this release pulumi-eks created these entries as its children, named by list position: the
            // aliases move them over in place, provided the first `up` of this release keeps the list as it was.
            const formerName = `${name}-admin-${index}`;
            const entry = new aws.eks.AccessEntry(`${name}-admin-${adminAccessEntryKey(principalArn)}`, {
                clusterName: cluster.eksCluster.name,
                principalArn,
                tags: args.tags,
            }, { parent: this, aliases: [{ name: formerName, parent: cluster }] });
            new aws.eks.AccessPolicyAssociation(`${name}-admin-${adminAccessEntryKey(principalArn)}-clusterAdmin`, {
                clusterName: cluster.eksCluster.name,
                principalArn,
                policyArn: CLUSTER_ADMIN_POLICY_ARN,
                accessScope: { type: "cluster" },
            }, {
                parent: entry,
                dependsOn: [entry],
                aliases: [{ name: `${formerName}-clusterAdmin`, parent: pulumi.createUrn(formerName, "aws:eks/accessEntry:AccessEntry", cluster) }],
            });
        }

        // Node SGs set in a launch template replace the EKS cluster SG, so both are listed.
        const clusterSecurityGroupId = cluster.eksCluster.apply((eksCluster) => eksCluster.vpcConfig).apply((vpcConfig) => vpcConfig.clusterSecurityGroupId);
        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-nodes`, {
            description: "EKS managed nodes: IMDSv2 only, encrypted gp3 root volume",
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: args.nodeDiskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            vpcSecurityGroupIds: [clusterSecurityGroupId, nodeSecurityGroup.id],
            tagSpecifications: [{ resourceType: "instance", tags: { ...args.tags, Name: `${name}-node` } }],
            tags: args.tags,
        }, parent);

        const nodeGroup = new eks.ManagedNodeGroup(`${name}-nodes`, {
            cluster,
            nodeRole,
            subnetIds: args.privateSubnetIds,
            instanceTypes: [...args.nodeInstanceTypes],
            amiType: "AL2023_x86_64_STANDARD",
            // With a custom launch template eks does not default the node version: pin it to the control plane's.
            version: args.kubernetesVersion,
            scalingConfig: { minSize: args.nodeMinSize, desiredSize: args.nodeDesiredSize, maxSize: args.nodeMaxSize },
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
            tags: args.tags,
        }, { parent: this, dependsOn: [...nodePolicies, ...(args.nodeEgress ?? [])] });

        const ebsCsiRole = new aws.iam.Role(`${name}-ebs-csi`, {
            // Condition keys use the issuer without its https:// scheme (eks oidcIssuer; IRSA docs).
            assumeRolePolicy: pulumi.all([cluster.oidcProviderArn, cluster.oidcIssuer]).apply(([providerArn, issuer]) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Federated: providerArn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: { StringEquals: { [`${issuer}:sub`]: EBS_CSI_SERVICE_ACCOUNT, [`${issuer}:aud`]: "sts.amazonaws.com" } },
                }],
            })),
            tags: args.tags,
        }, parent);
        const ebsCsiPolicy = new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, { role: ebsCsiRole.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" }, parent);
        const ebsCsiAddon = new aws.eks.Addon(`${name}-ebs-csi`, {
            clusterName: cluster.eksCluster.name,
            addonName: "aws-ebs-csi-driver",
            serviceAccountRoleArn: ebsCsiRole.arn,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "PRESERVE",
            tags: args.tags,
        }, { parent: this, dependsOn: [nodeGroup, ebsCsiPolicy] });

        // Everything applied through this provider comes after the nodes, and on destroy goes before them.
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfigJson, enableServerSideApply: true }, { parent: this, dependsOn: [nodeGroup] });

        new k8s.storage.v1.StorageClass(`${name}-gp3`, {
            metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true" },
            reclaimPolicy: "Delete",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        }, { parent: this, provider: this.provider });

        this.storageReady = [ebsCsiAddon];
        this.nodeSecurityGroupId = nodeSecurityGroup.id;
        this.nodeAutoScalingGroupNames = nodeGroup.nodeGroup
            .apply((group) => group.resources)
            .apply((resources) => resources.flatMap((resource) => (resource.autoscalingGroups ?? []).map((asg) => asg.name ?? "")).filter((asgName) => asgName !== ""));
        this.clusterName = cluster.eksCluster.name;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.registerOutputs({ clusterName: this.clusterName, nodeSecurityGroupId: this.nodeSecurityGroupId });
    }
}
