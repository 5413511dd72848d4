import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { clock } from "../config/clock";
import { estimateMonthlyCost, FREE_TYPES, HOURS_PER_MONTH, PRICE_TABLE, PRICED_TYPES, typesWithoutPrice, type CostEstimate } from "../harness/cost";
import { planStack, type Plan } from "../harness/plan";
import { REPLACE_ON_CHANGE, typesWithoutRow } from "../harness/replaceOnChange";
import { summaryMarkdown } from "../harness/summary";
import { topologyMarkdown, topologyMermaid, withTopology } from "../harness/topology";

const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
const EU = PRICE_TABLE["eu-west-1"]!;
const line = (estimate: CostEstimate, item: string): number => estimate.lines.filter((candidate) => candidate.item === item).reduce((sum, candidate) => sum + candidate.monthlyUsd, 0);
const cents = (value: number): number => Math.round(value * 100) / 100;

describe("plan review of the stack files", () => {
    let dev: Plan;
    let production: Plan;
    before(async () => {
        dev = await planStack("dev");
        production = await planStack("production");
    });

    it("has a replace-on-change row for every planned type, each rule with a source (a new type must add its row)", () => {
        assert.deepEqual(typesWithoutRow([...dev.run.resources, ...production.run.resources]), []);
        assert.deepEqual(typesWithoutRow([{ type: "aws:wafv2/webAcl:WebAcl" }, { type: "commerce-edge:aws:Network" }]), ["aws:wafv2/webAcl:WebAcl"]);
        for (const [type, row] of Object.entries(REPLACE_ON_CHANGE)) {
            for (const rule of row.rules) assert.ok(rule.source.length > 0 && rule.because.length > 0, `${type} ${rule.path}`);
        }
    });

    it("prices or lists as free every AWS type of the plans", () => {
        assert.deepEqual(typesWithoutPrice([...dev.run.resources, ...production.run.resources]), []);
        assert.deepEqual(typesWithoutPrice([{ type: "aws:rds/instance:Instance" }, { type: "kubernetes:core/v1:Pod" }]), ["aws:rds/instance:Instance"]);
        assert.deepEqual(Object.keys(PRICED_TYPES).filter((type) => type in FREE_TYPES), []);
    });

    it("computes the dev stack's monthly cost from the table", () => {
        const estimate = estimateMonthlyCost(dev.run.resources, dev.region);
        const node = EU.instances["m6i.large"]!;
        const expected: Record<string, number> = {
            "EKS control plane": EU.eksClusterHour * HOURS_PER_MONTH,
            "EC2 nodes": 3 * node.hourly * HOURS_PER_MONTH,
            "EBS node volumes": 3 * 50 * EU.ebsGp3GbMonth,
            "EBS volumes (workloads)": 20 * EU.ebsGp3GbMonth,
            "NAT gateways": EU.natGatewayHour * HOURS_PER_MONTH,
            "Public IPv4 (NAT)": EU.publicIpv4Hour * HOURS_PER_MONTH,
            NLB: EU.nlbHour * HOURS_PER_MONTH,
            "Public IPv4 (NLB)": 2 * EU.publicIpv4Hour * HOURS_PER_MONTH,
            KMS: EU.kmsKeyMonth,
            "CloudWatch Logs": 5 * EU.logsIngestedGb + 5 * (90 / 30) * EU.logsStoredGbMonth,
            Route53: 0,
        };
        assert.deepEqual(Object.fromEntries(estimate.lines.map((entry) => [entry.item, entry.monthlyUsd])), Object.fromEntries(Object.entries(expected).map(([item, usd]) => [item, cents(usd)])));
        assert.equal(estimate.totalUsd, cents(Object.values(expected).reduce((sum, usd) => sum + cents(usd), 0)));
        assert.deepEqual(estimate.unpriced, []);
        assert.equal(estimate.capacity?.cpu, 3 * node.vcpus);
    });

    it("computes production's: five nodes, three NAT gateways and their addresses, three NLB addresses, the first instance type, a 50 GiB broker volume", () => {
        const estimate = estimateMonthlyCost(production.run.resources, production.region);
        assert.equal(line(estimate, "EC2 nodes"), cents(5 * EU.instances["m6i.xlarge"]!.hourly * HOURS_PER_MONTH));
        assert.equal(line(estimate, "NAT gateways"), cents(3 * EU.natGatewayHour * HOURS_PER_MONTH));
        assert.equal(line(estimate, "Public IPv4 (NAT)"), cents(3 * EU.publicIpv4Hour * HOURS_PER_MONTH));
        assert.equal(line(estimate, "Public IPv4 (NLB)"), cents(3 * EU.publicIpv4Hour * HOURS_PER_MONTH));
        assert.equal(line(estimate, "EBS volumes (workloads)"), cents(50 * EU.ebsGp3GbMonth));
        assert.match(estimate.assumptions.join("\n"), /priced as m6i\.xlarge, the first of m6i\.xlarge, m6a\.xlarge/);
    });

    it("adds the extended-support surcharge when the calendar (or a given lookup) says so, and prices us-east-1 from its own rows", (t) => {
        assert.equal(line(estimateMonthlyCost(dev.run.resources, dev.region), "EKS control plane"), cents(EU.eksClusterHour * HOURS_PER_MONTH), "1.36 is in standard support today");
        const extended = estimateMonthlyCost(dev.run.resources, dev.region, { extendedSupport: (version) => version === "1.36" });
        assert.equal(line(extended, "EKS control plane"), cents(EU.eksExtendedSupportClusterHour * HOURS_PER_MONTH));
        t.mock.method(clock, "today", () => "2027-09-01");
        assert.equal(line(estimateMonthlyCost(dev.run.resources, dev.region), "EKS control plane"), cents(EU.eksExtendedSupportClusterHour * HOURS_PER_MONTH), "1.36 leaves standard support on 2027-08-02");
        const virginia = estimateMonthlyCost(dev.run.resources, "us-east-1");
        assert.equal(line(virginia, "EC2 nodes"), cents(3 * PRICE_TABLE["us-east-1"]!.instances["m6i.large"]!.hourly * HOURS_PER_MONTH));
        assert.throws(() => estimateMonthlyCost(dev.run.resources, "ap-south-2"), /No prices for region "ap-south-2" in harness\/cost\.ts \(priced: us-east-1, eu-west-1\)/);
        assert.match(summaryMarkdown({ ...dev, region: "ap-south-2" }), /## Monthly cost\n\nNo prices for region "ap-south-2" in harness\/cost\.ts/, "a stack in another region still gets its summary");
    });

    it("leaves an instance type without a price out of the total and says so", () => {
        const resources = dev.run.resources.map((resource) => (resource.type === "eks:index:ManagedNodeGroup" ? { ...resource, inputs: { ...resource.inputs, instanceTypes: ["x9z.huge"] } } : resource));
        const estimate = estimateMonthlyCost(resources, dev.region);
        assert.equal(line(estimate, "EC2 nodes"), 0);
        assert.deepEqual(estimate.unpriced, ["instance type x9z.huge (node group edge-dev-nodes): not in the price table of eu-west-1"]);
    });

    it("matches the README's worked example", () => {
        const section = readme.slice(readme.indexOf("Worked example, dev in eu-west-1"), readme.indexOf("## The controller, PROXY protocol and WAF"));
        const rows = new Map(section.split("\n").filter((row) => /^\| [^-]/.test(row) && !row.startsWith("| item")).map((row) => {
            const cells = row.split("|").map((cell) => cell.trim().replaceAll("**", ""));
            return [cells[1]!, Number(cells[3])];
        }));
        const devEstimate = estimateMonthlyCost(dev.run.resources, dev.region);
        for (const entry of devEstimate.lines) assert.equal(rows.get(entry.item), entry.monthlyUsd, entry.item);
        assert.equal(rows.get("dev total"), devEstimate.totalUsd);
        assert.equal(rows.get("production total"), estimateMonthlyCost(production.run.resources, production.region).totalUsd);
    });

    it("writes a summary with fakes and placeholders marked, the policy verdict, the cost and the topology", () => {
        const summary = summaryMarkdown(dev);
        assert.match(summary, /^\| `nlbDnsName` \| `edge-dev-[0-9a-f]+\.elb\.eu-west-1\.amazonaws\.com` \| \*\*fake\*\*/m);
        assert.match(summary, /^\| `natPublicIps` \| `\["[\d.]+"\]` \| \*\*fake\*\*/m);
        assert.match(summary, /^\| `httpEndpoints\.cortex` \| `https:\/\/api\.dev\.commerce\.example\.com\/cortex` \| {2}\|$/m, "a configured value is not marked");
        assert.match(summary, /^\| `kubeconfig` \| `\[secret\]` \| secret \|$/m);
        assert.match(summary, /placeholders: `activemqAdminPassword`, `activemqBrokerPassword`\./);
        assert.match(summaryMarkdown(production), /placeholders: `activemqAdminPassword`, `activemqBrokerPassword`, `tlsCertificate`, `tlsPrivateKey`\./);
        assert.match(summary, /Policy pack \(policy\/config\.dev\.json\): no violations\./);
        assert.match(summary, /Estimated monthly cost in eu-west-1: \*\*\$\d+\.\d{2}\*\*/);
        assert.ok(summary.includes(topologyMarkdown(dev.run.resources)));
        assert.match(summary, /^\| `kubernetes:apps\/v1:StatefulSet` \| 1 \|$/m);
    });

    it("draws every host, listener, NodePort and route of the plan, with allowlist, WAF and TLS per route", () => {
        const mermaid = topologyMermaid(dev.run.resources);
        for (const host of ["api.dev.commerce.example.com", "mq.dev.commerce.example.com", "status.dev.commerce.example.com"]) assert.match(mermaid, new RegExp(`\\["${host.replaceAll(".", "\\.")}"\\]`));
        for (const port of [80, 443, 61616]) assert.match(mermaid, new RegExp(`\\["TCP :${port}"\\]`));
        assert.match(mermaid, /\["NodePort 31616 → tcp-61616<br\/>PROXY v2, health TCP :30253"\]/);
        assert.match(mermaid, /\("https:\/\/status\.dev\.commerce\.example\.com\/<br\/>allow 203\.0\.113\.0\/24<br\/>WAF deny · TLS"\)/);
        assert.match(mermaid, /\("TCP :61616<br\/>allow 203\.0\.113\.0\/24, NAT egress<br\/>no WAF \(TCP\)"\)/, "the NAT's fake address is named, not shown");
        const broker = /(n\d+)\["Service activemq\/activemq"\]/.exec(mermaid)?.[1];
        assert.ok(broker && mermaid.includes(`-- ":61616" --> ${broker}\n`) && mermaid.includes(`-- ":8161" --> ${broker}\n`), "OpenWire and the console reach one Service by their ports");
        assert.match(mermaid, /\["StatefulSet activemq ×1<br\/>volume 20Gi \(gp3-retain\)"\]/);
        assert.match(mermaid, / -\. SPOE \.-> n\d+$/m);
        assert.match(topologyMermaid(production.run.resources), /WAF deny · TLS/);
        assert.doesNotMatch(topologyMermaid(production.run.resources), /WAF detect/);
    });

    it("is the README's architecture diagram (run npm run docs)", () => {
        assert.equal(readme, withTopology(readme, topologyMarkdown(dev.run.resources)));
    });
});
