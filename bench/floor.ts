/**
 * The floor: what a multi-platform build cannot beat. Plain `go build` for linux/amd64 and
 * linux/arm64 on the host, both at once (as BuildKit and ko build both platforms at once),
 * with the flags goship's Dockerfile uses; cold (an empty GOCACHE) and warm (the one-line
 * change, cache kept). The stripped binaries' sizes, raw and gzip-compressed, are the
 * image-size floor.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { Command, runParallel } from "./proc";
import type { Measurement, Suite, SuiteContext, SuiteResult } from "./suite";
import type { Workload } from "./workload";

export const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
export type LinuxPlatform = (typeof PLATFORMS)[number];

/** The floor's build of one platform: the same flags as the rendered Dockerfile. */
export function goBuild(w: Workload, platform: LinuxPlatform, out: string, gocache: string): Command {
    const [goos, goarch] = platform.split("/");
    return {
        cmd: "go",
        args: ["build", "-trimpath", "-ldflags", "-s -w", "-o", out, w.main],
        cwd: w.dir,
        env: { CGO_ENABLED: "0", GOOS: goos, GOARCH: goarch, GOCACHE: gocache, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", GOWORK: "off" },
    };
}

/** A fresh, empty build cache under TMP. */
export function emptyCache(tmp: string, name: string): string {
    const dir = path.join(tmp, "gocache", name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

export function gzipSize(file: string): number {
    return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
}

async function measure(ctx: SuiteContext, w: Workload): Promise<Measurement[]> {
    const cold: number[] = [];
    const warm: number[] = [];
    const outDir = path.join(ctx.tmp, "floor", w.name);
    fs.mkdirSync(outDir, { recursive: true });
    const out = (p: LinuxPlatform) => path.join(outDir, p.replace("/", "-"));
    for (let i = 0; i < ctx.runs; i++) {
        const cache = emptyCache(ctx.tmp, `floor-${w.name}`);
        cold.push(await runParallel(PLATFORMS.map((p) => goBuild(w, p, out(p), cache))));
        w.touch();
        warm.push(await runParallel(PLATFORMS.map((p) => goBuild(w, p, out(p), cache))));
        ctx.log(`floor ${w.name} run ${i + 1}/${ctx.runs}: cold ${cold[i].toFixed(1)} s, warm ${warm[i].toFixed(1)} s`);
    }
    const ms: Measurement[] = [
        { id: `cold/${w.name}`, label: "go build ×2 in parallel, cold", unit: "s", runs: cold, workload: w.name, chart: { kind: "bar", chart: `build-cold-${w.name}`, bar: "go build (floor)" } },
        { id: `warm/${w.name}`, label: "go build ×2 in parallel, one-line change", unit: "s", runs: warm, workload: w.name, baseline: `floor:cold/${w.name}`, chart: { kind: "bar", chart: `build-warm-${w.name}`, bar: "go build (floor)" } },
    ];
    for (const p of PLATFORMS) {
        const slug = p.replace("/", "-");
        ms.push({ id: `size/${w.name}/${slug}/raw`, label: `stripped binary, ${p}, uncompressed`, unit: "bytes", runs: [fs.statSync(out(p)).size], workload: w.name });
        ms.push({ id: `size/${w.name}/${slug}/gzip`, label: `stripped binary, ${p}, gzip -9`, unit: "bytes", runs: [gzipSize(out(p))], workload: w.name });
    }
    return ms;
}

export const floorSuite: Suite = {
    name: "floor",
    title: "plain go build of both linux platforms in parallel, cold and after a one-line change; the stripped binaries' sizes",
    async prerequisites() {
        return [];
    },
    async run(ctx): Promise<SuiteResult> {
        const measurements: Measurement[] = [];
        for (const w of ctx.workloads) measurements.push(...(await measure(ctx, w)));
        return { measurements, notes: [`flags: CGO_ENABLED=0 go build -trimpath -ldflags "-s -w"; GOCACHE emptied before each cold run, GOMODCACHE kept`] };
    },
};
