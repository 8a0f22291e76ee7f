import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { READ_STACK_OUTPUTS } from "../../stack/promotion";
import { effectiveStackConfig, rawStackConfig } from "./stack-files";
import { FAKE_AWS_ACCESS_KEY, FAKE_SIGNING_PUBLIC_PEM, fakeIndex, fakeRegistryFetch } from "./fake-registry";

/**
 * Runs the real Pulumi program (index.ts) under Pulumi mocks with a stack's real config
 * file, in a throw-away project directory that looks like a user's machine: the app/
 * source, the local platform's kubeconfig in .goship/, and ~/.kube/config for the
 * staging and prod contexts.
 */

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const PROJECT = "goship";

/** One resource the program registered, as the engine would have seen it. */
export interface Registered {
    type: string;
    name: string;
    urn: string;
    // Resource inputs are arbitrary property bags; tests narrow what they read.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    inputs: any;
    provider?: string;
    /** Resource options the engine received; dependencies are the URNs the resource waits for (dependsOn and inputs). */
    options: { retainOnDelete: boolean; customTimeouts?: { create: string; update: string }; dependencies?: string[] };
}

export interface RunResult {
    resources: Registered[];
    outputs: Record<string, unknown>;
}

export interface RunOptions {
    /** Change the stack config before the run (bad-config cases). */
    mutate?: (config: Record<string, unknown>) => void;
    /** Secret config values, by key without namespace. */
    secrets?: Record<string, string>;
    /** Outputs of other stacks, by fully qualified stack name, for StackReference. */
    stacks?: Record<string, Record<string, unknown>>;
    /** Run as a preview (unknown outputs stay unknown). Default false. */
    preview?: boolean;
    /** Pulumi.yaml's services and the stack's overrides apart, as the engine passes them (readStackConfigFile). */
    raw?: boolean;
    /** Copies (an Index of one source) come back with another digest, as a registry that rewrote the bytes would. */
    alterCopies?: boolean;
    /** The image the mock cluster reports a Deployment running (its outputs), instead of the one it was given. */
    clusterImage?: string;
}

export const FAKE_ACCOUNT_REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
/** What dev rolled out last (an index in the fake registry, test/harness/fake-registry.ts). */
export const DEV_HELLO_DIGEST = fakeIndex("dev-hello");
export const DEV_HELLO_REF = `127.0.0.1:5000/goship/hello@${DEV_HELLO_DIGEST}`;
/** Staging's copy of it in its ECR repository: the same digest. */
export const STAGING_HELLO_REF = `${FAKE_ACCOUNT_REGISTRY}/goship/hello@${DEV_HELLO_DIGEST}`;

/** A stack's release record of one service, as index.ts exports it. */
export function releaseRecord(ref: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { ref, digest: ref.slice(ref.indexOf("@") + 1), platforms: ["linux/amd64", "linux/arm64"], revision: "3f2a9c1d7e4b", origin: "built", deployment: "goship-dev/hello", ...extra };
}

const DEFAULT_STACKS = {
    "organization/goship/dev": { images: { hello: DEV_HELLO_REF }, releases: { hello: releaseRecord(DEV_HELLO_REF) } },
    "organization/goship/staging": {
        images: { hello: STAGING_HELLO_REF },
        releases: { hello: releaseRecord(STAGING_HELLO_REF, { origin: "promoted", fromStack: "organization/goship/dev", deployment: "goship-staging/hello" }) },
    },
};

/**
 * The stack's config as a map of `goship:key` → value, the overrides merged into one full
 * `goship:services` list that tests change in place (test/harness/stack-files.ts);
 * `{raw: true}` keeps Pulumi.yaml's services and the stack's overrides apart, as the
 * engine passes them.
 */
export function readStackConfigFile(stack: string, options: { raw?: boolean } = {}): Record<string, unknown> {
    return options.raw ? rawStackConfig(stack) : effectiveStackConfig(stack);
}

function kubeconfigYaml(contexts: string[]): string {
    const list = (f: (c: string) => string) => contexts.map(f).join("\n");
    return [
        "apiVersion: v1",
        "kind: Config",
        `current-context: ${contexts[0]}`,
        "clusters:",
        list((c) => `- name: ${c}\n  cluster:\n    server: https://127.0.0.1:6443`),
        "contexts:",
        list((c) => `- name: ${c}\n  context:\n    cluster: ${c}\n    user: ${c}`),
        "users:",
        list((c) => `- name: ${c}\n  user:\n    token: test-token`),
        "",
    ].join("\n");
}

/** A project directory with the repo's app/ and the kubeconfigs the stacks name. */
export function makeProjectDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-graph-"));
    fs.symlinkSync(path.join(REPO_ROOT, "app"), path.join(dir, "app"));
    fs.mkdirSync(path.join(dir, ".goship"));
    fs.writeFileSync(path.join(dir, ".goship", "kubeconfig"), kubeconfigYaml(["goship"]));
    // The stacks' goship:supplyChain.publicKey: the fake registry signs with its private half.
    fs.writeFileSync(path.join(dir, "cosign.pub"), FAKE_SIGNING_PUBLIC_PEM);
    // A cosign that only records its arguments (a copy of signatures into another registry).
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "cosign"), `#!/bin/sh\necho "$*" >> "${path.join(dir, "cosign.log")}"\n`, { mode: 0o755 });
    fs.mkdirSync(path.join(dir, "home", ".kube"), { recursive: true });
    fs.writeFileSync(path.join(dir, "home", ".kube", "config"), kubeconfigYaml(["staging", "prod"]));
    return dir;
}

function fakeDigest(...parts: string[]): string {
    return "sha256:" + crypto.createHash("sha256").update(parts.join("|")).digest("hex");
}

// Each test process writes the generated Dockerfiles into a directory of its own (GoImage).
process.env.GOSHIP_BUILD_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "goship-build-"));

type Recorded = Omit<Registered, "urn" | "options">;

function mocks(stacks: Record<string, Record<string, unknown>>, record: (r: Recorded) => void, { alterCopies = false, clusterImage }: Pick<RunOptions, "alterCopies" | "clusterImage">): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
            record({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
            const state: Record<string, unknown> = { ...args.inputs };
            switch (args.type) {
                case "docker-build:index:Image": {
                    const digest = fakeDigest(args.name, JSON.stringify(args.inputs.platforms), dockerfileOf(args.inputs));
                    state.digest = digest;
                    state.contextHash = fakeDigest("context", args.inputs.context?.location ?? "");
                    state.ref = `${args.inputs.tags?.[0] ?? ""}@${digest}`;
                    break;
                }
                case "docker-build:index:Index": {
                    const sources = args.inputs.sources as string[];
                    // buildx pushes a single source's own bytes: the digest is the source's.
                    const single = sources.length === 1 && !alterCopies ? /@(sha256:[0-9a-f]{64})$/.exec(sources[0])?.[1] : undefined;
                    const tagless = String(args.inputs.tag).replace(/:[^:/]+$/, "");
                    state.ref = `${args.inputs.tag}@${single ?? fakeDigest(tagless, ...sources)}`;
                    break;
                }
                case "kubernetes:apps/v1:Deployment":
                    if (clusterImage) {
                        const spec = structuredClone(args.inputs.spec);
                        spec.template.spec.containers[0].image = clusterImage;
                        state.spec = spec;
                    }
                    break;
                case "aws:ecr/repository:Repository":
                    state.repositoryUrl = `${FAKE_ACCOUNT_REGISTRY}/${args.inputs.name}`;
                    state.registryId = "123456789012";
                    state.arn = `arn:aws:ecr:eu-west-1:123456789012:repository/${args.inputs.name}`;
                    break;
                case "pulumi:pulumi:StackReference": {
                    const outputs = stacks[args.inputs.name as string];
                    if (!outputs) {
                        throw new Error(`unknown stack "${args.inputs.name}"`);
                    }
                    state.outputs = outputs;
                    state.secretOutputNames = [];
                    break;
                }
            }
            return { id: `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            if (args.token === READ_STACK_OUTPUTS) {
                const outputs = stacks[args.inputs.name as string];
                // The SDK reads a failed invoke's message from the gRPC error's details.
                const message = `invocation of ${READ_STACK_OUTPUTS} returned an error: unknown stack "${args.inputs.name}"`;
                if (!outputs) throw Object.assign(new Error(message), { details: message });
                return { name: args.inputs.name, outputs, secretOutputNames: [] };
            }
            if (args.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken") {
                return {
                    userName: "AWS",
                    password: "ecr-token-secret",
                    proxyEndpoint: `https://${FAKE_ACCOUNT_REGISTRY}`,
                    authorizationToken: "QVdTOmVjci10b2tlbi1zZWNyZXQ=",
                    expiresAt: "2026-11-24T00:00:00Z",
                    id: "123456789012",
                    region: "eu-west-1",
                };
            }
            throw new Error(`unexpected invoke ${args.token}`);
        },
    };
}

/**
 * Errors raised while registering resources (a failed apply feeding a resource input, a
 * component's registerOutputs, a failed read) surface as unhandled rejections. During a
 * real run the Pulumi language host owns those and reports them as the program's failure;
 * here the harness plays that part for the duration of the run, then hands the process's
 * handlers (the test runner's) back.
 */
function collectRejections(): { errors: unknown[]; release(): void } {
    const saved = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const errors: unknown[] = [];
    process.on("unhandledRejection", (reason) => errors.push(reason));
    return {
        errors,
        release() {
            process.removeAllListeners("unhandledRejection");
            for (const listener of saved) process.on("unhandledRejection", listener);
        },
    };
}

/** Waits until the program has stopped registering resources. */
async function settle(count: () => number): Promise<void> {
    // One timer turn first: the mock monitor answers through callbacks and timers.
    await new Promise((r) => setTimeout(r, 20));
    let last = -1;
    let stable = 0;
    while (stable < 20) {
        await new Promise((r) => setImmediate(r));
        const now = count();
        stable = now === last ? stable + 1 : 0;
        last = now;
    }
}

function resolveOutputs(value: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
        const out = pulumi.output(value);
        // An error thrown inside an apply rejects this promise.
        (out as unknown as { promise(): Promise<unknown> }).promise().then(resolve, reject);
    });
}

/** Mocks, config and a user-like project directory set up for one run; `run` registers resources. */
async function underMocks<T>(
    stack: string,
    config: Record<string, unknown>,
    opts: RunOptions,
    run: (registered: Recorded[]) => Promise<T>,
): Promise<T & { resources: Registered[] }> {
    const registered: Recorded[] = [];
    await pulumi.runtime.setMocks(mocks({ ...DEFAULT_STACKS, ...(opts.stacks ?? {}) }, (r) => registered.push(r), opts), PROJECT, stack, opts.preview ?? false, "organization");
    const options = recordOptions();
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        flat[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    for (const [key, value] of Object.entries(opts.secrets ?? {})) {
        flat[`${PROJECT}:${key}`] = value;
    }
    pulumi.runtime.setAllConfig(flat, Object.keys(opts.secrets ?? {}).map((k) => `${PROJECT}:${k}`));

    const rejections = collectRejections();
    const projectDir = makeProjectDir();
    const cwd = process.cwd();
    const home = process.env.HOME;
    const realFetch = globalThis.fetch;
    process.chdir(projectDir);
    process.env.HOME = path.join(projectDir, "home");
    const savedPath = process.env.PATH;
    process.env.PATH = `${path.join(projectDir, "bin")}${path.delimiter}${savedPath ?? ""}`;
    // The AWS identity ECR's scan findings are read with (the fake ECR API checks the signature's key).
    const savedAws = [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY];
    process.env.AWS_ACCESS_KEY_ID = FAKE_AWS_ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = "fake-secret";
    // Registry checks ask the in-memory registry (test/harness/fake-registry.ts).
    globalThis.fetch = fakeRegistryFetch;
    try {
        const result = await run(registered);
        await settle(() => registered.length);
        if (rejections.errors.length > 0) throw rejections.errors[0];
        return { ...result, resources: withUrnsAndOptions(registered, options) };
    } catch (e) {
        await settle(() => registered.length);
        // A run that failed after registering resources (a failed apply) leaves outputs
        // that never resolve; the engine would end such a program. Forget them, so the
        // SDK's exit-time leak check does not fail the test process for them.
        forgetPendingPromises();
        throw Object.assign(e as Error, { registered: registered.length });
    } finally {
        rejections.release();
        globalThis.fetch = realFetch;
        process.chdir(cwd);
        process.env.HOME = home;
        process.env.PATH = savedPath;
        if (savedAws[0] === undefined) delete process.env.AWS_ACCESS_KEY_ID;
        else process.env.AWS_ACCESS_KEY_ID = savedAws[0];
        if (savedAws[1] === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
        else process.env.AWS_SECRET_ACCESS_KEY = savedAws[1];
        fs.rmSync(projectDir, { recursive: true, force: true });
    }
}

function forgetPendingPromises(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): unknown }).leakedPromises();
}

/**
 * What of goship:supplyChain runs under mocks: signature verification of promoted digests
 * (the fake registry signs what it serves). Signing, attesting and scanning run cosign,
 * cyclonedx-gomod and govulncheck on real images, so a stack that builds loses the key here
 * and every stack its vulnerability policy; test/unit and the e2e cover those.
 */
function mocksSupplyChain(config: Record<string, unknown>): void {
    const key = `${PROJECT}:supplyChain`;
    const value = config[key] as { signing?: { keyKey?: string; passwordKey?: string }; vulnerabilities?: unknown; publicKey?: unknown } | undefined;
    if (!value || typeof value !== "object") return;
    const { signing, vulnerabilities, ...rest } = value;
    void vulnerabilities;
    if (signing === undefined) {
        config[key] = rest;
        return;
    }
    delete config[key];
    delete config[`${PROJECT}:${signing.keyKey ?? "cosignKey"}`];
    delete config[`${PROJECT}:${signing.passwordKey ?? "cosignPassword"}`];
}

/** The compiled program (index.ts), loaded afresh so each run starts clean. */
function loadProgram(): () => Promise<Record<string, unknown>> {
    const programPath = require.resolve(path.join(REPO_ROOT, ".build", "index.js"));
    delete require.cache[programPath];
    return require(programPath) as () => Promise<Record<string, unknown>>;
}

/**
 * Runs index.ts for `stack` and returns what it registered and exported. Throws what the
 * program throws (bad config), after checking how many resources were registered anyway.
 */
export async function runStack(stack: string, opts: RunOptions = {}): Promise<RunResult> {
    const config = readStackConfigFile(stack, { raw: opts.raw });
    mocksSupplyChain(config);
    opts.mutate?.(config);
    return underMocks(stack, config, opts, async () => {
        const exported = await loadProgram()();
        return { outputs: (await resolveOutputs(exported)) as Record<string, unknown> };
    });
}

/**
 * Uses the components from code, as a program of the user's own would (README
 * "Components"): BUILD constructs them and returns what to export.
 */
export async function runComponents(build: () => unknown, opts: RunOptions = {}): Promise<{ resources: Registered[]; outputs: unknown }> {
    return underMocks("dev", {}, opts, async () => ({ outputs: await resolveOutputs(build()) }));
}

/** How a failed run ended when run as Pulumi's language hosts run a program. */
export interface HostedFailure {
    /** What the run rejected with. */
    error: unknown;
    /** Rejections nobody handled once the run had settled (what the Automation API's inline host leaves unheard). */
    lateRejections: unknown[];
}

/**
 * Runs index.ts for `stack` the way Pulumi's hosts do, inside the SDK's root Stack resource
 * (runInPulumiStack), with this harness listening for unhandled rejections only until the
 * run settles, as the Automation API's inline host does. The run must fail. PROGRAM
 * replaces index.ts (to show what an unguarded failure leaves behind).
 */
export async function runStackAsHost(stack: string, opts: RunOptions = {}, program: () => Promise<unknown> = () => loadProgram()()): Promise<HostedFailure> {
    const config = readStackConfigFile(stack);
    opts.mutate?.(config);
    return underMocks(stack, config, opts, async () => {
        let error: unknown;
        try {
            await pulumi.runtime.runInPulumiStack(program);
        } catch (e) {
            error = e;
        }
        if (error === undefined) throw new Error("expected the program to fail");
        // The host has stopped listening: whatever rejects now is nobody's.
        const late: unknown[] = [];
        const listener = (reason: unknown) => late.push(reason);
        const saved = process.listeners("unhandledRejection");
        process.removeAllListeners("unhandledRejection");
        process.on("unhandledRejection", listener);
        await new Promise((r) => setTimeout(r, 100));
        process.removeAllListeners("unhandledRejection");
        for (const l of saved) process.on("unhandledRejection", l);
        return { error, lateRejections: late };
    });
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getRetainondelete(): boolean;
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string } | undefined;
    getDependenciesList(): string[];
}

interface MockMonitorLike {
    registerResource(req: RegisterRequest, callback: unknown): Promise<void>;
    /** Registered resources by URN (@pulumi/pulumi 3.245's MockMonitor). */
    readonly resources: Map<string, unknown>;
}

function mockMonitor(): MockMonitorLike {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): MockMonitorLike };
    return settings.getMonitor();
}

/** The mock monitor drops resource options; keep the ones tests check, keyed by type::name. */
function recordOptions(): Map<string, Registered["options"]> {
    const options = new Map<string, Registered["options"]>();
    const monitor = mockMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        const timeouts = req.getCustomtimeouts();
        options.set(`${req.getType()}::${req.getName()}`, {
            retainOnDelete: req.getRetainondelete(),
            customTimeouts: timeouts ? { create: timeouts.getCreate(), update: timeouts.getUpdate() } : undefined,
            dependencies: req.getDependenciesList(),
        });
        return register(req, callback);
    };
    return options;
}

function withUrnsAndOptions(registered: Recorded[], options: Map<string, Registered["options"]>): Registered[] {
    const urns = [...mockMonitor().resources.keys()];
    return registered.map((r) => ({
        ...r,
        urn: urns.find((u) => u.endsWith(`${r.type}::${r.name}`)) ?? "",
        options: options.get(`${r.type}::${r.name}`) ?? { retainOnDelete: false },
    }));
}

/** The signature Pulumi puts on secret values in serialized resource inputs. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** The value inside a secret input; fails when the input is not marked secret. */
export function secretValue(input: unknown): unknown {
    const wrapped = input as Record<string, unknown> | undefined;
    if (!wrapped || wrapped[SPECIAL_SIG_KEY] !== SECRET_SIG) {
        throw new Error(`expected a secret input, got ${JSON.stringify(input)}`);
    }
    return wrapped.value;
}

/** The single resource of `type` named `name`; fails loudly when absent or ambiguous. */
/** The Dockerfile an Image's inputs name: goship writes it (and its context policy) beside each other. */
export function dockerfileOf(inputs: { dockerfile?: { location?: string; inline?: string } }): string {
    const location = inputs.dockerfile?.location;
    return location ? fs.readFileSync(location, "utf8") : (inputs.dockerfile?.inline ?? "");
}

export function one(resources: Registered[], type: string, name: string): Registered {
    const found = resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}; registered: ${resources.map((r) => `${r.type}/${r.name}`).join(", ")}`);
    }
    return found[0];
}

/** All resources of `type`. */
export function ofType(resources: Registered[], type: string): Registered[] {
    return resources.filter((r) => r.type === type);
}
