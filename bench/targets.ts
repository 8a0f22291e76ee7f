/**
 * Issue 14's performance targets as data, checked against one run's medians. Pure, like
 * report.ts: the same results always give the same verdicts. A target whose figures were
 * not all measured (a suite skipped, a key not yet produced) is "not measured", never an error,
 * so a partial run still renders.
 */
import type { BenchResults } from "./report";
import { formatRatio, summarize } from "./stats";
import { measurementsByKey, Measurement } from "./suite";

export type Comparison = "<=" | ">=";
export type TargetStatus = "met" | "gap" | "not measured";
/** How a row's value and limit read: a ratio of medians, or a size difference in MiB. */
export type TargetUnit = "ratio" | "MiB";

/** One target checked on one workload, platform or stack size. */
export interface TargetRow {
    /** The target in the issue's words. */
    target: string;
    /** What the row checks it on, e.g. "sample", "generated, linux-arm64", "10 services". */
    scope: string;
    /** How the figures combine, with their values, e.g. "goship up, empty BuildKit 30.1 s ÷ ko cold 27.0 s". */
    measured: string;
    /** The combined figure (a ratio, or MiB); NaN when not measured. */
    value: number;
    limit: number;
    comparison: Comparison;
    unit: TargetUnit;
    status: TargetStatus;
    /** The `suite:id` keys this run lacks (only when "not measured"). */
    missing?: string[];
}

/** A figure a target reads: its `suite:id` key and how the measured text names it. */
interface Figure {
    key: string;
    label: string;
}

/** Numerator ÷ the sum of the denominator's figures, or image size − binary size. */
type Combination =
    | { kind: "ratio"; numerator: Figure; denominator: Figure[] }
    | { kind: "excess"; image: Figure; binary: Figure };

interface Check {
    target: string;
    scope: string;
    combination: Combination;
    comparison: Comparison;
    limit: number;
    /** Said after the figures: what a figure includes, or what the suite asserts. */
    note?: string;
}

/** In this order, whatever order results.workloads lists them in. */
const WORKLOADS = ["sample", "generated"] as const;
/** bench/floor.ts's PLATFORMS as the keys spell them (not imported: floor.ts runs builds). */
const PLATFORM_SLUGS = ["linux-amd64", "linux-arm64"] as const;
/** goship-stack's one-line-change rollout sizes (ROLLOUT_SIZES there). */
const ROLLOUT_SERVICES = [1, 10] as const;
const MIB = 1048576;

const KO_WARM_NOTE = "ko's warm figure is the incremental go build of both platforms plus the push of their layers";

function checks(workloads: readonly string[]): Check[] {
    const out: Check[] = [];
    const ratio = (target: string, scope: string, numerator: Figure, denominator: Figure[], comparison: Comparison, limit: number, note?: string) =>
        out.push({ target, scope, combination: { kind: "ratio", numerator, denominator }, comparison, limit, note });

    const empty = "empty runner within 1.1x of ko";
    for (const w of workloads) {
        ratio(empty, w, { key: `goship-build:up/cold-empty/${w}`, label: "goship up, empty BuildKit" }, [{ key: `ko:cold/${w}`, label: "ko cold" }], "<=", 1.1);
        ratio(empty, w, { key: `goship-build:buildctl/cold-empty/${w}`, label: "bare buildctl, empty BuildKit" }, [{ key: `ko:cold/${w}`, label: "ko cold" }], "<=", 1.1);
    }
    const cold = "cold pulumi up within 1.1x of the bare buildctl build";
    for (const w of workloads) {
        ratio(cold, w, { key: `goship-build:up/cold-empty/${w}`, label: "goship up, empty BuildKit" }, [{ key: `goship-build:buildctl/cold-empty/${w}`, label: "buildctl, empty BuildKit" }], "<=", 1.1);
        ratio(cold, w, { key: `goship-build:up/cold/${w}`, label: "goship up, builder unpacked" }, [{ key: `goship-build:buildctl/cold/${w}`, label: "buildctl, builder unpacked" }], "<=", 1.1);
    }
    for (const w of workloads) {
        ratio("one-line-change rebuild within 1.5x of the floor's incremental build plus the push", w,
            { key: `goship-build:up/warm/${w}`, label: "goship up, one-line change" }, [{ key: `ko:warm/${w}`, label: "ko warm" }], "<=", 1.5, KO_WARM_NOTE);
    }
    // The stack figures are of the sample service only (goship-stack generates N copies of it).
    const rollout = (n: number): Figure => ({ key: `goship-stack:up/rollout/${n}`, label: `goship up, one-line change, ${n} service${n === 1 ? "" : "s"}` });
    const restart = (n: number): Figure => ({ key: `goship-stack:rollout/restart/${n}`, label: "rollout restart alone" });
    const services = (n: number) => `${n} service${n === 1 ? "" : "s"}`;
    for (const n of ROLLOUT_SERVICES) {
        ratio("one-line-change pulumi up within 2x of the bare BuildKit rebuild plus the same rollout", services(n),
            rollout(n), [{ key: "goship-build:buildctl/warm/sample", label: "buildctl warm" }, restart(n)], "<=", 2.0);
    }
    for (const n of ROLLOUT_SERVICES) {
        ratio("no slower than ko's build-and-push of the change plus the same rollout", services(n),
            rollout(n), [{ key: "ko:warm/sample", label: "ko warm" }, restart(n)], "<=", 1.0, KO_WARM_NOTE);
    }
    for (const w of workloads) {
        ratio("arm64 at least 6x faster than the QEMU baseline", w,
            { key: `qemu:emulated-cold/${w}`, label: "arm64 go build under QEMU, cold" }, [{ key: `goship-build:buildctl/cold/${w}`, label: "goship buildctl, builder unpacked" }], ">=", 6,
            "goship's figure builds both platforms, QEMU's arm64 alone: conservative");
    }
    for (const w of workloads) {
        for (const slug of PLATFORM_SLUGS) {
            const scope = `${w}, ${slug}`;
            const image = (layers: "compressed" | "uncompressed"): Figure => ({ key: `goship-build:size/${w}/${slug}/${layers}`, label: `goship image, ${layers}` });
            const excess = (img: Figure, binary: Figure) =>
                out.push({ target: "image no bigger than the binary + 1 MiB", scope, combination: { kind: "excess", image: img, binary }, comparison: "<=", limit: 1 });
            excess(image("compressed"), { key: `floor:size/${w}/${slug}/gzip`, label: "binary, gzip" });
            excess(image("uncompressed"), { key: `floor:size/${w}/${slug}/raw`, label: "binary" });
        }
    }
    for (const w of workloads) {
        for (const slug of PLATFORM_SLUGS) {
            for (const layers of ["compressed", "uncompressed"] as const) {
                ratio("image not bigger than ko's for the same binary", `${w}, ${slug}`,
                    { key: `goship-build:size/${w}/${slug}/${layers}`, label: `goship image, ${layers}` },
                    [{ key: `ko:size/${w}/${slug}/stripped/${layers}`, label: `ko image (-s -w), ${layers}` }], "<=", 1.0);
            }
        }
    }
    // 10 → 50 services is 5x; near-linear allows a quarter more than that.
    const noop = "zero changes and no build are asserted by the suite itself (it fails the run otherwise)";
    for (const command of ["preview", "up"] as const) {
        ratio("no-op preview near-linear in services", `pulumi ${command}`,
            { key: `goship-stack:${command}/noop/50`, label: `no-op ${command}, 50 services` }, [{ key: `goship-stack:${command}/noop/10`, label: "10 services" }], "<=", 1.25 * 5, noop);
    }
    return out;
}

/** A figure's median, with the unit it is counted in. */
interface Median {
    unit: Measurement["unit"];
    median: number;
}

/** The medians of the keys a check reads, and the keys this run lacks. */
function medians(all: Map<string, Measurement>, figures: Figure[]): { values: Map<string, Median>; missing: string[] } {
    const values = new Map<string, Median>();
    const missing: string[] = [];
    for (const f of figures) {
        const m = all.get(f.key);
        // No runs is as good as not measured (summarize would throw on it).
        if (m && m.runs.length > 0) values.set(f.key, { unit: m.unit, median: summarize(m.runs).median });
        else if (!missing.includes(f.key)) missing.push(f.key);
    }
    return { values, missing };
}

function figureValue(m: Median): string {
    return m.unit === "s" ? `${m.median.toFixed(1)} s` : `${(m.median / MIB).toFixed(2)} MiB`;
}

function evaluate(all: Map<string, Measurement>, check: Check): TargetRow {
    const c = check.combination;
    const figures = c.kind === "ratio" ? [c.numerator, ...c.denominator] : [c.image, c.binary];
    const { values, missing } = medians(all, figures);
    // A missing figure is named without a value; the row lists its key.
    const text = (f: Figure) => {
        const m = values.get(f.key);
        return m ? `${f.label} ${figureValue(m)}` : f.label;
    };
    let measured: string;
    let value = Number.NaN;
    if (c.kind === "ratio") {
        const sum = c.denominator.length === 1 ? text(c.denominator[0]) : `(${c.denominator.map(text).join(" + ")})`;
        measured = `${text(c.numerator)} ÷ ${sum}`;
        if (missing.length === 0) {
            const num = values.get(c.numerator.key)!.median;
            const den = c.denominator.reduce((total, f) => total + values.get(f.key)!.median, 0);
            value = num / den;
        }
    } else {
        measured = `${text(c.image)} − ${text(c.binary)}`;
        if (missing.length === 0) value = (values.get(c.image.key)!.median - values.get(c.binary.key)!.median) / MIB;
    }
    if (check.note) measured += `; ${check.note}`;
    const base = { target: check.target, scope: check.scope, measured, limit: check.limit, comparison: check.comparison, unit: c.kind === "ratio" ? ("ratio" as const) : ("MiB" as const) };
    if (missing.length > 0) return { ...base, value, status: "not measured", missing };
    const met = check.comparison === "<=" ? value <= check.limit : value >= check.limit;
    return { ...base, value, status: met ? "met" : "gap" };
}

/**
 * Every target on every workload of the run (sample, then generated), platform and stack
 * size it applies to, in the issue's order.
 */
export function evaluateTargets(results: BenchResults): TargetRow[] {
    const all = measurementsByKey(results.suites);
    const ran = WORKLOADS.filter((w) => results.workloads.some((x) => x.name === w));
    return checks(ran).map((c) => evaluate(all, c));
}

function formatAmount(v: number, unit: TargetUnit): string {
    return unit === "ratio" ? formatRatio(v) : `${v.toFixed(2)} MiB`;
}

function statusCell(row: TargetRow): string {
    if (row.status === "met") return "✅ met";
    if (row.status === "gap") return "❌ gap";
    return `– not measured (missing ${(row.missing ?? []).map((k) => `\`${k}\``).join(", ")})`;
}

/** The report's "Targets" section: a heading, what the targets are, and one table row per check. */
export function renderTargets(rows: readonly TargetRow[]): string[] {
    const md = [
        "## Targets",
        "",
        "The performance targets of issue 14, checked against this run's medians; each gap's measured cause is in [performance.md](performance.md).",
        "",
        "| target | measured | value | limit | status |",
        "|---|---|---|---|---|",
    ];
    for (const r of rows) {
        const value = r.status === "not measured" ? "–" : formatAmount(r.value, r.unit);
        const limit = `${r.comparison === "<=" ? "≤" : "≥"} ${formatAmount(r.limit, r.unit)}`;
        md.push(`| ${r.target} (${r.scope}) | ${r.measured} | ${value} | ${limit} | ${statusCell(r)} |`);
    }
    md.push("");
    return md;
}
