/**
 * What a suite is: a named set of measurements with prerequisites it can check before
 * anything runs. main.ts runs the registered suites (suites.ts) in order and the report
 * renders what they return; a suite knows nothing of the report.
 */
import type { Workload } from "./workload";

/** What a figure counts: wall-clock seconds, or a size. */
export type Unit = "s" | "bytes";

/** One figure: every run's value, and what it is compared with. */
export interface Measurement {
    /** Unique within the suite, e.g. "floor/cold/generated". */
    id: string;
    /** What a reader sees in the table, e.g. "go build, both platforms in parallel, cold". */
    label: string;
    unit: Unit;
    /** The value of each run (seconds or bytes). */
    runs: number[];
    /** The workload it was measured on (Workload.name), if any. */
    workload?: string;
    /** `suite:id` of the baseline measured in the same run, for the ratio column. */
    baseline?: string;
    /** Chart series this figure belongs to (bars of one chart share a group). */
    chart?: ChartRef;
}

/** A bar in a bar chart, or a point on a line chart's series. */
export type ChartRef =
    | { kind: "bar"; chart: string; bar: string }
    | { kind: "line"; chart: string; series: string; x: number };

/** A prerequisite a suite found missing: what it is, and the command that provides it. */
export interface Missing {
    what: string;
    fix: string;
}

export interface SuiteResult {
    measurements: Measurement[];
    /** Facts worth a line in the report: versions, what was found, what could not be done. */
    notes: string[];
    /** Parts of the suite that failed, each with its error: the report shows them, the run exits 1. */
    failed?: string[];
    /** Versions of the tools the suite measured, by name. */
    versions?: Record<string, string>;
}

/** Every measurement of a run by its `suite:id` key, the key baselines and targets name. */
export function measurementsByKey(suites: { name: string; result: SuiteResult }[]): Map<string, Measurement> {
    const m = new Map<string, Measurement>();
    for (const s of suites) for (const x of s.result.measurements) m.set(`${s.name}:${x.id}`, x);
    return m;
}

/** What every suite gets from main.ts. */
export interface SuiteContext {
    /** Runs per figure (1 in --smoke). */
    runs: number;
    smoke: boolean;
    workloads: Workload[];
    /** Registry to push to (host:port), and how to trust it. */
    registry: RegistryTarget;
    /**
     * This invocation's token (lowercase, unique per run of the benchmark): in every registry
     * repository a suite pushes to, so no cache or blob of an earlier invocation is found.
     */
    runId: string;
    /** A scratch directory of the whole benchmark, removed at the end. */
    tmp: string;
    repo: string;
    log(message: string): void;
}

/** A registry on loopback: plain HTTP, or HTTPS with a private CA (the platform's). */
export type RegistryTarget =
    | { kind: "none" }
    | { kind: "http"; address: string }
    | { kind: "https"; address: string; caFile: string };

export interface Suite {
    /** Short name for --only/--skip and the report's section ids. */
    name: string;
    /** One sentence: what it measures. */
    title: string;
    /** What is missing for it to run (empty when it can). */
    prerequisites(ctx: SuiteContext): Promise<Missing[]>;
    run(ctx: SuiteContext): Promise<SuiteResult>;
}
