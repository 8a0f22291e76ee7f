/**
 * A small SVG writer for the report's two chart kinds: horizontal bars (the build
 * comparison) and lines over a numeric x axis (scaling curves). Pure functions of their
 * input; no dependency.
 */

export interface Bar {
    label: string;
    value: number;
}

export interface BarChart {
    title: string;
    unit: string;
    bars: Bar[];
}

export interface Series {
    name: string;
    points: { x: number; y: number }[];
}

export interface LineChart {
    title: string;
    xLabel: string;
    yLabel: string;
    series: Series[];
}

const COLORS = ["#3b6ea8", "#d9822b", "#4d9a5a", "#b34d4d", "#7a5ea8", "#6b6b6b"];
const FONT = `font-family="sans-serif" font-size="12"`;

export function escapeXml(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Round-number axis ticks from 0 to at least MAX: 0, step, 2·step, … with step 1, 2 or 5 × 10^k. */
export function niceTicks(max: number, target = 5): number[] {
    if (!(max > 0)) return [0, 1];
    const raw = max / target;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
    const ticks: number[] = [];
    for (let t = 0; t < max + step / 2 && ticks.length < 50; t += step) ticks.push(Number(t.toPrecision(12)));
    if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
    return ticks;
}

/** Maps [0, domainMax] onto [0, length]. */
export function scale(domainMax: number, length: number): (v: number) => number {
    return (v) => (domainMax === 0 ? 0 : (v / domainMax) * length);
}

function fmt(v: number): string {
    return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);
}

export function barChart(c: BarChart): string {
    const labelW = 230;
    const plotW = 420;
    const rowH = 26;
    const top = 34;
    const height = top + c.bars.length * rowH + 36;
    const ticks = niceTicks(Math.max(0, ...c.bars.map((b) => b.value)));
    const x = scale(ticks[ticks.length - 1], plotW);
    const parts = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 70}" height="${height}" viewBox="0 0 ${labelW + plotW + 70} ${height}">`,
        `<rect width="100%" height="100%" fill="#ffffff"/>`,
        `<text x="10" y="20" ${FONT} font-weight="bold">${escapeXml(c.title)}</text>`,
    ];
    for (const t of ticks) {
        const tx = labelW + x(t);
        parts.push(`<line x1="${tx.toFixed(1)}" y1="${top - 4}" x2="${tx.toFixed(1)}" y2="${top + c.bars.length * rowH}" stroke="#dddddd"/>`);
        parts.push(`<text x="${tx.toFixed(1)}" y="${top + c.bars.length * rowH + 16}" ${FONT} text-anchor="middle">${fmt(t)}</text>`);
    }
    parts.push(`<text x="${labelW + plotW / 2}" y="${height - 4}" ${FONT} text-anchor="middle">${escapeXml(c.unit)}</text>`);
    c.bars.forEach((b, i) => {
        const y = top + i * rowH;
        parts.push(`<text x="${labelW - 8}" y="${y + 16}" ${FONT} text-anchor="end">${escapeXml(b.label)}</text>`);
        parts.push(`<rect x="${labelW}" y="${y + 3}" width="${x(b.value).toFixed(1)}" height="${rowH - 8}" fill="${COLORS[i % COLORS.length]}"/>`);
        parts.push(`<text x="${(labelW + x(b.value) + 4).toFixed(1)}" y="${y + 16}" ${FONT}>${fmt(b.value)}</text>`);
    });
    parts.push(`</svg>`);
    return parts.join("\n") + "\n";
}

export function lineChart(c: LineChart): string {
    const left = 60;
    const top = 34;
    const plotW = 460;
    const plotH = 240;
    const legendW = 220;
    const all = c.series.flatMap((s) => s.points);
    const xt = niceTicks(Math.max(0, ...all.map((p) => p.x)));
    const yt = niceTicks(Math.max(0, ...all.map((p) => p.y)));
    const x = scale(xt[xt.length - 1], plotW);
    const y = scale(yt[yt.length - 1], plotH);
    const px = (v: number) => (left + x(v)).toFixed(1);
    const py = (v: number) => (top + plotH - y(v)).toFixed(1);
    const width = left + plotW + legendW;
    const height = top + plotH + 44;
    const parts = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
        `<rect width="100%" height="100%" fill="#ffffff"/>`,
        `<text x="10" y="20" ${FONT} font-weight="bold">${escapeXml(c.title)}</text>`,
    ];
    for (const t of yt) {
        parts.push(`<line x1="${left}" y1="${py(t)}" x2="${left + plotW}" y2="${py(t)}" stroke="#dddddd"/>`);
        parts.push(`<text x="${left - 6}" y="${(Number(py(t)) + 4).toFixed(1)}" ${FONT} text-anchor="end">${fmt(t)}</text>`);
    }
    for (const t of xt) parts.push(`<text x="${px(t)}" y="${top + plotH + 16}" ${FONT} text-anchor="middle">${fmt(t)}</text>`);
    parts.push(`<text x="${left + plotW / 2}" y="${height - 6}" ${FONT} text-anchor="middle">${escapeXml(c.xLabel)}</text>`);
    parts.push(`<text x="12" y="${top + plotH / 2}" ${FONT} text-anchor="middle" transform="rotate(-90 12 ${top + plotH / 2})">${escapeXml(c.yLabel)}</text>`);
    c.series.forEach((s, i) => {
        const color = COLORS[i % COLORS.length];
        const pts = [...s.points].sort((a, b) => a.x - b.x);
        parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${px(p.x)},${py(p.y)}`).join(" ")}"/>`);
        for (const p of pts) parts.push(`<circle cx="${px(p.x)}" cy="${py(p.y)}" r="3" fill="${color}"/>`);
        const ly = top + 10 + i * 18;
        parts.push(`<rect x="${left + plotW + 16}" y="${ly - 9}" width="12" height="12" fill="${color}"/>`);
        parts.push(`<text x="${left + plotW + 34}" y="${ly + 1}" ${FONT}>${escapeXml(s.name)}</text>`);
    });
    parts.push(`</svg>`);
    return parts.join("\n") + "\n";
}
