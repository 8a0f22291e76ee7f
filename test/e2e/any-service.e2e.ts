/**
 * End-to-end: an ordinary Go service shipped through goship's config alone (issue "ship any
 * Go service unchanged", docs/any-service.md). The fixture test/fixtures/catalog has
 * third-party modules from the Go module proxy, a private module served by tools/modproxy
 * on loopback (HTTPS, basic auth), a local module beside it (`replace ../shared/...`, so the
 * build context is the monorepo root test/fixtures), flags it cannot start without, its own
 * port and probe paths, and static files it reads from a relative path. The stack
 * local-catalog builds it for linux/amd64, linux/arm64 and windows/amd64 into one index and
 * rolls it out on the local cluster. No file of the fixture is changed by any of this.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { Stack } from "@pulumi/pulumi/automation";
import { linuxBinaryPath, windowsBinaryPath } from "../../components/build/dockerfile";
import { openStack, repoRoot, runOperation } from "../../tools/local/stack";
import { docker, Kubectl, run } from "./support/commands";
import { diagnoseFailedStep } from "./support/diagnostics";
import { stepTimer } from "./support/timing";
import { assertOnRealNode, podsOf } from "./support/real-node";
import { stateFileText } from "./support/state";
import { elfArchitecture, ImageConfig, Index, Manifest, parseDigestRef, peArchitecture, Registry, tarHeaders } from "./support/registry";
import { effectiveStackConfig } from "../harness/stack-files";

const STACK = "local-catalog";
const STACK_FILE = path.join(repoRoot, `Pulumi.${STACK}.yaml`);
const stackFileText = fs.readFileSync(STACK_FILE, "utf8");
const config = effectiveStackConfig(STACK);
interface CatalogSpec {
    name: string;
    path: string;
    context: string;
    port: number;
    replicas: number;
    args: string[];
    assets: string[];
    platforms: string[];
    probes: { livenessPath: string; readinessPath: string };
    moduleCredentials: { machine: string; login: string; passwordKey: string }[];
}
const catalog = (config["goship:services"] as CatalogSpec[])[0];
const kube = config["goship:kubernetes"] as { kubeconfig: string; context: string; namespace: string };
const kubectl = new Kubectl(path.resolve(repoRoot, kube.kubeconfig), kube.context);
afterEach(diagnoseFailedStep(kubectl));
const state = process.env.GOSHIP_STATE ?? path.join(repoRoot, ".goship");
/** The private module the fixture needs, and where its source is. */
const PRIVATE_MODULE = "goship.test/private/greeting@v1.0.0";
const PRIVATE_SOURCE = path.join(repoRoot, "test", "fixtures", "private", "greeting");

let stack: Stack;
let proxy: ChildProcess | undefined;
let password = "";
let imageRef = "";
const outputs: string[] = [];

const { timed, summary } = stepTimer();

const collect = { onOutput: (t: string) => (outputs.push(t), process.stdout.write(t.replace(/^/gm, "    | "))) };

/** Starts tools/modproxy on the machine GOPROXY names (127.0.0.1:PORT), with a fresh random password. */
async function startModuleProxy(): Promise<void> {
    const machine = catalog.moduleCredentials[0].machine;
    const port = machine.split(":")[1];
    const dir = path.join(state, "modproxy");
    fs.mkdirSync(dir, { recursive: true });
    const binary = path.join(dir, "modproxy");
    run("go", ["build", "-C", path.join(repoRoot, "tools", "modproxy"), "-o", binary, "."]);
    password = crypto.randomBytes(18).toString("base64url");
    const credentials = path.join(dir, "credentials");
    fs.writeFileSync(credentials, `${catalog.moduleCredentials[0].login}:${password}\n`, { mode: 0o600 });
    proxy = spawn(binary, ["-port", port, "-credentials", credentials, "-tls-dir", path.join(dir, "tls"), "-module", `${PRIVATE_MODULE}=${PRIVATE_SOURCE}`], {
        stdio: ["ignore", "pipe", "pipe"],
    });
    const log = fs.createWriteStream(path.join(dir, "modproxy.log"));
    proxy.stderr!.pipe(log);
    await new Promise<void>((resolve, reject) => {
        proxy!.once("exit", (code) => reject(new Error(`modproxy exited with ${code}; see ${dir}/modproxy.log`)));
        proxy!.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening on") && resolve());
    });
}

/** Every file of every blob the repository holds under any tag (layers, configs, cache), as text to search. */
async function everyBlobText(reg: Registry, repository: string): Promise<string> {
    const list = await reg.tags(repository);
    const seen = new Set<string>();
    const texts: string[] = [];
    const visit = async (reference: string): Promise<void> => {
        const { body, digest } = await reg.manifest<Index | Manifest>(repository, reference);
        if (seen.has(digest)) return;
        seen.add(digest);
        texts.push(JSON.stringify(body));
        if ("manifests" in body && body.manifests) {
            for (const m of body.manifests) await visit(m.digest);
            return;
        }
        const manifest = body as Manifest;
        for (const blob of [manifest.config, ...manifest.layers]) {
            if (seen.has(blob.digest)) continue;
            seen.add(blob.digest);
            const bytes = await reg.blob(repository, blob.digest);
            const plain = blob.mediaType.endsWith("gzip") ? zlib.gunzipSync(bytes) : bytes;
            texts.push(plain.toString("latin1"));
        }
    };
    for (const tag of list) await visit(tag);
    return texts.join("\n");
}

/**
 * The private module must really be fetched by this run's build: a fresh proxy certificate
 * (the CA the build trusts, so every step from it on reruns) and no module cache left in
 * BuildKit's cache mounts. A fresh CI machine has neither anyway.
 */
function forgetEarlierFetches(): void {
    fs.rmSync(path.join(state, "modproxy", "tls"), { recursive: true, force: true });
    run("buildctl", ["prune", "--filter", 'type==exec.cachemount,description~="/go/pkg/mod"']);
}

before(async () => {
    stack = await openStack(STACK);
    forgetEarlierFetches();
    await startModuleProxy();
    const key = catalog.moduleCredentials[0].passwordKey;
    await stack.setConfig(`goship:${key}`, { value: password, secret: true });
});

after(async () => {
    proxy?.kill("SIGTERM");
    fs.writeFileSync(STACK_FILE, stackFileText);
    console.log("[e2e] any-service step times:\n" + summary());
});

test("A1. pulumi up of local-catalog: third-party and private modules fetched during the image build, three platforms, rolled out", async () => {
    const result = await timed("A1. pulumi up (catalog)", () => runOperation(stack, "up", collect));
    imageRef = (result.outputs.images?.value as Record<string, string>)[catalog.name];
    assert.match(imageRef, /^127\.0\.0\.1:5000\/goship\/catalog@sha256:[0-9a-f]{64}$/);
    const d = kubectl.json(["-n", kube.namespace, "deployment", catalog.name]);
    const container = d.spec.template.spec.containers[0];
    assert.equal(container.image, imageRef);
    assert.deepEqual(container.args, catalog.args, "the flags the service needs to start");
    assert.equal(container.livenessProbe.httpGet.path, catalog.probes.livenessPath);
    assert.equal(container.readinessProbe.httpGet.path, catalog.probes.readinessPath);
    assert.equal(d.status.availableReplicas, catalog.replicas);
    // Started by the real node's kubelet: its flags, its assets and its probes really work.
    assertOnRealNode(podsOf(kubectl, kube.namespace, catalog.name), imageRef);
    const log = fs.readFileSync(path.join(state, "modproxy", "modproxy.log"), "utf8");
    assert.match(log, /GET \/goship\.test\/private\/greeting\/@v\/v1\.0\.0\.zip 200 auth=ok/, `the build fetched the private module with its login:\n${log}`);
});

test("A2. the registry holds one index for linux/amd64, linux/arm64 and windows/amd64; each image holds the binary and exactly the declared assets", async () => {
    await timed("A2. registry, layers, Windows image", async () => {
        const { repository, digest } = parseDigestRef(imageRef);
        const reg = new Registry("127.0.0.1:5000");
        const index = (await reg.manifest<Index>(repository, digest)).body;
        const images = index.manifests.filter((m) => m.platform?.os !== "unknown");
        assert.deepEqual(images.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort(), [...catalog.platforms].sort());
        const assetFiles = (root: string) =>
            catalog.assets.flatMap((dir) => fs.readdirSync(path.join(repoRoot, catalog.path, dir)).map((f) => `${root}${dir}/${f}`)).sort();
        for (const m of images) {
            const manifest = (await reg.manifest<Manifest>(repository, m.digest)).body;
            const cfg = JSON.parse((await reg.blob(repository, manifest.config.digest)).toString("utf8")) as ImageConfig & { config: { WorkingDir?: string; Env?: string[] } };
            const files = await reg.filesInImage(repository, manifest);
            if (m.platform?.os === "windows") {
                assert.equal(cfg.os, "windows");
                const exe = `Files/${windowsBinaryPath(catalog.name).slice(3).replace(/\\/g, "/")}`;
                const binary = await reg.fileInImage(repository, manifest, exe);
                assert.ok(binary, `${exe} in the Windows layers; files: ${files.join(", ")}`);
                assert.equal(peArchitecture(binary), "PE32+ amd64");
                for (const f of assetFiles("Files/app/")) assert.ok(files.includes(f), `${f} in the Windows image`);
                console.log(`[e2e]   windows/amd64: ${exe} ${peArchitecture(binary)}, ${(binary.length / 2 ** 20).toFixed(1)} MiB; config os ${cfg.os}`);
                continue;
            }
            const binaryPath = linuxBinaryPath(catalog.name);
            const binary = await reg.fileInImage(repository, manifest, binaryPath);
            assert.ok(binary);
            assert.equal(elfArchitecture(binary), m.platform?.architecture);
            // The binary, goship's support files and the assets: nothing else (no shell, no source).
            assert.deepEqual(files, [binaryPath.slice(1), "etc/group", "etc/passwd", "etc/ssl/certs/ca-certificates.crt", "usr/share/zoneinfo.zip", ...assetFiles("app/")].sort());
            assert.equal(cfg.config.WorkingDir, "/app");
            assert.ok(cfg.config.Env?.includes("GOSHIP_ASSETS_DIR=/app"), `env ${cfg.config.Env}`);
            // Readable, not writable, by the non-root user: root-owned, o+r, no g+w or o+w.
            for (const layer of manifest.layers) {
                for (const [name, entry] of tarHeaders(zlib.gunzipSync(await reg.blob(repository, layer.digest)))) {
                    if (!name.startsWith("app/")) continue;
                    assert.equal(entry.uid, 0, `${name} owned by root`);
                    assert.ok(entry.mode & 0o004 && !(entry.mode & 0o022), `${name} mode ${entry.mode.toString(8)}`);
                }
            }
            const bytes = manifest.layers.reduce((n, l) => n + l.size, 0);
            console.log(`[e2e]   linux/${m.platform?.architecture}: ELF ${elfArchitecture(binary)}, image ${(bytes / 2 ** 20).toFixed(1)} MiB compressed, ${files.length} files`);
        }
    });
});

test("A3. the image, run with the Deployment's args as non-root on a read-only root, answers its probes and serves its static files", async () => {
    await timed("A3. docker run (catalog)", async () => {
        const port = catalog.port;
        const name = `goship-e2e-catalog-${process.pid}`;
        docker(["run", "-d", "--name", name, "--network", "host", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--platform", "linux/amd64", imageRef, ...catalog.args]);
        try {
            const base = `http://127.0.0.1:${port}`;
            const deadline = Date.now() + 60_000;
            let live: Response | undefined;
            while (!live) {
                live = await fetch(`${base}${catalog.probes.livenessPath}`).catch(() => undefined);
                if (!live && Date.now() > deadline) assert.fail(`no answer on ${base}; logs:\n${docker(["logs", name])}`);
                if (!live) await new Promise((r) => setTimeout(r, 200));
            }
            assert.equal(live.status, 200);
            assert.equal((await fetch(`${base}${catalog.probes.readinessPath}`)).status, 200);
            for (const file of ["index.html", "app.css"]) {
                const served = await (await fetch(`${base}/${file}`)).text();
                assert.equal(served, fs.readFileSync(path.join(repoRoot, catalog.path, "static", file), "utf8"), `${file} as the fixture has it`);
            }
            const greeting = (await (await fetch(`${base}/api/greeting?name=goship`)).json()) as { greeting: string };
            assert.match(greeting.greeting, /goship/, "the private module's code runs");
            // The local module (replace ../shared/banner) and the -X pair from go.ldflags.
            const info = (await (await fetch(`${base}/api/info`)).json()) as { banner: string; version: string };
            assert.equal(info.banner, "catalog (fixture edition)");
            assert.match(info.version, /^[0-9a-f]{12}/, "the version variable carries the revision");
            docker(["kill", "--signal", "TERM", name]);
            assert.equal(docker(["wait", name]), "0", `graceful exit; logs:\n${docker(["logs", name])}`);
        } finally {
            try {
                docker(["rm", "-f", name]);
            } catch {
                /* already gone */
            }
        }
    });
});

test("A4. the module password is nowhere: not in any blob of the repository (layers, configs, history, cache), the state, the CLI output or the stack file", async () => {
    await timed("A4. password nowhere", async () => {
        assert.ok(password.length >= 20);
        const { repository } = parseDigestRef(imageRef);
        const blobs = await everyBlobText(new Registry("127.0.0.1:5000"), repository);
        assert.ok(blobs.length > 1_000_000, "the layers were read");
        assert.ok(!blobs.includes(password), "in a registry blob");
        // The state at rest (the Automation API's exportStack would decrypt it).
        const stateText = stateFileText(STACK);
        const checkpoint = JSON.parse(stateText) as { checkpoint: { latest: { resources: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> } } };
        const images = checkpoint.checkpoint.latest.resources.filter((r) => r.type === "docker-build:index:Image");
        assert.equal(images.length, catalog.platforms.length);
        for (const image of images) {
            for (const side of [image.inputs, image.outputs]) {
                const secrets = side?.secrets as Record<string, unknown> | undefined;
                assert.ok(secrets && typeof secrets.ciphertext === "string", `each Image keeps its build secrets as ciphertext: ${JSON.stringify(secrets)}`);
            }
        }
        assert.ok(!stateText.includes(password), "in the state");
        assert.ok(!outputs.join("").includes(password), "in the CLI output");
        assert.ok(!fs.readFileSync(STACK_FILE, "utf8").includes(password), "in the stack file");
    });
});

test("A5. nothing changed: a second preview is empty, also after files change that the context policy leaves out", async (t) => {
    // Ignored by goship's policy and by git (node_modules), by git only (*.log, so by the policy too), or
    // outside what the build sends (private/, untracked): none may change the context hash or the revision.
    const junk = [
        path.join(repoRoot, catalog.path, "node_modules", "left-over.js"),
        path.join(repoRoot, catalog.path, "debug.log"),
        path.join(repoRoot, catalog.context, "private", "greeting", "NOTES.txt"),
    ];
    t.after(() => junk.forEach((f) => fs.rmSync(f, { force: true })));
    await timed("A5. no-change preview", () => runOperation(stack, "preview", { ...collect, expectNoChanges: true }));
    for (const f of junk) {
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, "not part of the build\n");
    }
    await timed("A5. preview with excluded files changed", () => runOperation(stack, "preview", { ...collect, expectNoChanges: true }));
});

test("A6. pulumi destroy leaves the catalog's namespace empty", async () => {
    await timed("A6. destroy (catalog)", () => runOperation(stack, "destroy", collect));
    assert.ok(!kubectl.exists(["-n", kube.namespace, "deployment", catalog.name]));
});

