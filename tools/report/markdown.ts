/**
 * The pull-request comment as Markdown: one summary table (a row per stack and service),
 * then each stack's changes in a collapsed section, property by property. The comment
 * must fit GitHub's 65,536 characters however many stacks and changes there are, so each
 * section gets a share of what is left after the table; a section over its share is cut
 * at a row boundary and says how much the full report (details.md) holds beyond it.
 * Deterministic: no times, no durations, everything sorted.
 */
import { REPORT_MARKER } from "./marker";
import { Gate, ImageStatus, PolicyFinding, ResourceChange, ServiceRow, StackReport } from "./model";
import { shortDigest } from "./values";
import { Verdict } from "./verdict";

/** GitHub's limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** Kept free below the limit (a marker or a footer line never pushes it over). */
const MARGIN = 1024;
/** The summary table never takes more than this; rows beyond are counted, not printed. */
const TABLE_BUDGET = 24000;

const OP_SIGN: Record<ResourceChange["op"], string> = { create: "+", update: "~", replace: "+-", delete: "-" };
const OP_WORD: Record<ResourceChange["op"], string> = { create: "create", update: "update", replace: "replace", delete: "delete" };

/** Text safe inside a table cell. */
function cell(text: string): string {
    return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A value as inline code inside a table cell. */
function code(text: string): string {
    return "`" + cell(text.replace(/`/g, "'")) + "`";
}

function stackLabel(name: string | undefined): string {
    return name ? name.replace(/^organization\/[^/]+\//, "") : "?";
}

export function imageCell(s: ImageStatus): string {
    switch (s.kind) {
        case "rebuilt":
            return `🔨 rebuilt (${s.reason})${s.platforms.length ? ": " + s.platforms.join(", ") : ""}`;
        case "promoted":
            return `⏩ promoted ${code(shortDigest(s.from))} → ${code(shortDigest(s.to))} from \`${stackLabel(s.fromStack)}\`${s.revision ? ` (revision ${code(s.revision)})` : ""}${s.copied ? ", copied by digest" : ""}`;
        case "pinned":
            return `📌 pinned ${code(shortDigest(s.from))} → ${code(shortDigest(s.to))}${s.revision ? ` (revision ${code(s.revision)})` : ""}`;
        case "moved":
            return `${code(shortDigest(s.from))} → ${code(shortDigest(s.to))}`;
        case "unchanged":
            return `unchanged ${s.digest ? code(shortDigest(s.digest)) : ""}${s.fromStack ? ` (= \`${stackLabel(s.fromStack)}\`)` : ""}`.trim();
        case "removed":
            return `removed (was ${code(shortDigest(s.from))})`;
    }
}

function objectsCell(objects: ResourceChange[]): string {
    if (objects.length === 0) return "none";
    return objects.map((o) => `${OP_SIGN[o.op]} ${cell(o.label)}`).join("<br>");
}

function policyCell(report: StackReport, violations: PolicyFinding[], couldNotRun: PolicyFinding[], passed: number): string {
    if (report.policyPacks.length === 0) return "not run";
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const advisory = violations.length - mandatory;
    const parts: string[] = [];
    if (mandatory) parts.push(`❌ ${mandatory} mandatory`);
    if (advisory) parts.push(`⚠️ ${advisory} advisory`);
    if (couldNotRun.length) parts.push(`⏸ ${couldNotRun.length} could not run`);
    if (parts.length === 0) return passed > 0 ? `✅ ${passed} passed` : "✅ pass";
    return passed > 0 ? `${parts.join(" · ")} · ${passed} passed` : parts.join(" · ");
}

function gatesCell(gates: Gate[]): string {
    if (gates.length === 0) return "—";
    return gates.map((g) => `${g.ok ? "✅" : "❌"} ${cell(g.name)}: ${cell(g.detail)}`).join("<br>");
}

/** The rows of one stack: one per service, plus one for the stack itself when it has something to say. */
function tableRows(report: StackReport): string[] {
    const stack = `\`${report.stack}\``;
    const rows: string[] = [];
    const stackWide = report.changes.filter((c) => c.service === undefined && c.type.startsWith("kubernetes:") && !c.type.startsWith("pulumi:"));
    if (report.result === "failed") {
        const mandatory = [...report.stackViolations, ...report.services.flatMap((s) => s.violations)].filter((v) => v.level === "mandatory");
        const why = report.errors[0] ?? (mandatory.length ? `mandatory policy ${mandatory.map((v) => `\`${v.policy}\``).join(", ")}` : "see the details");
        rows.push(`| ${stack} | (stack) | ❌ **preview failed**: ${cell(why.length > 300 ? why.slice(0, 299) + "…" : why)} | — | — | ${gatesCell(report.gates)} |`);
    } else if (stackWide.length || report.stackViolations.length || report.stackCouldNotRun.length || report.gates.length || report.services.length === 0) {
        rows.push(`| ${stack} | (stack) | — | ${objectsCell(stackWide)} | ${policyCell(report, report.stackViolations, report.stackCouldNotRun, report.stackPoliciesPassed)} | ${gatesCell(report.gates)} |`);
    }
    for (const s of report.services) rows.push(serviceRow(stack, report, s));
    return rows;
}

function serviceRow(stack: string, report: StackReport, s: ServiceRow): string {
    return `| ${stack} | ${cell(s.service)} | ${imageCell(s.image)} | ${objectsCell(s.objects)} | ${policyCell(report, s.violations, s.couldNotRun, s.policiesPassed)} | ${gatesCell(s.gates)} |`;
}

function countsLine(r: StackReport): string {
    const order = ["create", "update", "replace", "delete", "same"];
    const words: Record<string, string> = { create: "to create", update: "to update", replace: "to replace", delete: "to delete", same: "unchanged" };
    const byOp: Record<string, number> = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
    for (const c of r.changes) byOp[c.op]++;
    byOp.same = r.counts.same ?? 0;
    const parts = order.filter((op) => byOp[op] > 0).map((op) => `${byOp[op]} ${words[op]}`);
    return parts.length ? parts.join(", ") : "nothing";
}

function findingLine(f: PolicyFinding, couldNotRun: boolean): string {
    const where = f.service ? ` (${f.service})` : "";
    const what = couldNotRun ? `${f.level}, could not run at preview` : f.level;
    // A violation's message is the policy's description, then what is wrong: the last line says it.
    const text = (f.message.trim().split("\n").pop() ?? "").replace(/\s+/g, " ").trim();
    return `- ${couldNotRun ? "⏸" : f.level === "mandatory" ? "❌" : "⚠️"} \`${f.policy}\`${where}, ${what}: ${text}`;
}

/** One stack's details: its errors, warnings, policy findings and a row per changed property. Cut to BUDGET characters at a row boundary. */
export function stackSection(r: StackReport, budget = Infinity): { text: string; cut: boolean } {
    const head = [`<details><summary><b>${r.stack}</b>: ${r.result === "failed" ? "preview failed" : countsLine(r)}</summary>`, ""];
    const lines: string[] = [];
    for (const e of r.errors) lines.push(`- ❌ ${e.replace(/\s+/g, " ")}`);
    for (const w of r.warnings) lines.push(`- ⚠️ ${w.replace(/\s+/g, " ")}`);
    for (const s of r.supplyChain ?? []) lines.push(`- 🔏 ${s.replace(/\s+/g, " ")}`);
    const all = [...r.stackViolations, ...r.services.flatMap((s) => s.violations)];
    const notRun = [...r.stackCouldNotRun, ...r.services.flatMap((s) => s.couldNotRun)];
    for (const f of all) lines.push(findingLine(f, false));
    for (const f of notRun) lines.push(findingLine(f, true));
    if (r.policyPacks.length) lines.push(`- policy packs: ${r.policyPacks.map((p) => `\`${p}\``).join(", ")}`);
    if (lines.length) lines.push("");
    const rows: string[] = [];
    for (const c of r.changes) {
        const name = code(c.label);
        const op = `${OP_SIGN[c.op]} ${OP_WORD[c.op]}`;
        if (c.properties.length === 0 && c.quieted.length === 0) rows.push(`| ${name} | ${op} | | | |`);
        for (const q of c.quieted) rows.push(`| ${name} | ${op} | ${code(q)} | build context changed (hash not shown) | |`);
        for (const p of c.properties) rows.push(`| ${name} | ${op} | ${code(p.path)} | ${p.secret ? "[secret]" : code(p.old)} | ${p.secret ? "[secret] (changed)" : code(p.new)} |`);
    }
    const table = rows.length ? ["| resource | step | property | old | new |", "|---|---|---|---|---|"] : [];
    const tail = ["", "</details>", ""];
    const build = (n: number, cutNote: string[]) => [...head, ...lines, ...table, ...rows.slice(0, n), ...cutNote, ...tail].join("\n");
    const full = build(rows.length, []);
    if (full.length <= budget) return { text: full, cut: false };
    // Drop rows from the end until the section and its note fit.
    for (let n = rows.length - 1; n >= 0; n--) {
        const note = ["", `*… ${rows.length - n} more of ${rows.length} changed properties: see the full report (details.md, in the job summary).*`];
        const text = build(n, note);
        if (text.length <= budget) return { text, cut: true };
    }
    const bare = [...head, `*${rows.length} changed properties and ${lines.length} notes: see the full report (details.md).*`, ...tail].join("\n");
    return { text: bare, cut: true };
}

function header(reports: StackReport[], verdict: Verdict): string[] {
    const changing = reports.filter((r) => r.changes.length > 0).map((r) => `\`${r.stack}\``);
    const packs = [...new Set(reports.flatMap((r) => r.policyPacks))].sort();
    const lines = [
        REPORT_MARKER,
        "## goship preview",
        "",
        `${reports.length} stack${reports.length === 1 ? "" : "s"} previewed: ${changing.length ? `${changing.join(", ")} would change` : "nothing would change"}. ` +
            `Policy: ${packs.length ? packs.map((p) => `\`${p}\``).join(", ") : "no pack ran"}.`,
        "",
        verdict.ok ? "**✅ No blocking problem.**" : `**❌ ${verdict.problems.length} blocking problem${verdict.problems.length === 1 ? "" : "s"}:**`,
        ...verdict.problems.map((p) => `- ${p}`),
        "",
    ];
    return lines;
}

function summaryTable(reports: StackReport[], budget: number): string {
    const head = ["| stack | service | image | Kubernetes objects that change | policy | gates |", "|---|---|---|---|---|---|"];
    const rows = reports.flatMap(tableRows);
    let text = [...head, ...rows].join("\n");
    for (let n = rows.length - 1; text.length > budget && n >= 0; n--) {
        text = [...head, ...rows.slice(0, n), `| … | ${rows.length - n} more rows in details.md | | | | |`].join("\n");
    }
    return text + "\n";
}

export interface RenderedReport {
    /** The comment: under GitHub's limit, starting with the marker. */
    comment: string;
    /** Everything, uncut: for the job summary or an artifact. */
    details: string;
    /** Sections that were cut in the comment. */
    cutStacks: string[];
}

/** The comment and the full report for REPORTS (in the order given). */
export function renderReport(reports: StackReport[], verdict: Verdict, limit = GITHUB_COMMENT_LIMIT): RenderedReport {
    const top = header(reports, verdict).join("\n") + "\n" + summaryTable(reports, Math.min(TABLE_BUDGET, limit / 2)) + "\n";
    const full = reports.map((r) => stackSection(r).text);
    const details = top + full.join("\n");
    const footer = "\n<sub>Full report: details.md (job summary and artifact).</sub>\n";
    let left = limit - MARGIN - top.length - footer.length;
    // Smallest sections first: each takes what it needs up to an equal share of what is left.
    const order = full.map((text, i) => ({ i, size: text.length })).sort((a, b) => a.size - b.size || a.i - b.i);
    const budgets = new Array<number>(full.length);
    order.forEach(({ i, size }, k) => {
        const share = Math.floor(left / (order.length - k));
        budgets[i] = Math.min(size, Math.max(share, 0));
        left -= budgets[i];
    });
    const cutStacks: string[] = [];
    const sections = reports.map((r, i) => {
        const s = stackSection(r, budgets[i]);
        if (s.cut) cutStacks.push(r.stack);
        return s.text;
    });
    const comment = top + sections.join("\n") + footer;
    return { comment, details, cutStacks };
}
