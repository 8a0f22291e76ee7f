/**
 * ko, the Go-native peer: `ko build` of each workload for linux/amd64 and linux/arm64,
 * pushed to the registry given to the benchmark, cold (empty GOCACHE) and after the
 * one-line change; the sizes of its images per platform, read back from the registry.
 *
 * ko's default base, cgr.dev/chainguard/static, cannot be pulled here, so base.ts makes a
 * stand-in locally with crane and the suite points ko at it (KO_DEFAULTBASEIMAGE).
 */
import * as fs from "fs";
import * as path from "path";
import { makeBase, BASE_REPO, trustEnv } from "./ko-base";
import { emptyCache } from "./floor";
import { run } from "./proc";
import { imageSizes, answers } from "./registry";
import type { Measurement, Missing, Suite, SuiteContext, SuiteResult } from "./suite";
import { cachedBinary, isExecutable, readVersionsEnv } from "./tools";
import type { Workload } from "./workload";

export function koVersions(repo: string): { ko: string; crane: string } {
    const env = readVersionsEnv(path.join(repo, "tools", "ko", "versions.env"));
    return { ko: env.KO_VERSION, crane: env.CRANE_VERSION };
}

interface KoRun {
    seconds: number;
    /** repo@sha256:… as ko prints it. */
    ref: string;
}

/** One `ko build`: both platforms, pushed; LDFLAGS "-s -w" through a .ko.yaml when stripped. */
async function koBuild(ctx: SuiteContext, ko: string, w: Workload, repo: string, gocache: string, stripped: boolean): Promise<KoRun> {
    if (ctx.registry.kind === "none") throw new Error("ko needs a registry");
    const config = path.join(ctx.tmp, `ko-${stripped ? "stripped" : "default"}`);
    fs.mkdirSync(config, { recursive: true });
    fs.writeFileSync(path.join(config, ".ko.yaml"), stripped ? `defaultLdflags: ["-s", "-w"]\n` : "{}\n");
    const args = ["build", "--bare", "--platform=linux/amd64,linux/arm64", "--sbom=none", "--push=true"];
    if (ctx.registry.kind === "http") args.push("--insecure-registry");
    const r = await run({
        cmd: ko,
        args: [...args, w.main],
        cwd: w.dir,
        env: {
            ...trustEnv(ctx),
            KO_DOCKER_REPO: `${ctx.registry.address}/${repo}`,
            KO_DEFAULTBASEIMAGE: `${ctx.registry.address}/${BASE_REPO}:latest`,
            KO_CONFIG_PATH: config,
            GOCACHE: gocache,
            GOFLAGS: "-mod=mod",
            GOTOOLCHAIN: "local",
            GOWORK: "off",
        },
    });
    const ref = r.stdout.trim().split("\n").pop() ?? "";
    if (!/@sha256:[0-9a-f]{64}$/.test(ref)) throw new Error(`ko printed no digest reference: ${r.stdout}`);
    return { seconds: r.seconds, ref };
}

async function measure(ctx: SuiteContext, ko: string, w: Workload): Promise<Measurement[]> {
    if (ctx.registry.kind === "none") return [];
    const repo = `bench/${ctx.runId}/ko-${w.name}`;
    const cold: number[] = [];
    const warm: number[] = [];
    let last = "";
    for (let i = 0; i < ctx.runs; i++) {
        const cache = emptyCache(ctx.tmp, `ko-${w.name}`);
        cold.push((await koBuild(ctx, ko, w, repo, cache, false)).seconds);
        w.touch();
        const r = await koBuild(ctx, ko, w, repo, cache, false);
        warm.push(r.seconds);
        last = r.ref;
        ctx.log(`ko ${w.name} run ${i + 1}/${ctx.runs}: cold ${cold[i].toFixed(1)} s, warm ${warm[i].toFixed(1)} s`);
    }
    const ms: Measurement[] = [
        { id: `cold/${w.name}`, label: "ko build, both platforms, pushed, cold", unit: "s", runs: cold, workload: w.name, baseline: `floor:cold/${w.name}`, chart: { kind: "bar", chart: `build-cold-${w.name}`, bar: "ko" } },
        { id: `warm/${w.name}`, label: "ko build, both platforms, pushed, one-line change", unit: "s", runs: warm, workload: w.name, baseline: `floor:warm/${w.name}`, chart: { kind: "bar", chart: `build-warm-${w.name}`, bar: "ko" } },
    ];
    // The same binary as the floor's (-s -w), for the size comparison; warm cache, one build.
    const stripped = await koBuild(ctx, ko, w, `${repo}-stripped`, path.join(ctx.tmp, "gocache", `ko-${w.name}`), true);
    for (const [variant, ref, r] of [["defaults", last, repo], ["-s -w", stripped.ref, `${repo}-stripped`]] as const) {
        for (const s of await imageSizes(ctx.registry, r, ref.slice(ref.indexOf("@") + 1))) {
            const slug = s.platform.replace("/", "-");
            const floorSize = (kind: string) => `floor:size/${w.name}/${slug}/${kind}`;
            const tag = variant === "defaults" ? "default" : "stripped";
            ms.push({ id: `size/${w.name}/${slug}/${tag}/compressed`, label: `ko image (${variant}), ${s.platform}, compressed`, unit: "bytes", runs: [s.compressed], workload: w.name, baseline: floorSize("gzip") });
            ms.push({ id: `size/${w.name}/${slug}/${tag}/uncompressed`, label: `ko image (${variant}), ${s.platform}, uncompressed`, unit: "bytes", runs: [s.uncompressed], workload: w.name, baseline: floorSize("raw") });
        }
    }
    return ms;
}

export const koSuite: Suite = {
    name: "ko",
    title: "ko build of both linux platforms, pushed to the registry, cold and after a one-line change; its image sizes",
    async prerequisites(ctx): Promise<Missing[]> {
        const v = koVersions(ctx.repo);
        const missing: Missing[] = [];
        for (const [tool, version] of [["ko", v.ko], ["crane", v.crane]] as const) {
            if (!isExecutable(cachedBinary(tool, version))) missing.push({ what: `${tool} ${version} (${cachedBinary(tool, version)})`, fix: "bash tools/ko/install.sh" });
        }
        if (ctx.registry.kind === "none") missing.push({ what: "a registry to push to", fix: "npm run bench -- --registry 127.0.0.1:5100 (plain HTTP), or --registry HOST:PORT --registry-ca CA.pem" });
        else if (!(await answers(ctx.registry))) missing.push({ what: `a registry answering at ${ctx.registry.address}`, fix: "start one (bench/README.md: docker-registry on 127.0.0.1:5100)" });
        return missing;
    },
    async run(ctx): Promise<SuiteResult> {
        const v = koVersions(ctx.repo);
        const ko = cachedBinary("ko", v.ko);
        const base = await makeBase(ctx, cachedBinary("crane", v.crane));
        const measurements: Measurement[] = [];
        for (const w of ctx.workloads) measurements.push(...(await measure(ctx, ko, w)));
        for (const s of base.sizes) {
            measurements.push({ id: `size/base/${s.platform.replace("/", "-")}/compressed`, label: `ko's base stand-in, ${s.platform}, compressed`, unit: "bytes", runs: [s.compressed] });
        }
        return { measurements, notes: [...base.notes, "ko's defaults: CGO_ENABLED=0, -trimpath, no -s -w (the image rows marked (-s -w) set defaultLdflags in .ko.yaml, the floor's flags); --sbom=none, --bare"], versions: { ko: v.ko, crane: v.crane } };
    },
};
