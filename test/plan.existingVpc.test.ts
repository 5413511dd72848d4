import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planStack } from "../harness/plan";
import { devConfigValue, field, PlanQuery } from "./planQueries";

describe("an existing VPC", () => {
    it("is used as given: no network resources are created and nodes go to its private subnets", async () => {
        const existing = {
            vpcId: "vpc-0123456789abcdef0",
            publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
            privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
        };
        const devRoutes = devConfigValue("routes");
        const routes = { ...devRoutes, cortex: { ...devRoutes.cortex, allowNatEgress: false }, activemq: { ...devRoutes.activemq, allowNatEgress: false } };
        const plan = await planStack("dev", { configOverrides: { "commerce-edge:network": JSON.stringify({ existing }), "commerce-edge:routes": JSON.stringify(routes) } });
        const q = new PlanQuery(plan.run.resources);
        for (const type of ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/eip:Eip"]) {
            assert.equal(q.ofType(type).length, 0, type);
        }
        assert.deepEqual(field(q.one("eks:index:ManagedNodeGroup"), "subnetIds"), existing.privateSubnetIds);
        assert.deepEqual(field(q.one("aws:lb/loadBalancer:LoadBalancer"), "subnets"), existing.publicSubnetIds);
        assert.equal(field(q.one("eks:index:Cluster"), "vpcId"), existing.vpcId);
        assert.deepEqual(plan.run.outputs.natPublicIps, []);
        const controllerPolicy = q.kubernetes("kubernetes:networking.k8s.io/v1:NetworkPolicy", "ingress-controller", "haproxy-ingress");
        assert.deepEqual(field<{ from: { ipBlock?: { cidr: string; except?: string[] } }[] }[]>(controllerPolicy, "spec.ingress")[0]!.from[0]!.ipBlock, {
            cidr: "0.0.0.0/0",
            except: ["10.60.0.0/16", "100.64.0.0/16"],
        }, "the VPC's primary and secondary blocks, read from the VPC");
    });
});
