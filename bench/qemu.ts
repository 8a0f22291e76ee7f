/**
 * The QEMU baseline: the blog-post Dockerfile (fixtures/blog-post.Dockerfile) builds arm64
 * in an arm64 golang image, so under emulation. Measured here without BuildKit: the arm64
 * Go toolchain itself (golang.org/toolchain from the module proxy, the host's Go version)
 * run under qemu-aarch64-static, against the host's cross-compile to arm64; both cold
 * (empty GOCACHE) and after the one-line change. Also whether binfmt_misc (what BuildKit
 * needs to run arm64 RUN steps) can be registered in this sandbox.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { emptyCache, goBuild } from "./floor";
import { run } from "./proc";
import type { Measurement, Missing, Suite, SuiteContext, SuiteResult } from "./suite";
import { cacheDir, isExecutable } from "./tools";
import type { Workload } from "./workload";

const QEMU = "/usr/bin/qemu-aarch64-static";
const BINFMT = "/proc/sys/fs/binfmt_misc";

/** golang.org/toolchain's version for Go GOVERSION ("go1.26.8") on linux/arm64. */
export function toolchainModule(goVersion: string): string {
    return `golang.org/toolchain@v0.0.1-${goVersion}.linux-arm64`;
}

/** The arm64 toolchain, unpacked from its module into the cache with its executable bits (module zips have none). */
async function arm64Toolchain(ctx: SuiteContext, goVersion: string): Promise<string> {
    const dest = path.join(cacheDir(), "toolchains", `${goVersion}.linux-arm64`);
    if (isExecutable(path.join(dest, "bin", "go"))) return dest;
    const r = await run({ cmd: "go", args: ["mod", "download", "-json", toolchainModule(goVersion)], cwd: ctx.tmp, env: { GOFLAGS: "-mod=mod", GO111MODULE: "on" } });
    const dir = (JSON.parse(r.stdout) as { Dir: string }).Dir;
    fs.rmSync(`${dest}.tmp`, { recursive: true, force: true });
    fs.cpSync(dir, `${dest}.tmp`, { recursive: true });
    await run({ cmd: "chmod", args: ["-R", "u+w", `${dest}.tmp`] });
    for (const sub of ["bin", path.join("pkg", "tool", "linux_arm64")]) {
        for (const f of fs.readdirSync(path.join(`${dest}.tmp`, sub))) fs.chmodSync(path.join(`${dest}.tmp`, sub, f), 0o755);
    }
    fs.renameSync(`${dest}.tmp`, dest);
    return dest;
}

/**
 * Without binfmt, qemu-user cannot follow the go command's exec of compile and link (arm64
 * binaries): -toolexec runs each tool through this host script, which runs it under QEMU.
 */
function toolexecWrapper(tmp: string): string {
    const file = path.join(tmp, "qemu-toolexec.sh");
    fs.writeFileSync(file, `#!/bin/sh\nexec ${QEMU} "$@"\n`, { mode: 0o755 });
    return file;
}

/** Can an entry be registered in binfmt_misc here? Registers a probe that matches no file, then removes it. */
export function probeBinfmt(): string {
    let mounted = false;
    try {
        if (!fs.existsSync(path.join(BINFMT, "register"))) {
            try {
                // Only to probe; unmounted again below.
                execFileSync("mount", ["-t", "binfmt_misc", "binfmt_misc", BINFMT], { stdio: "ignore" });
                mounted = true;
            } catch {
                return `binfmt_misc is not mounted at ${BINFMT} and cannot be mounted here`;
            }
        }
        const probe = path.join(BINFMT, "goship-bench-probe");
        try {
            fs.writeFileSync(path.join(BINFMT, "register"), ":goship-bench-probe:M::GOSHIPBENCHPROBE::/bin/true:");
        } catch (e) {
            return `binfmt_misc is mounted but refuses a registration (${(e as Error).message})`;
        }
        fs.writeFileSync(probe, "-1");
        const aarch64 = fs.existsSync(path.join(BINFMT, "qemu-aarch64")) ? "qemu-aarch64 is registered" : "qemu-aarch64 is not registered (the benchmark leaves the machine's handlers alone)";
        return `binfmt_misc registration works here (a probe entry was registered and removed${mounted ? "; binfmt_misc was mounted for the probe and unmounted" : ""}); ${aarch64}`;
    } finally {
        if (mounted) execFileSync("umount", [BINFMT], { stdio: "ignore" });
    }
}

async function measure(ctx: SuiteContext, w: Workload, goroot: string, wrapper: string): Promise<Measurement[]> {
    const out = path.join(ctx.tmp, "qemu", w.name);
    fs.mkdirSync(out, { recursive: true });
    const cross = goBuild(w, "linux/arm64", path.join(out, "cross"), "");
    const emulated = (cache: string) => ({
        cmd: QEMU,
        args: [path.join(goroot, "bin", "go"), "build", `-toolexec=${wrapper}`, "-trimpath", "-ldflags", "-s -w", "-o", path.join(out, "emulated"), w.main],
        cwd: w.dir,
        env: { ...cross.env, GOCACHE: cache, GOROOT: goroot, GOTOOLCHAIN: "local" },
    });
    const runs = { crossCold: [] as number[], crossWarm: [] as number[], emuCold: [] as number[], emuWarm: [] as number[] };
    for (let i = 0; i < ctx.runs; i++) {
        const cc = emptyCache(ctx.tmp, `qemu-cross-${w.name}`);
        runs.crossCold.push((await run({ ...cross, env: { ...cross.env, GOCACHE: cc } })).seconds);
        const ec = emptyCache(ctx.tmp, `qemu-emu-${w.name}`);
        runs.emuCold.push((await run(emulated(ec))).seconds);
        w.touch();
        runs.crossWarm.push((await run({ ...cross, env: { ...cross.env, GOCACHE: cc } })).seconds);
        runs.emuWarm.push((await run(emulated(ec))).seconds);
        ctx.log(`qemu ${w.name} run ${i + 1}/${ctx.runs}: cross ${runs.crossCold[i].toFixed(1)}/${runs.crossWarm[i].toFixed(1)} s, emulated ${runs.emuCold[i].toFixed(1)}/${runs.emuWarm[i].toFixed(1)} s (cold/warm)`);
    }
    const line = (series: string, x: number) => ({ kind: "bar" as const, chart: `qemu-${w.name}`, bar: `${series}${x === 0 ? ", cold" : ", one-line change"}` });
    return [
        { id: `cross-cold/${w.name}`, label: "go build linux/arm64, cross-compiled on the host, cold", unit: "s", runs: runs.crossCold, workload: w.name, chart: line("cross-compile", 0) },
        { id: `emulated-cold/${w.name}`, label: "go build linux/arm64, arm64 toolchain under qemu-aarch64, cold", unit: "s", runs: runs.emuCold, workload: w.name, baseline: `qemu:cross-cold/${w.name}`, chart: line("QEMU", 0) },
        { id: `cross-warm/${w.name}`, label: "go build linux/arm64, cross-compiled, one-line change", unit: "s", runs: runs.crossWarm, workload: w.name, chart: line("cross-compile", 1) },
        { id: `emulated-warm/${w.name}`, label: "go build linux/arm64 under qemu-aarch64, one-line change", unit: "s", runs: runs.emuWarm, workload: w.name, baseline: `qemu:cross-warm/${w.name}`, chart: line("QEMU", 1) },
    ];
}

export const qemuSuite: Suite = {
    name: "qemu",
    title: "arm64 Go build under QEMU emulation (the blog-post Dockerfile's way) against the cross-compile",
    async prerequisites(): Promise<Missing[]> {
        return isExecutable(QEMU) ? [] : [{ what: `${QEMU}`, fix: "apt-get install qemu-user-static (as root)" }];
    },
    async run(ctx): Promise<SuiteResult> {
        const goVersion = (await run({ cmd: "go", args: ["env", "GOVERSION"] })).stdout.trim();
        const goroot = await arm64Toolchain(ctx, goVersion);
        const wrapper = toolexecWrapper(ctx.tmp);
        const qemuVersion = (await run({ cmd: QEMU, args: ["--version"] })).stdout.split("\n")[0];
        const measurements: Measurement[] = [];
        for (const w of ctx.workloads) measurements.push(...(await measure(ctx, w, goroot, wrapper)));
        return {
            measurements,
            notes: [probeBinfmt(), `emulated toolchain: ${toolchainModule(goVersion)} (the Go module proxy's toolchain module), go and its tools run by ${qemuVersion} (the tools through -toolexec, since no binfmt handler is used)`],
            versions: { qemu: qemuVersion.replace(/^qemu-aarch64 version /, "") },
        };
    },
};
