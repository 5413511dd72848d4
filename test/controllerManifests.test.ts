import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { buildRouteTable } from "../config/routeTable";
import { stackConfigSchema } from "../config/schema";
import {
    controllerClusterRoleRules,
    controllerConfigData,
    controllerDeploymentSpec,
    controllerRoleRules,
    controllerServiceSpec,
} from "../components/haproxy/controllerManifests";
import { KEY_SCOPES } from "../components/haproxy/keys";
import { wafDeploymentSpec } from "../components/haproxy/wafManifests";
import { DRAIN_TIMINGS } from "../components/timings";
import { validValues } from "./fixtures";

const table = buildRouteTable(stackConfigSchema.parse(validValues()));

describe("controller ConfigMap", () => {
    const data = controllerConfigData({ modsecurityEndpoints: "172.20.1.2:12345", wafMode: "deny", balanceAlgorithm: "leastconn" });

    it("accepts PROXY on HTTP and TCP and points the WAF at the agent", () => {
        assert.equal(data["use-proxy-protocol"], "true");
        assert.equal(data["tcp-service-proxy-protocol"], "true");
        assert.equal(data["modsecurity-endpoints"], "172.20.1.2:12345");
        assert.equal(data["waf-mode"], "deny");
    });

    it("buffers request bodies in every backend, so that the agent sees the body and not only what came with the headers", () => {
        assert.equal(data["config-backend"], "option http-buffer-request");
        assert.equal(KEY_SCOPES["config-backend"], "Backend");
    });

    it("uses only documented keys, each valid in the global ConfigMap", () => {
        for (const key of Object.keys(data)) assert.ok(KEY_SCOPES[key], `${key} is a haproxy-ingress key`);
        assert.equal(KEY_SCOPES["use-proxy-protocol"], "Global");
    });
});

describe("controller Deployment", () => {
    const spec = controllerDeploymentSpec({
        image: "quay.io/jcmoraisjr/haproxy-ingress:v0.16.1",
        replicas: 3,
        publicPorts: table.publicPorts,
        configMapName: "haproxy-ingress",
        serviceAccountName: "haproxy-ingress",
        defaultCertificate: "ingress-controller/default-tls",
        production: true,
    }) as any;
    const container = spec.template.spec.containers[0];

    it("declares a container port per public port plus health, stats and metrics", () => {
        assert.deepEqual(container.ports.map((port: { name: string }) => port.name), ["http", "https", "tcp-61616", "healthz", "stats", "metrics", "haproxy-metrics"]);
    });

    it("sleeps in preStop until the NLB has seen healthz closed, and stops within the NLB's unhealthy draining window", () => {
        assert.equal(container.lifecycle.preStop.exec.command[2], "echo 'disable frontend healthz' | socat stdio /var/run/haproxy/admin.sock; sleep 45");
        assert.equal(spec.template.spec.terminationGracePeriodSeconds, 90);
        assert.ok(DRAIN_TIMINGS.controllerPreStopSleepSeconds > DRAIN_TIMINGS.secondsUntilUnhealthy);
        assert.ok(DRAIN_TIMINGS.unhealthyDrainingIntervalSeconds >= DRAIN_TIMINGS.controllerTerminationGraceSeconds - DRAIN_TIMINGS.nlbHealthCheck.intervalSeconds * DRAIN_TIMINGS.nlbHealthCheck.unhealthyThreshold);
    });

    it("passes the ConfigMap, class and default certificate, with profiling off", () => {
        assert.deepEqual(container.args, [
            "--configmap=ingress-controller/haproxy-ingress",
            "--ingress-class=haproxy",
            "--sort-backends",
            "--watch-gateway=false",
            "--profiling=false",
            "--default-ssl-certificate=ingress-controller/default-tls",
        ]);
    });

    it("publishes the NLB name and carries the config checksum, each as its own value", async () => {
        const published = controllerDeploymentSpec({
            image: "i:1", replicas: 2, publicPorts: [], configMapName: "c", serviceAccountName: "s", production: false,
            publishAddress: pulumi.output("edge-dev-0123456789.elb.eu-west-1.amazonaws.com"),
            configChecksum: "0123456789abcdef",
        }) as any;
        const args: pulumi.Input<string>[] = published.template.spec.containers[0].args;
        const resolved = await new Promise((resolve) => pulumi.output(args).apply(resolve));
        assert.equal((resolved as string[]).at(-1), "--publish-address=edge-dev-0123456789.elb.eu-west-1.amazonaws.com");
        assert.deepEqual(published.template.metadata.annotations, { "commerce-edge/config-checksum": "0123456789abcdef" });
    });

    it("spreads hard over zones in production and softly elsewhere", () => {
        const zone = (production: boolean) => (controllerDeploymentSpec({ image: "i:1", replicas: 2, publicPorts: [], configMapName: "c", serviceAccountName: "s", production }) as any)
            .template.spec.topologySpreadConstraints[0].whenUnsatisfiable;
        assert.equal(zone(true), "DoNotSchedule");
        assert.equal(zone(false), "ScheduleAnyway");
    });

    it("limits resources", () => {
        assert.ok(container.resources.requests.cpu && container.resources.limits.memory);
    });
});

describe("controller Service", () => {
    it("maps every public port to its container port by name and fixed NodePort, plus healthz", () => {
        assert.deepEqual(controllerServiceSpec(table.publicPorts).ports, [
            { name: "http", port: 80, targetPort: "http", nodePort: 30080, protocol: "TCP" },
            { name: "https", port: 443, targetPort: "https", nodePort: 30443, protocol: "TCP" },
            { name: "tcp-61616", port: 61616, targetPort: "tcp-61616", nodePort: 31616, protocol: "TCP" },
            { name: "healthz", port: 10253, targetPort: "healthz", nodePort: 30253, protocol: "TCP" },
        ]);
    });
});

describe("RBAC", () => {
    it("lets v0.16 watch EndpointSlices and update Ingress status, and nothing cluster-wide writes secrets", () => {
        const rules = controllerClusterRoleRules();
        assert.ok(rules.some((rule) => rule.apiGroups.includes("discovery.k8s.io") && rule.resources.includes("endpointslices")));
        assert.ok(rules.some((rule) => rule.resources.includes("ingresses/status")));
        assert.ok(!rules.some((rule) => rule.resources.includes("secrets") && rule.verbs.some((verb) => ["create", "update", "patch"].includes(verb))));
        assert.ok(controllerRoleRules().some((rule) => rule.apiGroups.includes("coordination.k8s.io") && rule.resources.includes("leases")));
    });
});

describe("WAF agent", () => {
    it("runs the pinned image on 12345 with probes", () => {
        const spec = wafDeploymentSpec({ image: "quay.io/jcmoraisjr/modsecurity-spoa:v0.14", replicas: 2, configMapName: "modsecurity-spoa-0123456789", configFiles: ["engine.conf"] }) as any;
        const container = spec.template.spec.containers[0];
        assert.equal(spec.replicas, 2);
        assert.deepEqual(container.ports, [{ name: "spop", containerPort: 12345, protocol: "TCP" }]);
        assert.deepEqual(container.readinessProbe.tcpSocket, { port: "spop" });
    });
});
