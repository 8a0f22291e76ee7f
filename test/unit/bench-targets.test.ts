import { test } from "node:test";
import assert from "node:assert/strict";
import { renderReport, BenchResults } from "../../bench/report";
import type { Measurement, Unit } from "../../bench/suite";
import { evaluateTargets, renderTargets, TargetRow } from "../../bench/targets";

const MIB = 1048576;

/** A run's results from `suite:id` → runs (seconds, or bytes for ids under size/). */
function results(figures: Record<string, number[]>, workloads: string[] = ["sample"]): BenchResults {
    const suites = new Map<string, Measurement[]>();
    for (const [key, runs] of Object.entries(figures)) {
        const [suite, id] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
        const unit: Unit = id.startsWith("size/") ? "bytes" : "s";
        suites.set(suite, [...(suites.get(suite) ?? []), { id, label: id, unit, runs }]);
    }
    return {
        date: "2025-01-01",
        machine: { cpus: 4, cpuModel: "test", memoryGiB: 8, os: "linux" },
        versions: {},
        runs: 3,
        smoke: false,
        underLoad: false,
        workloads: workloads.map((name) => ({ name, lines: 1, packages: 1 })),
        suites: [...suites].map(([name, measurements]) => ({ name, title: name, result: { measurements, notes: [] } })),
        skipped: [],
    };
}

function row(rows: TargetRow[], target: string, scope: string, measuredStart: string): TargetRow {
    const found = rows.filter((r) => r.target.startsWith(target) && r.scope === scope && r.measured.startsWith(measuredStart));
    assert.equal(found.length, 1, `one row for ${target} / ${scope} / ${measuredStart}, found ${found.length}`);
    return found[0];
}

test("a ratio of medians within its limit is met, and the measured text shows the values", () => {
    const rows = evaluateTargets(results({ "goship-build:up/cold-empty/sample": [31, 29.5, 29], "ko:cold/sample": [27, 26, 28] }));
    const r = row(rows, "empty runner within 1.1x of ko", "sample", "goship up");
    assert.equal(r.status, "met");
    assert.equal(r.comparison, "<=");
    assert.ok(Math.abs(r.value - 29.5 / 27) < 1e-12);
    assert.equal(r.measured, "goship up, empty BuildKit 29.5 s ÷ ko cold 27.0 s");
});

test("the same check over its limit is a gap", () => {
    const rows = evaluateTargets(results({ "goship-build:up/cold-empty/sample": [40], "ko:cold/sample": [27] }));
    const r = row(rows, "empty runner within 1.1x of ko", "sample", "goship up");
    assert.equal(r.status, "gap");
    assert.ok(r.value > r.limit);
});

test("a sum in the denominator: the rollout targets divide by build plus rollout restart", () => {
    const rows = evaluateTargets(results({
        "goship-stack:up/rollout/10": [60],
        "goship-build:buildctl/warm/sample": [10],
        "goship-stack:rollout/restart/10": [20],
        "ko:warm/sample": [8],
    }));
    const bare = row(rows, "one-line-change pulumi up within 2x", "10 services", "goship up");
    assert.equal(bare.value, 2);
    assert.equal(bare.status, "met"); // exactly on the limit
    assert.match(bare.measured, /÷ \(buildctl warm 10\.0 s \+ rollout restart alone 20\.0 s\)/);
    const ko = row(rows, "no slower than ko's", "10 services", "goship up");
    assert.ok(Math.abs(ko.value - 60 / 28) < 1e-12);
    assert.equal(ko.status, "gap");
    assert.match(ko.measured, /incremental go build of both platforms plus the push/);
});

test("a >= target: QEMU must be at least 6x slower than goship's build", () => {
    const fast = evaluateTargets(results({ "qemu:emulated-cold/sample": [300], "goship-build:buildctl/cold/sample": [40] }));
    const r = row(fast, "arm64 at least 6x faster", "sample", "arm64");
    assert.equal(r.comparison, ">=");
    assert.equal(r.value, 7.5);
    assert.equal(r.status, "met");
    assert.match(r.measured, /conservative/);
    const slow = evaluateTargets(results({ "qemu:emulated-cold/sample": [200], "goship-build:buildctl/cold/sample": [40] }));
    assert.equal(row(slow, "arm64 at least 6x faster", "sample", "arm64").status, "gap");
});

test("missing keys make a row not measured, listing them, without throwing", () => {
    const rows = evaluateTargets(results({ "goship-stack:up/rollout/1": [30] }));
    const r = row(rows, "one-line-change pulumi up within 2x", "1 service", "goship up");
    assert.equal(r.status, "not measured");
    assert.ok(Number.isNaN(r.value));
    assert.deepEqual(r.missing, ["goship-build:buildctl/warm/sample", "goship-stack:rollout/restart/1"]);
    // A key with no runs counts as missing too.
    const empty = evaluateTargets(results({ "goship-stack:preview/noop/50": [], "goship-stack:preview/noop/10": [2] }));
    assert.deepEqual(row(empty, "no-op preview near-linear", "pulumi preview", "no-op").missing, ["goship-stack:preview/noop/50"]);
    // Nothing at all measured: every row, none met.
    const none = evaluateTargets(results({}));
    assert.ok(none.length > 0 && none.every((x) => x.status === "not measured" && (x.missing ?? []).length > 0));
});

test("size targets: a row per platform and layer kind, in MiB against the binary and ratios against ko", () => {
    const figures: Record<string, number[]> = {};
    for (const slug of ["linux-amd64", "linux-arm64"]) {
        figures[`floor:size/sample/${slug}/gzip`] = [3 * MIB];
        figures[`floor:size/sample/${slug}/raw`] = [8 * MIB];
        figures[`goship-build:size/sample/${slug}/compressed`] = [3.5 * MIB];
        figures[`ko:size/sample/${slug}/stripped/compressed`] = [3.4 * MIB];
        figures[`ko:size/sample/${slug}/stripped/uncompressed`] = [9 * MIB];
    }
    figures["goship-build:size/sample/linux-amd64/uncompressed"] = [8.5 * MIB];
    figures["goship-build:size/sample/linux-arm64/uncompressed"] = [9.5 * MIB]; // 1.5 MiB over the binary
    const rows = evaluateTargets(results(figures));
    const excess = rows.filter((r) => r.target === "image no bigger than the binary + 1 MiB");
    assert.deepEqual(excess.map((r) => [r.scope, r.value, r.status]), [
        ["sample, linux-amd64", 0.5, "met"],
        ["sample, linux-amd64", 0.5, "met"],
        ["sample, linux-arm64", 0.5, "met"],
        ["sample, linux-arm64", 1.5, "gap"],
    ]);
    assert.ok(excess.every((r) => r.unit === "MiB" && r.limit === 1));
    assert.equal(excess[0].measured, "goship image, compressed 3.50 MiB − binary, gzip 3.00 MiB");
    const ko = rows.filter((r) => r.target === "image not bigger than ko's for the same binary");
    assert.deepEqual(ko.map((r) => [r.scope, r.status]), [
        ["sample, linux-amd64", "gap"],
        ["sample, linux-amd64", "met"],
        ["sample, linux-arm64", "gap"],
        ["sample, linux-arm64", "gap"],
    ]);
});

test("per-workload rows only for the run's workloads, sample before generated", () => {
    const scopes = (workloads: string[]) => evaluateTargets(results({}, workloads)).filter((r) => r.target === "empty runner within 1.1x of ko").map((r) => r.scope);
    assert.deepEqual(scopes(["sample"]), ["sample", "sample"]);
    assert.deepEqual(scopes(["generated", "sample"]), ["sample", "sample", "generated", "generated"]);
    assert.deepEqual(scopes([]), []);
    // The stack targets are not per workload: there whatever the workloads.
    assert.equal(evaluateTargets(results({}, [])).filter((r) => r.scope === "10 services").length, 2);
});

test("the Targets section renders one table row per check, and renderReport puts it before the suites", () => {
    const figures = { "goship-build:up/cold-empty/sample": [30.1], "ko:cold/sample": [27] };
    const rows = evaluateTargets(results(figures));
    const lines = renderTargets(rows);
    assert.equal(lines[0], "## Targets");
    assert.ok(lines.some((l) => l.includes("issue 14") && l.includes("performance.md")));
    assert.ok(lines.includes("| target | measured | value | limit | status |"));
    assert.equal(lines.filter((l) => l.startsWith("| ") && !l.startsWith("| target")).length, rows.length);
    assert.ok(lines.includes("| empty runner within 1.1x of ko (sample) | goship up, empty BuildKit 30.1 s ÷ ko cold 27.0 s | 1.11x | ≤ 1.10x | ❌ gap |"));
    assert.ok(lines.some((l) => l.includes("– not measured (missing `goship-build:buildctl/cold-empty/sample`)")));

    const { markdown } = renderReport(results(figures));
    assert.ok(markdown.includes("| empty runner within 1.1x of ko (sample) | goship up, empty BuildKit 30.1 s ÷ ko cold 27.0 s | 1.11x | ≤ 1.10x | ❌ gap |"));
    const targets = markdown.indexOf("## Targets");
    assert.ok(targets > markdown.indexOf("- **Workloads**"));
    assert.ok(targets < markdown.indexOf("## goship-build") && targets < markdown.indexOf("## ko"));
});

test("a suite's failed parts are in the report, beside the figures it did measure", () => {
    const r = results({ "goship-stack:preview/noop/10": [1.6] });
    r.suites[0].result.failed = ["50 services: error: failed to push"];
    const { markdown } = renderReport(r);
    assert.match(markdown, /^- \*\*FAILED\*\*: 50 services: error: failed to push$/m);
    assert.match(markdown, /pulumi preview, nothing changed|preview\/noop\/10|1\.60 s/);
    assert.doesNotMatch(renderReport(results({ "goship-stack:preview/noop/10": [1.6] })).markdown, /FAILED/);
});
