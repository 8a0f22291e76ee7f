import { test } from "node:test";
import assert from "node:assert/strict";
import { barChart, escapeXml, lineChart, niceTicks, scale } from "../../bench/svg";

test("ticks are round steps from 0 that reach the maximum", () => {
    assert.deepEqual(niceTicks(47), [0, 10, 20, 30, 40, 50]);
    assert.deepEqual(niceTicks(1.3), [0, 0.5, 1, 1.5]);
    assert.deepEqual(niceTicks(0), [0, 1]);
});

test("scale maps the domain onto the length", () => {
    assert.equal(scale(50, 400)(25), 200);
    assert.equal(scale(0, 400)(3), 0);
});

test("text is escaped for XML", () => {
    assert.equal(escapeXml(`a<b & "c">`), "a&lt;b &amp; &quot;c&quot;&gt;");
});

test("a bar chart has one bar per value, scaled to the largest tick, labels escaped", () => {
    const svg = barChart({ title: "cold <build>", unit: "s", bars: [{ label: "floor", value: 20 }, { label: "ko & co", value: 40 }] });
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/<rect x="230"/g) ?? []).length, 2);
    assert.match(svg, /width="210.0"/, "20 of a 0–40 axis on 420 px");
    assert.match(svg, /width="420.0"/);
    assert.match(svg, /cold &lt;build&gt;/);
    assert.match(svg, /ko &amp; co/);
});

test("a line chart draws each series through its points in x order", () => {
    const svg = lineChart({ title: "t", xLabel: "services", yLabel: "s", series: [{ name: "eval", points: [{ x: 100, y: 10 }, { x: 1, y: 1 }] }] });
    const poly = /<polyline[^>]* points="([^"]+)"/.exec(svg);
    assert.ok(poly);
    const xs = poly[1].split(" ").map((p) => Number(p.split(",")[0]));
    assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
    assert.equal((svg.match(/<circle/g) ?? []).length, 2);
});
