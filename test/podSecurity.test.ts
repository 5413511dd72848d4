import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { namespacePodSecurity, podSecurityMetadata, podSecurityViolations, type PodTemplateFields } from "../components/security/podSecurity";

/** A pod that meets Restricted; each case below breaks one control of it. */
function compliant(): PodTemplateFields {
    return {
        spec: {
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{
                name: "app",
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } },
                ports: [{}],
            }],
            volumes: [{ name: "scratch", emptyDir: {} }, { name: "data", persistentVolumeClaim: { claimName: "data" } }],
        },
    };
}

type Mutation = (pod: any) => void;

function controlsOf(mutate: Mutation): string[] {
    const pod = structuredClone(compliant()) as any;
    mutate(pod);
    return podSecurityViolations(pod).map((violation) => `${violation.level}: ${violation.control}`);
}

describe("Pod Security Standards checker", () => {
    it("passes a pod that meets Restricted, including NET_BIND_SERVICE and a container-level seccomp", () => {
        assert.deepEqual(controlsOf(() => undefined), []);
        assert.deepEqual(controlsOf((pod) => {
            delete pod.spec.securityContext.seccompProfile;
            pod.spec.containers[0].securityContext.seccompProfile = { type: "Localhost" };
        }), []);
    });

    const failing: { name: string; mutate: Mutation; expected: string[] }[] = [
        { name: "root (no runAsNonRoot anywhere)", mutate: (pod) => { delete pod.spec.securityContext.runAsNonRoot; }, expected: ["restricted: Running as Non-root"] },
        { name: "a container that sets runAsNonRoot false under a non-root pod", mutate: (pod) => { pod.spec.containers[0].securityContext.runAsNonRoot = false; }, expected: ["restricted: Running as Non-root"] },
        { name: "a pod that sets runAsNonRoot false", mutate: (pod) => { pod.spec.securityContext.runAsNonRoot = false; pod.spec.containers[0].securityContext.runAsNonRoot = true; }, expected: ["restricted: Running as Non-root"] },
        { name: "runAsUser 0", mutate: (pod) => { pod.spec.containers[0].securityContext.runAsUser = 0; }, expected: ["restricted: Running as Non-root user"] },
        { name: "privilege escalation left unset", mutate: (pod) => { delete pod.spec.containers[0].securityContext.allowPrivilegeEscalation; }, expected: ["restricted: Privilege Escalation"] },
        { name: "capabilities not dropped", mutate: (pod) => { pod.spec.containers[0].securityContext.capabilities = { add: ["NET_BIND_SERVICE"] }; }, expected: ["restricted: Capabilities"] },
        { name: "a Baseline capability other than NET_BIND_SERVICE", mutate: (pod) => { pod.spec.containers[0].securityContext.capabilities.add = ["CHOWN"]; }, expected: ["restricted: Capabilities"] },
        { name: "a capability beyond Baseline", mutate: (pod) => { pod.spec.containers[0].securityContext.capabilities.add = ["NET_ADMIN"]; }, expected: ["baseline: Capabilities"] },
        { name: "no seccomp profile", mutate: (pod) => { delete pod.spec.securityContext.seccompProfile; }, expected: ["restricted: Seccomp"] },
        { name: "an Unconfined container under a RuntimeDefault pod", mutate: (pod) => { pod.spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" }; }, expected: ["baseline: Seccomp"] },
        { name: "a hostPath volume", mutate: (pod) => { pod.spec.volumes.push({ name: "host", hostPath: { path: "/var/run" } }); }, expected: ["baseline: HostPath Volumes"] },
        { name: "an NFS volume", mutate: (pod) => { pod.spec.volumes.push({ name: "share", nfs: { server: "nfs", path: "/" } }); }, expected: ["restricted: Volume Types"] },
        { name: "host networking", mutate: (pod) => { pod.spec.hostNetwork = true; }, expected: ["baseline: Host Namespaces"] },
        { name: "a host port", mutate: (pod) => { pod.spec.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]; }, expected: ["baseline: Host Ports"] },
        { name: "a privileged init container", mutate: (pod) => {
            pod.spec.initContainers = [{ name: "init", securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }];
        }, expected: ["baseline: Privileged Containers"] },
        { name: "an unsafe sysctl", mutate: (pod) => { pod.spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }]; }, expected: ["baseline: Sysctls"] },
        { name: "an unconfined AppArmor annotation", mutate: (pod) => { pod.metadata = { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } }; }, expected: ["baseline: AppArmor"] },
        { name: "a custom SELinux user", mutate: (pod) => { pod.spec.securityContext.seLinuxOptions = { user: "system_u" }; }, expected: ["baseline: SELinux"] },
        { name: "an unmasked /proc", mutate: (pod) => { pod.spec.containers[0].securityContext.procMount = "Unmasked"; }, expected: ["baseline: /proc Mount Type"] },
    ];
    for (const { name, mutate, expected } of failing) {
        it(`fails ${name}`, () => assert.deepEqual(controlsOf(mutate), expected));
    }
});

describe("namespace Pod Security labels", () => {
    it("enforce restricted when every pod complies", () => {
        const security = namespacePodSecurity("cortex", [{ name: "cortex", template: compliant() }]);
        assert.deepEqual(podSecurityMetadata(security), { labels: { "pod-security.kubernetes.io/enforce": "restricted" } });
    });

    it("enforce baseline and warn restricted when one pod falls short, naming it", () => {
        const root = structuredClone(compliant()) as any;
        delete root.spec.securityContext.runAsNonRoot;
        const security = namespacePodSecurity("ingress-controller", [{ name: "haproxy-ingress", template: compliant() }, { name: "modsecurity-spoa", template: root }]);
        assert.deepEqual(podSecurityMetadata(security), {
            labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" },
            annotations: { "commerce-edge/restricted-exceptions": "modsecurity-spoa: Running as Non-root" },
        });
    });

    it("refuses a pod its namespace would reject even at Baseline", () => {
        const privileged = structuredClone(compliant()) as any;
        privileged.spec.hostNetwork = true;
        assert.throws(() => namespacePodSecurity("activemq", [{ name: "activemq", template: privileged }]), {
            message: "activemq/activemq fails Pod Security Baseline: Host Namespaces (pod: hostNetwork is true)",
        });
    });
});
