/**
 * One measurement of mocks-eval.ts, in a process of its own: the real program (index.ts)
 * evaluated under Pulumi mocks (test/harness/program.ts, the unit-test path) with the dev
 * stack's config, its one service cloned N times (main set to app/'s ./cmd/hello). Prints {seconds, resources} as JSON.
 *
 *   node .build/bench/mocks-child.js N
 */
import { runStack } from "../test/harness/program";

/** The dev stack's services list with its first service repeated COUNT times under new names. */
export function cloneServices(config: Record<string, unknown>, count: number): void {
    const services = config["goship:services"] as Record<string, unknown>[];
    const first = services[0];
    config["goship:services"] = Array.from({ length: count }, (_, i) => ({ ...structuredClone(first), name: `svc${String(i).padStart(3, "0")}`, main: "./cmd/hello" }));
    const overrides = config["goship:overrides"];
    if (overrides && typeof overrides === "object") config["goship:overrides"] = {};
}

async function main(): Promise<void> {
    const count = Number(process.argv[2]);
    if (!Number.isInteger(count) || count < 1) throw new Error(`usage: mocks-child.js N (services), got ${process.argv[2]}`);
    const start = process.hrtime.bigint();
    const result = await runStack("dev", { mutate: (c) => cloneServices(c, count) });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(JSON.stringify({ seconds, resources: result.resources.length }) + "\n");
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (e: unknown) => {
            process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
            process.exit(1);
        },
    );
}
