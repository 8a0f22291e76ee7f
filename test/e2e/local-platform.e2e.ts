/**
 * End-to-end: the dev stack on the real local platform (tools/local/local.sh provision must
 * have run and its environment be loaded; test/e2e/run.sh does both). Real pulumi CLI,
 * real BuildKit and registries, a real API server, and a real node (tools/node/node.sh:
 * kubelet, containerd, runc) where the pods run, are probed and drained; Docker for the
 * image run of step 4.
 * The steps depend on each other and run in order; each prints its seconds. Step 9 renders
 * every stack and dry-runs it on the same API server.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { CommandError, Stack } from "@pulumi/pulumi/automation";
import { linuxBinaryPath } from "../../components/build/dockerfile";
import { ConfigError } from "../../stack/config";
import { openStack, repoRoot, runOperation, RunResult } from "../../tools/local/stack";
import { renderStack } from "../../tools/local/render";
import { docker, Kubectl, run } from "./support/commands";
import { diagnoseFailedStep } from "./support/diagnostics";
import { stepTimer } from "./support/timing";
import { assertOnRealNode, DeletionWatch, FollowedLogs, getOnce, podsOf, probeCounts, serviceEntry, Traffic } from "./support/real-node";
import { BAD_INPUTS, REFUSED_BY_THE_CLI, writeStackConfig } from "./support/bad-inputs";
import { stateFileText } from "./support/state";
import { elfArchitecture, ImageConfig, Index, Login, Manifest, parseDigestRef, Registry } from "./support/registry";
import { effectiveStackConfig } from "../harness/stack-files";
import { reportRow } from "../harness/report-table";
import { GO_MOD_DOWNLOAD_STEP, stepSources } from "../harness/buildkit-progress";
import { verifyImage } from "../../components/publish/registry-api";
import { Release, releasesOf } from "../../stack/release";
import { plannedChanges, promote, rollback } from "../../tools/local/promote";
import { outputValues } from "../../tools/local/outputs";
import { main as previewReport } from "../../tools/report/preview-report";
import { REPORT_MARKER } from "../../tools/report/marker";
import { GITHUB_COMMENT_LIMIT } from "../../tools/report/markdown";

const STACK_FILE = path.join(repoRoot, "Pulumi.dev.yaml");
const stackFileText = fs.readFileSync(STACK_FILE, "utf8");
// Pulumi.yaml's services with dev's overrides merged in: what the program receives.
const devConfig = effectiveStackConfig("dev");
const kube = devConfig["goship:kubernetes"] as { kubeconfig: string; context: string; namespace: string };
const service = (devConfig["goship:services"] as Array<{ name: string; path: string; port: number; replicas: number; timezone: { zone: string } }>)[0];
const kubectl = new Kubectl(path.resolve(repoRoot, kube.kubeconfig), kube.context);
afterEach(diagnoseFailedStep(kubectl));

/** The file the one-line change of step 6 edits, and its original text. */
const CHANGED_FILE = path.join(repoRoot, service.path, "internal", "server", "handler.go");
const changedFileText = fs.readFileSync(CHANGED_FILE, "utf8");

let stack: Stack;
let firstRef = "";
let firstUpSeconds = 0;

const { timed, summary } = stepTimer();

/** Runs FN, which must fail; returns what it threw. */
async function expectFailure(what: string, fn: () => Promise<unknown>): Promise<unknown> {
    try {
        await fn();
    } catch (err) {
        return err;
    }
    assert.fail(`${what}: expected a failure, but it succeeded`);
}

const quiet = { onOutput: (t: string) => process.stdout.write(t.replace(/^/gm, "    | ")) };

function imageRef(result: RunResult): string {
    const images = result.outputs.images?.value as Record<string, string> | undefined;
    const ref = images?.[service.name];
    assert.ok(ref, `stack output images.${service.name} missing: ${JSON.stringify(result.outputs)}`);
    return ref;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function deployment(namespace = kube.namespace): any {
    return kubectl.json(["-n", namespace, "deployment", service.name]);
}

function assertRolledOut(ref: string): void {
    const d = deployment();
    assert.equal(d.spec.template.spec.containers[0].image, ref, "the Deployment runs the exported digest");
    assert.equal(d.status.observedGeneration, d.metadata.generation, "the controller has seen the latest spec");
    assert.equal(d.status.updatedReplicas, service.replicas);
    assert.equal(d.status.availableReplicas, service.replicas);
    const available = d.status.conditions.find((c: { type: string }) => c.type === "Available");
    assert.equal(available?.status, "True", `Available condition: ${JSON.stringify(available)}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function replicaSets(namespace = kube.namespace): Array<{ image: string; desired: number; ready: number; name: string; created: string }> {
    const list = kubectl.json(["-n", namespace, "replicasets", "-l", `app.kubernetes.io/name=${service.name}`]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return list.items.map((rs: any) => ({
        name: rs.metadata.name,
        image: rs.spec.template.spec.containers[0].image,
        desired: rs.spec.replicas,
        ready: rs.status.readyReplicas ?? 0,
        created: rs.metadata.creationTimestamp,
    }));
}

/** The local platform's registry that requires a login (tools/buildplatform), from local.env. */
function loginRegistry(): Login & { server: string } {
    const server = process.env.GOSHIP_LOGIN_REGISTRY;
    const username = process.env.GOSHIP_LOGIN_REGISTRY_USER;
    const passwordFile = process.env.GOSHIP_LOGIN_REGISTRY_PASSWORD_FILE;
    assert.ok(server && username && passwordFile, "GOSHIP_LOGIN_REGISTRY* not set: run the e2e through test/e2e/run.sh (it loads .goship/local.env)");
    return { server, username, password: fs.readFileSync(passwordFile, "utf8").trim() };
}

/** The stack's resources as the state records them, for before/after comparisons. */
/** The login registry's pull-only login (tools/buildplatform), from local.env. */
function pullLogin(): Login {
    const username = process.env.GOSHIP_LOGIN_REGISTRY_PULL_USER;
    const passwordFile = process.env.GOSHIP_LOGIN_REGISTRY_PULL_PASSWORD_FILE;
    assert.ok(username && passwordFile, "GOSHIP_LOGIN_REGISTRY_PULL_* not set: run the e2e through test/e2e/run.sh (it loads .goship/local.env)");
    return { username, password: fs.readFileSync(passwordFile, "utf8").trim() };
}

/** The stack's resources as recorded in its state, leaving out those of type EXCEPT_TYPE. */
async function stateSnapshot(exceptType?: string): Promise<string> {
    const resources = ((await stack.exportStack()).deployment as { resources: Array<{ type: string }> }).resources;
    return JSON.stringify(resources.filter((r) => r.type !== exceptType));
}

/**
 * Pulumi's builtin provider (`pulumi:providers:pulumi::default`): the engine adds it to the
 * state the first time a program reads another stack (stack/promotion.ts), also in an `up`
 * the program then refuses. It deploys nothing; everything else must stay as it was.
 */
const BUILTIN_PROVIDER = "pulumi:providers:pulumi";

/** Renders STACK_NAME into a scratch directory, runs FN on its manifest files, removes the directory. */
async function withRenderedStack<T>(stackName: string, fn: (files: string[]) => T | Promise<T>): Promise<T> {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `goship-e2e-render-${stackName}-`));
    try {
        return await fn(await renderStack(stackName, out));
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

async function waitForHttp(url: string, seconds: number): Promise<Response> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        try {
            return await fetch(url);
        } catch (err) {
            if (Date.now() > deadline) throw new Error(`${url} did not answer within ${seconds} s: ${String(err)}`);
            await new Promise((r) => setTimeout(r, 200));
        }
    }
}

/** The UTC offset of `zone` at `instant`, as RFC 3339 writes it (+01:00, Z for UTC). */
function offsetOf(zone: string, instant: Date): string {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
        .formatToParts(instant)
        .find((p) => p.type === "timeZoneName")!.value; // "GMT+01:00" or "GMT"
    return name === "GMT" ? "Z" : name.slice(3);
}

before(async () => {
    stack = await openStack("dev");
});

after(() => {
    // Leave the working tree as it was, whatever failed.
    fs.writeFileSync(STACK_FILE, stackFileText);
    fs.writeFileSync(CHANGED_FILE, changedFileText);
    for (const [name, text] of Object.entries(envFileTexts)) fs.writeFileSync(path.join(repoRoot, `Pulumi.${name}.yaml`), text);
    console.log("[e2e] step times:\n" + summary());
});

test("1. pulumi up --yes of the dev stack", async () => {
    const start = Date.now();
    const result = await timed("1. pulumi up", () => runOperation(stack, "up", quiet));
    firstUpSeconds = (Date.now() - start) / 1000;
    firstRef = imageRef(result);
    assert.match(firstRef, /^127\.0\.0\.1:5000\/goship\/hello@sha256:[0-9a-f]{64}$/);
});

test("2. the registry holds an index for linux/amd64 and linux/arm64, each binary for its architecture", async () => {
    await timed("2. registry and layers", async () => {
        const { registry, repository, digest } = parseDigestRef(firstRef);
        const reg = new Registry(registry);
        const index = await reg.manifest<Index>(repository, digest);
        assert.equal(index.digest, digest, "the registry serves the exported digest");
        assert.match(index.body.mediaType, /index|manifest\.list/, "an image index, not a single manifest");
        const images = index.body.manifests.filter((m) => m.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest");
        const platforms = images.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort();
        assert.deepEqual(platforms, ["linux/amd64", "linux/arm64"]);
        for (const m of images) {
            const manifest = (await reg.manifest<Manifest>(repository, m.digest)).body;
            const config = JSON.parse((await reg.blob(repository, manifest.config.digest)).toString("utf8")) as ImageConfig;
            assert.equal(config.architecture, m.platform?.architecture);
            const binaryPath = config.config.Entrypoint?.[0] ?? linuxBinaryPath(service.name);
            const binary = await reg.fileInImage(repository, manifest, binaryPath);
            assert.ok(binary, `${binaryPath} not found in the ${m.platform?.architecture} layers`);
            assert.equal(elfArchitecture(binary), m.platform?.architecture, `${binaryPath} is built for its platform`);
            assert.match(config.config.User ?? "", /^[1-9][0-9]*(:[0-9]+)?$/, "a numeric non-root USER");
            assert.ok(Number(config.config.User!.split(":")[0]) >= 10000, `uid ${config.config.User} is at least 10000 (kube-score)`);
            // Nothing but the binary, CA certificates, zoneinfo and passwd/group: no shell,
            // no package manager.
            const files = await reg.filesInImage(repository, manifest);
            assert.deepEqual(files, [binaryPath.replace(/^\//, ""), "etc/group", "etc/passwd", "etc/ssl/certs/ca-certificates.crt", "usr/share/zoneinfo.zip"].sort());
            const imageBytes = manifest.layers.reduce((n, l) => n + l.size, 0);
            console.log(
                `[e2e]   ${m.platform?.os}/${m.platform?.architecture}: ${binaryPath} ELF ${elfArchitecture(binary)}, binary ${(binary.length / 2 ** 20).toFixed(1)} MiB, ` +
                    `image ${(imageBytes / 2 ** 20).toFixed(1)} MiB compressed (${files.length} files), user ${config.config.User}`,
            );
        }
    });
});

test("3. the Deployment is available with the exported digest; every object of the stack exists in the cluster", async () => {
    await timed("3. cluster objects", async () => {
        assertRolledOut(firstRef);
        assert.equal(deployment().spec.strategy.rollingUpdate.maxUnavailable, 0);
        const state = (await stack.exportStack()).deployment as { resources: Array<{ type: string; outputs?: { metadata?: { name: string; namespace?: string }; kind?: string; apiVersion?: string } }> };
        const k8s = state.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"));
        const kinds = new Set(k8s.map((r) => r.outputs?.kind));
        for (const kind of ["Namespace", "Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap"]) {
            assert.ok(kinds.has(kind), `the stack has a ${kind}`);
        }
        for (const r of k8s) {
            const meta = r.outputs!.metadata!;
            const group = r.outputs!.apiVersion!.includes("/") ? `.${r.outputs!.apiVersion!.split("/")[0]}` : "";
            const args = [`${r.outputs!.kind!.toLowerCase()}${group}`, meta.name, ...(meta.namespace ? ["-n", meta.namespace] : [])];
            assert.ok(kubectl.exists(args), `${args.join(" ")} exists in the cluster`);
        }
        const endpoints = kubectl.json(["-n", kube.namespace, "endpoints", service.name]);
        const ready = (endpoints.subsets ?? []).flatMap((s: { addresses?: unknown[] }) => s.addresses ?? []);
        assert.equal(ready.length, service.replicas, "the Service has a ready endpoint per replica");
        assertOnRealNode(podsOf(kubectl, kube.namespace, service.name), firstRef);
    });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("3b. on the real node: the kubelet ran the startup, readiness and liveness probes against the binary; requests through the Service reach it", async () => {
    await timed("3b. probes and Service on the real node", async () => {
        const pods = podsOf(kubectl, kube.namespace, service.name);
        // Liveness starts once the startup probe has passed, then every periodSeconds (10 s).
        let counts = probeCounts(kubectl, kube.namespace);
        for (const deadline = Date.now() + 45_000; Date.now() < deadline; counts = probeCounts(kubectl, kube.namespace)) {
            if (pods.every((p) => (counts[p.name]?.["Liveness/successful"] ?? 0) >= 1)) break;
            await sleep(1000);
        }
        for (const p of pods) {
            for (const probe of ["Startup", "Readiness", "Liveness"]) {
                assert.ok((counts[p.name]?.[`${probe}/successful`] ?? 0) >= 1, `${p.name}: the kubelet counted a successful ${probe} probe: ${JSON.stringify(counts[p.name])}`);
            }
            assert.equal(p.restarts, 0, `${p.name} never restarted`);
        }
        const entry = await serviceEntry(kubectl, kube.namespace, service.name);
        try {
            for (let i = 0; i < 10; i++) {
                const r = await getOnce(entry.url);
                assert.equal(r.status, 200, `GET / through ${entry.clusterIP}: ${r.body}`);
                assert.equal((JSON.parse(r.body) as { service: string }).service, service.name);
            }
        } finally {
            entry.close();
        }
        console.log(`[e2e]   ${pods.map((p) => `${p.name} ${p.ip}: ${JSON.stringify(counts[p.name])}`).join("; ")}; 10 requests through ClusterIP ${entry.clusterIP} answered`);
    });
});

test("4. the image, run by Docker on the host network, serves the zone's time as non-root on a read-only root", async () => {
    await timed("4. docker run", async () => {
        const port = await freePort();
        const name = `goship-e2e-${process.pid}`;
        docker(["run", "-d", "--name", name, "--network", "host", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "-e", `PORT=${port}`, "-e", `TZ=${service.timezone.zone}`, "-e", `SERVICE_NAME=${service.name}`, firstRef]);
        try {
            const base = `http://127.0.0.1:${port}`;
            assert.equal((await waitForHttp(`${base}/healthz`, 60)).status, 200);
            assert.equal((await fetch(`${base}/readyz`)).status, 200);
            const info = (await (await fetch(`${base}/`)).json()) as { service: string; time: string; zone: string };
            assert.equal(info.zone, service.timezone.zone);
            assert.equal(info.service, service.name);
            const served = new Date(info.time);
            assert.ok(Math.abs(served.getTime() - Date.now()) < 60_000, `time ${info.time} is now`);
            assert.ok(info.time.endsWith(offsetOf(service.timezone.zone, served)), `time ${info.time} carries ${service.timezone.zone}'s offset`);
            const inspect = JSON.parse(docker(["inspect", name]))[0];
            assert.equal(inspect.HostConfig.ReadonlyRootfs, true);
            const uid = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${inspect.State.Pid}/status`, "utf8"))?.[1];
            assert.ok(uid !== undefined && Number(uid) !== 0, `the process runs as uid ${uid}, not root`);
            const stopStart = Date.now();
            docker(["kill", "--signal", "TERM", name]);
            const exitCode = docker(["wait", name]);
            const logs = docker(["logs", name]);
            assert.equal(exitCode, "0", `graceful exit after SIGTERM; logs:\n${logs}`);
            assert.match(logs, /shutting down/);
            console.log(`[e2e]   uid ${uid}, SIGTERM to exit: ${((Date.now() - stopStart) / 1000).toFixed(1)} s`);
        } finally {
            try {
                docker(["rm", "-f", name]);
            } catch {
                /* already gone */
            }
        }
    });
});

test("5. a second preview with nothing changed reports no changes (--expect-no-changes)", async () => {
    const result = await timed("5. pulumi preview --expect-no-changes", () => runOperation(stack, "preview", { ...quiet, expectNoChanges: true }));
    const changed = Object.entries(result.changes).filter(([kind, n]) => kind !== "same" && n > 0);
    assert.deepEqual(changed, [], `preview reports changes: ${JSON.stringify(result.changes)}`);
    assert.doesNotMatch(result.output, /^\s*[+~-]{1,2}\s+\S+:/m, "no resource line marked for change");
});

// ---------------------------------------------------------------- environments

/** The promoting stacks of the local platform, their files restored after the run. */
const ENV_STACKS = ["local-staging", "local-prod"] as const;
const envFileTexts = Object.fromEntries(ENV_STACKS.map((name) => [name, fs.readFileSync(path.join(repoRoot, `Pulumi.${name}.yaml`), "utf8")]));
const envStacks: Record<string, Stack> = {};

/** The release record a stack exports for the service. */
function releaseOf(outputs: RunResult["outputs"]): Release {
    const releases = releasesOf(outputValues(outputs));
    const release = releases[service.name];
    assert.ok(release, `no releases.${service.name} in ${JSON.stringify(outputs)}`);
    return release;
}

/** The namespace a local stack deploys into (from its own file). */
function namespaceOf(stackName: string): string {
    return (effectiveStackConfig(stackName)["goship:kubernetes"] as { namespace: string }).namespace;
}

/** The image a stack's Deployment runs, Available with every replica. */
function runningImage(stackName: string): string {
    const d = deployment(namespaceOf(stackName));
    const available = d.status.conditions?.find((c: { type: string }) => c.type === "Available");
    assert.equal(available?.status, "True", `${stackName}: the Deployment is Available`);
    assert.equal(d.status.updatedReplicas, d.spec.replicas, `${stackName}: every replica runs the current template`);
    return d.spec.template.spec.containers[0].image as string;
}

/** The resource types in a stack's state, with counts. */
/** `npm run preview:report` of STACKS against HEAD: its exit code, the comment, and a row of its table. */
async function reportOf(stacks: string[]): Promise<{ code: number; comment: string; row: (stack: string, service: string) => string }> {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "goship-report-"));
    const code = await previewReport(["--out", out, "--stacks", stacks.join(","), "--base", "HEAD"]);
    const comment = fs.readFileSync(path.join(out, "comment.md"), "utf8");
    assert.ok(comment.startsWith(REPORT_MARKER + "\n") && comment.length <= GITHUB_COMMENT_LIMIT, "the comment starts with the marker and fits GitHub's limit");
    const row = (stack: string, service: string) => reportRow(comment, stack, service);
    return { code, comment, row };
}

const shortDigestOf = (ref: string): string => parseDigestRef(ref).digest.slice(0, 15);

async function stateTypes(s: Stack): Promise<Record<string, number>> {
    const resources = ((await s.exportStack()).deployment as { resources?: Array<{ type: string }> }).resources ?? [];
    const counts: Record<string, number> = {};
    for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
}

/** What a preview would change, resource by resource (the engine's own events), without "same". */
async function plannedSteps(s: Stack): Promise<Array<{ op: string; type: string; name: string }>> {
    const { changes } = await plannedChanges(s);
    return changes
        .filter((c) => c.op !== "same" && c.op !== "read")
        .map((c) => ({ op: c.op, type: c.type, name: c.urn.split("::").pop()! }))
        .sort((a, b) => `${a.type}${a.name}`.localeCompare(`${b.type}${b.name}`));
}

/** A BuildKit solve in CLI output (docker-build streams the build's own progress lines). */
const BUILDKIT_SOLVE = /#\d+ \[internal\] load build definition|#\d+ \[build \d+\/\d+\]/;

/** Reads the index at REF back from its registry (bytes hashed against the digest) and returns its platforms. */
async function readBack(ref: string, login?: Login): Promise<string[]> {
    const verified = await verifyImage(ref, { platforms: ["linux/amd64", "linux/arm64"], login });
    assert.equal(verified.digest, parseDigestRef(ref).digest, `${ref}: the registry serves these very bytes`);
    return verified.platforms.sort();
}

test("5b. local-staging and local-prod deploy dev's exact index digest without a build; local-prod's copy in the login registry is byte-identical, every platform present", async () => {
    for (const name of ENV_STACKS) envStacks[name] = await openStack(name);
    const dev = releaseOf(await stack.outputs());
    assert.equal(dev.ref, firstRef);
    assert.equal(dev.origin, "built");

    const staging = await timed("5b. pulumi up of local-staging (promotes dev)", () => runOperation(envStacks["local-staging"], "up", quiet));
    const stagingRelease = releaseOf(staging.outputs);
    assert.deepEqual(
        { ref: stagingRelease.ref, digest: stagingRelease.digest, revision: stagingRelease.revision, origin: stagingRelease.origin, fromStack: stagingRelease.fromStack },
        { ref: dev.ref, digest: dev.digest, revision: dev.revision, origin: "promoted", fromStack: "organization/goship/dev" },
        "local-staging runs dev's digest from dev's registry",
    );
    assert.match(staging.output, new RegExp(`goship promotion: hello: \\(none\\) → ${dev.digest} \\(from organization/goship/dev, revision ${dev.revision}\\)`));
    assert.equal(runningImage("local-staging"), dev.ref);
    const stagingTypes = await stateTypes(envStacks["local-staging"]);
    assert.equal(stagingTypes["docker-build:index:Image"], undefined, `no build in local-staging's state: ${JSON.stringify(stagingTypes)}`);
    assert.equal(stagingTypes["goship:index:GoImage"], undefined);
    assert.doesNotMatch(staging.output, BUILDKIT_SOLVE, "no BuildKit solve in local-staging's up");

    const prod = await timed("5b. pulumi up of local-prod (promotes local-staging, copies into the login registry)", () => runOperation(envStacks["local-prod"], "up", quiet));
    const prodRelease = releaseOf(prod.outputs);
    const login = loginRegistry();
    assert.equal(prodRelease.digest, dev.digest, "the copy keeps dev's digest");
    assert.equal(prodRelease.ref, `${login.server}/goship-prod/hello@${dev.digest}`);
    assert.equal(prodRelease.fromStack, "organization/goship/local-staging");
    assert.equal(runningImage("local-prod"), prodRelease.ref);
    assert.deepEqual(await readBack(prodRelease.ref, login), ["linux/amd64", "linux/arm64"], "every platform in the login registry");
    const { repository } = parseDigestRef(prodRelease.ref);
    const copied = await new Registry(login.server, login).manifest<Index>(repository, dev.digest);
    const original = await new Registry(parseDigestRef(dev.ref).registry).manifest<Index>(parseDigestRef(dev.ref).repository, dev.digest);
    assert.deepEqual(copied.body, original.body, "the copied index lists the same manifests (attestations included) as dev's");
    assert.equal(await new Registry(login.server).status(`${repository}/manifests/${dev.digest}`), 401, "the login registry is really another registry: no anonymous read");
    const prodTypes = await stateTypes(envStacks["local-prod"]);
    assert.equal(prodTypes["docker-build:index:Image"], undefined, `no build in local-prod's state: ${JSON.stringify(prodTypes)}`);
    assert.equal(prodTypes["docker-build:index:Index"], 2, "the copy (release tag) and the stack tag");
    assert.doesNotMatch(prod.output, BUILDKIT_SOLVE, "no BuildKit solve in local-prod's up");
    console.log(`[e2e]   ${dev.digest} built by dev, deployed by local-staging, copied to ${login.server} and deployed by local-prod`);
});

test("6. a one-line change to app/ rolls out a new digest and scales the old ReplicaSet down", async () => {
    const original = 'mux.HandleFunc("GET /healthz", s.healthz)';
    assert.ok(changedFileText.includes(original), `${CHANGED_FILE} no longer has the line the test changes`);
    fs.writeFileSync(CHANGED_FILE, changedFileText.replace(original, `${original} // e2e change ${Date.now()}`));
    const planned = await timed("6. dev's preview of the one-line change", () => plannedSteps(stack));
    const rebuilt = planned.filter((p) => p.type === "docker-build:index:Image");
    assert.deepEqual(rebuilt.map((p) => `${p.op} ${p.name}`), ["update hello-linux-amd64", "update hello-linux-arm64"], "one image rebuild per platform");
    assert.deepEqual(planned.filter((p) => p.type.startsWith("kubernetes:")).map((p) => `${p.op} ${p.name}`), ["update hello-deployment"], "one Deployment update, nothing else in the cluster");
    const others = planned.filter((p) => p.type !== "docker-build:index:Image" && !p.type.startsWith("kubernetes:"));
    assert.ok(others.every((p) => p.type === "docker-build:index:Index"), `besides them only the indexes that join the images: ${JSON.stringify(others)}`);
    console.log(`[e2e]   dev's preview: ${planned.map((p) => `${p.op} ${p.name}`).join(", ")}`);
    // The pull request's comment for this change: the three local stacks, against HEAD.
    const report = await timed("6r. npm run preview:report of the one-line change (3 stacks)", () => reportOf(["dev", "local-staging", "local-prod"]));
    assert.equal(report.code, 0, `no blocking problem:\n${report.comment}`);
    const first = shortDigestOf(firstRef);
    assert.match(report.row("dev", "hello"), /\| 🔨 rebuilt \(source changed\): linux\/amd64, linux\/arm64 \| ~ Deployment goship-dev\/hello \|/);
    for (const name of ENV_STACKS) {
        assert.match(report.row(name, "hello"), new RegExp(`\\| unchanged \`${first}\` .*\\| none \\|`), `${name} shows what it runs and no change`);
        assert.match(report.row(name, "(stack)"), /✅ no changes expected: nothing changes/, `${name} is not touched by app/ and must not change`);
    }
    // On the real node: requests go to the Service all through the rollout, and the old pods'
    // logs are followed until their containers exit.
    const oldPods = podsOf(kubectl, kube.namespace, service.name).map((p) => p.name);
    const entry = await serviceEntry(kubectl, kube.namespace, service.name);
    const logs = oldPods.map((name) => new FollowedLogs(kubectl, kube.namespace, name));
    const deletions = new DeletionWatch(kubectl, kube.namespace, service.name);
    const traffic = new Traffic(entry.url);
    const start = Date.now();
    let result: RunResult;
    let counted: { ok: number; failures: string[] };
    try {
        result = await timed("6. pulumi up after a one-line change", () => runOperation(stack, "up", quiet));
    } finally {
        counted = await traffic.stop();
        entry.close();
    }
    const seconds = (Date.now() - start) / 1000;
    await timed("6. the old pods drain and exit", () => Promise.race([Promise.all(logs.map((l) => l.done)), sleep(90_000)]));
    deletions.stop();
    logs.forEach((l) => l.stop());
    assert.deepEqual(counted.failures, [], `every request during the rollout succeeded (${counted.ok} did)`);
    assert.ok(counted.ok >= 10, `requests were sent during the rollout: ${counted.ok}`);
    const preStop = 5; // components/deploy/args.ts: preStopSleepSeconds' default
    for (const [i, name] of oldPods.entries()) {
        const asked = deletions.askedAt(name);
        const draining = logs[i].timeOf("draining");
        assert.ok(asked, `${name}: its deletion was seen`);
        assert.ok(draining && logs[i].timeOf("stopped"), `${name} logged SIGTERM's drain and a clean stop:\n${logs[i].lines}`);
        const waited = (draining.getTime() - asked.getTime()) / 1000;
        // deletionTimestamp has whole seconds: allow one.
        assert.ok(waited >= preStop - 1, `${name}: SIGTERM came ${waited.toFixed(1)} s after the deletion, after the ${preStop} s preStop sleep`);
        console.log(`[e2e]   ${name}: preStop sleep, then SIGTERM ${waited.toFixed(1)} s after its deletion; drained and stopped`);
    }
    console.log(`[e2e]   ${counted.ok} requests through the Service during the rollout, none failed`);
    const newRef = imageRef(result);
    assert.notEqual(newRef, firstRef, "a new digest");
    assertRolledOut(newRef);
    assertOnRealNode(podsOf(kubectl, kube.namespace, service.name), newRef);
    const sets = replicaSets();
    const current = sets.filter((s) => s.image === newRef);
    const old = sets.filter((s) => s.image === firstRef);
    assert.equal(current.length, 1);
    assert.equal(current[0].ready, service.replicas);
    // Scaled to 0, or already removed: no old ReplicaSet is kept (revisionHistoryLimit 0).
    assert.ok(old.every((s) => s.desired === 0), `old ReplicaSets scaled to 0: ${JSON.stringify(sets)}`);
    assert.equal(sets.filter((s) => s.desired > 0).length, 1, `only the new ReplicaSet runs: ${JSON.stringify(sets)}`);
    // The build reused a cache: go mod download did not run on either platform. It shows as
    // CACHED when BuildKit's local cache has it, and as a pull of the cached layers when they
    // come from the registry cache (an empty local cache: a fresh runner, or after a prune).
    for (const platform of ["linux-amd64", "linux-arm64"]) {
        const log = result.output.split("\n").filter((l) => l.includes(`hello-${platform} `)).join("\n");
        const sources = stepSources(log, GO_MOD_DOWNLOAD_STEP);
        assert.ok(sources.length > 0, `${platform}: no go mod download step in the build output`);
        assert.ok(!sources.includes("ran"), `${platform}: go mod download ran instead of coming from a cache: ${sources.join(", ")}`);
        console.log(`[e2e]   ${platform}: go mod download from the ${[...new Set(sources)].join(" and ")}`);
    }
    console.log(`[e2e]   rebuild and rollout with warm BuildKit cache: ${seconds.toFixed(1)} s (first up: ${firstUpSeconds.toFixed(1)} s)`);
    // The change stays until 6b has promoted it: dev's source is then what dev runs.
});

test("6b. after dev's rollout, local-staging's preview is exactly the digest move and the Deployment update; npm run promote moves it to local-staging, then local-prod", async () => {
    const dev = releaseOf(await stack.outputs());
    assert.notEqual(dev.ref, firstRef);
    const planned = await timed("6b. local-staging's preview of dev's new release", () => plannedSteps(envStacks["local-staging"]));
    assert.deepEqual(planned.map((p) => `${p.op} ${p.type} ${p.name}`), ["update kubernetes:apps/v1:Deployment hello-deployment"], "the digest move, nothing else");
    const report = await timed("6r. npm run preview:report of local-staging before the promotion", () => reportOf(["local-staging"]));
    assert.match(report.row("local-staging", "hello"), new RegExp(`⏩ promoted \`${shortDigestOf(firstRef)}\` → \`${dev.digest.slice(0, 15)}\` from \`dev\` \\(revision \`${dev.revision}\`\\)`));
    assert.match(report.row("local-staging", "hello"), /✅ upstream release: = organization\/goship\/dev /);
    // Nothing in the change touches local-staging: its only change is the pending promotion.
    assert.match(report.row("local-staging", "(stack)"), /✅ no changes expected: only the pending promotion of hello/);
    assert.equal(report.code, 0, `no blocking problem:\n${report.comment}`);
    const lines: string[] = [];
    const log = (line: string) => (lines.push(line), console.log(`    | [promote] ${line}`));
    const toStaging = await timed("6b. npm run promote -- dev local-staging", () => promote("dev", "local-staging", { log }));
    assert.deepEqual(toStaging, [{ service: "hello", from: parseDigestRef(firstRef).digest, to: dev.digest, revision: dev.revision }]);
    assert.ok(lines.includes(`hello: ${parseDigestRef(firstRef).digest} → ${dev.digest} (from organization/goship/dev, revision ${dev.revision})`), "the move is printed before the up");
    assert.equal(runningImage("local-staging"), dev.ref);
    const toProd = await timed("6b. npm run promote -- local-staging local-prod", () => promote("local-staging", "local-prod", { log }));
    assert.equal(toProd[0].to, dev.digest);
    const prodRef = `${loginRegistry().server}/goship-prod/hello@${dev.digest}`;
    assert.equal(runningImage("local-prod"), prodRef);
    assert.deepEqual(await readBack(prodRef, loginRegistry()), ["linux/amd64", "linux/arm64"]);
    const prodRelease = releaseOf(await envStacks["local-prod"].outputs());
    assert.equal(prodRelease.previous?.digest, parseDigestRef(firstRef).digest, "local-prod remembers the release it ran before");
    for (const name of ENV_STACKS) assert.equal((await stateTypes(envStacks[name]))["docker-build:index:Image"], undefined, `${name} never builds`);
    fs.writeFileSync(CHANGED_FILE, changedFileText);
});

test("7. a release whose pods never become ready fails within the rollout timeout; the old pods keep serving; the next good release recovers", async () => {
    const timeoutSeconds = 30;
    const before = deployment();
    const goodRef = before.spec.template.spec.containers[0].image as string;
    // A release whose readiness really fails: the kubelet probes a path the binary answers 404.
    const brokenPath = "/broken-readiness";
    writeStackConfig((svc) =>
        Object.assign(svc, { probes: { ...((svc.probes as object | undefined) ?? {}), readinessPath: brokenPath }, rolloutTimeoutSeconds: timeoutSeconds }),
    );
    const entry = await serviceEntry(kubectl, kube.namespace, service.name);
    const traffic = new Traffic(entry.url);
    const start = Date.now();
    let counted: { ok: number; failures: string[] };
    let failure: unknown;
    try {
        failure = await timed("7a. pulumi up of a broken release (expected to fail)", () => expectFailure("up of a broken release", () => runOperation(stack, "up", quiet)));
    } finally {
        counted = await traffic.stop();
        entry.close();
    }
    const seconds = (Date.now() - start) / 1000;
    assert.deepEqual(counted.failures, [], `every request during the broken rollout succeeded (${counted.ok} did)`);
    assert.ok(counted.ok >= 10, `requests were sent during the broken rollout: ${counted.ok}`);
    const counts = probeCounts(kubectl, kube.namespace);
    const stuck = kubectl
        .json(["-n", kube.namespace, "pods", "-l", `app.kubernetes.io/name=${service.name}`])
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        .items.filter((p: any) => p.spec.containers[0].readinessProbe?.httpGet?.path === brokenPath);
    assert.ok(stuck.length > 0, "the broken release's pods exist");
    for (const p of stuck) {
        assert.equal(p.spec.nodeName, process.env.GOSHIP_NODE_NAME, `${p.metadata.name} is on the real node`);
        assert.equal(p.status.containerStatuses[0].state.running !== undefined, true, `${p.metadata.name}'s binary runs`);
        assert.equal(p.status.containerStatuses[0].ready, false, `${p.metadata.name} is not ready`);
        assert.ok((counts[p.metadata.name]?.["Readiness/failed"] ?? 0) >= 1, `the kubelet's readiness probe of ${p.metadata.name} failed: ${JSON.stringify(counts[p.metadata.name])}`);
    }
    console.log(`[e2e]   broken release: ${stuck.length} pod(s) running, readiness failing (${stuck.map((p: { metadata: { name: string } }) => JSON.stringify(counts[p.metadata.name])).join(", ")}); ${counted.ok} requests during its rollout, none failed`);
    assert.ok(failure instanceof CommandError, `pulumi up must fail, got ${String(failure)}`);
    const message = String(failure);
    // The provider's waitFor await (components/deploy/rollout-await.ts): it names the
    // Deployment, says it timed out, and its status line says what it was waiting for.
    assert.match(message, /Deployment hello-deployment \*\*updating failed\*\*/, "the failure names the Deployment");
    assert.match(message, new RegExp(`"${kube.namespace}/${service.name}" failed to fully initialize or become live: timed out waiting for the condition`), "says the rollout timed out");
    assert.match(message, new RegExp(`Waiting for \\{\\.status\\.updatedReplicas\\}=${service.replicas} \\(found "[0-${service.replicas - 1}]"\\)`), "and what for: not every replica runs the new release");
    assert.ok(seconds < timeoutSeconds + 120, `failed after ${seconds.toFixed(0)} s; the rollout timeout is ${timeoutSeconds} s`);
    const during = deployment();
    assert.ok(during.status.availableReplicas >= service.replicas, `old pods stay available: ${JSON.stringify(during.status)}`);
    const good = replicaSets().filter((s) => s.image === goodRef && s.ready === service.replicas);
    assert.equal(good.length, 1, "the previous ReplicaSet still has all its replicas ready");
    console.log(`[e2e]   broken release failed after ${seconds.toFixed(1)} s with: ${message.split("\n").find((l) => /timed out|Timeout/i.test(l))?.trim()}`);

    // The broken release is not promotable: dev's record is still its last good release.
    await timed("7a. the broken release is refused for promotion", async () => {
        assert.equal(releaseOf(await stack.outputs()).ref, goodRef, "a failed up leaves dev's release record as it was");
        const preview = await runOperation(envStacks["local-staging"], "preview", { ...quiet, expectNoChanges: true });
        assert.match(preview.output, new RegExp(`goship promotion: hello: ${parseDigestRef(goodRef).digest} unchanged \\(from organization/goship/dev`), "local-staging's preview keeps the last good digest");
        const lines: string[] = [];
        const refusal = await expectFailure("promote after a broken release", () => promote("dev", "local-staging", { log: (l) => lines.push(l) }));
        assert.match(lines.join("\n"), /dev's last update \(version \d+\) failed: its releases are still those of its last successful update/, `says why: ${lines.join(" | ")}`);
        assert.match(String(refusal), /dev has pending changes .*: its preview is not empty/, "and refuses while dev's config is not what it runs");
        assert.equal(runningImage("local-staging"), goodRef, "local-staging keeps serving the previous digest");
        assert.equal(runningImage("local-prod"), `${loginRegistry().server}/goship-prod/hello@${parseDigestRef(goodRef).digest}`, "and so does local-prod");
    });

    fs.writeFileSync(STACK_FILE, stackFileText);
    const result = await timed("7b. pulumi up of the good release", () => runOperation(stack, "up", quiet));
    assertRolledOut(imageRef(result));
    const broken = replicaSets().filter((s) => s.desired > 0 && s.ready < s.desired);
    assert.deepEqual(broken, [], "no unready ReplicaSet left running");
});

test("7f. rollback of local-prod to its previous release: pinned from its own record, no build", async () => {
    const before = releaseOf(await envStacks["local-prod"].outputs());
    assert.ok(before.previous, "local-prod has a previous release");
    const start = Date.now();
    const moves = await timed("7f. npm run promote -- --rollback local-prod", () => rollback("local-prod", { log: (l) => console.log(`    | [promote] ${l}`) }));
    const seconds = (Date.now() - start) / 1000;
    assert.deepEqual(moves, [{ service: "hello", from: before.digest, to: parseDigestRef(firstRef).digest, revision: before.previous.revision }]);
    assert.equal(runningImage("local-prod"), before.previous.ref, "the previous digest runs again");
    // By a ReplicaSet made for the rollback, not one kept from before (revisionHistoryLimit 0):
    // the provider's await on a reused ReplicaSet can return before it is scaled up.
    const rolledBack = replicaSets(namespaceOf("local-prod")).filter((s) => s.desired > 0);
    assert.equal(rolledBack.length, 1, "one ReplicaSet runs local-prod after the rollback");
    assert.ok(Date.parse(rolledBack[0].created) >= Math.floor(start / 1000) * 1000, `${rolledBack[0].name} was created by the rollback (at ${rolledBack[0].created})`);
    const after = releaseOf(await envStacks["local-prod"].outputs());
    assert.equal(after.origin, "pinned");
    assert.equal(after.previous?.digest, before.digest, "and the rolled-back release is now the previous one");
    assert.equal((await stateTypes(envStacks["local-prod"]))["docker-build:index:Image"], undefined, "no build");
    assert.match(fs.readFileSync(path.join(repoRoot, "Pulumi.local-prod.yaml"), "utf8"), new RegExp(`source: pinned\\n\\s+ref: ${before.previous.ref.replace(/[.]/g, "\\.")}`), "the pin is in the stack file, for review");
    console.log(`[e2e]   rollback of local-prod to ${before.previous.digest}: ${seconds.toFixed(1)} s, no build`);
    // Undo the pin (the stack file as committed promotes again), and promote forward.
    fs.writeFileSync(path.join(repoRoot, "Pulumi.local-prod.yaml"), envFileTexts["local-prod"]);
    // dev's recovery (7b) is a release of its own: local-staging takes it first, since a stage
    // with pending changes is not promoted from.
    const log = (l: string) => console.log(`    | [promote] ${l}`);
    await timed("7f. npm run promote -- dev local-staging (dev's recovered release)", () => promote("dev", "local-staging", { log }));
    const forward = await timed("7f. npm run promote -- local-staging local-prod (forward again)", () => promote("local-staging", "local-prod", { log }));
    assert.equal(forward[0].to, releaseOf(await stack.outputs()).digest, "local-prod runs dev's current release again");
    assert.equal(releaseOf(await envStacks["local-prod"].outputs()).origin, "promoted");
});

test("7c. bad input on the deployed stack: every case of the matrix fails at preview and at up, naming the key and the fix; nothing is registered or changed", async () => {
    const before = deployment();
    const stateBefore = await stateSnapshot();
    const stateBeforeButBuiltin = await stateSnapshot(BUILTIN_PROVIDER);
    await timed(`7c. ${BAD_INPUTS.length} bad inputs, each refused by preview and by up`, async () => {
        for (const [name, change, expected] of BAD_INPUTS) {
            writeStackConfig(change);
            try {
                for (const operation of ["preview", "up"] as const) {
                    let output = "";
                    const failure = await expectFailure(`${operation} with ${name}`, () =>
                        runOperation(stack, operation, { onOutput: (t) => { output += t; quiet.onOutput(t); } }),
                    );
                    assert.ok(failure instanceof ConfigError, `${name}: ${operation} must be refused by the preflight, got ${String(failure)}`);
                    assert.match(String(failure), expected, `${name}: ${operation}'s error names the key and the fix`);
                    assert.equal(output, "", `${name}: the ${operation} never started, so nothing was registered`);
                }
            } finally {
                fs.writeFileSync(STACK_FILE, stackFileText);
            }
            assert.equal(await stateSnapshot(), stateBefore, `${name}: the stack's state is unchanged`);
        }
    });
    // The same matrix with the runner's preflight off: the program refuses each by itself,
    // with the same key and fix, through Pulumi's error path (the CLI's failure, no
    // unhandled rejection in this process), and the engine changes nothing.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
        const programCases = BAD_INPUTS.filter(([name]) => !REFUSED_BY_THE_CLI.has(name));
        await timed(`7c. ${programCases.length} bad inputs, each refused by the program itself at preview and at up`, async () => {
            for (const [name, change, expected] of programCases) {
                writeStackConfig(change);
                try {
                    for (const operation of ["preview", "up"] as const) {
                        let output = "";
                        const failure = await expectFailure(`${operation} with ${name} (program only)`, () =>
                            runOperation(stack, operation, { preflight: false, onOutput: (t) => { output += t; quiet.onOutput(t); } }),
                        );
                        assert.ok(failure instanceof CommandError, `${name}: the CLI's ${operation} fails, got ${String(failure)}`);
                        assert.match(output, expected, `${name}: the program's ${operation} names the key and the fix`);
                        // A RunError: reported without a stack trace, not as the SDK's "Unhandled exception".
                        assert.doesNotMatch(output, /Unhandled exception|\n\s+at \S+ \(\S+:\d+:\d+\)/, `${name}: a clean refusal, not a crash`);
                    }
                } finally {
                    fs.writeFileSync(STACK_FILE, stackFileText);
                }
                assert.equal(await stateSnapshot(BUILTIN_PROVIDER), stateBeforeButBuiltin, `${name}: the stack's state is unchanged (but for Pulumi's builtin provider)`);
            }
        });
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(unhandled, [], "no rejection was left unhandled in the runner's process");
    } finally {
        process.off("unhandledRejection", onUnhandled);
    }
    const after = deployment();
    assert.equal(after.metadata.generation, before.metadata.generation, "the Deployment was never updated");
    assert.equal(after.spec.template.spec.containers[0].image, before.spec.template.spec.containers[0].image);
    assertRolledOut(before.spec.template.spec.containers[0].image);
});

test("7d. a registry password and a secret env value reach what needs them but never the state, the CLI output, the stack file or rendered YAML", async () => {
    const login = loginRegistry();
    const token = `e2e-token-${process.pid}-${Date.now()}`;
    // Push to the registry that requires a login; the base image still comes from the
    // anonymous one.
    // The real node pulls from there with the pods' own login (a pull Secret from pullCredentials).
    const pull = pullLogin();
    writeStackConfig((svc, config) => {
        Object.assign(svc, { secretEnv: { E2E_TOKEN: "e2eToken" } });
        Object.assign(config["goship:registry"] as Record<string, unknown>, { server: login.server, username: login.username });
        Object.assign(config["goship:kubernetes"] as Record<string, unknown>, { pullCredentials: { username: pull.username, passwordKey: "pullPassword" } });
    });
    await stack.setConfig("goship:e2eToken", { value: token, secret: true });
    await stack.setConfig("goship:registryPassword", { value: login.password, secret: true });
    await stack.setConfig("goship:pullPassword", { value: pull.password, secret: true });
    try {
        const preview = await timed("7d. pulumi preview --diff with a registry login and a secret env", () => runOperation(stack, "preview", { ...quiet, diff: true }));
        const up = await timed("7d. pulumi up with a registry login and a secret env", () => runOperation(stack, "up", { ...quiet, diff: true }));
        const ref = imageRef(up);
        assert.ok(ref.startsWith(`${login.server}/`), `the image went to the login registry: ${ref}`);
        assertRolledOut(ref);
        const { registry, repository, digest } = parseDigestRef(ref);
        assert.equal(await new Registry(registry).status(`${repository}/manifests/${digest}`), 401, "the registry refuses an anonymous read");
        assert.equal((await new Registry(registry, login).manifest<Index>(repository, digest)).digest, digest, "and serves the index to the login");

        // Not stack.exportStack(): the Automation API exports with --show-secrets.
        const exported = run("pulumi", ["stack", "export", "--stack", "dev", "--cwd", repoRoot]);
        const renderedYaml = await withRenderedStack("dev", (files) => files.map((f) => fs.readFileSync(f, "utf8")).join("\n"));
        const places: Array<[string, string]> = [
            ["preview output", preview.output],
            ["up output", up.output],
            ["`pulumi stack export`", exported],
            ["state file at rest", stateFileText("dev")],
            ["stack file", fs.readFileSync(STACK_FILE, "utf8")],
            ["rendered YAML", renderedYaml],
        ];
        // Each secret as written, base64-encoded (Secret data) and as a Docker config's
        // `auth` (base64 of user:password).
        const forms: Array<[string, string]> = [
            ["the secret env value", token],
            ["the secret env value (base64)", Buffer.from(token).toString("base64")],
            ["the registry password", login.password],
            ["the registry password (base64)", Buffer.from(login.password).toString("base64")],
            ["the registry login (base64 user:password)", Buffer.from(`${login.username}:${login.password}`).toString("base64")],
            ["the pull password", pull.password],
            ["the pull login (base64 user:password)", Buffer.from(`${pull.username}:${pull.password}`).toString("base64")],
        ];
        for (const [where, text] of places) {
            for (const [what, form] of forms) assert.ok(!text.includes(form), `${what} appears in the ${where}`);
        }
        // The state does hold the password, encrypted (so the search above looked where it is).
        const SECRET_SIG = "4dabf18193072939515e22adb298388d"; // Pulumi's marker for a secret value
        const images = (JSON.parse(exported) as { deployment: { resources: Array<{ type: string; inputs?: { registries?: Array<{ password?: Record<string, string> }> } }> } }).deployment.resources.filter(
            (r) => r.type === "docker-build:index:Image",
        );
        assert.ok(images.length > 0, "the state has the images");
        for (const image of images) {
            const password = image.inputs?.registries?.[0]?.password;
            assert.ok(password?.[SECRET_SIG] && password.ciphertext, `the image's registry password is stored as a ciphertext: ${JSON.stringify(password)}`);
        }
        const secret = kubectl.json(["-n", kube.namespace, "secret", `${service.name}-env`]);
        assert.equal(Buffer.from(secret.data.E2E_TOKEN, "base64").toString("utf8"), token, "the cluster's Secret holds the value");
        const env = deployment().spec.template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: unknown }>;
        assert.deepEqual(env.find((e) => e.name === "E2E_TOKEN"), { name: "E2E_TOKEN", valueFrom: { secretKeyRef: { name: `${service.name}-env`, key: "E2E_TOKEN" } } });
    } finally {
        fs.writeFileSync(STACK_FILE, stackFileText);
    }
});

test("8. pulumi destroy --yes leaves the cluster and the stack empty", async () => {
    for (const name of [...ENV_STACKS].reverse()) {
        await timed(`8. pulumi destroy of ${name}`, () => runOperation(envStacks[name], "destroy", quiet));
        assert.equal(kubectl.exists(["namespace", namespaceOf(name)]), false, `namespace ${namespaceOf(name)} is gone`);
    }
    await timed("8. pulumi destroy", () => runOperation(stack, "destroy", quiet));
    const state = (await stack.exportStack()).deployment as { resources?: unknown[] };
    assert.equal((state.resources ?? []).length, 0, "no resource left in the stack");
    assert.equal(kubectl.exists(["namespace", kube.namespace]), false, `namespace ${kube.namespace} is gone`);
    const leftovers = kubectl.run(["get", "deployments,services,configmaps,secrets,serviceaccounts,poddisruptionbudgets,networkpolicies,horizontalpodautoscalers,priorityclasses", "-A", "-l", "app.kubernetes.io/managed-by=pulumi", "-o", "name"]).trim();
    assert.equal(leftovers, "", "no goship object anywhere in the cluster");
});

/** `kubectl apply --dry-run=server --validate=strict` of FILES: the API server's verdict, nothing stored. */
function serverDryRun(files: string[]): { status: number; stdout: string; stderr: string } {
    return kubectl.capture(["apply", "--dry-run=server", "--validate=strict", ...files.flatMap((f) => ["-f", f])]);
}

test("9. every stack as rendered is accepted by the API server: strict field validation, admission, no warning", async () => {
    await timed("9. server-side dry run of dev, staging, prod, local-staging, local-prod and local-catalog", async () => {
        for (const stackName of ["dev", "staging", "prod", ...ENV_STACKS, "local-catalog"]) {
            await withRenderedStack(stackName, (files) => {
                const namespaceFile = files.find((f) => path.basename(f).startsWith("v1-namespace-"));
                assert.ok(namespaceFile, `${stackName} renders its Namespace`);
                const namespace = (parseYaml(fs.readFileSync(namespaceFile, "utf8")) as { metadata: { name: string } }).metadata.name;
                assert.equal(kubectl.exists(["namespace", namespace]), false, `namespace ${namespace} must not exist before the dry run`);
                // A dry run of namespaced objects needs their namespace: the rendered one is
                // created for real (with its Pod Security labels) and removed afterwards.
                kubectl.run(["create", "-f", namespaceFile]);
                try {
                    const objects = files.filter((f) => f !== namespaceFile);
                    const dryRun = serverDryRun(objects);
                    assert.equal(dryRun.status, 0, `${stackName}: the API server refuses:\n${dryRun.stderr}`);
                    assert.equal(dryRun.stderr, "", `${stackName}: the API server warns`);
                    assert.equal(dryRun.stdout.match(/\(server dry run\)$/gm)?.length, objects.length, `${stackName}: every object accepted:\n${dryRun.stdout}`);
                    console.log(`[e2e]   ${stackName}: ${objects.length} objects + namespace ${namespace} accepted, no warning`);
                    // The check is real: the same Deployment on the host network draws Pod
                    // Security's warning, an unknown field a strict-validation error.
                    const deploymentFile = objects.find((f) => path.basename(f).startsWith("apps_v1-deployment-"))!;
                    const doc = parseYaml(fs.readFileSync(deploymentFile, "utf8")) as { spec: { template: { spec: { hostNetwork?: boolean; containers: Array<Record<string, unknown>> } } } };
                    doc.spec.template.spec.hostNetwork = true;
                    fs.writeFileSync(deploymentFile, stringifyYaml(doc));
                    assert.match(serverDryRun([deploymentFile]).stderr, /would violate PodSecurity "restricted/);
                    doc.spec.template.spec.containers[0].securityContxt = {};
                    fs.writeFileSync(deploymentFile, stringifyYaml(doc));
                    assert.match(serverDryRun([deploymentFile]).stderr, /unknown field "spec\.template\.spec\.containers\[0\]\.securityContxt"/);
                } finally {
                    kubectl.run(["delete", "namespace", namespace, "--timeout=60s"]);
                }
            });
        }
    });
});
