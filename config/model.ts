import * as pulumi from "@pulumi/pulumi";
import type { SubnetLayoutKind } from "../components/aws/subnetLayout";
import { crsVersionOfImage } from "../components/haproxy/wafConfig";
import { CORTEX, type RouteTable } from "./routeTable";
import type { Environment, StackConfig } from "./schema";

/** The validated, defaulted model of one environment that `index.ts` hands to the components. */
export interface EdgeModel {
    readonly project: string;
    readonly stack: string;
    readonly environment: Environment;
    readonly isProduction: boolean;
    readonly network: {
        readonly cidr: string;
        readonly availabilityZones: number;
        readonly subnetLayout: SubnetLayoutKind;
        readonly natGateways: "single" | "perAz";
        readonly existing?: { readonly vpcId: string; readonly publicSubnetIds: readonly string[]; readonly privateSubnetIds: readonly string[] };
    };
    readonly cluster: StackConfig["cluster"];
    readonly ingress: Omit<StackConfig["ingress"], "replicas" | "waf"> & {
        readonly replicas: number;
        /** The agent's ModSecurity settings, with the CRS release the image ships. */
        readonly waf: StackConfig["ingress"]["waf"] & { readonly crsVersion: string };
    };
    readonly dnsZoneName: string;
    readonly deployRunner?: NonNullable<StackConfig["deployRunner"]>;
    readonly routeTable: RouteTable;
    readonly activemq: {
        readonly image: string;
        readonly storageGiB: number;
        readonly replicas: 1;
        /** Namespaces whose pods may connect to the broker's OpenWire port directly. */
        readonly inClusterClients: readonly string[];
    };
    readonly secrets: {
        /** Default certificate, when given as config secrets. */
        readonly tls?: { readonly certificate: pulumi.Output<string>; readonly privateKey: pulumi.Output<string> };
        readonly activemqAdminPassword: pulumi.Output<string>;
        readonly activemqBrokerPassword: pulumi.Output<string>;
    };
}

/** Validation refused an unknown image without crsVersion, so the lookup cannot miss here. */
function crsVersionOf(image: string): string {
    const version = crsVersionOfImage(image);
    if (version === undefined) throw new Error(`no CRS release known for ${image}: validateStackConfig should have refused it`);
    return version;
}

/** One NAT gateway per AZ in production, one shared elsewhere, unless set. */
export function natGatewayMode(config: StackConfig): "single" | "perAz" {
    return config.network.natGateways ?? (config.environment === "production" ? "perAz" : "single");
}

/** NAT gateways the program creates: none in an existing VPC. */
export function natGatewayCount(config: StackConfig): number {
    if (config.network.existing) return 0;
    return natGatewayMode(config) === "perAz" ? config.network.availabilityZones : 1;
}

/** Applies the tier defaults and wraps secret values as secret Outputs. */
export function buildModel(config: StackConfig, routeTable: RouteTable, project: string, stack: string): EdgeModel {
    const isProduction = config.environment === "production";
    const { tlsCertificate, tlsPrivateKey } = config;
    return {
        project,
        stack,
        environment: config.environment,
        isProduction,
        network: {
            cidr: config.network.cidr,
            availabilityZones: config.network.availabilityZones,
            subnetLayout: config.network.subnetLayout,
            natGateways: natGatewayMode(config),
            ...(config.network.existing ? { existing: config.network.existing } : {}),
        },
        cluster: config.cluster,
        ingress: {
            ...config.ingress,
            replicas: config.ingress.replicas ?? (isProduction ? 3 : 2),
            waf: { ...config.ingress.waf, crsVersion: config.ingress.waf.crsVersion ?? crsVersionOf(config.ingress.wafImage) },
        },
        dnsZoneName: config.dns.zoneName,
        ...(config.deployRunner ? { deployRunner: config.deployRunner } : {}),
        routeTable,
        activemq: {
            image: config.routes.activemq.image,
            storageGiB: config.routes.activemq.storageGiB,
            replicas: 1,
            // Cortex talks JMS to the broker, wherever its pods run.
            inClusterClients: config.routes.activemq.inClusterClients ?? [config.routes.cortex.service?.namespace ?? CORTEX.namespace],
        },
        secrets: {
            ...(tlsCertificate !== undefined && tlsPrivateKey !== undefined
                ? { tls: { certificate: pulumi.secret(tlsCertificate), privateKey: pulumi.secret(tlsPrivateKey) } }
                : {}),
            activemqAdminPassword: pulumi.secret(config.activemqAdminPassword),
            activemqBrokerPassword: pulumi.secret(config.activemqBrokerPassword),
        },
    };
}
