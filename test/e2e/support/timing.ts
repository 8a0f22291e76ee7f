/**
 * Step timing for the e2e files: each step prints its seconds, and the list at the end.
 * Each line also gives the disk space left after the step: a node below the kubelet's
 * eviction threshold stops admitting pods, and a CI log should show when space ran low.
 */
import * as fs from "fs";

export interface StepTimer {
    /** Runs FN as the step NAME, printing and keeping its seconds, whether it passes or not. */
    timed<T>(name: string, fn: () => Promise<T>): Promise<T>;
    /** The kept times, one line each. */
    summary(): string;
}

/** Free space on the file system that holds the platform's state, in GiB, or "?" if unreadable. */
export function diskFreeGiB(dir = process.env.GOSHIP_STATE ?? "/"): string {
    try {
        const s = fs.statfsSync(dir);
        return ((s.bavail * s.bsize) / 2 ** 30).toFixed(1);
    } catch {
        return "?";
    }
}

export function stepTimer(): StepTimer {
    const timings: Array<[string, number, string]> = [];
    return {
        async timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
            const start = Date.now();
            try {
                return await fn();
            } finally {
                const seconds = (Date.now() - start) / 1000;
                const free = diskFreeGiB();
                timings.push([name, seconds, free]);
                console.log(`[e2e] ${name}: ${seconds.toFixed(1)} s (disk free after: ${free} GiB)`);
            }
        },
        summary: () => timings.map(([n, s, free]) => `  ${s.toFixed(1).padStart(7)} s  ${free.padStart(6)} GiB free  ${n}`).join("\n"),
    };
}
