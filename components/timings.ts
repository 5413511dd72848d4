/**
 * Drain timing: the one table the NLB and the controller take their figures from. README "Drain timing" walks
 * through the timeline; each figure says where it comes from.
 *
 *   t=0      the kubelet runs preStop: HAProxy closes its healthz frontend, keeps serving open connections
 *   t≈20-30  the NLB's checks fail `unhealthyThreshold` times: the node's target goes unhealthy.draining, gets no new
 *            flows and keeps its open ones (unhealthy connection termination off) for `unhealthyDrainingInterval`
 *   t=45     preStop ends; SIGTERM: the controller stops HAProxy softly (--haproxy-grace-period 20s,
 *            --shutdown-timeout 25s, haproxy-ingress v0.16 command-line.md), finishing in-flight requests
 *   t=90     the kubelet kills what is left (terminationGracePeriodSeconds)
 */

/**
 * NLB health checks of the controller's healthz NodePort. ELB docs ("Health checks for Network Load Balancer target
 * groups"): interval 5-300 s, thresholds 2-10; a target turns unhealthy after `unhealthyThreshold` failed checks.
 */
const NLB_HEALTH_CHECK = { intervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2 } as const;

/** Worst case until the NLB sees a closed healthz port: a check just passed, then `unhealthyThreshold` failures. */
const SECONDS_UNTIL_UNHEALTHY = NLB_HEALTH_CHECK.intervalSeconds * (NLB_HEALTH_CHECK.unhealthyThreshold + 1);

/** preStop: long enough for the NLB to stop sending new flows, plus 15 s for checks that run late. */
const PRESTOP_SLEEP_SECONDS = SECONDS_UNTIL_UNHEALTHY + 15;

/** preStop plus 45 s for HAProxy's soft stop: covers haproxy-ingress's --shutdown-timeout (25 s). */
const TERMINATION_GRACE_SECONDS = PRESTOP_SLEEP_SECONDS + 45;

export const DRAIN_TIMINGS = {
    nlbHealthCheck: NLB_HEALTH_CHECK,
    secondsUntilUnhealthy: SECONDS_UNTIL_UNHEALTHY,
    controllerPreStopSleepSeconds: PRESTOP_SLEEP_SECONDS,
    controllerTerminationGraceSeconds: TERMINATION_GRACE_SECONDS,
    /**
     * How long the NLB keeps open flows to a target that failed its checks (target_health_state.unhealthy.
     * draining_interval_seconds, 0-360000; only with connection termination off: ELB docs, "Target group health",
     * unhealthy target connection termination). The whole grace period: past it the pod is gone anyway.
     */
    unhealthyDrainingIntervalSeconds: TERMINATION_GRACE_SECONDS,
    /**
     * deregistration_delay.timeout_seconds (0-3600, ELB TargetGroupAttribute API): how long a node leaving the
     * auto-scaling group keeps its open flows before the NLB resets them (connection termination on). A node
     * scaled in without a drain still runs its controller pod this long, so it matches the grace period.
     */
    deregistrationDelaySeconds: TERMINATION_GRACE_SECONDS,
} as const;
