/** Pulumi type tokens the policies inspect (string tokens: the pack does not load the provider SDKs). */
export const ResourceType = {
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    configMap: "kubernetes:core/v1:ConfigMap",
    deployment: "kubernetes:apps/v1:Deployment",
    podDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    route53Record: "aws:route53/record:Record",
    /** @pulumi/eks remote component: only its inputs are visible before its provider runs. */
    eksComponentCluster: "eks:index:Cluster",
    /** The real EKS cluster the component creates during a deployment. */
    eksCluster: "aws:eks/cluster:Cluster",
} as const;
