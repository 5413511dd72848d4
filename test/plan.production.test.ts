import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { PROTECTED_IN_PRODUCTION } from "../components/protection";
import { SECRET_MARKER } from "../harness/mockEngine";
import { planStack, type Plan } from "../harness/plan";
import { field, PlanQuery } from "./planQueries";

let plan: Plan;
let q: PlanQuery;
before(async () => {
    plan = await planStack("production");
    q = new PlanQuery(plan.run.resources);
});

describe("production plan", () => {
    it("is schema-valid", () => assert.deepEqual(plan.schemaProblems, []));

    it("runs 3 controller replicas, hard-spread over zones, with a PDB", () => {
        const controller = q.kubernetes("kubernetes:apps/v1:Deployment", "ingress-controller", "haproxy-ingress");
        assert.equal(field(controller, "spec.replicas"), 3);
        const zoneSpread = field<{ topologyKey: string; whenUnsatisfiable: string }[]>(controller, "spec.template.spec.topologySpreadConstraints")
            .find((constraint) => constraint.topologyKey === "topology.kubernetes.io/zone");
        assert.equal(zoneSpread?.whenUnsatisfiable, "DoNotSchedule");
        assert.deepEqual(field(q.kubernetes("kubernetes:policy/v1:PodDisruptionBudget", "ingress-controller", "haproxy-ingress"), "spec.maxUnavailable"), 1);
        assert.equal(field(q.kubernetes("kubernetes:apps/v1:Deployment", "ingress-controller", "modsecurity-spoa"), "spec.replicas"), 3);
    });

    it("denies on WAF, protects the NLB and the control plane from deletion, and keeps the API endpoint narrow", () => {
        assert.equal(field<Record<string, string>>(q.kubernetes("kubernetes:core/v1:ConfigMap", "ingress-controller", "haproxy-ingress"), "data")["waf-mode"], "deny");
        for (const ingress of q.ofType("kubernetes:networking.k8s.io/v1:Ingress")) {
            const mode = field<Record<string, string>>(ingress, "metadata.annotations")["haproxy-ingress.github.io/waf-mode"];
            if (mode !== undefined) assert.equal(mode, "deny");
        }
        assert.equal(field(q.one("aws:lb/loadBalancer:LoadBalancer"), "enableDeletionProtection"), true);
        const cluster = q.one("eks:index:Cluster");
        assert.equal(field(cluster, "deletionProtection"), true);
        for (const cidr of field<string[]>(cluster, "publicAccessCidrs")) assert.notEqual(cidr.split("/")[1], "0");
        assert.deepEqual(q.ofType("aws:iam/role:Role").map((role) => role.name).sort(), ["edge-production-ebs-csi", "edge-production-node", "edge-production-vpc-cni"]);
        assert.equal(field(cluster, "accessEntries"), undefined, "the program creates the access entries itself, keyed by role");
        const policyOf = new Map(q.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((association) => [association.parent, field<string>(association, "policyArn")]));
        assert.deepEqual(q.ofType("aws:eks/accessEntry:AccessEntry").map((entry) => [field(entry, "principalArn"), policyOf.get(entry.urn)]).sort(), [
            ["arn:aws:iam::123456789012:role/platform-admin", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"],
            ["arn:aws:iam::123456789012:role/pulumi-preview", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"],
        ]);
    });

    it("protects exactly the stateful and address-bearing resources, through the stack transform", () => {
        const protectedResources = plan.run.resources.filter((resource) => resource.protect === true);
        assert.deepEqual(
            protectedResources.map((resource) => resource.urn),
            plan.run.resources.filter((resource) => Object.hasOwn(PROTECTED_IN_PRODUCTION, resource.type)).map((resource) => resource.urn),
        );
        const kinds = new Set(protectedResources.map((resource) => resource.type));
        for (const type of ["aws:kms/key:Key", "aws:ec2/eip:Eip", "aws:route53/record:Record", "kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:PersistentVolumeClaim"]) {
            assert.ok(kinds.has(type), `${type} is protected`);
        }
        assert.equal(q.ofType("aws:ec2/eip:Eip").length, 3);
    });

    it("has one NAT gateway per AZ and subnets in 3 AZs", () => {
        assert.equal(q.ofType("aws:ec2/natGateway:NatGateway").length, 3);
        assert.equal(q.ofType("aws:ec2/subnet:Subnet").length, 6);
        assert.equal((plan.run.outputs.natPublicIps as string[]).length, 3);
    });

    it("plans the default certificate production requires, as reported placeholders kept secret", () => {
        assert.deepEqual(plan.placeholders, ["activemqAdminPassword", "activemqBrokerPassword", "tlsCertificate", "tlsPrivateKey"]);
        assert.ok(plan.notices.includes("tlsCertificate: required in production and not set in Pulumi.production.yaml; planned with a placeholder (pulumi up stops until it is set: pulumi config set --secret tlsCertificate < file)"));
        const secret = q.kubernetes("kubernetes:core/v1:Secret", "ingress-controller", "default-tls");
        assert.deepEqual(field(secret, "stringData"), { "tls.crt": SECRET_MARKER, "tls.key": SECRET_MARKER });
        assert.ok(secret.secretPaths.some((path) => path.startsWith("stringData")));
        const controller = q.kubernetes("kubernetes:apps/v1:Deployment", "ingress-controller", "haproxy-ingress");
        assert.ok(field<{ args: string[] }[]>(controller, "spec.template.spec.containers")[0]!.args.includes("--default-ssl-certificate=ingress-controller/default-tls"));
        assert.ok(controller.dependencies.includes(secret.urn), "the pods start with the certificate, not the self-signed fallback");
    });

    it("offloads TLS for OpenWire when configured", () => {
        const openwire = q.kubernetes("kubernetes:networking.k8s.io/v1:Ingress", "activemq", "activemq-openwire");
        assert.deepEqual(field(openwire, "spec.tls"), [{}]);
    });
});
