/**
 * Drain timings shared by the NLB and the controller. A stopping controller pod first closes its
 * healthz port; the NLB marks the node unhealthy after `unhealthyThreshold` failed checks and sends
 * new flows elsewhere, while the pod keeps serving open connections through its preStop sleep; HAProxy
 * then gets the rest of the grace period to finish. The deregistration delay applies when a node
 * leaves the auto-scaling group.
 */
export const NLB_DEREGISTRATION_DELAY_SECONDS = 30;
/** NLB health checks: interval and thresholds. */
export const NLB_HEALTH_CHECK = { intervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2 } as const;
/** Longer than the deregistration delay and than the time the NLB needs to see a closed healthz port. */
export const CONTROLLER_PRESTOP_SLEEP_SECONDS = Math.max(NLB_DEREGISTRATION_DELAY_SECONDS, NLB_HEALTH_CHECK.intervalSeconds * (NLB_HEALTH_CHECK.unhealthyThreshold + 1)) + 15;
/** preStop sleep plus time for HAProxy to finish in-flight requests and close long-lived sessions. */
export const CONTROLLER_TERMINATION_GRACE_SECONDS = CONTROLLER_PRESTOP_SLEEP_SECONDS + 45;
