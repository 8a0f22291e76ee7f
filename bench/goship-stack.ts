/**
 * goship's whole program (index.ts) on stacks of 1, 10 and 50 services (generated config,
 * every service the sample workload, both linux platforms, deployed to the platform's
 * cluster, pods on the real node):
 *  - preview and up with nothing changed: their seconds, and that they change nothing
 *    (every resource "same": no build, no push, no rollout);
 *  - the rollout: `pulumi up` after a one-line change to the service's main package, from
 *    start to every Deployment available (the provider waits for that), for 1 and 10
 *    services: every service rebuilds and rolls out;
 *  - the same rollout alone, no build (`kubectl rollout restart` of every Deployment until
 *    each is available): what a rollout costs whatever builds the image, the baseline the
 *    rollout targets add to a build.
 * The stacks are the benchmark's own (state in its scratch directory, namespaces
 * goship-bench-<n>), destroyed at the end. The program runs through the Automation API,
 * as `pulumi preview`/`up` of the project runs it; goship's policy pack is not run.
 */
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { PLATFORMS } from "./floor";
import { benchStack, benchWorkDir, platform, Platform, platformMissing, timed, timedUp } from "./platform";
import { run, runAll } from "./proc";
import { isRegistryPushRace } from "./registry-race";
import type { Measurement, Missing, Suite, SuiteContext, SuiteResult } from "./suite";
import type { Workload } from "./workload";
import program = require("../index");

export const STACK_SIZES = [1, 10, 50] as const;
export const ROLLOUT_SIZES = [1, 10] as const;

/** The stack config of N copies of the sample service (what a user writes in Pulumi.<stack>.yaml). */
export function stackConfig(p: Platform, w: Workload, n: number, runId: string): Record<string, unknown> {
    const services = Array.from({ length: n }, (_, i) => ({
        name: `svc-${String(i + 1).padStart(2, "0")}`,
        path: w.dir,
        main: w.main,
        port: 8080,
        platforms: [...PLATFORMS],
        base: { builder: p.builderImage, runtime: "scratch" },
        replicas: 1,
        // 50 pods on a 2-core node: the default 50m request each would not fit.
        resources: { requests: { cpu: "5m", memory: "16Mi" } },
    }));
    return {
        "goship:services": services,
        "goship:overrides": {},
        "goship:registry": { type: "generic", server: p.registry, repositoryPrefix: `bench-${runId}-stack-${n}` },
        "goship:kubernetes": { kubeconfig: p.kubeconfig, context: "goship", namespace: `goship-bench-${n}` },
        "goship:build": { builder: p.builder, revision: "bench" },
    };
}

/** A line in main.go's package that changes the binary (an unused constant would not). */
function rolloutToucher(w: Workload): () => void {
    const file = path.join(w.dir, w.main, "bench_rollout.go");
    let n = 0;
    return () => {
        n++;
        fs.writeFileSync(file, `package main\n\n// Rewritten by the benchmark: a one-line change that reaches the binary.\nvar benchRollout = "${n}"\n\nfunc init() { _ = len(benchRollout) }\n`);
    };
}

async function stackOf(ctx: SuiteContext, p: Platform, w: Workload, n: number): Promise<Stack> {
    const stack = await benchStack(ctx, `stack-${n}`, program);
    const settings = await stack.workspace.stackSettings(stack.name);
    settings.config = Object.fromEntries(Object.entries(stackConfig(p, w, n, ctx.runId)).map(([k, v]) => [k, v as never]));
    await stack.workspace.saveStackSettings(stack.name, settings);
    return stack;
}

/** Fails unless CHANGES counts only unchanged resources. */
function assertNothingChanged(what: string, changes: Record<string, number | undefined>): void {
    const changed = Object.entries(changes).filter(([op, count]) => op !== "same" && (count ?? 0) > 0);
    if (changed.length > 0) throw new Error(`goship-stack: ${what} changed something: ${JSON.stringify(changes)}`);
}

/** Seconds from `kubectl rollout restart` of every Deployment in NAMESPACE to all of them available. */
async function restartRollout(kubeconfig: string, namespace: string): Promise<number> {
    const kubectl = (...args: string[]) => ({ cmd: "kubectl", args: ["--kubeconfig", kubeconfig, "--context", "goship", "-n", namespace, ...args] });
    const names = (await run(kubectl("get", "deployments", "-o", "name"))).stdout.trim().split("\n").filter(Boolean);
    if (names.length === 0) throw new Error(`goship-stack: no Deployment in ${namespace} to restart`);
    const { seconds } = await timed(async () => {
        await run(kubectl("rollout", "restart", ...names));
        await runAll(names.map((n) => kubectl("rollout", "status", n, "--timeout=300s")));
    });
    return seconds;
}

/**
 * The stack's first up (set-up, reported but not a target): retried once when the
 * registry's push race (registry-race.ts) fails it; the figure is then both attempts.
 */
async function firstUp(ctx: SuiteContext, stack: Stack, n: number): Promise<{ seconds: number; changes: Record<string, number>; retried: boolean }> {
    const { seconds, value } = await timed(async () => {
        try {
            return { changes: (await timedUp(stack)).changes, retried: false };
        } catch (e) {
            if (!isRegistryPushRace((e as Error).message)) throw e;
            ctx.log(`goship-stack ${n} services: the first up hit the registry's push race (${(e as Error).message.split("\n").find((l) => isRegistryPushRace(l))?.trim()}); running it again`);
            return { changes: (await timedUp(stack)).changes, retried: true };
        }
    });
    return { seconds, ...value };
}

/** Stack N's figures: its first up, the no-op preview and up, and (for ROLLOUT_SIZES) the one-line-change rollout; destroyed after. */
async function measureStack(ctx: SuiteContext, p: Platform, w: Workload, n: number, touch: () => void): Promise<Measurement[]> {
    const stack = await stackOf(ctx, p, w, n);
    try {
        const first = await firstUp(ctx, stack, n);
        const resources = Object.values(first.changes).reduce((a, b) => a + b, 0);
        const retried = first.retried ? ", retried once after the registry's push race (both attempts)" : "";
        ctx.log(`goship-stack ${n} services: first up ${first.seconds.toFixed(1)} s (${resources} resources${retried})`);
        const ms: Measurement[] = [{ id: `up/first/${n}`, label: `first pulumi up, ${n} service(s) (${resources} resources), builds and rollout${retried}`, unit: "s", runs: [first.seconds] }];
        const previews: number[] = [];
        const ups: number[] = [];
        for (let i = 0; i < ctx.runs; i++) {
            const pr = await timed(() => stack.preview({ color: "never" }));
            previews.push(pr.seconds);
            assertNothingChanged(`the no-op preview of ${n} services`, pr.value.changeSummary);
            const up = await timedUp(stack);
            ups.push(up.seconds);
            assertNothingChanged(`the no-op up of ${n} services`, up.changes);
        }
        ctx.log(`goship-stack ${n} services: no-op preview ${previews.map((s) => s.toFixed(1)).join(", ")} s; no-op up ${ups.map((s) => s.toFixed(1)).join(", ")} s`);
        ms.push({ id: `preview/noop/${n}`, label: `pulumi preview, nothing changed, ${n} service(s)`, unit: "s", runs: previews, baseline: n === 1 ? undefined : "goship-stack:preview/noop/1", chart: { kind: "line", chart: "noop", series: "preview", x: n } });
        ms.push({ id: `up/noop/${n}`, label: `pulumi up, nothing changed, ${n} service(s)`, unit: "s", runs: ups, baseline: n === 1 ? undefined : "goship-stack:up/noop/1", chart: { kind: "line", chart: "noop", series: "up", x: n } });
        if ((ROLLOUT_SIZES as readonly number[]).includes(n)) {
            const rollouts: number[] = [];
            for (let i = 0; i < ctx.runs; i++) {
                touch();
                const up = await timedUp(stack);
                rollouts.push(up.seconds);
                const updated = up.changes.update ?? 0;
                if (updated < n) throw new Error(`goship-stack: the rollout of ${n} services updated ${updated} resources: ${JSON.stringify(up.changes)}`);
            }
            ctx.log(`goship-stack ${n} services: rollout ${rollouts.map((s) => s.toFixed(1)).join(", ")} s`);
            ms.push({ id: `up/rollout/${n}`, label: `pulumi up after a one-line change, ${n} service(s): build, push, every Deployment available`, unit: "s", runs: rollouts, chart: { kind: "line", chart: "rollout", series: "pulumi up: build, push, rollout", x: n } });
            const restarts: number[] = [];
            for (let i = 0; i < ctx.runs; i++) restarts.push(await restartRollout(p.kubeconfig, `goship-bench-${n}`));
            ctx.log(`goship-stack ${n} services: the rollout alone (kubectl rollout restart) ${restarts.map((s) => s.toFixed(1)).join(", ")} s`);
            ms.push({ id: `rollout/restart/${n}`, label: `the same rollout alone, ${n} service(s): kubectl rollout restart until every Deployment is available, no build`, unit: "s", runs: restarts, chart: { kind: "line", chart: "rollout", series: "the rollout alone (kubectl rollout restart)", x: n } });
        }
        return ms;
    } finally {
        await stack.destroy({ color: "never" });
    }
}

export const goshipStackSuite: Suite = {
    name: "goship-stack",
    title: "the whole program on 1, 10 and 50 services: preview and up with nothing changed; the rollout of a one-line change for 1 and 10 services",
    async prerequisites(ctx): Promise<Missing[]> {
        return platformMissing(ctx);
    },
    async run(ctx): Promise<SuiteResult> {
        const p = platform();
        const w = ctx.workloads.find((x) => x.name === "sample");
        if (!w) throw new Error("goship-stack: the sample workload is missing");
        const touch = rolloutToucher(w);
        touch();
        const measurements: Measurement[] = [];
        const failures: string[] = [];
        // The program makes paths relative to the working directory and the providers resolve
        // them against the project's: run it from the benchmark project's, as the CLI would.
        const cwd = process.cwd();
        fs.mkdirSync(benchWorkDir(ctx), { recursive: true });
        process.chdir(benchWorkDir(ctx));
        try {
            // One size failing (e.g. the registry refusing a push) keeps the other sizes' figures.
            for (const n of ctx.smoke ? [1] : STACK_SIZES) {
                try {
                    measurements.push(...(await measureStack(ctx, p, w, n, touch)));
                } catch (e) {
                    if (ctx.smoke) throw e;
                    failures.push(`${n} services: ${(e as Error).message.split("\n").find((l) => /error: /.test(l))?.trim() ?? (e as Error).message.split("\n")[0]}`);
                    ctx.log(`goship-stack ${n} services: FAILED: ${(e as Error).message}`);
                }
            }
        } finally {
            process.chdir(cwd);
        }
        const notes = [`each service: the sample workload, ${PLATFORMS.join(" + ")}, 1 replica on the real node (requests 5m CPU, 16Mi), namespace goship-bench-<n>; the stacks are destroyed at the end`];
        return { measurements, notes, failed: failures };
    },
};
