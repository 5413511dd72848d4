import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { accessEntryKey, CLUSTER_ADMIN_POLICY_ARN, CLUSTER_VIEW_POLICY_ARN } from "./accessEntries";
import { ADDON_VERSIONS } from "./eksVersions";

export interface ClusterArgs {
    /** The EKS cluster's name (also in the subnets' `kubernetes.io/cluster/<name>` tag). */
    readonly clusterName: string;
    readonly vpcId: pulumi.Input<string>;
    readonly publicSubnetIds: pulumi.Input<string[]>;
    /** Nodes live only here. */
    readonly privateSubnetIds: pulumi.Input<string[]>;
    /** Nodes join the cluster only once these exist: the private subnets' routes out (NAT). @default [] */
    readonly nodeEgress?: readonly pulumi.Resource[];
    /** Kubernetes minor version, with pinned add-ons in eksVersions.ts. @default "1.36" */
    readonly kubernetesVersion: string;
    /** What EKS does at the end of standard support: stay (EXTENDED, billed as such) or upgrade itself. @default "EXTENDED" */
    readonly upgradePolicy: "EXTENDED" | "STANDARD";
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
    /** IAM roles granted read-only access (AmazonEKSViewPolicy) through access entries: the preview roles. @default [] */
    readonly viewerRoleArns: readonly string[];
    /** Days CloudWatch keeps the control-plane logs. @default 90 */
    readonly logRetentionDays: number;
    /** Deletion protection on the control plane. */
    readonly deletionProtection: boolean;
    readonly tags?: Record<string, string>;
}

/** Control-plane log types sent to CloudWatch. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator"] as const;

/**
 * Managed policies of the node role, keyed by name; the number is the list position they were attached under before,
 * kept as an alias so that none is detached and attached again. AmazonEKS_CNI_Policy is not here: the VPC CNI has its
 * own IRSA role (EKS User Guide, "Configure Amazon VPC CNI plugin to use IRSA"; EKS Best Practices, Security, "Restrict
 * access to the instance profile assigned to the worker node").
 */
const NODE_POLICIES = { AmazonEKSWorkerNodePolicy: 0, AmazonEC2ContainerRegistryReadOnly: 2, AmazonSSMManagedInstanceCore: 3 } as const;

/** Service accounts trusted by their add-on's IAM role (IRSA). */
const VPC_CNI_SERVICE_ACCOUNT = "system:serviceaccount:kube-system:aws-node";
const EBS_CSI_SERVICE_ACCOUNT = "system:serviceaccount:kube-system:ebs-csi-controller-sa";

/**
 * Settings of the VPC CNI add-on: network policy enforcement (EKS User Guide, "Configure your cluster for Kubernetes
 * network policies": add-on configuration `{"enableNetworkPolicy": "true"}`, VPC CNI v1.14.0 or later on Kubernetes
 * 1.25 or later; AL2023 nodes mount the BPF file system it needs).
 */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

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
    /** Security group of the control plane's endpoint ENIs (pulumi-eks attaches it besides the EKS-managed one). */
    readonly apiSecurityGroupId: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    /**
     * The same cluster, but creating an object that exists already adopts it (upsertExistingObjects; since
     * @pulumi/kubernetes 4.29 a create otherwise fails with AlreadyExists). Only for objects that must survive a
     * change of their owner, such as a volume claim a StatefulSet created before.
     */
    readonly claimProvider: k8s.Provider;
    /** What a PersistentVolumeClaim needs before it can bind: the EBS CSI add-on. */
    readonly storageReady: pulumi.Resource[];
    /** The service range EKS assigned (10.100.0.0/16 or 172.20.0.0/16 unless set), which holds the `kubernetes` Service's address. */
    readonly serviceIpv4Cidr: pulumi.Output<string>;

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
        const nodePolicies = Object.entries(NODE_POLICIES).map(([policy, formerIndex]) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, {
            role: nodeRole.name,
            policyArn: `arn:aws:iam::aws:policy/${policy}`,
        }, { parent: this, aliases: [{ name: `${name}-node-${formerIndex}` }] }));

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
            upgradePolicy: { supportType: args.upgradePolicy },
            // The four add-ons are this component's own, pinned, EKS-managed ones (below), not pulumi-eks's: it would
            // float kube-proxy and the VPC CNI to the newest build and leave CoreDNS self-managed without a default node group.
            useDefaultVpcCni: true,
            kubeProxyAddonOptions: { enabled: false },
            corednsAddonOptions: { enabled: false },
            deletionProtection: args.deletionProtection,
            tags: args.tags,
        }, { parent: this, dependsOn: [controlPlaneLogs] });

        // One access entry per principal (EKS takes no second one), named by the role alone: moving a role between admins
        // and viewers replaces only its policy association, and reordering either list changes nothing.
        const principals = [
            ...args.adminRoleArns.map((principalArn, index) => ({ principalArn, policy: "clusterAdmin", policyArn: CLUSTER_ADMIN_POLICY_ARN, formerIndex: index })),
            ...args.viewerRoleArns.map((principalArn) => ({ principalArn, policy: "view", policyArn: CLUSTER_VIEW_POLICY_ARN, formerIndex: undefined })),
        ];
        for (const { principalArn, policy, policyArn, formerIndex } of principals) {
            const entryName = `${name}-access-${accessEntryKey(principalArn)}`;
            // Until this release pulumi-eks created the admins' entries as its children, named by list position: the
            // aliases move them over in place, provided the first `up` of this release keeps the list as it was.
            const formerName = formerIndex === undefined ? undefined : `${name}-admin-${formerIndex}`;
            const entry = new aws.eks.AccessEntry(entryName, {
                clusterName: cluster.eksCluster.name,
                principalArn,
                tags: args.tags,
            }, { parent: this, ...(formerName ? { aliases: [{ name: formerName, parent: cluster }] } : {}) });
            new aws.eks.AccessPolicyAssociation(`${entryName}-${policy}`, {
                clusterName: cluster.eksCluster.name,
                principalArn,
                policyArn,
                accessScope: { type: "cluster" },
            }, {
                parent: entry,
                dependsOn: [entry],
                ...(formerName ? { aliases: [{ name: `${formerName}-clusterAdmin`, parent: pulumi.createUrn(formerName, "aws:eks/accessEntry:AccessEntry", cluster) }] } : {}),
            });
        }

        // Node SGs set in a launch template replace the EKS cluster SG, so both are listed.
        const clusterSecurityGroupId = cluster.eksCluster.apply((eksCluster) => eksCluster.vpcConfig).apply((vpcConfig) => vpcConfig.clusterSecurityGroupId);
        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-nodes`, {
            description: "EKS managed nodes: IMDSv2 only, encrypted gp3 root volume",
            // Hop limit 1: a pod's network namespace is a hop further, so pods cannot read the node role's credentials
            // (EKS Best Practices, Security, "Restrict access to the instance profile assigned to the worker node").
            // hostNetwork pods (aws-node, kube-proxy) still reach IMDS; the add-ons that call AWS use IRSA.
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: args.nodeDiskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            vpcSecurityGroupIds: [clusterSecurityGroupId, nodeSecurityGroup.id],
            tagSpecifications: [{ resourceType: "instance", tags: { ...args.tags, Name: `${name}-node` } }],
            tags: args.tags,
        }, parent);

        const addonVersions = ADDON_VERSIONS[args.kubernetesVersion];
        if (!addonVersions) throw new Error(`no add-on versions are pinned for Kubernetes ${args.kubernetesVersion} (components/aws/eksVersions.ts)`);
        /**
         * A role for one service account, and its ARN as an add-on may use it: once its policy is attached. An add-on
         * update that moves its pods to the role then never runs ahead of the attachment.
         */
        const irsaRole = (roleName: string, serviceAccount: string, policyArn: string): { policy: aws.iam.RolePolicyAttachment; arnWithPolicy: pulumi.Output<string> } => {
            const role = new aws.iam.Role(roleName, {
                // Condition keys use the issuer without its https:// scheme (eks oidcIssuer; IRSA docs).
                assumeRolePolicy: pulumi.all([cluster.oidcProviderArn, cluster.oidcIssuer]).apply(([providerArn, issuer]) => JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{
                        Effect: "Allow",
                        Principal: { Federated: providerArn },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: { StringEquals: { [`${issuer}:sub`]: serviceAccount, [`${issuer}:aud`]: "sts.amazonaws.com" } },
                    }],
                })),
                tags: args.tags,
            }, parent);
            const policy = new aws.iam.RolePolicyAttachment(roleName, { role: role.name, policyArn }, parent);
            return { policy, arnWithPolicy: pulumi.all([role.arn, policy.id]).apply(([arn]) => arn) };
        };
        // EKS-managed add-ons at pinned versions. OVERWRITE adopts the self-managed copies EKS installs with the cluster
        // and keeps the program's settings authoritative; `preserve` leaves networking and DNS running if one is removed.
        const addon = (resourceName: string, addonName: string, addonVersion: string, extra: Partial<aws.eks.AddonArgs>, options: pulumi.CustomResourceOptions): aws.eks.Addon =>
            new aws.eks.Addon(resourceName, {
                clusterName: cluster.eksCluster.name,
                addonName,
                addonVersion,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags: args.tags,
                ...extra,
            }, { parent: this, ...options });

        const cni = irsaRole(`${name}-vpc-cni`, VPC_CNI_SERVICE_ACCOUNT, "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
        // Before the nodes: a node is Ready only once its CNI runs, and this one holds the CNI's permissions. The aliases
        // take over the add-ons pulumi-eks created before (its `<name>-vpc-cni` component and `<name>-kube-proxy`).
        const vpcCni = addon(`${name}-vpc-cni`, "vpc-cni", addonVersions.vpcCni, {
            serviceAccountRoleArn: cni.arnWithPolicy,
            configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
            preserve: true,
        }, { aliases: [{ name: `${name}-vpc-cni`, parent: pulumi.createUrn(`${name}-vpc-cni`, "eks:index:VpcCniAddon", cluster) }] });
        const kubeProxy = addon(`${name}-kube-proxy`, "kube-proxy", addonVersions.kubeProxy, { preserve: true }, { aliases: [{ name: `${name}-kube-proxy`, parent: cluster }] });

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
        }, { parent: this, dependsOn: [...nodePolicies, vpcCni, kubeProxy, ...(args.nodeEgress ?? [])] });

        // After the nodes: both run Deployments, which stay unready (and the add-on DEGRADED) without nodes.
        addon(`${name}-coredns`, "coredns", addonVersions.coreDns, { preserve: true }, { dependsOn: [nodeGroup] });
        const ebsCsi = irsaRole(`${name}-ebs-csi`, EBS_CSI_SERVICE_ACCOUNT, "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
        const ebsCsiAddon = addon(`${name}-ebs-csi`, "aws-ebs-csi-driver", addonVersions.ebsCsiDriver, { serviceAccountRoleArn: ebsCsi.arnWithPolicy }, { dependsOn: [nodeGroup] });

        // Everything applied through this provider comes after the nodes, and on destroy goes before them.
        // ConfigMaps and Secrets are updated in place: by default the provider replaces them, and a named object is
        // deleted before its replacement is created (pulumi-kubernetes diff.go), so the controller would lose its
        // --configmap (haproxy-ingress exits without it since v0.13, command-line.md) and the broker its credentials
        // for the length of the swap. Content-named ones (the WAF rules) still get a new object per change.
        const objectSettings = { kubeconfig: cluster.kubeconfigJson, enableServerSideApply: true, enableConfigMapMutable: true, enableSecretMutable: true };
        this.provider = new k8s.Provider(`${name}-k8s`, objectSettings, { parent: this, dependsOn: [nodeGroup] });
        this.claimProvider = new k8s.Provider(`${name}-k8s-adopt`, { ...objectSettings, upsertExistingObjects: true }, { parent: this, dependsOn: [nodeGroup] });

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
        this.apiSecurityGroupId = cluster.clusterSecurityGroupId;
        this.serviceIpv4Cidr = cluster.eksCluster.apply((eksCluster) => eksCluster.kubernetesNetworkConfig).apply((config) => config.serviceIpv4Cidr);
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.registerOutputs({ clusterName: this.clusterName, nodeSecurityGroupId: this.nodeSecurityGroupId });
    }
}
