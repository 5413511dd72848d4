import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseCidr } from "../config/cidr";
import { subnetLayout } from "../components/aws/subnetLayout";

function range(cidr: string): [number, number] {
    const [address = "", prefix = "0"] = cidr.split("/");
    const start = address.split(".").reduce((total, octet) => total * 256 + Number(octet), 0);
    return [start, start + 2 ** (32 - Number(prefix)) - 1];
}

describe("subnetLayout", () => {
    it("splits 10.0.0.0/16 over 3 AZs into private /18s and public /20s", () => {
        assert.deepEqual(subnetLayout("10.0.0.0/16", 3), {
            privateCidrs: ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"],
            publicCidrs: ["10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"],
        });
    });

    it("gives valid, disjoint subnets inside the VPC, one of each per AZ", () => {
        fc.assert(fc.property(fc.integer({ min: 16, max: 24 }), fc.integer({ min: 2, max: 6 }), fc.nat(255), (prefix, zones, secondOctet) => {
            const vpc = `10.${secondOctet}.0.0/${prefix}`;
            let layout;
            try {
                layout = subnetLayout(parseCidr(vpc).ok ? vpc : `10.0.0.0/${prefix}`, zones);
            } catch (error) {
                assert.match((error as Error).message, /is too small/);
                return;
            }
            const all = [...layout.privateCidrs, ...layout.publicCidrs];
            assert.equal(layout.privateCidrs.length, zones);
            assert.equal(layout.publicCidrs.length, zones);
            const [vpcStart, vpcEnd] = range(parseCidr(vpc).ok ? vpc : `10.0.0.0/${prefix}`);
            const ranges = all.map((cidr) => {
                assert.ok(parseCidr(cidr).ok, `${cidr} is a valid network`);
                assert.ok(Number(cidr.split("/")[1]) <= 28, `${cidr} fits AWS's /28 minimum`);
                return range(cidr);
            }).sort((a, b) => a[0] - b[0]);
            for (const [start, end] of ranges) assert.ok(start >= vpcStart && end <= vpcEnd);
            for (let index = 1; index < ranges.length; index++) assert.ok(ranges[index]![0] > ranges[index - 1]![1], "subnets overlap");
        }));
    });

    it("refuses a VPC too small for its AZs", () => {
        assert.throws(() => subnetLayout("10.0.0.0/24", 6), /too small for 6 AZs/);
    });
});
