/**
 * Typical creation times (seconds) by Pulumi resource type: how long `pulumi up` waits for one
 * resource once everything it depends on exists. They weight the deploy critical path
 * (harness/criticalPath.ts), so only their relative size matters; each cites what it rests on.
 *
 * "devsu log" is a real `terraform apply` of terraform-aws-eks (VPC, KMS, EKS, managed node group,
 * Helm releases) with per-resource durations: github.com/ignvb/devsu-devops-assessment,
 * IaC/Apply_output.md. Pulumi's AWS provider is bridged from the same Terraform provider, so it
 * waits on the same AWS states.
 *
 * A component type listed here is a remote component (its children are created by a provider
 * plugin and are not visible offline): it stands for their work. Local components are not listed
 * and take 0.
 */
export const CREATION_SECONDS: Readonly<Record<string, number>> = {
    // Network. devsu log: VPC 14 s, subnets 1-2 s (mapPublicIpOnLaunch off; with it on, terraform-aws-eks#2203 shows 10 s).
    "aws:ec2/vpc:Vpc": 14,
    "aws:ec2/subnet:Subnet": 2,
    // devsu log: internet gateway 1 s, EIP 1 s, route tables and associations 1 s, routes 2 s.
    "aws:ec2/internetGateway:InternetGateway": 1,
    "aws:ec2/eip:Eip": 1,
    "aws:ec2/routeTable:RouteTable": 1,
    "aws:ec2/routeTableAssociation:RouteTableAssociation": 1,
    "aws:ec2/route:Route": 2,
    // devsu log: NAT gateway 1m47s (kubernetes/kops#944: "up to 5 min" to become available).
    "aws:ec2/natGateway:NatGateway": 107,
    // devsu log: security groups 3 s, security group rules 1-8 s (the vpc/* rule resources make the same EC2 calls).
    "aws:ec2/securityGroup:SecurityGroup": 3,
    "aws:ec2/securityGroupRule:SecurityGroupRule": 3,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 3,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 3,
    // devsu log: the control-plane log group 2 s.
    "aws:cloudwatch/logGroup:LogGroup": 2,
    // devsu log: launch template 2 s.
    "aws:ec2/launchTemplate:LaunchTemplate": 2,

    // IAM and KMS. devsu log: IAM roles 0-2 s, policy attachments 0-1 s, OIDC provider 1 s.
    "aws:iam/role:Role": 2,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
    "aws:iam/rolePolicy:RolePolicy": 1,
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
    // devsu log: KMS key 20 s (the provider waits until key, policy and rotation settings have propagated).
    "aws:kms/key:Key": 20,

    // EKS. devsu log: control plane 10m44s; aws/containers-roadmap#1227: "create an EKS control plane in
    // 9 minutes on average"; pulumi/pulumi-aws#846: "EKS clusters take about ten minutes to create".
    "aws:eks/cluster:Cluster": 600,
    // Remote component: the control plane above plus its IAM role, security groups and OIDC provider (seconds).
    "eks:index:Cluster": 600,
    // devsu log: managed node group 1m20s; pulumi/pulumi-eks#633: new nodes "join the group/cluster within about 3 minutes".
    "aws:eks/nodeGroup:NodeGroup": 120,
    "eks:index:ManagedNodeGroup": 120,
    // Access entries and their policy associations: one EKS API call each, without a waiter (like the target groups below).
    "aws:eks/accessEntry:AccessEntry": 2,
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": 2,
    // aws-ia/terraform-aws-eks-blueprints-addons#390: add-ons ACTIVE after 9-36 s once nodes run their pods;
    // hashicorp/terraform-provider-aws#27591: 15-20 min (timeout) when they cannot, hence created after the nodes.
    "aws:eks/addon:Addon": 60,

    // Load balancing and DNS. kubernetes/kubernetes#44695: "very normal that it takes > 2 minutes" for an ELB;
    // the provider waits for state "active" (hashicorp/terraform-provider-aws#8054, 10 min timeout).
    "aws:lb/loadBalancer:LoadBalancer": 160,
    // One ELBv2 / Auto Scaling API call without a waiter, like the security group rules of the devsu log.
    "aws:lb/targetGroup:TargetGroup": 2,
    "aws:lb/listener:Listener": 2,
    "aws:autoscaling/attachment:Attachment": 2,
    // CreateProject / CreateWebhook: single calls without a waiter (the webhook call also registers the GitHub hook).
    "aws:codebuild/project:Project": 2,
    "aws:codebuild/webhook:Webhook": 2,
    // Route 53 Developer Guide (resource-record-sets-editing): "Changes generally propagate to all Route 53
    // name servers within 60 seconds"; the provider waits for the change to be INSYNC.
    "aws:route53/record:Record": 60,

    // Kubernetes. A provider resource only configures a client: no cloud call.
    "pulumi:providers:kubernetes": 0,
    // devsu log: namespace 3 s, service account 1 s, secret 0 s. Pulumi's await logic has nothing to wait for on these kinds.
    "kubernetes:core/v1:Namespace": 3,
    "kubernetes:core/v1:ConfigMap": 1,
    "kubernetes:core/v1:Secret": 1,
    "kubernetes:core/v1:ServiceAccount": 1,
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": 1,
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": 1,
    "kubernetes:rbac.authorization.k8s.io/v1:Role": 1,
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 1,
    "kubernetes:policy/v1:PodDisruptionBudget": 1,
    "kubernetes:storage.k8s.io/v1:StorageClass": 1,
    // ActiveMQ's claim carries pulumi.com/skipAwait (the StatefulSet's rollout waits for the volume): one API call.
    "kubernetes:core/v1:PersistentVolumeClaim": 1,
    "kubernetes:networking.k8s.io/v1:IngressClass": 1,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": 1,
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": 1,
    // @pulumi/kubernetes Service await: waits for its Endpoints, then "wait 10 seconds for any stragglers".
    "kubernetes:core/v1:Service": 10,
    // @pulumi/kubernetes Deployment await: until the Available condition (pods Ready). devsu log: a Helm release
    // waiting for its Deployment (metrics-server) took 48 s on running nodes.
    "kubernetes:apps/v1:Deployment": 60,
    // @pulumi/kubernetes StatefulSet await: until readyReplicas; pods start in order, each after its volume is
    // provisioned and attached, so a rollout plus the EBS volume.
    "kubernetes:apps/v1:StatefulSet": 90,
    // @pulumi/kubernetes Ingress await: until endpoints exist and status.loadBalancer is set, which a running
    // controller publishes within seconds.
    "kubernetes:networking.k8s.io/v1:Ingress": 10,
};

/** Weight of a custom resource whose type is not in the table: one API call. Reported, so the table can grow. */
export const DEFAULT_CREATION_SECONDS = 5;
