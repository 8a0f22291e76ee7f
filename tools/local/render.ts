/**
 * Renders every Kubernetes object a stack would apply, as YAML, through the kubernetes
 * provider itself (renderYamlToDirectory; stack/target.ts), with no cluster, registry
 * or cloud account:
 *
 *   node .build/tools/local/render.js OUT_DIR [STACK[=STACK_FILE]...]   (default: dev staging prod)
 *
 * STACK=STACK_FILE renders STACK from another stack file (a variant, e.g. a timezone mode),
 * into OUT_DIR/<basename of STACK_FILE without .yaml>.
 *
 * Each stack runs `pulumi up` of the real program in a scratch copy of the project (the
 * stack's own Pulumi.<stack>.yaml, app/ linked) against a scratch file backend, so the
 * project's stack files and state are never touched. Output: OUT_DIR/<stack>/1-manifest/*.yaml.
 * Needs the pulumi CLI and the kubernetes plugin on PATH / in PULUMI_HOME
 * (tools/local/local.sh render provides both).
 *
 * goship's CrossGuard pack runs on each stack as rendered (docs/policy.md), configured from
 * the stack's goship:policy: a mandatory violation fails the render, naming each policy and
 * resource. GOSHIP_RENDER_POLICY=off renders without it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { RENDER_DIR_ENV } from "../../stack/target";
import { repoRoot, runOperation } from "./stack";
import { PolicyResults } from "./policy-events";
import program = require("../../index");

export const DEFAULT_STACKS = ["dev", "staging", "prod", "local-staging", "local-prod", "local-catalog"];

/** Directories of the repository the committed stacks build from. */
const SOURCE_DIRS = ["app", "test/fixtures"];

/** A scratch project holding the stack's config: its secrets salt and state stay there. */
function scratchProject(stack: string, stackFile: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `goship-render-${stack}-`));
    if (!fs.existsSync(stackFile)) throw new Error(`no ${stackFile}: unknown stack ${stack}`);
    fs.copyFileSync(path.join(repoRoot, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.copyFileSync(stackFile, path.join(dir, `Pulumi.${stack}.yaml`));
    // The services' sources, where the stacks' paths find them (the sample, the fixtures).
    for (const source of SOURCE_DIRS) {
        fs.mkdirSync(path.dirname(path.join(dir, source)), { recursive: true });
        fs.symlinkSync(path.join(repoRoot, source), path.join(dir, source));
    }
    fs.mkdirSync(path.join(dir, "state"));
    return dir;
}

/** The stack file's secrets decrypt with it: the caller's, else the documented dev passphrase. */
function passphrase(): string {
    return process.env.PULUMI_CONFIG_PASSPHRASE ?? "goship-dev";
}

/** Renders one stack into outDir/<stack>; returns the manifest files written. */
export async function renderStack(
    stack: string,
    outDir: string,
    onOutput: (t: string) => void = () => undefined,
    stackFile: string = path.join(repoRoot, `Pulumi.${stack}.yaml`),
    outName: string = stack,
    /** Receives the pack's findings for the stack (when the pack ran). */
    onPolicy: (results: PolicyResults) => void = () => undefined,
): Promise<string[]> {
    const target = path.resolve(outDir, outName);
    fs.rmSync(target, { recursive: true, force: true });
    const project = scratchProject(stack, stackFile);
    const previousDir = process.cwd();
    const previousRender = process.env[RENDER_DIR_ENV];
    // The kubernetes provider takes KUBECONFIG from its environment, and refuses a
    // kubeconfig together with renderYamlToDirectory: rendering uses no cluster at all.
    const previousKubeconfig = process.env.KUBECONFIG;
    try {
        process.chdir(project);
        process.env[RENDER_DIR_ENV] = target;
        delete process.env.KUBECONFIG;
        const workspace = await LocalWorkspace.create({
            workDir: project,
            program,
            secretsProvider: "passphrase",
            envVars: { PULUMI_BACKEND_URL: `file://${path.join(project, "state")}`, PULUMI_CONFIG_PASSPHRASE: passphrase() },
        });
        const s: Stack = await Stack.createOrSelect(stack, workspace);
        const result = await runOperation(s, "up", { onOutput, policy: process.env.GOSHIP_RENDER_POLICY !== "off" });
        if (result.policy) onPolicy(result.policy);
    } finally {
        process.chdir(previousDir);
        if (previousKubeconfig !== undefined) process.env.KUBECONFIG = previousKubeconfig;
        if (previousRender === undefined) delete process.env[RENDER_DIR_ENV];
        else process.env[RENDER_DIR_ENV] = previousRender;
        fs.rmSync(project, { recursive: true, force: true });
    }
    return listYaml(target);
}

function listYaml(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => path.join(dir, f))
        .sort();
}

async function main(): Promise<void> {
    const [outDir, ...stacks] = process.argv.slice(2);
    if (!outDir) throw new Error("usage: render.js OUT_DIR [STACK...]");
    for (const arg of stacks.length > 0 ? stacks : DEFAULT_STACKS) {
        const [stack, stackFile] = arg.split("=", 2);
        const outName = stackFile ? path.basename(stackFile).replace(/\.yaml$/, "") : stack;
        let log = "";
        let policy = "policy pack off";
        const onPolicy = (r: PolicyResults) => (policy = `policy pack: ${r.violations.length} violations, ${r.couldNotRun.length} could not run`);
        try {
            const files = await renderStack(stack, outDir, (t) => (log += t), stackFile ? path.resolve(stackFile) : undefined, outName, onPolicy);
            console.log(`${outName}: ${files.length} manifests in ${path.resolve(outDir, outName)}; ${policy}`);
        } catch (err) {
            process.stderr.write(log);
            throw err;
        }
    }
}

if (require.main === module) {
    main().catch((err: unknown) => {
        process.stderr.write(`render failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    });
}
