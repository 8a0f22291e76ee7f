/**
 * goship's own build of each workload, linux/amd64 + linux/arm64, pushed to the platform's
 * registry, two ways:
 *  - as `pulumi up` runs it: a stack of the benchmark's own holding one GoImage (two
 *    docker-build Images, one per platform, in parallel, their registry cache, the Index);
 *  - the build alone: the Dockerfile that GoImage rendered, through buildctl, the same two
 *    solves at once with the same build args, cache import/export and push, no Pulumi.
 * Each on an empty BuildKit (`buildctl prune --all`: the builder image is fetched from the
 * registry and unpacked again, as on a fresh CI runner), with the builder image already
 * unpacked, after the one-line change, and after the one-line change on an empty BuildKit
 * (a fresh CI runner: only the registry cache is there; asserted to be imported on both
 * platforms). Every cold build pushes to a new repository, so no registry cache of an
 * earlier run is found. Then the image sizes, per platform.
 */
import * as fs from "fs";
import * as path from "path";
import { GoImage } from "../components/go-image";
import { cacheTag } from "../components/publish/tags";
import { PLATFORMS } from "./floor";
import type { Stack } from "@pulumi/pulumi/automation";
import { benchStack, platform, Platform, platformMissing, pruneBuildkit, timedUp } from "./platform";
import { GO_MOD_DOWNLOAD_STEP, stepSources } from "../test/harness/buildkit-progress";
import { run, runAll, Command } from "./proc";
import { imageSizes } from "./registry";
import type { Measurement, Missing, Suite, SuiteContext, SuiteResult } from "./suite";
import type { Workload } from "./workload";

const REVISION = "bench";

/** Where a build pushes: a repository of its own, of this invocation, in the platform's registry. */
function repositoryPath(ctx: SuiteContext, w: Workload, kind: string, run: number): string {
    return `bench/${ctx.runId}/goship-${w.name}-${kind}-${run}`;
}

function generatedDir(ctx: SuiteContext, w: Workload): string {
    return path.join(ctx.tmp, "goship-build", w.name);
}

/** The program: one GoImage, as a service's build in index.ts makes it (stack/service-args.ts). */
function imageProgram(ctx: SuiteContext, p: Platform, w: Workload, repository: string): () => Promise<Record<string, unknown>> {
    return async () => {
        const image = new GoImage(w.name, {
            context: w.dir,
            main: w.main,
            platforms: [...PLATFORMS],
            repository: `${p.registry}/${repository}`,
            builder: p.builder,
            revision: REVISION,
            version: REVISION,
            generatedDir: generatedDir(ctx, w),
            dockerfile: { builderImage: p.builderImage, runtime: "scratch" },
        });
        return { ref: image.ref, digest: image.digest };
    };
}

/** A GoImage stack for W pushing to REPOSITORY, and its cold up. */
async function goshipStack(ctx: SuiteContext, p: Platform, w: Workload, repository: string): Promise<{ stack: Stack; cold: number; digest: string }> {
    const stack = await benchStack(ctx, repository.replace(/\//g, "-"), imageProgram(ctx, p, w, repository));
    const cold = await timedUp(stack);
    return { stack, cold: cold.seconds, digest: String(cold.outputs.digest) };
}

/** The up of STACK after the one-line change in W: its seconds and new digest (it must rebuild). */
async function changedUp(stack: Stack, w: Workload): Promise<{ seconds: number; digest: string }> {
    w.touch();
    const up = await timedUp(stack);
    if ((up.changes.update ?? 0) === 0) throw new Error(`goship-build: the up after the one-line change in ${w.name} updated nothing: ${JSON.stringify(up.changes)}`);
    return { seconds: up.seconds, digest: String(up.outputs.digest) };
}

/** buildctl of the Dockerfile GoImage rendered for PLATFORM: the settings docker-build passes. */
function buildctl(ctx: SuiteContext, p: Platform, w: Workload, repository: string, platformName: string): Command {
    const dir = path.join(generatedDir(ctx, w), w.name);
    const image = `${p.registry}/${repository}`;
    const cache = `${image}:${cacheTag(platformName as (typeof PLATFORMS)[number])}`;
    return {
        cmd: "buildctl",
        args: [
            "--addr", p.buildkit, "build",
            "--progress", "plain",
            "--frontend", "dockerfile.v0",
            "--local", `context=${w.dir}`,
            "--local", `dockerfile=${dir}`,
            "--opt", "filename=linux.Dockerfile",
            "--opt", `platform=${platformName}`,
            "--opt", `build-arg:VERSION=${REVISION}`,
            "--opt", `build-arg:REVISION=${REVISION}`,
            "--opt", "build-arg:SOURCE=",
            "--import-cache", `type=registry,ref=${cache}`,
            "--export-cache", `type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true`,
            "--output", `type=image,name=${image}:bench-${platformName.replace("/", "-")},push=true`,
        ],
    };
}

/** Both platforms' buildctl at once: the wall-clock seconds, and each one's output (PLATFORMS' order). */
function buildctlAll(ctx: SuiteContext, p: Platform, w: Workload, repository: string): ReturnType<typeof runAll> {
    return runAll(PLATFORMS.map((platformName) => buildctl(ctx, p, w, repository, platformName)));
}

async function buildctlBoth(ctx: SuiteContext, p: Platform, w: Workload, repository: string): Promise<number> {
    return (await buildctlAll(ctx, p, w, repository)).seconds;
}

/**
 * The one-line change's rebuild on an empty BuildKit: only REPOSITORY's registry cache is
 * there. Fails unless each platform's go mod download came from that cache (did not run).
 */
async function buildctlFromRegistryCache(ctx: SuiteContext, p: Platform, w: Workload, repository: string): Promise<number> {
    const { seconds, results } = await buildctlAll(ctx, p, w, repository);
    results.forEach((r, i) => {
        const sources = stepSources(r.stderr, GO_MOD_DOWNLOAD_STEP);
        if (sources.length === 0 || sources.includes("ran")) {
            throw new Error(`goship-build: on an empty BuildKit, ${PLATFORMS[i]}'s go mod download did not come from the registry cache of ${repository}: ${sources.join(", ") || "no such step"}`);
        }
    });
    return seconds;
}

/** Pulls and unpacks the builder image (a RUN needs its snapshot), as a runner that built before has it. */
async function unpackBuilder(ctx: SuiteContext, p: Platform): Promise<void> {
    const dir = path.join(ctx.tmp, "goship-build", "builder-warmup");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Dockerfile"), `FROM ${p.builderImage}\nRUN true\n`);
    await run({ cmd: "buildctl", args: ["--addr", p.buildkit, "build", "--frontend", "dockerfile.v0", "--local", `context=${dir}`, "--local", `dockerfile=${dir}`] });
}

async function measure(ctx: SuiteContext, p: Platform, w: Workload): Promise<Measurement[]> {
    const series = { upEmpty: [] as number[], upCold: [] as number[], upWarm: [] as number[], upWarmEmpty: [] as number[], bkEmpty: [] as number[], bkCold: [] as number[], bkWarm: [] as number[], bkWarmEmpty: [] as number[] };
    let last = { repository: "", digest: "" };
    for (let i = 0; i < ctx.runs; i++) {
        await pruneBuildkit(p);
        const empty = await goshipStack(ctx, p, w, repositoryPath(ctx, w, "empty", i));
        series.upEmpty.push(empty.cold);
        series.upWarm.push((await changedUp(empty.stack, w)).seconds);
        await pruneBuildkit(p);
        const fromRegistry = await changedUp(empty.stack, w);
        series.upWarmEmpty.push(fromRegistry.seconds);
        last = { repository: repositoryPath(ctx, w, "empty", i), digest: fromRegistry.digest };
        await pruneBuildkit(p);
        await unpackBuilder(ctx, p);
        series.upCold.push((await goshipStack(ctx, p, w, repositoryPath(ctx, w, "unpacked", i))).cold);
        // The bare builds read the Dockerfile the ups above rendered (identical for every run).
        await pruneBuildkit(p);
        series.bkEmpty.push(await buildctlBoth(ctx, p, w, repositoryPath(ctx, w, "buildctl-empty", i)));
        w.touch();
        series.bkWarm.push(await buildctlBoth(ctx, p, w, repositoryPath(ctx, w, "buildctl-empty", i)));
        await pruneBuildkit(p);
        w.touch();
        series.bkWarmEmpty.push(await buildctlFromRegistryCache(ctx, p, w, repositoryPath(ctx, w, "buildctl-empty", i)));
        await pruneBuildkit(p);
        await unpackBuilder(ctx, p);
        series.bkCold.push(await buildctlBoth(ctx, p, w, repositoryPath(ctx, w, "buildctl-unpacked", i)));
        const f = (xs: number[]) => xs[i].toFixed(1);
        ctx.log(`goship-build ${w.name} run ${i + 1}/${ctx.runs}: up empty ${f(series.upEmpty)} s, unpacked ${f(series.upCold)} s, warm ${f(series.upWarm)} s, warm on empty BuildKit ${f(series.upWarmEmpty)} s; buildctl empty ${f(series.bkEmpty)} s, unpacked ${f(series.bkCold)} s, warm ${f(series.bkWarm)} s, warm on empty BuildKit ${f(series.bkWarmEmpty)} s`);
    }
    const m = (id: string, label: string, runs: number[], baseline: string, chart: string, bar: string): Measurement => ({
        id: `${id}/${w.name}`, label, unit: "s", runs, workload: w.name, baseline: `${baseline}/${w.name}`, chart: { kind: "bar", chart: `${chart}-${w.name}`, bar },
    });
    const ms: Measurement[] = [
        m("up/cold-empty", "goship pulumi up (GoImage), both platforms, pushed, cold, empty BuildKit", series.upEmpty, "floor:cold", "build-cold", "goship up, empty BuildKit"),
        m("up/cold", "goship pulumi up (GoImage), both platforms, pushed, cold, builder image unpacked", series.upCold, "floor:cold", "build-cold", "goship up"),
        m("buildctl/cold-empty", "goship's Dockerfile through buildctl, both platforms, pushed, cold, empty BuildKit", series.bkEmpty, "floor:cold", "build-cold", "buildctl, empty BuildKit"),
        m("buildctl/cold", "goship's Dockerfile through buildctl, both platforms, pushed, cold, builder image unpacked", series.bkCold, "floor:cold", "build-cold", "buildctl"),
        m("up/warm", "goship pulumi up (GoImage), one-line change", series.upWarm, "floor:warm", "build-warm", "goship up"),
        m("buildctl/warm", "goship's Dockerfile through buildctl, one-line change", series.bkWarm, "floor:warm", "build-warm", "buildctl"),
        m("up/warm-empty", "goship pulumi up, one-line change, empty BuildKit (registry cache only: a fresh CI runner)", series.upWarmEmpty, "floor:warm", "build-warm", "goship up, empty BuildKit"),
        m("buildctl/warm-empty", "goship's Dockerfile through buildctl, one-line change, empty BuildKit (registry cache only; go mod download from it on both platforms, asserted)", series.bkWarmEmpty, "floor:warm", "build-warm", "buildctl, empty BuildKit"),
    ];
    for (const s of await imageSizes(ctx.registry as Extract<SuiteContext["registry"], { kind: "https" }>, last.repository, last.digest)) {
        const slug = s.platform.replace("/", "-");
        ms.push({ id: `size/${w.name}/${slug}/compressed`, label: `goship image, ${s.platform}, compressed`, unit: "bytes", runs: [s.compressed], workload: w.name, baseline: `floor:size/${w.name}/${slug}/gzip` });
        ms.push({ id: `size/${w.name}/${slug}/uncompressed`, label: `goship image, ${s.platform}, uncompressed`, unit: "bytes", runs: [s.uncompressed], workload: w.name, baseline: `floor:size/${w.name}/${slug}/raw` });
    }
    return ms;
}

export const goshipBuildSuite: Suite = {
    name: "goship-build",
    title: "goship's image build as pulumi up runs it, and its Dockerfile through buildctl alone, both linux platforms, pushed: cold (empty BuildKit, builder unpacked) and after a one-line change; its image sizes",
    async prerequisites(ctx): Promise<Missing[]> {
        return platformMissing(ctx);
    },
    async run(ctx): Promise<SuiteResult> {
        const p = platform();
        const measurements: Measurement[] = [];
        for (const w of ctx.workloads) measurements.push(...(await measure(ctx, p, w)));
        return {
            measurements,
            notes: [
                `builder image ${p.builderImage} (zstd layers, the standard library precompiled for both platforms: tools/buildplatform/buildplatform.sh), runtime scratch; BuildKit at ${p.buildkit}, registry ${p.registry}`,
                "empty BuildKit = after `buildctl prune --all`: no layers, no cache mounts (so no Go build cache but the builder image's seed), the builder image fetched and unpacked again, as on a fresh CI runner",
                "goship up = the Automation API's up of a stack holding one GoImage (file backend, inline program): the engine, the docker-build provider, two per-platform solves in parallel, their registry cache export, the Index",
                "buildctl = the same rendered Dockerfile, build args, cache import/export and push, two solves in parallel, no Pulumi and no Index",
            ],
        };
    },
};
