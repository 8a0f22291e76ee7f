import { test } from "node:test";
import assert from "node:assert/strict";
import { formatRatio, formatSeconds, median, ratio, summarize } from "../../bench/stats";

test("median of an odd and an even number of runs, order ignored", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), /no values/);
});

test("spread: min, max and the range relative to the median", () => {
    const s = summarize([10, 12, 11, 9, 13]);
    assert.deepEqual({ min: s.min, max: s.max, median: s.median, runs: s.runs }, { min: 9, max: 13, median: 11, runs: 5 });
    assert.ok(Math.abs(s.relativeSpread - 4 / 11) < 1e-12);
    assert.throws(() => summarize([1, Number.NaN]), /finite/);
});

test("ratio of medians to a baseline of the same run", () => {
    assert.equal(ratio(summarize([13, 14, 12]), summarize([10, 9, 11])), 1.3);
    assert.equal(formatRatio(1.3333), "1.33x");
    assert.throws(() => ratio(summarize([1]), summarize([0])), /median is 0/);
});

test("a time prints its median, range and half-range in percent", () => {
    assert.equal(formatSeconds(summarize([11.9, 12.3, 13.0])), "12.3 s (11.9–13.0, ±4%)");
    assert.equal(formatSeconds(summarize([1.5])), "1.50 s (1 run)");
});
