import type * as k8s from "@pulumi/kubernetes";

/**
 * The one PDB spec of every workload the program deploys: at most one pod down at a time, and pods that are
 * running but not Ready may always be evicted (`unhealthyPodEvictionPolicy: AlwaysAllow`, GA in Kubernetes 1.31;
 * Kubernetes docs "Specifying a Disruption Budget for your Application"). Otherwise one crash-looping pod blocks
 * every node drain, and a managed node group update fails after its 15-minute eviction timeout.
 */
export function disruptionBudgetSpec(matchLabels: Record<string, string>): k8s.types.input.policy.v1.PodDisruptionBudgetSpec {
    return { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: { ...matchLabels } } };
}
