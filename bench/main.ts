/**
 * `npm run bench [-- OPTIONS]`: runs the suites (suites.ts), then writes docs/benchmarks.md,
 * docs/benchmarks/*.svg and docs/benchmarks/results.json from scratch.
 *
 *   --runs N              runs per figure (default 5)
 *   --smoke               one run, a small generated workload: proves the script works
 *   --only a,b | --skip a,b   choose suites; only then is a suite whose prerequisites are
 *                         missing skipped (and said so in the report) instead of an error
 *   --registry HOST:PORT  where ko pushes; plain HTTP unless --registry-ca is given
 *   --registry-ca FILE    the registry's CA (HTTPS), e.g. .goship/registry/tls/ca.pem
 *   --out DIR             where the report goes (default docs)
 *   --under-load          say in the report that other work ran on the machine
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "./proc";
import { renderReport, BenchResults } from "./report";
import type { Missing, RegistryTarget, Suite, SuiteContext } from "./suite";
import { SUITES } from "./suites";
import { readVersionsEnv } from "./tools";
import { FULL_SHAPE, generatedWorkload, sampleWorkload, SMOKE_SHAPE, Workload } from "./workload";

export interface Options {
    runs: number;
    smoke: boolean;
    only?: string[];
    skip?: string[];
    registry: RegistryTarget;
    out: string;
    underLoad: boolean;
}

/** Parses the command line; throws on anything it does not know, naming it. */
export function parseArgs(argv: string[], known: readonly string[]): Options {
    const opts: Options = { runs: 5, smoke: false, registry: { kind: "none" }, out: "docs", underLoad: false };
    let registry: string | undefined;
    let ca: string | undefined;
    const list = (v: string | undefined, flag: string) => {
        const names = (v ?? "").split(",").filter(Boolean);
        const bad = names.filter((n) => !known.includes(n));
        if (names.length === 0 || bad.length > 0) throw new Error(`${flag} ${v ?? ""}: unknown suite ${bad.join(", ") || "(none given)"}; suites: ${known.join(", ")}`);
        return names;
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${a} needs a value`);
            return v;
        };
        switch (a) {
            case "--runs": opts.runs = Number(next()); if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error(`--runs ${argv[i]}: a whole number >= 1`); break;
            case "--smoke": opts.smoke = true; break;
            case "--only": opts.only = list(next(), a); break;
            case "--skip": opts.skip = list(next(), a); break;
            case "--registry": registry = next(); break;
            case "--registry-ca": ca = next(); break;
            case "--out": opts.out = next(); break;
            case "--under-load": opts.underLoad = true; break;
            default: throw new Error(`unknown option ${a} (see bench/README.md)`);
        }
    }
    if (opts.only && opts.skip) throw new Error("--only and --skip together: give one");
    if (opts.smoke) opts.runs = 1;
    if (ca && !registry) throw new Error("--registry-ca without --registry");
    if (registry) opts.registry = ca ? { kind: "https", address: registry, caFile: path.resolve(ca) } : { kind: "http", address: registry };
    return opts;
}

function chosen(opts: Options, s: Suite): boolean {
    if (opts.only) return opts.only.includes(s.name);
    if (opts.skip) return !opts.skip.includes(s.name);
    return true;
}

async function versions(repo: string): Promise<Record<string, string>> {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const bk = readVersionsEnv(path.join(repo, "tools", "buildplatform", "versions.env"));
    return {
        go: (await run({ cmd: "go", args: ["env", "GOVERSION"] })).stdout.trim(),
        node: process.version,
        "@pulumi/pulumi": pkg.dependencies["@pulumi/pulumi"],
        buildkit: bk.BUILDKIT_VERSION,
    };
}

async function main(): Promise<void> {
    const repo = path.resolve(__dirname, "..", "..");
    const opts = parseArgs(process.argv.slice(2), SUITES.map((s) => s.name));
    const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "goship-bench-"));
    try {
        const goVersion = (await run({ cmd: "go", args: ["env", "GOVERSION"] })).stdout.trim().replace(/^go/, "").split(".").slice(0, 2).join(".");
        const workloads: Workload[] = [sampleWorkload(repo, tmp), generatedWorkload(tmp, opts.smoke ? SMOKE_SHAPE : FULL_SHAPE, goVersion)];
        for (const w of workloads) log(`workload ${w.name}: ${w.lines} lines of Go in ${w.packages} packages (${w.dir})`);
        const runId = `r${Date.now().toString(36)}`;
        const ctx: SuiteContext = { runs: opts.runs, smoke: opts.smoke, workloads, registry: opts.registry, runId, tmp, repo, log };

        const toRun: Suite[] = [];
        const skipped: BenchResults["skipped"] = SUITES.filter((s) => !chosen(opts, s)).map((s) => ({ name: s.name, reason: opts.only ? "not in --only" : "--skip" }));
        const missing: { suite: string; m: Missing }[] = [];
        for (const s of SUITES.filter((x) => chosen(opts, x))) {
            const m = await s.prerequisites(ctx);
            if (m.length === 0) toRun.push(s);
            else if (opts.only || opts.skip) skipped.push({ name: s.name, reason: `missing ${m.map((x) => `${x.what} (${x.fix})`).join("; ")}` });
            else missing.push(...m.map((x) => ({ suite: s.name, m: x })));
        }
        if (missing.length > 0) {
            throw new Error(`missing prerequisites (or choose suites with --only/--skip to run without them):\n${missing.map((x) => `  ${x.suite}: ${x.m.what}; run: ${x.m.fix}`).join("\n")}`);
        }
        for (const s of skipped) log(`skipping ${s.name}: ${s.reason}`);

        const results: BenchResults = {
            date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
            machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()} ${os.arch()}` },
            versions: await versions(repo),
            runs: opts.runs,
            smoke: opts.smoke,
            underLoad: opts.underLoad,
            workloads: workloads.map((w) => ({ name: w.name, lines: w.lines, packages: w.packages })),
            suites: [],
            skipped,
        };
        // A failing suite costs its own figures, not the others': it is listed under "Not run"
        // with its error, the report is written after every suite, and the exit code says so.
        const failed: string[] = [];
        for (const s of toRun) {
            log(`suite ${s.name}: ${s.title}`);
            const start = Date.now();
            try {
                const result = await s.run(ctx);
                Object.assign(results.versions, result.versions ?? {});
                results.suites.push({ name: s.name, title: s.title, result });
                if ((result.failed ?? []).length > 0) failed.push(`${s.name} (in part)`);
                log(`suite ${s.name}: done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
            } catch (e) {
                const first = (e as Error).message.split("\n")[0];
                failed.push(s.name);
                results.skipped.push({ name: s.name, reason: `FAILED after ${((Date.now() - start) / 1000).toFixed(0)} s: ${first}` });
                log(`suite ${s.name}: FAILED: ${(e as Error).message}`);
            }
            write(path.resolve(repo, opts.out), results);
        }
        log(`wrote ${path.join(opts.out, "benchmarks.md")}, its charts and results.json`);
        if (failed.length > 0) throw new Error(`suite(s) failed: ${failed.join(", ")} (the report lists them under "Not run")`);
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** The report, charts and raw JSON, from scratch (old charts removed). */
function write(out: string, results: BenchResults): void {
    const { markdown, charts } = renderReport(results);
    const dir = path.join(out, "benchmarks");
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(dir)) if (f.endsWith(".svg")) fs.rmSync(path.join(dir, f));
    for (const [name, svg] of charts) fs.writeFileSync(path.join(dir, name), svg);
    fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify(results, null, 2) + "\n");
    fs.writeFileSync(path.join(out, "benchmarks.md"), markdown);
}

if (require.main === module) {
    main().catch((e: unknown) => {
        process.stderr.write(`bench: ${(e as Error).message}\n`);
        process.exit(1);
    });
}
