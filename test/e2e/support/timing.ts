/** Step timing for the e2e files: each step prints its seconds, and the list at the end. */
export interface StepTimer {
    /** Runs FN as the step NAME, printing and keeping its seconds, whether it passes or not. */
    timed<T>(name: string, fn: () => Promise<T>): Promise<T>;
    /** The kept times, one line each. */
    summary(): string;
}

export function stepTimer(): StepTimer {
    const timings: Array<[string, number]> = [];
    return {
        async timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
            const start = Date.now();
            try {
                return await fn();
            } finally {
                const seconds = (Date.now() - start) / 1000;
                timings.push([name, seconds]);
                console.log(`[e2e] ${name}: ${seconds.toFixed(1)} s`);
            }
        },
        summary: () => timings.map(([n, s]) => `  ${s.toFixed(1).padStart(7)} s  ${n}`).join("\n"),
    };
}
