import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseCidr } from "../config/cidr";
import { MAX_INDEXED_ZONES, subnetLayout, type SubnetLayout } from "../components/aws/subnetLayout";

function range(cidr: string): [number, number] {
    const [address = "", prefix = "0"] = cidr.split("/");
    const start = address.split(".").reduce((total, octet) => total * 256 + Number(octet), 0);
    return [start, start + 2 ** (32 - Number(prefix)) - 1];
}

/** Any IPv4 VPC block the schema admits (/16 to /24), host bits zero. */
const vpcCidr = fc.tuple(fc.integer({ min: 16, max: 24 }), fc.nat(2 ** 32 - 1)).map(([prefix, address]) => {
    const base = address - (address % 2 ** (32 - prefix));
    return `${[24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join(".")}/${prefix}`;
});

function assertValidLayout(vpc: string, zones: number, layout: SubnetLayout): void {
    assert.equal(layout.privateCidrs.length, zones);
    assert.equal(layout.publicCidrs.length, zones);
    const [vpcStart, vpcEnd] = range(vpc);
    const ranges = [...layout.privateCidrs, ...layout.publicCidrs].map((cidr) => {
        assert.ok(parseCidr(cidr).ok, `${cidr} is a valid network`);
        assert.ok(Number(cidr.split("/")[1]) <= 28, `${cidr} fits AWS's /28 minimum`);
        return range(cidr);
    }).sort((a, b) => a[0] - b[0]);
    for (const [start, end] of ranges) assert.ok(start >= vpcStart && end <= vpcEnd, "inside the VPC");
    for (let index = 1; index < ranges.length; index++) assert.ok(ranges[index]![0] > ranges[index - 1]![1], "subnets overlap");
}

describe("subnetLayout, zone-indexed", () => {
    it("splits 10.0.0.0/16 into private /18s and public /20s from the last quarter", () => {
        assert.deepEqual(subnetLayout("10.0.0.0/16", 3), {
            privateCidrs: ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"],
            publicCidrs: ["10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"],
        });
    });

    it("gives valid, disjoint subnets inside every VPC the schema admits, for 1 to 3 zones", () => {
        fc.assert(fc.property(vpcCidr, fc.integer({ min: 1, max: MAX_INDEXED_ZONES }), (vpc, zones) => assertValidLayout(vpc, zones, subnetLayout(vpc, zones))));
    });

    it("carves a zone's subnets from the VPC and the zone's index only: adding or removing zones never moves another zone's subnets", () => {
        fc.assert(fc.property(vpcCidr, fc.integer({ min: 1, max: MAX_INDEXED_ZONES }), fc.integer({ min: 1, max: MAX_INDEXED_ZONES }), (vpc, before, after) => {
            const [fewer, more] = [subnetLayout(vpc, Math.min(before, after)), subnetLayout(vpc, Math.max(before, after))];
            assert.deepEqual(more.privateCidrs.slice(0, fewer.privateCidrs.length), fewer.privateCidrs);
            assert.deepEqual(more.publicCidrs.slice(0, fewer.publicCidrs.length), fewer.publicCidrs);
        }));
    });

    it("is the legacy layout of a 3-zone stack, so those stacks keep every subnet", () => {
        fc.assert(fc.property(vpcCidr, (vpc) => assert.deepEqual(subnetLayout(vpc, 3, "zoneIndexed"), subnetLayout(vpc, 3, "legacy"))));
    });

    it("refuses more zones than it reserves", () => {
        assert.throws(() => subnetLayout("10.0.0.0/16", 4), /4 AZs is more than the 3 the zone-indexed layout reserves/);
    });
});

describe("subnetLayout, legacy", () => {
    it("keeps the 2-zone layout of stacks created before: public /19s", () => {
        assert.deepEqual(subnetLayout("10.20.0.0/16", 2, "legacy"), {
            privateCidrs: ["10.20.0.0/18", "10.20.64.0/18"],
            publicCidrs: ["10.20.192.0/19", "10.20.224.0/19"],
        });
    });

    it("gives valid, disjoint subnets where the VPC is large enough", () => {
        fc.assert(fc.property(vpcCidr, fc.integer({ min: 2, max: 6 }), (vpc, zones) => {
            let layout: SubnetLayout;
            try {
                layout = subnetLayout(vpc, zones, "legacy");
            } catch (error) {
                assert.match((error as Error).message, /is too small/);
                return;
            }
            assertValidLayout(vpc, zones, layout);
        }));
    });

    it("refuses a VPC too small for its AZs", () => {
        assert.throws(() => subnetLayout("10.0.0.0/24", 6, "legacy"), /too small for 6 AZs/);
    });
});
