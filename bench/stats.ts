/**
 * The arithmetic of the report: every figure is the median of N runs, shown with its
 * spread and, where it has one, its ratio to a baseline measured in the same run (so a
 * busy or slow machine moves both sides alike).
 */

/** Median, spread and count of one measurement's runs. */
export interface Summary {
    runs: number;
    median: number;
    min: number;
    max: number;
    /** (max - min) / median: 0.05 means the runs lie within 5% of the median's size. */
    relativeSpread: number;
}

export function median(values: readonly number[]): number {
    if (values.length === 0) throw new Error("median of no values");
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(values: readonly number[]): Summary {
    if (values.some((v) => !Number.isFinite(v))) throw new Error(`not a finite number among runs: ${values.join(", ")}`);
    const m = median(values);
    const min = Math.min(...values);
    const max = Math.max(...values);
    return { runs: values.length, median: m, min, max, relativeSpread: m === 0 ? 0 : (max - min) / m };
}

/** How many times the baseline's median a figure's median is (1.33 = 33% slower or bigger). */
export function ratio(figure: Summary, baseline: Summary): number {
    if (baseline.median === 0) throw new Error("ratio to a baseline whose median is 0");
    return figure.median / baseline.median;
}

/** "1.33x" with two decimals, the way the report prints ratios. */
export function formatRatio(r: number): string {
    return `${r.toFixed(2)}x`;
}

/** "12.3 s (11.9–13.0, ±4%)": the median, the range and the relative spread. */
export function formatSeconds(s: Summary): string {
    const one = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
    if (s.runs === 1) return `${one(s.median)} s (1 run)`;
    return `${one(s.median)} s (${one(s.min)}–${one(s.max)}, ±${Math.round((s.relativeSpread * 100) / 2)}%)`;
}

/** Bytes as MiB with two decimals ("2.81 MiB"); sizes do not vary between runs. */
export function formatMiB(bytes: number): string {
    return `${(bytes / 1048576).toFixed(2)} MiB`;
}
