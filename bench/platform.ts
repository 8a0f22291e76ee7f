/**
 * What the platform suites (goship-*.ts) share: the local platform's environment
 * (tools/local/local.sh env), a Pulumi stack of the benchmark's own (inline program,
 * file backend under the benchmark's scratch directory, so the user's stacks are never
 * touched) and BuildKit's cache, emptied as a fresh CI runner has it.
 */
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { run } from "./proc";
import type { Missing, SuiteContext } from "./suite";

/** The platform settings a suite reads, from the variables local.env exports. */
export interface Platform {
    /** BuildKit's address for buildctl (BUILDKIT_HOST). */
    buildkit: string;
    /** The buildx builder docker-build uses (GOSHIP_BUILDER). */
    builder: string;
    /** The Go builder image the platform made (GOSHIP_BUILDER_IMAGE). */
    builderImage: string;
    /** The registry, host:port (GOSHIP_REGISTRY), and its CA (GOSHIP_REGISTRY_CA). */
    registry: string;
    registryCa: string;
    /** The cluster's kubeconfig (KUBECONFIG), context "goship". */
    kubeconfig: string;
}

const VARIABLES: Record<keyof Platform, string> = {
    buildkit: "BUILDKIT_HOST",
    builder: "GOSHIP_BUILDER",
    builderImage: "GOSHIP_BUILDER_IMAGE",
    registry: "GOSHIP_REGISTRY",
    registryCa: "GOSHIP_REGISTRY_CA",
    kubeconfig: "KUBECONFIG",
};

const START = "tools/local/local.sh provision && . .goship/local.env, then npm run bench -- --registry $GOSHIP_REGISTRY --registry-ca $GOSHIP_REGISTRY_CA";

/** What of the platform's environment is missing, each with the command that provides it. */
export function platformMissing(ctx: SuiteContext): Missing[] {
    const missing: Missing[] = Object.values(VARIABLES)
        .filter((v) => !process.env[v])
        .map((v) => ({ what: `${v} (the local platform's environment)`, fix: START }));
    if (missing.length > 0) return missing;
    const p = platform();
    if (ctx.registry.kind !== "https" || ctx.registry.address !== p.registry) {
        missing.push({ what: `--registry ${p.registry} --registry-ca ${p.registryCa} (the platform's registry, where goship pushes)`, fix: START });
    }
    return missing;
}

export function platform(): Platform {
    return Object.fromEntries(Object.entries(VARIABLES).map(([k, v]) => [k, process.env[v] ?? ""])) as unknown as Platform;
}

/** Empties BuildKit's cache (layers, cache mounts, the unpacked builder image): a fresh runner's. */
export async function pruneBuildkit(p: Platform): Promise<void> {
    await run({ cmd: "buildctl", args: ["--addr", p.buildkit, "prune", "--all"] });
}

/** The benchmark project's directory: its stack files, and where the providers resolve relative paths. */
export function benchWorkDir(ctx: SuiteContext): string {
    return path.join(ctx.tmp, "pulumi");
}

/**
 * A stack of the benchmark's own project "goship-bench" running PROGRAM in this process,
 * its state in the scratch directory (passphrase secrets, a fixed passphrase).
 */
export async function benchStack(ctx: SuiteContext, stackName: string, program: PulumiFn): Promise<Stack> {
    const workDir = benchWorkDir(ctx);
    const state = path.join(workDir, "state");
    fs.mkdirSync(state, { recursive: true });
    return LocalWorkspace.createOrSelectStack(
        { projectName: "goship-bench", stackName, program },
        {
            workDir,
            projectSettings: { name: "goship-bench", runtime: "nodejs", backend: { url: `file://${state}` } },
            secretsProvider: "passphrase",
            // The environment's backend (local.env's) must not win over the benchmark's own.
            envVars: { PULUMI_BACKEND_URL: `file://${state}`, PULUMI_CONFIG_PASSPHRASE: "goship-bench", PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true" },
        },
    );
}

/** FN's wall-clock seconds, and what it returned. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
    const start = process.hrtime.bigint();
    const value = await fn();
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/** Seconds of `pulumi up` of STACK, and the resource changes it made. */
export async function timedUp(stack: Stack): Promise<{ seconds: number; changes: Record<string, number>; outputs: Record<string, unknown> }> {
    const { seconds, value: r } = await timed(() => stack.up({ color: "never" }));
    return { seconds, changes: r.summary.resourceChanges ?? {}, outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value])) };
}
