import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseCidr } from "../config/cidr";

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) => octets.join("."));

function maskIpv4(address: string, prefix: number): string {
    const value = address.split(".").reduce((total, octet) => total * 256 + Number(octet), 0);
    const network = prefix === 0 ? 0 : Math.floor(value / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
    return [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join(".");
}

describe("parseCidr", () => {
    it("accepts every IPv4 network address with its prefix, canonically", () => {
        fc.assert(fc.property(ipv4, fc.integer({ min: 0, max: 32 }), (address, prefix) => {
            const text = `${maskIpv4(address, prefix)}/${prefix}`;
            const result = parseCidr(text);
            assert.ok(result.ok, text);
            assert.equal(result.cidr.canonical, text);
            assert.equal(result.cidr.family, "ipv4");
        }));
    });

    it("refuses any IPv4 address with host bits set and names the network", () => {
        fc.assert(fc.property(ipv4, fc.integer({ min: 0, max: 31 }), (address, prefix) => {
            fc.pre(maskIpv4(address, prefix) !== address);
            const result = parseCidr(`${address}/${prefix}`);
            assert.ok(!result.ok);
            assert.ok(result.problem.includes(`use ${maskIpv4(address, prefix)}/${prefix}`), result.problem);
        }));
    });

    it("handles IPv6 and compresses it", () => {
        assert.deepEqual(parseCidr("2001:0db8:0000::/32"), { ok: true, cidr: { family: "ipv6", prefixLength: 32, canonical: "2001:db8::/32" } });
        assert.equal(parseCidr("2001:db8::1/64").ok, false);
        assert.equal(parseCidr("2001:db8::/129").ok, false);
    });

    it("refuses malformed text", () => {
        for (const text of ["10.0.0.0", "10.0.0.0/", "10.0.0.0/8/8", "256.0.0.0/8", "10.0.0.0/-1", "10.0.0.0/08", "fe80::1%eth0/64", ""]) {
            assert.equal(parseCidr(text).ok, false, text);
        }
    });
});
