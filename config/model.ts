import * as pulumi from "@pulumi/pulumi";
import type { SubnetLayoutKind } from "../components/aws/subnetLayout";
import type { RouteTable } from "./routeTable";
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
    readonly ingress: Omit<StackConfig["ingress"], "replicas"> & { readonly replicas: number };
    readonly dnsZoneName: string;
    readonly routeTable: RouteTable;
    readonly activemq: {
        readonly image: string;
        readonly storageGiB: number;
        readonly replicas: 1;
    };
    readonly secrets: {
        /** Default certificate, when given as config secrets. */
        readonly tls?: { readonly certificate: pulumi.Output<string>; readonly privateKey: pulumi.Output<string> };
        readonly activemqAdminPassword: pulumi.Output<string>;
        readonly activemqBrokerPassword: pulumi.Output<string>;
    };
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
            natGateways: config.network.natGateways ?? (isProduction ? "perAz" : "single"),
            ...(config.network.existing ? { existing: config.network.existing } : {}),
        },
        cluster: config.cluster,
        ingress: { ...config.ingress, replicas: config.ingress.replicas ?? (isProduction ? 3 : 2) },
        dnsZoneName: config.dns.zoneName,
        routeTable,
        activemq: { image: config.routes.activemq.image, storageGiB: config.routes.activemq.storageGiB, replicas: 1 },
        secrets: {
            ...(tlsCertificate !== undefined && tlsPrivateKey !== undefined
                ? { tls: { certificate: pulumi.secret(tlsCertificate), privateKey: pulumi.secret(tlsPrivateKey) } }
                : {}),
            activemqAdminPassword: pulumi.secret(config.activemqAdminPassword),
            activemqBrokerPassword: pulumi.secret(config.activemqBrokerPassword),
        },
    };
}
