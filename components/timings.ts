/**
 * Drain timings shared by the NLB and the controller, so that a stopping controller pod outlives the
 * NLB's deregistration of its node: the NLB stops sending new flows within the deregistration delay,
 * the pod keeps serving through its preStop sleep, then HAProxy gets the rest of the grace period to
 * finish open connections.
 */
export const NLB_DEREGISTRATION_DELAY_SECONDS = 30;
/** Longer than the deregistration delay plus one health-check interval. */
export const CONTROLLER_PRESTOP_SLEEP_SECONDS = NLB_DEREGISTRATION_DELAY_SECONDS + 15;
/** preStop sleep plus time for HAProxy to finish in-flight requests and close long-lived sessions. */
export const CONTROLLER_TERMINATION_GRACE_SECONDS = CONTROLLER_PRESTOP_SLEEP_SECONDS + 45;
/** NLB health checks: interval and thresholds. */
export const NLB_HEALTH_CHECK = { intervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2 } as const;
