import * as pulumi from "@pulumi/pulumi";
import { clock } from "./config/clock";
import { kubernetesVersionWarnings } from "./config/kubernetesVersion";
import { checkAccount } from "./config/preflight";
import { readStackConfig } from "./config/read";
import { CONTROLLER_PORTS } from "./config/routeTable";
import { Cluster } from "./components/aws/cluster";
import { DeployRunner } from "./components/aws/deployRunner";
import { DnsRecords } from "./components/aws/dns";
import { listenerSources } from "./components/aws/listenerSources";
import { IngressLoadBalancer } from "./components/aws/loadBalancer";
import { Network } from "./components/aws/network";
import { IngressController } from "./components/haproxy/controller";
import { wafConfigInput } from "./components/haproxy/wafConfig";
import { Routes } from "./components/routes/routes";
import { protectProductionState } from "./components/protection";
import { ClusterNetworkPolicies } from "./components/security/networkPolicies";
import { apiServerServiceAddress } from "./components/security/networkPolicyManifests";

/**
 * One environment's edge: config → model → route table → components → outputs.
 * Config is validated before the first resource is registered.
 */
export = async () => {
    const model = readStackConfig();
    for (const warning of kubernetesVersionWarnings(model.cluster, clock.today())) void pulumi.log.warn(warning);
    protectProductionState(model.isProduction);
    const table = model.routeTable;
    const name = `edge-${model.stack}`;
    const account = await checkAccount(model, name);
    const tags = { Project: model.project, Environment: model.environment, "pulumi:stack": model.stack };

    const network = new Network(name, {
        cidr: model.network.cidr,
        availabilityZoneNames: account.availabilityZones.slice(0, model.network.availabilityZones),
        subnetLayout: model.network.subnetLayout,
        natGateways: model.network.natGateways,
        clusterName: name,
        ...(model.network.existing ? { existing: model.network.existing } : {}),
        tags,
    });

    const cluster = new Cluster(name, {
        clusterName: name,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        nodeEgress: network.privateEgress,
        ...model.cluster,
        deletionProtection: model.isProduction,
        tags,
    });

    const deployRunner = model.deployRunner
        ? new DeployRunner(name, {
              projectName: `${name}-deploy-runner`,
              vpcId: network.vpcId,
              subnetIds: network.privateSubnetIds,
              apiSecurityGroupId: cluster.apiSecurityGroupId,
              ...model.deployRunner,
              tags,
          })
        : undefined;

    const loadBalancer = new IngressLoadBalancer(name, {
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        publicIngress: network.publicIngress,
        publicPorts: table.publicPorts,
        listenerSources: listenerSources(table),
        natPublicIps: network.natPublicIps,
        natGatewayCount: network.natGatewayCount,
        healthCheck: CONTROLLER_PORTS.healthz,
        nodeSecurityGroupId: cluster.nodeSecurityGroupId,
        nodeAutoScalingGroupName: cluster.nodeAutoScalingGroupNames.apply((names) => names[0] ?? ""),
        deletionProtection: model.isProduction,
        tags,
    });

    new DnsRecords(name, { zoneName: model.dnsZoneName, hosts: table.hosts, target: { dnsName: loadBalancer.dnsName, zoneId: loadBalancer.zoneId } });

    const controller = new IngressController(name, {
        provider: cluster.provider,
        image: model.ingress.controllerImage,
        replicas: model.ingress.replicas,
        publicPorts: table.publicPorts,
        wafImage: model.ingress.wafImage,
        wafReplicas: model.ingress.wafReplicas,
        wafMode: model.ingress.wafMode,
        wafConfig: wafConfigInput(model.ingress.waf, table.http),
        ...(model.secrets.tls
            ? { defaultCertificate: model.secrets.tls }
            : model.ingress.defaultCertificateSecret
              ? { defaultCertificate: { existingSecret: model.ingress.defaultCertificateSecret } }
              : {}),
        publishAddress: loadBalancer.dnsName,
        prometheusScrape: model.ingress.prometheusScrape,
        serviceMonitor: model.ingress.serviceMonitor,
        production: model.isProduction,
    });

    const routes = new Routes(name, {
        provider: cluster.provider,
        claimProvider: cluster.claimProvider,
        routeTable: table,
        natPublicIps: network.natPublicIps,
        storageReady: cluster.storageReady,
        controllerReady: controller.ready,
        activemq: {
            image: model.activemq.image,
            storageGiB: model.activemq.storageGiB,
            adminPassword: model.secrets.activemqAdminPassword,
            brokerPassword: model.secrets.activemqBrokerPassword,
        },
    });

    new ClusterNetworkPolicies(name, {
        provider: cluster.provider,
        routeTable: table,
        namespaces: new Map([[controller.namespace, controller.namespaceResource], ...routes.namespaces]),
        vpcCidrs: network.cidrBlocks,
        apiServerAddress: cluster.serviceIpv4Cidr.apply(apiServerServiceAddress),
        metricsScraperNamespaces: model.ingress.metricsScraperNamespaces,
        activemqClients: model.activemq.inClusterClients,
    });

    const scheme = (tls: boolean): string => (tls ? "https" : "http");
    return {
        nlbDnsName: loadBalancer.dnsName,
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        httpEndpoints: Object.fromEntries(table.http.map((route) => [route.name, `${scheme(route.tls)}://${route.host}${route.path}`])),
        tcpEndpoints: loadBalancer.dnsName.apply((dnsName) => Object.fromEntries(table.tcp.map((route) => [route.name, `${dnsName}:${route.port}`]))),
        natPublicIps: network.natPublicIps,
        modsecurityEndpoints: controller.modsecurityEndpoints,
        ...(deployRunner ? { deployRunnerProject: deployRunner.projectName } : {}),
    } satisfies Record<string, pulumi.Input<unknown>>;
};
