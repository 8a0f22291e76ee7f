/**
 * Runs the goship program (index.ts) against a stack through Pulumi's Automation API, in
 * inline mode: @pulumi/pulumi serves the language runtime itself and the pulumi CLI
 * connects to it (`--client`), so no `pulumi-language-nodejs` binary is needed. That binary
 * cannot be built on machines that reach only package registries (tools/pulumi/README.md);
 * the CLI, the providers, the state and the stack files are the ordinary ones.
 *
 *   node .build/tools/local/stack.js <preview|up|destroy|refresh|outputs> [--stack dev]
 *        [--expect-no-changes] [--diff] [--no-policy] ...
 *
 * The environment (PATH with pulumi, PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, the
 * buildx and kubeconfig settings) comes from tools/local/local.sh.
 */
import * as path from "path";
import { CommandError, EngineEvent, LocalWorkspace, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { CheckedStack } from "../../stack/check";
import { ConfigError } from "../../stack/config";
import { preflight } from "./preflight";
import { policyOptions, StackPolicy } from "./policy";
import { blockingCouldNotRun, formatFinding, PolicyResults, policyResults } from "./policy-events";
import program = require("../../index");

/** The repository root: this file is compiled to <repo>/.build/tools/local/. */
export const repoRoot = path.resolve(__dirname, "..", "..", "..");

export const operations = ["preview", "up", "destroy", "refresh", "outputs"] as const;
export type Operation = (typeof operations)[number];

export interface RunOptions {
    /** Fail (non-zero) if the operation would change anything: `--expect-no-changes`. */
    expectNoChanges?: boolean;
    /** Print property-level diffs: `--diff`. */
    diff?: boolean;
    /** Where the CLI's output goes (default: this process's stdout). */
    onOutput?: (text: string) => void;
    /**
     * Check the stack before the CLI starts (preflight.ts). Default true; false leaves the
     * refusal to the program itself, as a plain `pulumi up` would (e2e step 7c proves both
     * refuse the same input).
     */
    preflight?: boolean;
    /**
     * Run goship's CrossGuard pack (policy/, docs/policy.md) on preview and up, configured
     * from goship:policy. Default true; `--no-policy` turns it off.
     */
    policy?: boolean;
    /** Every engine event of the operation, as it arrives (the report tool records them). */
    onEvent?: (event: EngineEvent) => void;
}

export interface RunResult {
    /** Everything the CLI printed (stdout; with errors, stderr too). */
    output: string;
    /** Stack outputs after the operation (plain values; secrets stay marked). */
    outputs: OutputMap;
    /** Resource counts by operation kind (create, update, same, delete, ...). */
    changes: Record<string, number>;
    /** The pack's findings (preview and up with the pack on). */
    policy?: PolicyResults;
}

/**
 * The pack failed the operation: mandatory violations (the CLI refused), or, in a
 * production stack, a mandatory policy that could not run at preview. Names each.
 */
export class PolicyError extends Error {
    constructor(readonly results: PolicyResults, readonly lines: string[], headline: string) {
        super([headline, ...lines.map((l) => `  - ${l}`)].join("\n"));
        this.name = "PolicyError";
    }
}

const requiredEnv = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"] as const;

/** Refuses to start without the local platform's environment, naming what is missing. */
export function checkEnvironment(env: NodeJS.ProcessEnv = process.env): void {
    const missing = requiredEnv.filter((name) => env[name] === undefined);
    if (missing.length > 0) {
        throw new Error(
            `${missing.join(" and ")} not set: run this through tools/local/local.sh ` +
                `(e.g. \`tools/local/local.sh pulumi preview\`), which sets the local state backend and passphrase`,
        );
    }
}

/** Selects the stack, creating it (passphrase secrets) in the local backend on first use. */
export async function openStack(stackName: string): Promise<Stack> {
    checkEnvironment();
    // The program resolves the services' paths and the kubeconfig against the working
    // directory, as `pulumi up` in the project directory would.
    process.chdir(repoRoot);
    const workspace = await LocalWorkspace.create({ workDir: repoRoot, program, secretsProvider: "passphrase" });
    return Stack.createOrSelect(stackName, workspace);
}

/** One Pulumi operation on the stack; throws CommandError (with the CLI's output) or PolicyError on failure. */
export async function runOperation(stack: Stack, operation: Operation, options: RunOptions = {}): Promise<RunResult> {
    let output = "";
    const onOutput = (text: string): void => {
        output += text;
        (options.onOutput ?? ((t: string) => process.stdout.write(t)))(text);
    };
    // The CLI's stderr (error messages) is streamed and kept too.
    const onError = onOutput;
    const common = { onOutput, onError, color: "never" as const, diff: options.diff ?? false };
    const checks = operation === "preview" || operation === "up";
    // The program's own check, first, so bad input never starts the CLI (preflight.ts).
    let checked: CheckedStack | undefined;
    if (checks && options.preflight !== false) checked = await preflight(stack);
    const policy = checks && options.policy !== false ? await packFor(stack, checked) : undefined;
    const packs = policy ? { policyPacks: policy.policyPacks, policyPackConfigs: policy.policyPackConfigs } : {};
    const judged = <T>(run: (onEvent: (e: EngineEvent) => void) => Promise<T>) => withPolicy(policy, onOutput, options.onEvent, run);
    switch (operation) {
        case "preview": {
            const r = await judged((onEvent) => stack.preview({ ...common, ...packs, onEvent, expectNoChanges: options.expectNoChanges ?? false }));
            return { output, outputs: await stack.outputs(), changes: r.value.changeSummary, policy: r.results };
        }
        case "up": {
            // A mandatory pack gates the up with a preview: it reports every violation (an up
            // stops at the first, and runs stack policies only after its changes) and changes nothing.
            if (policy?.enforcement === "mandatory") await judged((onEvent) => stack.preview({ ...common, ...packs, onEvent }));
            const r = await judged((onEvent) => stack.up({ ...common, ...packs, onEvent, expectNoChanges: options.expectNoChanges ?? false }));
            return { output, outputs: r.value.outputs, changes: r.value.summary.resourceChanges ?? {}, policy: r.results };
        }
        case "destroy": {
            const r = await stack.destroy({ onOutput, onError, color: "never" });
            return { output, outputs: await stack.outputs(), changes: r.summary.resourceChanges ?? {} };
        }
        case "refresh": {
            const r = await stack.refresh({ onOutput, onError, color: "never" });
            return { output, outputs: await stack.outputs(), changes: r.summary.resourceChanges ?? {} };
        }
        case "outputs": {
            const outputs = await stack.outputs();
            onOutput(JSON.stringify(plainOutputs(outputs), null, 2) + "\n");
            return { output, outputs, changes: {} };
        }
    }
}

/**
 * The pack for STACK. Without the preflight (a plain `pulumi up`), config the pack cannot
 * be configured from is left to the program, which refuses it before registering anything,
 * with the same lines: the pack is not what should report bad config.
 */
async function packFor(stack: Stack, checked: CheckedStack | undefined): Promise<StackPolicy | undefined> {
    try {
        return await policyOptions(stack, checked?.promoted);
    } catch (err) {
        // Bad config and unreadable promotion sources are ConfigErrors; a missing pack is not.
        if (checked === undefined && err instanceof ConfigError) return undefined;
        throw err;
    }
}

/**
 * Runs one CLI operation, collecting its engine events, and judges the pack's findings:
 * mandatory violations name each policy and resource (the CLI only says the update
 * failed); every policy that could not run is listed, and in a production stack a
 * mandatory one fails the run (no silent advisories).
 */
async function withPolicy<T>(
    policy: StackPolicy | undefined,
    say: (t: string) => void,
    forward: ((e: EngineEvent) => void) | undefined,
    run: (onEvent: (e: EngineEvent) => void) => Promise<T>,
): Promise<{ value: T; results?: PolicyResults }> {
    const events: EngineEvent[] = [];
    const onEvent = (e: EngineEvent): void => {
        events.push(e);
        forward?.(e);
    };
    if (!policy) return { value: await run(onEvent) };
    const judge = () => policyResults(events, (name) => (policy.config[name as keyof StackPolicy["config"]]?.enforcementLevel === "mandatory" ? "mandatory" : "advisory"));
    let value: T;
    try {
        value = await run(onEvent);
    } catch (err) {
        const results = judge();
        const mandatory = results.violations.filter((v) => v.enforcementLevel === "mandatory");
        if (err instanceof CommandError && mandatory.length > 0) {
            throw new PolicyError(results, mandatory.map(formatFinding), `goship policy: ${mandatory.length} mandatory violation(s), so the CLI refused the operation:`);
        }
        throw err;
    }
    const results = judge();
    say(`\ngoship policy (${policy.enforcement}${policy.settings.production ? ", production" : ""}): ${results.violations.length} violation(s), ${results.couldNotRun.length} could not run\n`);
    for (const c of results.couldNotRun) say(`  could not run: ${formatFinding(c)}\n`);
    const blocking = blockingCouldNotRun(results);
    if (policy.settings.production && blocking.length > 0) {
        throw new PolicyError(
            results,
            blocking.map(formatFinding),
            "goship policy: mandatory policies could not run at preview in a production stack (their input is unknown until apply); make the input known at preview (e.g. promote a released digest) or fix the policy:",
        );
    }
    return { value, results };
}

/** Stack outputs as plain JSON, secrets masked as the CLI shows them. */
export function plainOutputs(outputs: OutputMap): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

interface CliArgs {
    operation: Operation;
    stack: string;
    options: RunOptions;
}

export function parseCliArgs(argv: string[]): CliArgs {
    const [operation, ...rest] = argv;
    if (!operations.includes(operation as Operation)) {
        throw new Error(`usage: stack.js <${operations.join("|")}> [--stack NAME] [--expect-no-changes] [--diff] [--no-policy] [--yes]`);
    }
    const args: CliArgs = { operation: operation as Operation, stack: "dev", options: {} };
    for (let i = 0; i < rest.length; i++) {
        const flag = rest[i];
        if (flag === "--stack" || flag === "-s") {
            const value = rest[++i];
            if (!value) throw new Error(`${flag} needs a stack name`);
            args.stack = value;
        } else if (flag === "--expect-no-changes") {
            args.options.expectNoChanges = true;
        } else if (flag === "--diff") {
            args.options.diff = true;
        } else if (flag === "--no-policy") {
            args.options.policy = false;
        } else if (flag === "--yes" || flag === "-y" || flag === "--non-interactive") {
            // The Automation API never prompts: accepted so commands read like the CLI's.
        } else {
            throw new Error(`unknown flag ${flag}`);
        }
    }
    return args;
}

async function main(): Promise<void> {
    const { operation, stack: stackName, options } = parseCliArgs(process.argv.slice(2));
    const stack = await openStack(stackName);
    await runOperation(stack, operation, options);
}

if (require.main === module) {
    main().catch((err: unknown) => {
        // The CLI's own output has already been streamed; CommandError repeats it whole.
        if (err instanceof PolicyError) {
            process.stderr.write(`\n${err.message}\n`);
        } else if (err instanceof CommandError) {
            process.stderr.write(`\npulumi failed (${String(err).split("\n")[0]})\n`);
        } else {
            process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        }
        process.exit(1);
    });
}
