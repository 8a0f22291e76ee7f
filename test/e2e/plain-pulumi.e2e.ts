/**
 * End-to-end: plain `pulumi` in the project directory, as a user types it (issue 13, part 2):
 * no Automation API, no runner, no preflight; the CLI starts a Node.js language host, which
 * runs index.ts with ts-node. The current `pulumi-language-nodejs` cannot be built on this
 * machine, so these commands go through a TEST-ONLY stand-in, sdk/v3 v3.68.0's host
 * (tools/pulumi/language-host.sh, built by test/e2e/run.sh), which `eval "$(… env)"` puts on
 * PATH for these commands only. On a normal Pulumi install the same commands use the real,
 * current host that ships with the CLI.
 *
 * The environment is .goship/local.env's (test/e2e/run.sh sources it: the backend, the
 * passphrase, the registry CA, the kubeconfig). The stacks start empty (local-platform.e2e.ts
 * destroys what it deployed) and are left empty. Each step prints its seconds.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { capture, Kubectl } from "./support/commands";
import { diagnoseFailedStep } from "./support/diagnostics";
import { stepTimer } from "./support/timing";
import { BAD_INPUTS, REFUSED_BY_THE_CLI, restoreStackFile, writeStackConfig } from "./support/bad-inputs";
import { effectiveStackConfig } from "../harness/stack-files";
import { Release, releasesOf } from "../../stack/release";

/** The repository root: this file is compiled to <repo>/.build/test/e2e/. */
const repoRoot = path.resolve(__dirname, "..", "..", "..");
const STACKS = ["dev", "local-staging", "local-prod"] as const;
const devConfig = effectiveStackConfig("dev");
const kube = devConfig["goship:kubernetes"] as { kubeconfig: string; context: string; namespace: string };
const serviceName = (devConfig["goship:services"] as Array<{ name: string }>)[0].name;
const kubectl = new Kubectl(path.resolve(repoRoot, kube.kubeconfig), kube.context);
afterEach(diagnoseFailedStep(kubectl));

const { timed, summary } = stepTimer();

/** What the CLI says when the stand-in serves the program: proof that this very host ran it. */
const STAND_IN_WARNING = /warning: using pulumi-language-nodejs from \$PATH at \S*\/language-nodejs-3\.68\.0\/pulumi-language-nodejs/;
/**
 * Where the engine answers inside goship's line: an unknown upstream stack. The runner's
 * preflight reads it with `pulumi stack output` and quotes that instead ("no stack named
 * 'organization/goship/nope' found").
 */
const ENGINE_WORDS = new Map<string, RegExp>([
    ["promotion source stack missing", /\(invocation of pulumi:pulumi:readStackOutputs returned an error: unknown stack "organization\/goship\/nope"\)/],
]);
/** A crash rather than a refusal: the SDK's "unhandled exception" or a JavaScript stack frame. */
const CRASH = /Unhandled exception|unhandled error|\n\s+at \S+ \(\S+:\d+:\d+\)/;

interface Plain {
    status: number;
    /** stdout and stderr, as a terminal shows them (no colour codes). */
    output: string;
}

/** `pulumi ARGS` in the project directory, with the stand-in's PATH added (tools/pulumi/language-host.sh env). */
function pulumi(args: string[]): Plain {
    const r = capture("bash", ["-c", 'eval "$(tools/pulumi/language-host.sh env)" && exec pulumi "$@"', "pulumi", ...args], repoRoot);
    // eslint-disable-next-line no-control-regex
    return { status: r.status, output: (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, "") };
}

/**
 * Prints what the CLI printed (indented, as the other e2e files do); fails unless it exited
 * 0, with the CLI's error lines in the failure itself, where the run's summary shows them.
 */
function ok(what: string, r: Plain): Plain {
    process.stdout.write(r.output.replace(/^/gm, "    | ") + "\n");
    assert.equal(r.status, 0, `${what} failed (exit ${r.status}):\n${errorLines(r.output)}`);
    return r;
}

/** The lines that say "error" (the last eight), or the last eight lines when none does. */
function errorLines(output: string): string {
    const lines = output.trimEnd().split("\n");
    const errors = lines.filter((l) => /error/i.test(l));
    return (errors.length > 0 ? errors : lines).slice(-8).join("\n");
}

/** The CLI's complaint: its last "error:" line. */
function complaint(output: string): string {
    return [...output.split("\n")].reverse().find((l) => l.trim().startsWith("error: "))?.trim() ?? "(no error line)";
}

/** The stack's checkpoint as `pulumi stack export` prints it (secrets stay ciphertext). */
function exported(stack: string): { text: string; resources: Array<{ type: string; urn: string }> } {
    const r = pulumi(["stack", "export", "-s", stack]);
    assert.equal(r.status, 0, `pulumi stack export -s ${stack}: ${r.output}`);
    return { text: r.output, resources: (JSON.parse(r.output).deployment.resources ?? []) as Array<{ type: string; urn: string }> };
}

function releaseOf(stack: string): Release {
    const r = pulumi(["stack", "output", "releases", "-s", stack, "--json"]);
    assert.equal(r.status, 0, `pulumi stack output releases -s ${stack}: ${r.output}`);
    const release = releasesOf({ releases: JSON.parse(r.output) })[serviceName];
    assert.ok(release, `no releases.${serviceName} in ${stack}'s outputs: ${r.output}`);
    return release;
}

function namespaceOf(stack: string): string {
    return (effectiveStackConfig(stack)["goship:kubernetes"] as { namespace: string }).namespace;
}

/** The Deployment of STACK: the image it runs, Available with every replica. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rolledOut(stack: string): any {
    const d = kubectl.json(["-n", namespaceOf(stack), "deployment", serviceName]);
    const available = d.status.conditions?.find((c: { type: string }) => c.type === "Available");
    assert.equal(available?.status, "True", `${stack}: the Deployment is Available`);
    assert.equal(d.status.updatedReplicas, d.spec.replicas, `${stack}: every replica runs the current template`);
    return d;
}

before(() => {
    for (const stack of STACKS) {
        ok(`pulumi stack select --create ${stack}`, pulumi(["stack", "select", "--create", stack, "--secrets-provider", "passphrase"]));
        assert.deepEqual(exported(stack).resources, [], `${stack} starts empty (the e2e files before this one destroy what they deploy)`);
    }
});

after(() => {
    restoreStackFile();
    console.log("[e2e] step times:\n" + summary());
});

test("P0. the stand-in is only on the plain commands' PATH: the runner's environment has no nodejs language host, in PATH or in PULUMI_HOME", () => {
    const which = capture("bash", ["-c", "command -v pulumi-language-nodejs || true"]);
    assert.equal(which.stdout.trim(), "", "no pulumi-language-nodejs on the e2e process's PATH (local.env's)");
    const plugins = capture("pulumi", ["plugin", "ls", "--json"]);
    assert.equal(plugins.status, 0, plugins.stderr);
    const kinds = (JSON.parse(plugins.stdout) as Array<{ kind: string; name: string }>).map((p) => `${p.kind}/${p.name}`);
    assert.ok(kinds.includes("analyzer/policy-nodejs"), `the policy pack's analyzer shim is registered: ${kinds.join(", ")}`);
    assert.deepEqual(kinds.filter((k) => k.startsWith("language/")), [], "no language plugin in PULUMI_HOME");
    const standIn = capture("bash", ["-c", 'eval "$(tools/pulumi/language-host.sh env)" && command -v pulumi-language-nodejs'], repoRoot);
    assert.match(standIn.stdout.trim(), /\/language-nodejs-3\.68\.0\/pulumi-language-nodejs$/, "the plain commands find the stand-in");
});

test("P1. pulumi preview -s dev: the program runs through the language host and plans the whole stack", async () => {
    const r = ok("pulumi preview -s dev", await timed("P1. pulumi preview -s dev", async () => pulumi(["preview", "-s", "dev"])));
    assert.match(r.output, STAND_IN_WARNING);
    assert.match(r.output, /\+\s+goship:index:GoService\s+hello\s+create/);
    assert.match(r.output, /\+\s+kubernetes:apps\/v1:Deployment\s+hello-deployment\s+create/);
    assert.match(r.output, /\+\s+docker-build:index:Index\s+hello-index\s+create/);
    assert.doesNotMatch(r.output, CRASH);
});

test("P2. pulumi up --yes -s dev: built, pushed and rolled out; the outputs name the digest the cluster runs", async () => {
    const r = ok("pulumi up --yes -s dev", await timed("P2. pulumi up --yes -s dev", async () => pulumi(["up", "--yes", "-s", "dev"])));
    assert.match(r.output, STAND_IN_WARNING);
    assert.doesNotMatch(r.output, CRASH);
    const images = JSON.parse(ok("pulumi stack output images", pulumi(["stack", "output", "images", "-s", "dev", "--json"])).output) as Record<string, string>;
    assert.match(images[serviceName], /^127\.0\.0\.1:5000\/goship\/hello@sha256:[0-9a-f]{64}$/);
    const release = releaseOf("dev");
    assert.equal(release.ref, images[serviceName]);
    assert.equal(release.origin, "built");
    assert.equal(rolledOut("dev").spec.template.spec.containers[0].image, release.ref, "the Deployment runs the exported digest");
    const types = new Set(exported("dev").resources.map((res) => res.type));
    for (const type of ["goship:index:GoService", "docker-build:index:Image", "docker-build:index:Index", "kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service"]) {
        assert.ok(types.has(type), `${type} in dev's state`);
    }
});

test("P3. pulumi preview --expect-no-changes -s dev: nothing to do after the up", async () => {
    const r = ok("pulumi preview --expect-no-changes -s dev", await timed("P3. pulumi preview --expect-no-changes -s dev", async () => pulumi(["preview", "--expect-no-changes", "-s", "dev"])));
    assert.doesNotMatch(r.output, /to create|to update|to replace|to delete/);
});

test("P4. pulumi up --yes of local-staging and local-prod: dev's release read through the engine (what a StackReference reads), no build; local-prod's login from its encrypted config", async () => {
    const dev = releaseOf("dev");
    const staging = ok("pulumi up --yes -s local-staging", await timed("P4. pulumi up --yes -s local-staging", async () => pulumi(["up", "--yes", "-s", "local-staging"])));
    assert.match(staging.output, new RegExp(`goship promotion: hello: \\(none\\) → ${dev.digest} \\(from organization/goship/dev, revision ${dev.revision}\\)`));
    assert.doesNotMatch(staging.output, /docker-build:index:Image/, "no build in local-staging");
    const stagingRelease = releaseOf("local-staging");
    assert.deepEqual([stagingRelease.ref, stagingRelease.origin, stagingRelease.fromStack], [dev.ref, "promoted", "organization/goship/dev"]);
    assert.equal(rolledOut("local-staging").spec.template.spec.containers[0].image, dev.ref);

    const prod = ok("pulumi up --yes -s local-prod", await timed("P4. pulumi up --yes -s local-prod", async () => pulumi(["up", "--yes", "-s", "local-prod"])));
    const prodRelease = releaseOf("local-prod");
    assert.equal(prodRelease.ref, `127.0.0.1:5001/goship-prod/hello@${dev.digest}`, "copied into the login registry by digest (goship:registryPassword decrypted by the passphrase)");
    assert.equal(prodRelease.fromStack, "organization/goship/local-staging");
    assert.equal(rolledOut("local-prod").spec.template.spec.containers[0].image, prodRelease.ref);
    const passwordFile = process.env.GOSHIP_LOGIN_REGISTRY_PASSWORD_FILE;
    assert.ok(passwordFile, "GOSHIP_LOGIN_REGISTRY_PASSWORD_FILE not set: run the e2e through test/e2e/run.sh (it loads .goship/local.env)");
    const password = fs.readFileSync(passwordFile, "utf8").trim();
    assert.ok(!prod.output.includes(password) && !exported("local-prod").text.includes(password), "the registry password is in neither the CLI's output nor local-prod's state");
});

test("P5. the bad-input matrix through plain pulumi preview -s dev: each refused by the program itself (or by the CLI first), naming the key and the fix; the state and the Deployment unchanged", async () => {
    const before = exported("dev").text;
    const deploymentBefore = rolledOut("dev");
    const refusals: string[] = [];
    await timed(`P5. ${BAD_INPUTS.length} bad inputs, each refused by plain pulumi preview`, async () => {
        for (const [name, change, expected] of BAD_INPUTS) {
            writeStackConfig(change);
            let r: Plain;
            try {
                r = pulumi(["preview", "-s", "dev"]);
            } finally {
                restoreStackFile();
            }
            const cli = REFUSED_BY_THE_CLI.get(name);
            const says = complaint(r.output);
            refusals.push(`${cli ? "CLI    " : "goship "} ${name}: ${says}`);
            try {
                assert.notEqual(r.status, 0, `${name}: the preview must fail`);
                // The CLI answers first for a value Pulumi.yaml requires: its own words, before any program runs.
                assert.match(r.output, cli ?? expected, `${name}: the refusal names the key and the fix`);
                const engine = ENGINE_WORDS.get(name);
                if (engine) assert.match(r.output, engine, `${name}: goship's line quotes the engine`);
                assert.doesNotMatch(r.output, CRASH, `${name}: a clean refusal, not a crash`);
                if (!cli) assert.match(r.output, STAND_IN_WARNING, `${name}: the program ran (through the stand-in) and refused`);
            } catch (err) {
                process.stdout.write(r.output.replace(/^/gm, "    | ") + "\n");
                throw err;
            }
            assert.equal(exported("dev").text, before, `${name}: the stack's state is unchanged`);
        }
    });
    for (const line of refusals) console.log(`[e2e]   ${line}`);
    const after = rolledOut("dev");
    assert.equal(after.metadata.generation, deploymentBefore.metadata.generation, "the Deployment was never updated");
});

test("P6. pulumi destroy --yes of local-prod, local-staging and dev leaves the stacks and their namespaces empty", async () => {
    for (const stack of [...STACKS].reverse()) {
        ok(`pulumi destroy --yes -s ${stack}`, await timed(`P6. pulumi destroy --yes -s ${stack}`, async () => pulumi(["destroy", "--yes", "-s", stack])));
        assert.deepEqual(exported(stack).resources, [], `no resource left in ${stack}`);
        assert.equal(kubectl.exists(["namespace", namespaceOf(stack)]), false, `namespace ${namespaceOf(stack)} is gone`);
    }
});
