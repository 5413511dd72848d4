/**
 * Where a process's time goes, phase by phase, in CPU (user + system, all threads: process.cpuUsage) and wall
 * time (performance.now). Both clocks count from process start, so the first lap is Node's start-up and the
 * module load. `npm run plan` and `npm run diff` print `formatTimings`; `npm run bench` reads it back.
 */

export interface PhaseTime {
    readonly cpuMs: number;
    readonly wallMs: number;
}

const cpuMs = (): number => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
};

export class PhaseTimer {
    readonly #phases = new Map<string, PhaseTime>();
    #cpuMs = 0;
    #wallMs = 0;

    /** Charges the time since the previous lap (or since process start) to `phase`; a phase lapped twice adds up. */
    lap(phase: string): void {
        const cpu = cpuMs();
        const wall = performance.now();
        const sum = this.#phases.get(phase) ?? { cpuMs: 0, wallMs: 0 };
        this.#phases.set(phase, { cpuMs: sum.cpuMs + cpu - this.#cpuMs, wallMs: sum.wallMs + wall - this.#wallMs });
        this.#cpuMs = cpu;
        this.#wallMs = wall;
    }

    /** Phases in the order first lapped, then `total` (process start to the last lap). */
    get phases(): ReadonlyMap<string, PhaseTime> {
        return new Map([...this.#phases, [TOTAL, { cpuMs: this.#cpuMs, wallMs: this.#wallMs }]]);
    }
}

const TOTAL = "total";
const LINE = /^Timings \(CPU \/ wall\): (.*)$/m;
const ENTRY = /^(.+) (\d+) \/ (\d+) ms$/;

/** `Timings (CPU / wall): start-up and module load 310 / 325 ms, …, total 1650 / 1720 ms` */
export function formatTimings(timer: PhaseTimer): string {
    const entries = [...timer.phases].map(([phase, time]) => `${phase} ${Math.round(time.cpuMs)} / ${Math.round(time.wallMs)} ms`);
    return `Timings (CPU / wall): ${entries.join(", ")}`;
}

/** The phases of the Timings line in a command's output; empty when it has none. */
export function parseTimings(output: string): Map<string, PhaseTime> {
    const line = LINE.exec(output)?.[1] ?? "";
    return new Map(line.split(", ").flatMap((entry) => {
        const match = ENTRY.exec(entry);
        return match ? [[match[1]!, { cpuMs: Number(match[2]), wallMs: Number(match[3]) }] as const] : [];
    }));
}
