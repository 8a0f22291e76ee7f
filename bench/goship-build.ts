/**
 * goship's own build of each workload, linux/amd64 + linux/arm64, pushed to the platform's
 * registry, two ways:
 *  - as `pulumi up` runs it: a stack of the benchmark's own holding one GoImage (two
 *    docker-build Images, one per platform, in parallel, their registry cache, the Index);
 *  - the build alone: the Dockerfile that GoImage rendered, through buildctl, the same two
 *    solves at once with the same build args, cache import/export and push, no Pulumi.
 * Each on an empty BuildKit (`buildctl prune --all`: the builder image is fetched from the
 * registry and unpacked again, as on a fresh CI runner), with the builder image already
 * unpacked, and after the one-line change. Every cold build pushes to a new repository,
 * so no registry cache of an earlier run is found. Then the image sizes, per platform.
 */
import * as fs from "fs";
import * as path from "path";
import { GoImage } from "../components/go-image";
import { cacheTag } from "../components/publish/tags";
import { PLATFORMS } from "./floor";
import { benchStack, platform, Platform, platformMissing, pruneBuildkit, timedUp } from "./platform";
import { run, runParallel, Command } from "./proc";
import { imageSizes } from "./registry";
import type { Measurement, Missing, Suite, SuiteContext, SuiteResult } from "./suite";
import type { Workload } from "./workload";

const REVISION = "bench";

/** Where a build pushes: a repository of its own under bench/ in the platform's registry. */
function repositoryPath(w: Workload, kind: string, run: number): string {
    return `bench/goship-${w.name}-${kind}-${run}`;
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

/** One GoImage stack for W pushing to REPOSITORY: its cold up, then (optionally) the one-line change's. */
async function goshipUps(ctx: SuiteContext, p: Platform, w: Workload, repository: string, withWarm: boolean): Promise<{ cold: number; warm?: number; digest: string }> {
    const stack = await benchStack(ctx, repository.replace(/\//g, "-"), imageProgram(ctx, p, w, repository));
    const cold = await timedUp(stack);
    let warm: number | undefined;
    let outputs = cold.outputs;
    if (withWarm) {
        w.touch();
        const second = await timedUp(stack);
        if ((second.changes.update ?? 0) === 0) throw new Error(`goship-build: the up after the one-line change in ${w.name} updated nothing: ${JSON.stringify(second.changes)}`);
        warm = second.seconds;
        outputs = second.outputs;
    }
    return { cold: cold.seconds, warm, digest: String(outputs.digest) };
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

async function buildctlBoth(ctx: SuiteContext, p: Platform, w: Workload, repository: string): Promise<number> {
    return runParallel(PLATFORMS.map((platformName) => buildctl(ctx, p, w, repository, platformName)));
}

/** Pulls and unpacks the builder image (a RUN needs its snapshot), as a runner that built before has it. */
async function unpackBuilder(ctx: SuiteContext, p: Platform): Promise<void> {
    const dir = path.join(ctx.tmp, "goship-build", "builder-warmup");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Dockerfile"), `FROM ${p.builderImage}\nRUN true\n`);
    await run({ cmd: "buildctl", args: ["--addr", p.buildkit, "build", "--frontend", "dockerfile.v0", "--local", `context=${dir}`, "--local", `dockerfile=${dir}`] });
}

async function measure(ctx: SuiteContext, p: Platform, w: Workload): Promise<Measurement[]> {
    const series = { upEmpty: [] as number[], upCold: [] as number[], upWarm: [] as number[], bkEmpty: [] as number[], bkCold: [] as number[], bkWarm: [] as number[] };
    let last = { repository: "", digest: "" };
    for (let i = 0; i < ctx.runs; i++) {
        await pruneBuildkit(p);
        const empty = await goshipUps(ctx, p, w, repositoryPath(w, "empty", i), true);
        series.upEmpty.push(empty.cold);
        series.upWarm.push(empty.warm!);
        last = { repository: repositoryPath(w, "empty", i), digest: empty.digest };
        await pruneBuildkit(p);
        await unpackBuilder(ctx, p);
        series.upCold.push((await goshipUps(ctx, p, w, repositoryPath(w, "unpacked", i), false)).cold);
        // The bare builds read the Dockerfile the ups above rendered (identical for every run).
        await pruneBuildkit(p);
        series.bkEmpty.push(await buildctlBoth(ctx, p, w, repositoryPath(w, "buildctl-empty", i)));
        w.touch();
        series.bkWarm.push(await buildctlBoth(ctx, p, w, repositoryPath(w, "buildctl-empty", i)));
        await pruneBuildkit(p);
        await unpackBuilder(ctx, p);
        series.bkCold.push(await buildctlBoth(ctx, p, w, repositoryPath(w, "buildctl-unpacked", i)));
        const f = (xs: number[]) => xs[i].toFixed(1);
        ctx.log(`goship-build ${w.name} run ${i + 1}/${ctx.runs}: up empty ${f(series.upEmpty)} s, unpacked ${f(series.upCold)} s, warm ${f(series.upWarm)} s; buildctl empty ${f(series.bkEmpty)} s, unpacked ${f(series.bkCold)} s, warm ${f(series.bkWarm)} s`);
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
                `builder image ${p.builderImage}, runtime scratch; BuildKit at ${p.buildkit}, registry ${p.registry}`,
                "goship up = the Automation API's up of a stack holding one GoImage (file backend, inline program): the engine, the docker-build provider, two per-platform solves in parallel, their registry cache export, the Index",
                "buildctl = the same rendered Dockerfile, build args, cache import/export and push, two solves in parallel, no Pulumi and no Index",
            ],
        };
    },
};
