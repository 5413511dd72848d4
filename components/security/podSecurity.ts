import * as pulumi from "@pulumi/pulumi";

/**
 * A pure checker of the Pod Security Standards, Baseline and Restricted profiles, as
 * kubernetes.io/docs/concepts/security/pod-security-standards defines them for Kubernetes 1.33 (the
 * controls the built-in Pod Security admission enforces). Namespaces are labelled from its verdict on
 * the very pod templates the program deploys, so the label and the pods cannot drift apart.
 * Every control is checked as a Linux pod's (the program sets no `spec.os`).
 */

export type PodSecurityLevel = "baseline" | "restricted";

export interface PodSecurityViolation {
    /** The least strict profile that forbids it: a baseline violation also fails restricted. */
    readonly level: PodSecurityLevel;
    /** The control's name in the Pod Security Standards table. */
    readonly control: string;
    readonly detail: string;
}

/** The security-relevant fields of a container or pod security context, as plain data. */
export interface SecurityContextFields {
    readonly runAsNonRoot?: boolean;
    readonly runAsUser?: number;
    readonly allowPrivilegeEscalation?: boolean;
    readonly privileged?: boolean;
    readonly procMount?: string;
    readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
    readonly seccompProfile?: { readonly type?: string };
    readonly appArmorProfile?: { readonly type?: string };
    readonly seLinuxOptions?: { readonly type?: string; readonly user?: string; readonly role?: string };
    readonly windowsOptions?: { readonly hostProcess?: boolean };
}

export interface PodSecurityContextFields extends SecurityContextFields {
    readonly sysctls?: readonly { readonly name: string }[];
}

export interface ContainerFields {
    readonly name: string;
    readonly securityContext?: SecurityContextFields;
    readonly ports?: readonly { readonly hostPort?: number }[];
}

export interface PodSpecFields {
    readonly hostNetwork?: boolean;
    readonly hostPID?: boolean;
    readonly hostIPC?: boolean;
    readonly securityContext?: PodSecurityContextFields;
    readonly containers: readonly ContainerFields[];
    readonly initContainers?: readonly ContainerFields[];
    readonly ephemeralContainers?: readonly ContainerFields[];
    readonly volumes?: readonly ({ readonly name: string } & Readonly<Record<string, unknown>>)[];
}

export interface PodTemplateFields {
    readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
    readonly spec: PodSpecFields;
}

/** Capabilities Baseline lets a container add. */
const BASELINE_CAPABILITIES = new Set([
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);
const SAFE_SYSCTLS = new Set([
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const CONFINED_PROFILES = new Set(["RuntimeDefault", "Localhost"]);
/** Restricted admits only these volume sources. */
const RESTRICTED_VOLUME_SOURCES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);
const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

function allContainers(spec: PodSpecFields): ContainerFields[] {
    return [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/** Every Baseline and Restricted control the pod template violates; empty when it meets Restricted. */
export function podSecurityViolations(template: PodTemplateFields): PodSecurityViolation[] {
    const spec = template.spec;
    const pod = spec.securityContext ?? {};
    const containers = allContainers(spec);
    const violations: PodSecurityViolation[] = [];
    const baseline = (control: string, detail: string): void => void violations.push({ level: "baseline", control, detail });
    const restricted = (control: string, detail: string): void => void violations.push({ level: "restricted", control, detail });
    const contexts: { readonly where: string; readonly context: SecurityContextFields }[] = [
        { where: "pod", context: pod },
        ...containers.map((container) => ({ where: `container ${container.name}`, context: container.securityContext ?? {} })),
    ];

    // Baseline.
    for (const { where, context } of contexts) {
        if (context.windowsOptions?.hostProcess === true) baseline("HostProcess", `${where}: windowsOptions.hostProcess is true`);
        const appArmor = context.appArmorProfile?.type;
        if (appArmor !== undefined && !CONFINED_PROFILES.has(appArmor)) baseline("AppArmor", `${where}: appArmorProfile.type is ${appArmor}`);
        const seLinux = context.seLinuxOptions;
        if (seLinux?.type !== undefined && !SELINUX_TYPES.has(seLinux.type)) baseline("SELinux", `${where}: seLinuxOptions.type is ${seLinux.type}`);
        if (seLinux?.user || seLinux?.role) baseline("SELinux", `${where}: seLinuxOptions sets a user or role`);
        if (context.seccompProfile?.type === "Unconfined") baseline("Seccomp", `${where}: seccompProfile.type is Unconfined`);
    }
    for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
        if (spec[field] === true) baseline("Host Namespaces", `pod: ${field} is true`);
    }
    for (const container of containers) {
        const context = container.securityContext ?? {};
        if (context.privileged === true) baseline("Privileged Containers", `container ${container.name}: privileged is true`);
        const beyondBaseline = (context.capabilities?.add ?? []).filter((capability) => !BASELINE_CAPABILITIES.has(capability));
        if (beyondBaseline.length > 0) baseline("Capabilities", `container ${container.name}: adds ${beyondBaseline.join(", ")}`);
        if (context.procMount !== undefined && context.procMount !== "Default") baseline("/proc Mount Type", `container ${container.name}: procMount is ${context.procMount}`);
        if ((container.ports ?? []).some((port) => (port.hostPort ?? 0) !== 0)) baseline("Host Ports", `container ${container.name}: sets a hostPort`);
    }
    for (const volume of spec.volumes ?? []) {
        if (volume.hostPath !== undefined) baseline("HostPath Volumes", `volume ${volume.name}: hostPath`);
    }
    for (const [key, value] of Object.entries(template.metadata?.annotations ?? {})) {
        if (key.startsWith(APPARMOR_ANNOTATION) && value !== "runtime/default" && !value.startsWith("localhost/")) {
            baseline("AppArmor", `annotation ${key} is ${value}`);
        }
    }
    for (const sysctl of pod.sysctls ?? []) {
        if (!SAFE_SYSCTLS.has(sysctl.name)) baseline("Sysctls", `pod: sysctl ${sysctl.name} is not in the safe set`);
    }

    // Restricted.
    for (const volume of spec.volumes ?? []) {
        const sources = Object.keys(volume).filter((key) => key !== "name");
        if (!sources.some((source) => RESTRICTED_VOLUME_SOURCES.has(source)) && volume.hostPath === undefined) {
            restricted("Volume Types", `volume ${volume.name}: ${sources.join(", ") || "no source"}`);
        }
    }
    if (pod.runAsNonRoot === false) restricted("Running as Non-root", "pod: runAsNonRoot is false");
    for (const container of containers) {
        const context = container.securityContext ?? {};
        if (context.allowPrivilegeEscalation !== false) restricted("Privilege Escalation", `container ${container.name}: allowPrivilegeEscalation is not false`);
        // A container may leave it unset when the pod sets true; an explicit false overrides the pod.
        const nonRoot = context.runAsNonRoot ?? pod.runAsNonRoot;
        if (nonRoot !== true) restricted("Running as Non-root", `container ${container.name}: runAsNonRoot is not true (neither on the container nor on the pod)`);
        const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type;
        if (seccomp === undefined) restricted("Seccomp", `container ${container.name}: no seccompProfile (RuntimeDefault or Localhost, on the container or the pod)`);
        else if (!CONFINED_PROFILES.has(seccomp) && seccomp !== "Unconfined") restricted("Seccomp", `container ${container.name}: seccompProfile.type is ${seccomp}`);
        if (!(context.capabilities?.drop ?? []).includes("ALL")) restricted("Capabilities", `container ${container.name}: does not drop ALL capabilities`);
        const added = (context.capabilities?.add ?? []).filter((capability) => capability !== "NET_BIND_SERVICE" && BASELINE_CAPABILITIES.has(capability));
        if (added.length > 0) restricted("Capabilities", `container ${container.name}: adds ${added.join(", ")} (only NET_BIND_SERVICE)`);
    }
    for (const { where, context } of contexts) {
        if (context.runAsUser === 0) restricted("Running as Non-root user", `${where}: runAsUser is 0`);
    }
    return violations;
}

/** A pod template the program deploys, named by its workload. */
export interface NamedPodTemplate {
    readonly name: string;
    readonly template: PodTemplateFields;
}

export interface NamespacePodSecurity {
    /** `pod-security.kubernetes.io/*` labels of the namespace. */
    readonly labels: Readonly<Record<string, string>>;
    /** Workloads that keep the namespace at Baseline, each with the Restricted controls it fails. */
    readonly exceptions: readonly string[];
}

/**
 * The Pod Security labels of a namespace from the pods it runs: `enforce: restricted` when every pod
 * meets Restricted, else `enforce: baseline` with `warn: restricted`. A pod that fails Baseline is a
 * program error (its own namespace would reject it), so it throws, naming the pod and the control.
 */
export function namespacePodSecurity(namespace: string, pods: readonly NamedPodTemplate[]): NamespacePodSecurity {
    const exceptions: string[] = [];
    for (const pod of pods) {
        const violations = podSecurityViolations(pod.template);
        const baselineViolations = violations.filter((violation) => violation.level === "baseline");
        if (baselineViolations.length > 0) {
            throw new Error(`${namespace}/${pod.name} fails Pod Security Baseline: ${baselineViolations.map((violation) => `${violation.control} (${violation.detail})`).join("; ")}`);
        }
        if (violations.length > 0) exceptions.push(`${pod.name}: ${[...new Set(violations.map((violation) => violation.control))].join(", ")}`);
    }
    const labels: Record<string, string> = exceptions.length === 0
        ? { "pod-security.kubernetes.io/enforce": "restricted" }
        : { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" };
    return { labels, exceptions: exceptions.sort() };
}

/** Annotation that names the workloads keeping a namespace at Baseline, for `kubectl describe namespace`. */
export const RESTRICTED_EXCEPTIONS_ANNOTATION = "commerce-edge/restricted-exceptions";

/** Labels and, when some pod falls short of Restricted, the annotation naming it: the namespace's metadata. */
export function podSecurityMetadata(security: NamespacePodSecurity): { labels: Record<string, string>; annotations?: Record<string, string> } {
    return {
        labels: { ...security.labels },
        ...(security.exceptions.length > 0 ? { annotations: { [RESTRICTED_EXCEPTIONS_ANNOTATION]: security.exceptions.join("; ") } } : {}),
    };
}

/**
 * The pod template of a workload spec built by the program, as plain data. The builders return the
 * SDK's input types, which admit Outputs; the check needs values known now, so an Output throws.
 */
export function plainPodTemplate(owner: string, spec: { readonly template: unknown }): PodTemplateFields {
    const walk = (value: unknown, path: string): void => {
        if (pulumi.Output.isInstance(value) || value instanceof Promise) {
            throw new Error(`${owner}: ${path} is only known at deployment; the Pod Security check needs the pod template as plain data`);
        }
        if (value !== null && typeof value === "object") {
            for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
        }
    };
    walk(spec.template, "template");
    return spec.template as PodTemplateFields;
}
