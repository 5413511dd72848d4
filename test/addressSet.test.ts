import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ipv4Reach, parseAllowlistEntry, worldOpenFamilies, type AddressBlock } from "../config/addressSet";

function blocks(...entries: string[]): AddressBlock[] {
    return entries.map((entry) => {
        const parsed = parseAllowlistEntry(entry);
        assert.ok(parsed.ok, entry);
        return parsed.block;
    });
}

/** Splits 0.0.0.0/0 into random disjoint CIDR blocks that together cover it. */
const ipv4Cover = fc.array(fc.boolean(), { minLength: 1, maxLength: 24 }).map((choices) => {
    const cover: string[] = [];
    let prefix = 0;
    let base = 0;
    // Walk down one branch, keeping the sibling half of every split as a block of the cover.
    for (const goRight of choices) {
        prefix += 1;
        const half = 2 ** (32 - prefix);
        const kept = goRight ? base : base + half;
        cover.push(`${[24, 16, 8, 0].map((shift) => Math.floor(kept / 2 ** shift) % 256).join(".")}/${prefix}`);
        if (goRight) base += half;
    }
    cover.push(`${[24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join(".")}/${prefix}`);
    return cover;
});

describe("allowlists as address sets", () => {
    it("finds every cover of the IPv4 space world-open, however it is split and ordered", () => {
        fc.assert(fc.property(ipv4Cover, fc.nat(), (cover, seed) => {
            const shuffled = [...cover].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
            assert.ok(worldOpenFamilies(blocks(...shuffled)).includes("IPv4"), shuffled.join(","));
        }));
    });

    it("finds no cover world-open once one of its blocks is left out", () => {
        fc.assert(fc.property(ipv4Cover, fc.nat(), (cover, pick) => {
            const missing = cover[pick % cover.length]!;
            // A missing block of non-global addresses only (e.g. 224.0.0.0/3) still leaves the internet admitted.
            fc.pre(ipv4Reach(blocks(missing)[0]!).kind === "internet");
            assert.deepEqual(worldOpenFamilies(blocks(...cover.filter((block) => block !== missing))), []);
        }));
    });

    it("counts IPv4-mapped IPv6 as IPv4, and ::/0 as every IPv4 client too (HAProxy pat_match_ip)", () => {
        assert.deepEqual(worldOpenFamilies(blocks("::ffff:0:0/96")), ["IPv4"]);
        assert.deepEqual(worldOpenFamilies(blocks("::ffff:0.0.0.0/97", "128.0.0.0/1")), ["IPv4"]);
        assert.deepEqual(worldOpenFamilies(blocks("::/0")), ["IPv4", "IPv6"]);
        assert.deepEqual(worldOpenFamilies(blocks("2000::/3")), ["IPv6"]);
    });

    it("treats a list of exceptions only as everything else admitted (haproxy-ingress allow_exception)", () => {
        assert.deepEqual(worldOpenFamilies(blocks("!192.0.2.0/24")), ["IPv4", "IPv6"]);
        assert.deepEqual(worldOpenFamilies(blocks("0.0.0.0/0", "!8.0.0.0/8")), []);
    });

    it("calls every address of every IPv4 entry inside special ranges unreachable, and any public one reachable", () => {
        fc.assert(fc.property(fc.constantFrom("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4"), fc.integer({ min: 0, max: 8 }), (block, extra) => {
            const [address, prefix] = block.split("/") as [string, string];
            const narrower = `${address}/${Number(prefix) + extra}`;
            assert.equal(ipv4Reach(blocks(narrower)[0]!).kind, "special", narrower);
        }));
        assert.deepEqual(ipv4Reach(blocks("8.8.8.0/24")[0]!), { kind: "internet" });
        assert.deepEqual(ipv4Reach(blocks("2001:db8::/32")[0]!), { kind: "ipv6" });
        assert.deepEqual(ipv4Reach(blocks("198.51.100.0/24")[0]!), { kind: "special", documentation: true, names: ["documentation TEST-NET-2 (RFC 5737)"] });
    });

    it("reads entries as haproxy-ingress does: bare addresses, masked host bits, ! exceptions", () => {
        assert.deepEqual(blocks("203.0.113.10", "!10.0.0.0/8").map((block) => [block.exception, block.range.last - block.range.first]), [[false, 0n], [true, 2n ** 24n - 1n]]);
        assert.equal(parseAllowlistEntry("not-an-ip").ok, false);
        assert.equal(parseAllowlistEntry("10.0.0.0/33").ok, false);
    });
});
