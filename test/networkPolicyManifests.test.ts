import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    apiServerServiceAddress,
    configuredEgress,
    controllerBackends,
    controllerPolicySpec,
    workloadPolicySpec,
} from "../components/security/networkPolicyManifests";
import { buildRouteTable } from "../config/routeTable";
import { stackConfigSchema } from "../config/schema";
import { validValues } from "./fixtures";

function table(mutate: (values: Record<string, any>) => void = () => undefined) {
    const values = structuredClone(validValues()) as Record<string, any>;
    mutate(values);
    return buildRouteTable(stackConfigSchema.parse(values));
}

describe("NetworkPolicy builders", () => {
    it("take the `kubernetes` Service address as the first address of the service range", () => {
        assert.equal(apiServerServiceAddress("172.20.0.0/16"), "172.20.0.1");
        assert.equal(apiServerServiceAddress("10.100.0.0/16"), "10.100.0.1");
        assert.equal(apiServerServiceAddress("10.96.255.0/24"), "10.96.255.1");
    });

    it("reach the program's pods by label and an existing Service's namespace on its target port", () => {
        const backends = controllerBackends(table((v) => {
            v.routes.additional = [
                { protocol: "http", name: "grafana", host: "grafana.example.com", service: { namespace: "monitoring", name: "grafana", port: 80, targetPort: 3000 }, allowlist: ["10.0.0.0/8"] },
                { protocol: "tcp", name: "redis", port: 6379, service: { namespace: "monitoring", name: "redis", port: 6379 }, allowlist: ["10.0.0.0/8"] },
            ];
        }));
        assert.deepEqual(backends, [
            { namespace: "activemq", podLabels: { "app.kubernetes.io/name": "activemq", "app.kubernetes.io/part-of": "commerce-edge" }, ports: [8161, 61616] },
            { namespace: "cortex", podLabels: { "app.kubernetes.io/name": "cortex", "app.kubernetes.io/part-of": "commerce-edge" }, ports: [8080] },
            { namespace: "monitoring", ports: [3000, 6379] },
        ]);
    });

    it("reach a Service the program deploys by its pods' labels, whichever route names it", () => {
        const backends = controllerBackends(table((v) => {
            v.routes.additional = [
                { protocol: "http", name: "shop", host: "shop.example.com", workload: { image: "registry.example.com/shop:1.0.0", containerPort: 8080 }, allowlist: ["10.0.0.0/8"] },
                { protocol: "http", name: "shop-www", host: "www.example.com", service: { namespace: "shop", name: "shop", port: 8080 }, allowlist: ["10.0.0.0/8"] },
            ];
        }));
        assert.deepEqual(backends.filter((backend) => backend.namespace === "shop"), [
            { namespace: "shop", podLabels: { "app.kubernetes.io/name": "shop", "app.kubernetes.io/part-of": "commerce-edge" }, ports: [8080] },
        ]);
    });

    it("admit no metrics scraper when none is configured", () => {
        const spec = controllerPolicySpec({ publicPorts: table().publicPorts, vpcCidrs: ["10.0.0.0/16"], apiServerCidr: "172.20.0.1/32", backends: [], metricsScraperNamespaces: [] }) as any;
        assert.equal(spec.ingress.length, 2);
        assert.deepEqual(spec.ingress.map((rule: { ports: { port: number }[] }) => rule.ports.map((port) => port.port)), [[8080, 8443, 61616], [10253]]);
    });

    it("turn configured egress into CIDR and namespace peers, and further clients into an ingress rule", () => {
        const spec = workloadPolicySpec({
            podLabels: { app: "search" },
            controllerPorts: [8080],
            clients: { namespaces: ["orders", "cortex"], ports: [9200] },
            egress: configuredEgress([{ cidr: "10.20.8.0/22", ports: [3306] }, { namespace: "search", ports: [8082, 8082] }]),
        }) as any;
        assert.deepEqual(spec.egress, [
            { to: [{ ipBlock: { cidr: "10.20.8.0/22" } }], ports: [{ protocol: "TCP", port: 3306 }] },
            { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "search" } } }], ports: [{ protocol: "TCP", port: 8082 }] },
        ]);
        assert.deepEqual(spec.ingress[1], {
            from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["cortex", "orders"] }] } }],
            ports: [{ protocol: "TCP", port: 9200 }],
        });
    });
});
