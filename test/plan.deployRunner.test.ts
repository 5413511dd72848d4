import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import program from "../index";
import { estimateMonthlyCost } from "../harness/cost";
import { planStack, type Plan } from "../harness/plan";
import { ProgramFailure, runUnderMocks } from "../harness/mockEngine";
import { PROJECT, readStackFile } from "../harness/stackFile";
import { field, PlanQuery } from "./planQueries";

const CONNECTION = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0f0e0d0c-0b0a-4998-8776-655443322110";
const runnerConfig = (runner: unknown): Record<string, string> => ({ "commerce-edge:deployRunner": JSON.stringify(runner) });

describe("the deploy runner", () => {
    let plan: Plan;
    let q: PlanQuery;
    before(async () => {
        plan = await planStack("dev", { configOverrides: runnerConfig({ githubRepository: "acme/commerce-edge", connectionArn: CONNECTION }) });
        q = new PlanQuery(plan.run.resources);
    });

    it("is a CodeBuild project named for the workflow label, in the private subnets, taking the repository's queued jobs", () => {
        const project = q.one("aws:codebuild/project:Project");
        assert.equal(field(project, "name"), "edge-dev-deploy-runner");
        assert.equal(plan.run.outputs.deployRunnerProject, "edge-dev-deploy-runner");
        assert.deepEqual(field(project, "source"), {
            type: "GITHUB",
            location: "https://github.com/acme/commerce-edge.git",
            auth: { type: "CODECONNECTIONS", resource: CONNECTION },
        });
        const privateSubnets = q.ofType("aws:ec2/subnet:Subnet").filter((subnet) => subnet.name.includes("-private-"));
        assert.equal(field<string[]>(project, "vpcConfig.subnets").length, privateSubnets.length);
        for (const subnet of privateSubnets) assert.ok(project.dependencies.includes(subnet.urn), subnet.name);
        assert.equal(field(project, "environment.computeType"), "BUILD_GENERAL1_MEDIUM");
        assert.ok(field<number>(project, "buildTimeout") >= 90, "outlasts the deploy job's 90-minute timeout");
        const webhook = q.one("aws:codebuild/webhook:Webhook");
        assert.deepEqual(field(webhook, "filterGroups"), [{ filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }]);
    });

    it("reaches the EKS API's private endpoint on 443 from its own security group only", () => {
        const runnerSg = q.one("aws:ec2/securityGroup:SecurityGroup", (sg) => sg.name.endsWith("-runner"));
        const rule = q.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", (candidate) => candidate.name.endsWith("-api-from-runner"));
        assert.deepEqual([field(rule, "fromPort"), field(rule, "toPort"), field(rule, "ipProtocol")], [443, 443, "tcp"]);
        assert.ok(rule.dependencies.includes(runnerSg.urn));
        assert.ok(rule.dependencies.includes(q.one("eks:index:Cluster").urn), "the target is the cluster's security group");
        assert.equal(field(rule, "cidrIpv4"), undefined);
    });

    it("may only log, attach to the VPC and use its GitHub connection", () => {
        const policy = JSON.parse(field<string>(q.one("aws:iam/rolePolicy:RolePolicy"), "policy")) as { Statement: { Action: string | string[]; Resource: unknown }[] };
        const actions = policy.Statement.flatMap((statement) => [statement.Action].flat()).sort();
        assert.deepEqual(actions, [
            "codeconnections:GetConnection", "codeconnections:GetConnectionToken", "codeconnections:UseConnection",
            "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DescribeDhcpOptions",
            "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
            "logs:CreateLogStream", "logs:PutLogEvents",
        ]);
        assert.deepEqual(policy.Statement.find((statement) => [statement.Action].flat()[0]?.startsWith("codeconnections:"))?.Resource, CONNECTION);
    });

    it("costs nothing while idle, its build minutes named as left out of the estimate", () => {
        const estimate = estimateMonthlyCost(plan.run.resources, plan.region);
        assert.deepEqual(estimate.unpriced, []);
        assert.ok(estimate.assumptions.includes("deploy runner edge-dev-deploy-runner: CodeBuild bills each minute a deploy job runs on it (BUILD_GENERAL1_MEDIUM); not in the total"), estimate.assumptions.join("\n"));
    });

    it("is absent unless configured", async () => {
        const dev = await planStack("dev");
        assert.equal(dev.run.resources.filter((resource) => resource.type.startsWith("aws:codebuild/")).length, 0);
        assert.equal(dev.run.outputs.deployRunnerProject, undefined);
    });

    it("refuses a repository or connection that cannot be one, and the program registers nothing", async () => {
        const file = readStackFile("dev");
        const config = { ...file.config, ...runnerConfig({ githubRepository: "acme", connectionArn: "arn:aws:iam::123456789012:role/x" }) };
        await assert.rejects(runUnderMocks({ project: PROJECT, stack: "dev", config, secretKeys: file.secretKeys, program }), (error: unknown) => {
            assert.ok(error instanceof ProgramFailure);
            assert.equal(error.resources.length, 0);
            assert.match(error.message, /deployRunner\.githubRepository: is not a GitHub repository \(owner\/name\)/);
            assert.match(error.message, /deployRunner\.connectionArn: is not a CodeConnections connection ARN/);
            return true;
        });
    });
});
