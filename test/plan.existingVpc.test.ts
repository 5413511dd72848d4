import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { planStack } from "../harness/plan";
import { PROJECT_ROOT } from "../harness/stackFile";
import { field, PlanQuery } from "./planQueries";

const devConfig = (parse(readFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> }).config;

describe("an existing VPC", () => {
    it("is used as given: no network resources are created and nodes go to its private subnets", async () => {
        const existing = {
            vpcId: "vpc-0123456789abcdef0",
            publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
            privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
        };
        const devRoutes = devConfig["commerce-edge:routes"];
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
    });
});
