import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export type RunnerComputeType = "BUILD_GENERAL1_SMALL" | "BUILD_GENERAL1_MEDIUM" | "BUILD_GENERAL1_LARGE";

export interface DeployRunnerArgs {
    /** CodeBuild project name; workflows address the runner as `codebuild-<projectName>-<run id>-<run attempt>`. */
    readonly projectName: string;
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets: the runner reaches the internet (GitHub, npm, Pulumi Cloud) through their NAT gateways. */
    readonly subnetIds: pulumi.Input<string[]>;
    /** Security group of the EKS control plane's private endpoint; the runner is admitted on 443. */
    readonly apiSecurityGroupId: pulumi.Input<string>;
    /** `owner/repo` whose workflow jobs this runner takes. */
    readonly githubRepository: string;
    /** AWS CodeConnections (or CodeStar Connections) connection to GitHub, created and authorised once by hand. */
    readonly connectionArn: string;
    /** @default "BUILD_GENERAL1_MEDIUM" (4 vCPU, 7 GiB: the AWS provider plugin alone takes about 1 GiB) */
    readonly computeType: RunnerComputeType;
    /** @default 30 */
    readonly logRetentionDays?: number;
    readonly tags?: Record<string, string>;
}

/** `codeconnections` or `codestar-connections`: IAM actions take the prefix of the connection's ARN. */
function connectionService(connectionArn: string): string {
    return connectionArn.split(":")[2] ?? "codeconnections";
}

/**
 * A CodeBuild-hosted GitHub Actions runner inside the stack's VPC, so that `pulumi up` reaches the EKS API through
 * its private endpoint instead of a public endpoint that would have to admit GitHub's changing addresses. CodeBuild
 * starts one build per queued workflow job whose `runs-on` names this project (webhook event WORKFLOW_JOB_QUEUED;
 * CodeBuild User Guide, "Self-hosted GitHub Actions runners in AWS CodeBuild"). The job still assumes the stack's
 * deploy role through GitHub OIDC: this project's role can only write its logs, attach to the VPC and read the
 * GitHub connection.
 */
export class DeployRunner extends pulumi.ComponentResource {
    readonly projectName: pulumi.Output<string>;

    constructor(name: string, args: DeployRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("commerce-edge:aws:DeployRunner", name, {}, opts);
        const parent = { parent: this };
        const partition = aws.getPartitionOutput({}, parent).partition;
        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;

        const securityGroup = new aws.ec2.SecurityGroup(`${name}-runner`, {
            vpcId: args.vpcId,
            description: "Deploy runner: outbound only (GitHub, registries, Pulumi Cloud, AWS and EKS APIs)",
            tags: { ...args.tags, Name: `${name}-runner` },
        }, parent);
        new aws.vpc.SecurityGroupEgressRule(`${name}-runner-out`, {
            securityGroupId: securityGroup.id,
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
            description: "Runner reaches GitHub, registries, Pulumi Cloud and AWS APIs",
        }, parent);
        new aws.vpc.SecurityGroupIngressRule(`${name}-api-from-runner`, {
            securityGroupId: args.apiSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            referencedSecurityGroupId: securityGroup.id,
            description: "Deploy runner to the EKS API's private endpoint",
        }, parent);

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-runner`, {
            name: `/aws/codebuild/${args.projectName}`,
            retentionInDays: args.logRetentionDays ?? 30,
            tags: args.tags,
        }, parent);

        const role = new aws.iam.Role(`${name}-runner`, {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags: args.tags,
        }, parent);
        const service = connectionService(args.connectionArn);
        // VPC statements: CodeBuild User Guide, "Allow CodeBuild access to AWS services required to create a VPC network interface".
        const policy = new aws.iam.RolePolicy(`${name}-runner`, {
            role: role.id,
            policy: pulumi.all([partition, region, account, logGroup.arn, args.subnetIds]).apply(([partitionName, regionName, accountId, logGroupArn, subnetIds]) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logGroupArn, `${logGroupArn}:*`] },
                    {
                        Effect: "Allow",
                        Action: ["ec2:CreateNetworkInterface", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"],
                        Resource: "*",
                    },
                    {
                        Effect: "Allow",
                        Action: "ec2:CreateNetworkInterfacePermission",
                        Resource: `arn:${partitionName}:ec2:${regionName}:${accountId}:network-interface/*`,
                        Condition: {
                            StringEquals: {
                                "ec2:Subnet": subnetIds.map((subnetId) => `arn:${partitionName}:ec2:${regionName}:${accountId}:subnet/${subnetId}`),
                                "ec2:AuthorizedService": "codebuild.amazonaws.com",
                            },
                        },
                    },
                    { Effect: "Allow", Action: [`${service}:UseConnection`, `${service}:GetConnection`, `${service}:GetConnectionToken`], Resource: args.connectionArn },
                ],
            })),
        }, parent);

        const project = new aws.codebuild.Project(`${name}-runner`, {
            name: args.projectName,
            description: `GitHub Actions runner for pulumi up of ${name}, inside its VPC`,
            serviceRole: role.arn,
            artifacts: { type: "NO_ARTIFACTS" },
            environment: {
                type: "LINUX_CONTAINER",
                computeType: args.computeType,
                // AWS-managed image with the AWS CLI v2, which the kubeconfig's `aws eks get-token` needs.
                image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
                imagePullCredentialsType: "CODEBUILD",
            },
            source: {
                type: "GITHUB",
                location: `https://github.com/${args.githubRepository}.git`,
                auth: { type: "CODECONNECTIONS", resource: args.connectionArn },
            },
            vpcConfig: { vpcId: args.vpcId, subnets: args.subnetIds, securityGroupIds: [securityGroup.id] },
            logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name } },
            buildTimeout: 120,
            tags: args.tags,
        }, { parent: this, dependsOn: [policy] });

        new aws.codebuild.Webhook(`${name}-runner`, {
            projectName: project.name,
            buildType: "BUILD",
            filterGroups: [{ filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }],
        }, parent);

        this.projectName = project.name;
        this.registerOutputs({ projectName: this.projectName });
    }
}
