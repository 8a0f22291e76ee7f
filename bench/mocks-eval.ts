/**
 * Program evaluation under mocks (the unit-test path): index.ts with a generated stack of
 * 1, 10 and 100 services, each measurement in a child process (mocks-child.ts) so no run
 * inherits another's module cache or leaked promises. The time includes the child's start.
 */
import * as path from "path";
import { run } from "./proc";
import type { Measurement, Suite, SuiteResult } from "./suite";

export const SERVICE_COUNTS = [1, 10, 100];
const SMOKE_COUNTS = [1, 10];

export const mocksEvalSuite: Suite = {
    name: "mocks-eval",
    title: "index.ts evaluated under Pulumi mocks for a stack of 1, 10 and 100 services (a child process per run)",
    async prerequisites() {
        return [];
    },
    async run(ctx): Promise<SuiteResult> {
        const child = path.join(ctx.repo, ".build", "bench", "mocks-child.js");
        const measurements: Measurement[] = [];
        const resources: string[] = [];
        for (const n of ctx.smoke ? SMOKE_COUNTS : SERVICE_COUNTS) {
            const runs: number[] = [];
            const wall: number[] = [];
            for (let i = 0; i < ctx.runs; i++) {
                const r = await run({ cmd: process.execPath, args: [child, String(n)], cwd: ctx.repo });
                const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { seconds: number; resources: number };
                runs.push(out.seconds);
                wall.push(r.seconds);
                if (i === 0) resources.push(`${n} services: ${out.resources} resources`);
            }
            ctx.log(`mocks-eval ${n} services: ${runs.map((s) => s.toFixed(2)).join(", ")} s`);
            measurements.push({ id: `eval/${n}`, label: `evaluation under mocks, ${n} services`, unit: "s", runs, baseline: n === 1 ? undefined : "mocks-eval:eval/1", chart: { kind: "line", chart: "mocks-eval", series: "evaluation (in process)", x: n } });
            measurements.push({ id: `process/${n}`, label: `the same, child process start to exit, ${n} services`, unit: "s", runs: wall, baseline: n === 1 ? undefined : "mocks-eval:process/1", chart: { kind: "line", chart: "mocks-eval", series: "child process, start to exit", x: n } });
        }
        return { measurements, notes: [`registered: ${resources.join("; ")}`] };
    },
};
