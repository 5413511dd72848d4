import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatTimings, parseTimings, PhaseTimer } from "../harness/phaseTimer";

describe("PhaseTimer", () => {
    it("charges each lap to its phase, adds up repeated phases, and reads back from its Timings line", () => {
        const timer = new PhaseTimer();
        timer.lap("start-up");
        const spin = (ms: number): void => {
            const until = performance.now() + ms;
            while (performance.now() < until);
        };
        spin(20);
        timer.lap("work");
        spin(10);
        timer.lap("work");
        const phases = timer.phases;
        assert.deepEqual([...phases.keys()], ["start-up", "work", "total"]);
        assert.ok(phases.get("work")!.wallMs >= 30, "both laps of work");
        const sum = phases.get("start-up")!.wallMs + phases.get("work")!.wallMs;
        assert.ok(Math.abs(phases.get("total")!.wallMs - sum) < 0.001, "total is the sum of the phases");
        const line = formatTimings(timer);
        assert.match(line, /^Timings \(CPU \/ wall\): start-up \d+ \/ \d+ ms, work \d+ \/ \d+ ms, total \d+ \/ \d+ ms$/);
        const parsed = parseTimings(`other output\n${line}\nmore`);
        assert.deepEqual([...parsed.keys()], ["start-up", "work", "total"]);
        assert.equal(parsed.get("work")!.wallMs, Math.round(phases.get("work")!.wallMs));
    });
});
