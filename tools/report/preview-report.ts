/**
 * `npm run preview:report -- [--out DIR] [--stacks a,b] [--base REF] [--from-events DIR]`
 *
 * Previews each stack (every Pulumi.<stack>.yaml by default) through the runner, policy
 * pack on, keeps each preview's engine events, and writes into DIR (default .goship/report):
 *   comment.md   the pull-request comment (starts with the hidden marker, under 65,536 chars)
 *   details.md   the full report, nothing cut (job summary / artifact)
 *   report.json  the same as data, and the verdict
 *   events/<stack>.jsonl  the engine events it was made from (fixture format, events.ts)
 * With --base, a stack no changed file touches (affected.ts) must preview with no change.
 * --from-events renders from recorded events instead of previewing (no platform needed).
 * Exits 1 after writing when the verdict blocks the merge (verdict.ts), 2 on bad usage.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CommandError, EngineEvent } from "@pulumi/pulumi/automation";
import { parseStackConfigEntries } from "../../stack/config";
import { sentPaths } from "../../stack/sources";
import { Enforcement } from "../local/policy-events";
import { enforcementOf } from "../local/policy";
import { openStack, repoRoot, runOperation } from "../local/stack";
import { affectedStacks } from "./affected";
import { analyseStack } from "./analyse-stack";
import { fixtureLines, parseEventLines } from "./events";
import { renderReport } from "./markdown";
import { StackReport } from "./model";
import { verdictOf } from "./verdict";

export interface ReportArgs {
    out: string;
    stacks?: string[];
    base?: string;
    fromEvents?: string;
}

export function parseReportArgs(argv: readonly string[]): ReportArgs {
    const args: ReportArgs = { out: path.join(process.env.GOSHIP_STATE ?? path.join(repoRoot, ".goship"), "report") };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
            return v;
        };
        if (flag === "--out") args.out = path.resolve(value());
        else if (flag === "--stacks") args.stacks = value().split(",").map((s) => s.trim()).filter(Boolean);
        else if (flag === "--base") args.base = value();
        else if (flag === "--from-events") args.fromEvents = path.resolve(value());
        else throw new UsageError(`unknown flag ${flag}; usage: preview:report [--out DIR] [--stacks a,b] [--base REF] [--from-events DIR]`);
    }
    return args;
}

class UsageError extends Error {}

/** The stacks this project has a file for, in a stable order. */
export function projectStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Files changed against BASE: committed, staged, unstaged and untracked. */
function changedFiles(base: string): string[] {
    const git = (...a: string[]) => execFileSync("git", a, { cwd: repoRoot, encoding: "utf8" }).split("\n").filter(Boolean);
    return [...new Set([...git("diff", "--name-only", base), ...git("ls-files", "--others", "--exclude-standard")])].sort();
}

interface Previewed {
    events: EngineEvent[];
    /** A refusal before the CLI started (the runner's preflight), as the engine would report it. */
    refusal?: string;
    buildPaths: string[];
    production: boolean;
    enforcement?: Enforcement;
}

/** One stack's preview, its events kept whatever the outcome. */
async function previewStack(name: string): Promise<Previewed> {
    const stack = await openStack(name);
    let buildPaths: string[] = [];
    let production = false;
    let enforcement: Enforcement | undefined;
    try {
        const config = parseStackConfigEntries(await stack.getAllConfig());
        // A monorepo service is touched by its local dependencies and go.work too.
        buildPaths = config.services.filter((s) => s.image.source === "build").flatMap((s) => { const sent = sentPaths(s, repoRoot); return [...sent.dirs, ...sent.files]; });
        production = config.policy.production;
        enforcement = enforcementOf(config.policy);
    } catch {
        // Bad config: the preview below reports it, and the stack counts as affected.
        buildPaths = ["."];
    }
    const events: EngineEvent[] = [];
    try {
        await runOperation(stack, "preview", { diff: true, onEvent: (e) => events.push(e), onOutput: () => undefined });
    } catch (err) {
        if (!(err instanceof CommandError) && events.length === 0) {
            return { events, refusal: err instanceof Error ? err.message : String(err), buildPaths, production, enforcement };
        }
    }
    return { events, buildPaths, production, enforcement };
}

/** A stack refused before its preview started: a failed report with the refusal's lines. */
function refusedReport(stack: string, refusal: string): StackReport {
    const lines = refusal.split("\n").map((l) => l.trim()).filter(Boolean);
    return {
        stack, result: "failed", counts: {}, changes: [], services: [], errors: lines, warnings: [], policyPacks: [],
        stackViolations: [], stackCouldNotRun: [], stackPoliciesPassed: 0, mustNotChange: false, gates: [],
    };
}

export async function main(argv: readonly string[]): Promise<number> {
    const args = parseReportArgs(argv);
    const stacks = args.stacks ?? (args.fromEvents ? fs.readdirSync(args.fromEvents).filter((f) => f.endsWith(".jsonl")).map((f) => f.slice(0, -6)).sort() : projectStacks(repoRoot));
    fs.mkdirSync(path.join(args.out, "events"), { recursive: true });
    const previews = new Map<string, Previewed>();
    for (const stack of stacks) {
        const started = Date.now();
        const p = args.fromEvents
            ? { events: parseEventLines(fs.readFileSync(path.join(args.fromEvents, `${stack}.jsonl`), "utf8")), buildPaths: ["."], production: false }
            : await previewStack(stack);
        previews.set(stack, p);
        fs.writeFileSync(path.join(args.out, "events", `${stack}.jsonl`), fixtureLines(p.events, repoRoot));
        process.stderr.write(`[report] ${stack}: ${args.fromEvents ? "read" : "previewed"} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    const affected = args.base ? affectedStacks(changedFiles(args.base), stacks.map((stack) => ({ stack, buildPaths: previews.get(stack)?.buildPaths ?? ["."] }))) : undefined;
    const reports = stacks.map((stack) => {
        const p = previews.get(stack) as Previewed;
        if (p.refusal !== undefined) return refusedReport(stack, p.refusal);
        return analyseStack(stack, p.events, { mustNotChange: affected ? (affected.get(stack) ?? []).length === 0 : false, enforcement: p.enforcement });
    });
    const productionStacks = new Set(stacks.filter((s) => previews.get(s)?.production));
    const verdict = verdictOf(reports, { productionStacks });
    const rendered = renderReport(reports, verdict);
    fs.writeFileSync(path.join(args.out, "comment.md"), rendered.comment);
    fs.writeFileSync(path.join(args.out, "details.md"), rendered.details);
    fs.writeFileSync(path.join(args.out, "report.json"), JSON.stringify({ verdict, affected: affected ? Object.fromEntries(affected) : null, reports }, null, 2) + "\n");
    process.stderr.write(
        `[report] ${args.out}/comment.md (${rendered.comment.length} chars${rendered.cutStacks.length ? `, cut: ${rendered.cutStacks.join(", ")}` : ""}), details.md, report.json: ` +
            `${verdict.ok ? "no blocking problem" : `${verdict.problems.length} blocking problems:\n  ${verdict.problems.join("\n  ")}`}\n`,
    );
    return verdict.ok ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err: unknown) => {
            process.stderr.write(`preview:report: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(err instanceof UsageError ? 2 : 1);
        },
    );
}
