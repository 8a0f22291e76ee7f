/**
 * End-to-end: what goship's images carry, on the real local platform (README "Supply
 * chain", docs/supply-chain.md). Runs after the other e2e files, on the provisioned platform:
 *
 *  S1. two clean builds of one revision (BuildKit pruned before each, a repository of its
 *      own each, so no cache of any kind; the second from a clone made under umask 002) give
 *      the same index digest and the same per-platform digests;
 *  S2. dev's `up` signs its index and attests each platform: the registry holds the cosign
 *      signature, the SBOM (CycloneDX, listing the binary's modules) and the SLSA provenance,
 *      read back through the registry API and parsed, and `cosign verify --key` and
 *      `cosign verify-attestation --key` accept them; the release record names them;
 *  S3. local-prod (production) refuses a digest nobody signed at preview, naming the key
 *      and the fix, and previews dev's signed one; S3b. promoted through local-staging into
 *      local-prod's login registry, the copy carries the signature and attestations, which
 *      `cosign verify --key` accepts there with the pods' pull login;
 *  S4. the vulnerable fixture (golang.org/x/text v0.3.6, language.Parse called): dev's
 *      policy reports its findings and deploys; local-prod's refuses it at preview.
 * The vulnerability database is the offline one built from golang.org/x/vulndb
 * (tools/supplychain/vulndb.sh, .goship/vulndb), not a fixture.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { GoImage } from "../../components/go-image";
import { RepositoryReader, parseImageRef } from "../../components/publish/registry-api";
import { parsePublicKey } from "../../components/supply-chain/cosign-format";
import { withDockerConfig } from "../../components/supply-chain/docker-config";
import { CYCLONEDX_PREDICATE, platformDigests, readAttestations, signatureProblem } from "../../components/supply-chain/record";
import { SLSA_PROVENANCE_V1 } from "../../components/supply-chain/provenance";
import { normalizeContextModes } from "../../stack/context-modes";
import { releasesOf } from "../../stack/release";
import { openStack, repoRoot, runOperation } from "../../tools/local/stack";
import { outputValues } from "../../tools/local/outputs";
import { run } from "./support/commands";
import { stepTimer } from "./support/timing";

const { timed } = stepTimer();
const quiet = { onOutput: (t: string) => process.stdout.write(t.replace(/^/gm, "    | ")) };
const REGISTRY = process.env.GOSHIP_REGISTRY ?? "127.0.0.1:5000";
const PUBLIC_KEY = fs.readFileSync(path.join(repoRoot, "cosign.pub"), "utf8");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "goship-supply-chain-"));
const token = Date.now().toString(36);
const LOCAL_PROD_FILE = path.join(repoRoot, "Pulumi.local-prod.yaml");
const localProdText = fs.readFileSync(LOCAL_PROD_FILE, "utf8");

after(() => {
    fs.writeFileSync(LOCAL_PROD_FILE, localProdText);
    fs.rmSync(scratch, { recursive: true, force: true });
});

/** A clone of this repository's HEAD made under UMASK. */
function cloneUnder(umask: string, name: string): string {
    const dir = path.join(scratch, name);
    execFileSync("bash", ["-c", `umask ${umask} && git clone -q "$0" "$1"`, repoRoot, dir]);
    return dir;
}

/** GoImage of the clone's app/ alone (as index.ts builds it), into REPOSITORY, on an empty BuildKit; its digests. */
async function cleanBuild(clone: string, repository: string): Promise<{ index: string; platforms: Record<string, string> }> {
    run("buildctl", ["--addr", process.env.BUILDKIT_HOST ?? "", "prune", "--all"]);
    normalizeContextModes(path.join(clone, "app"));
    const commit = run("git", ["-C", clone, "log", "-1", "--format=%H %ct"]).trim().split(" ");
    const state = path.join(scratch, "state");
    fs.mkdirSync(state, { recursive: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        {
            projectName: "goship-repro",
            stackName: path.basename(repository),
            program: async () => {
                const image = new GoImage("hello", {
                    context: "app",
                    main: "./cmd/hello",
                    revision: commit[0].slice(0, 12),
                    version: commit[0].slice(0, 12),
                    sourceDateEpoch: commit[1],
                    platforms: ["linux/amd64", "linux/arm64"],
                    repository: `${REGISTRY}/${repository}`,
                    builder: process.env.GOSHIP_BUILDER,
                    generatedDir: path.join(clone, ".goship", "build"),
                    dockerfile: { builderImage: process.env.GOSHIP_BUILDER_IMAGE, runtime: "scratch", port: 8080 },
                });
                return { digest: image.digest };
            },
        },
        {
            workDir: clone,
            projectSettings: { name: "goship-repro", runtime: "nodejs", backend: { url: `file://${state}` } },
            secretsProvider: "passphrase",
            envVars: { PULUMI_BACKEND_URL: `file://${state}`, PULUMI_CONFIG_PASSPHRASE: "goship-repro", PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true" },
        },
    );
    const up = await stack.up({ color: "never" });
    const index = String(up.outputs.digest.value);
    const { host, repository: repo } = parseImageRef(`${REGISTRY}/${repository}@${index}`);
    return { index, platforms: await platformDigests(new RepositoryReader(host, repo, {}), index) };
}

let unsignedRef = "";

test("S1. two clean builds of one revision (empty BuildKit, new repositories, umask 022 and 002 clones) give the same index and per-platform digests", async () => {
    const [a, b] = await timed("S1. two clean builds", async () => {
        const first = await cleanBuild(cloneUnder("022", "clone-a"), `repro-${token}/a`);
        const second = await cleanBuild(cloneUnder("002", "clone-b"), `repro-${token}/b`);
        return [first, second];
    });
    console.log(`    index ${a.index}; ${Object.entries(a.platforms).map(([p, d]) => `${p} ${d}`).join(", ")}`);
    assert.deepEqual(b.platforms, a.platforms, "per-platform digests");
    assert.equal(b.index, a.index, "index digest");
    assert.deepEqual(Object.keys(a.platforms).sort(), ["linux/amd64", "linux/arm64"]);
    unsignedRef = `${REGISTRY}/repro-${token}/a/hello@${a.index}`.replace("/a/hello", "/a");
});

let devRef = "";

test("S2. dev's up signs its index and attests each platform: signature, SBOM and provenance read back and verified, by goship and by cosign", async () => {
    const dev = await openStack("dev");
    await timed("S2. pulumi up of dev (signs and attests)", () => runOperation(dev, "up", quiet));
    const release = releasesOf(outputValues(await dev.outputs())).hello;
    assert.ok(release?.supplyChain, "the release record carries the supply chain");
    devRef = release.ref;
    const { host, repository, digest } = parseImageRef(devRef);
    const reader = new RepositoryReader(host, repository, {});
    const key = parsePublicKey(PUBLIC_KEY);
    assert.equal(await signatureProblem(reader, digest, key), undefined, "the index's cosign signature verifies with cosign.pub");
    assert.equal(release.supplyChain.signature.signed, true);
    for (const [platform, platformDigest] of Object.entries(await platformDigests(reader, digest))) {
        const statements = await readAttestations(reader, platformDigest, key);
        const sbom = statements.find((s) => s.predicateType === CYCLONEDX_PREDICATE);
        const provenance = statements.find((s) => s.predicateType === SLSA_PROVENANCE_V1);
        assert.ok(sbom, `${platform}: a signed CycloneDX SBOM`);
        assert.ok(provenance, `${platform}: a signed SLSA provenance`);
        const bom = sbom.predicate as { metadata?: { component?: { name?: string } }; components?: { name?: string }[] };
        assert.ok((bom.components ?? []).some((c) => c.name === "std" || c.name === "stdlib" || /golang/.test(c.name ?? "")), `${platform}: the SBOM lists the standard library: ${JSON.stringify(bom.components?.map((c) => c.name))}`);
        const prov = provenance.predicate as { buildDefinition: { externalParameters: { platform: string; revision: string } }; runDetails: { metadata: Record<string, unknown> } };
        assert.equal(prov.buildDefinition.externalParameters.platform, platform);
        assert.deepEqual(prov.runDetails.metadata, {}, "no start time, no invocation ID");
        assert.equal(release.supplyChain.platforms[platform]?.digest, platformDigest);
        assert.match(release.supplyChain.platforms[platform]?.sbom ?? "", /^sha256:/);
        const keyFile = path.join(scratch, "cosign.pub");
        fs.writeFileSync(keyFile, PUBLIC_KEY);
        const verified = run("cosign", ["verify-attestation", "--key", keyFile, "--insecure-ignore-tlog=true", "--type", "cyclonedx", `${host}/${repository}@${platformDigest}`]);
        assert.match(verified, /payloadType/, `${platform}: cosign verify-attestation accepts the SBOM`);
    }
    const keyFile = path.join(scratch, "cosign.pub");
    const verify = run("cosign", ["verify", "--key", keyFile, "--insecure-ignore-tlog=true", devRef]);
    assert.match(verify, new RegExp(digest), "cosign verify --key accepts the index's signature");
    console.log(`    ${devRef}: signed; ${Object.entries(release.supplyChain.platforms).map(([p, r]) => `${p} SBOM ${r.sbom?.slice(0, 19)} (${r.sbomComponents} components), provenance ${r.provenance?.slice(0, 19)}`).join("; ")}`);
});

/** local-prod's hello pinned to REF (its committed file restored after the file's tests). */
function pinLocalProd(ref: string): void {
    const text = localProdText.replace(/      image:\n        source: promote\n        fromStack: local-staging\n/, `      image:\n        source: pinned\n        ref: ${ref}\n        revision: e2e\n`);
    assert.notEqual(text, localProdText, "the pin replaced local-prod's promotion");
    fs.writeFileSync(LOCAL_PROD_FILE, text);
}

test("S3. local-prod refuses an unsigned digest at preview, naming the key and the fix; dev's signed digest previews", async () => {
    assert.ok(unsignedRef && devRef, "S1 and S2 ran");
    const prod = await openStack("local-prod");
    pinLocalProd(unsignedRef);
    const refused = await timed("S3. preview of local-prod with an unsigned digest", () => runOperation(prod, "preview", quiet).then(() => undefined, (e: Error) => e));
    assert.ok(refused instanceof Error, "the preview of an unsigned digest must fail");
    assert.match(refused.message, /goship:supplyChain\.requireSignature: .* is refused: it has no cosign signature \(no sha256-[0-9a-f]{64}\.sig in /);
    assert.match(refused.message, /cosign sign --key cosign\.key /);
    pinLocalProd(devRef);
    await timed("S3. preview of local-prod with dev's signed digest", () => runOperation(prod, "preview", quiet));
    fs.writeFileSync(LOCAL_PROD_FILE, localProdText);
});

test("S3b. promotion to local-staging and into local-prod's login registry: the copy carries the signature and attestations, cosign verifies them there", async () => {
    assert.ok(devRef, "S2 ran");
    const staging = await openStack("local-staging");
    const prod = await openStack("local-prod");
    await timed("S3b. pulumi up of local-staging and local-prod", async () => {
        await runOperation(staging, "up", quiet);
        await runOperation(prod, "up", quiet);
    });
    const release = releasesOf(outputValues(await prod.outputs())).hello;
    const server = process.env.GOSHIP_LOGIN_REGISTRY ?? "";
    assert.ok(release?.ref.startsWith(`${server}/`), `local-prod runs its copy in ${server}: ${release?.ref}`);
    assert.equal(release.digest, parseImageRef(devRef).digest, "the same digest as dev's");
    assert.equal(release.supplyChain?.signature.signed, true, "the copy's signature, read back from the login registry");
    assert.deepEqual(Object.values(release.supplyChain?.platforms ?? {}).map((p) => Boolean(p.sbom && p.provenance)), [true, true], "both platforms' attestations copied");
    const password = fs.readFileSync(process.env.GOSHIP_LOGIN_REGISTRY_PULL_PASSWORD_FILE ?? "", "utf8").trim();
    const keyFile = path.join(scratch, "cosign.pub");
    fs.writeFileSync(keyFile, PUBLIC_KEY);
    const verified = await withDockerConfig({ [server]: { username: process.env.GOSHIP_LOGIN_REGISTRY_PULL_USER ?? "", password } }, async (env) =>
        execFileSync("cosign", ["verify", "--key", keyFile, "--insecure-ignore-tlog=true", release.ref], { env: { ...process.env, ...env }, encoding: "utf8" }),
    );
    assert.match(verified, new RegExp(release.digest), "cosign verify --key accepts the copy, with the pods' pull login");
    await timed("S3b. destroy of local-prod and local-staging", async () => {
        await runOperation(prod, "destroy", quiet);
        await runOperation(staging, "destroy", quiet);
    });
});

test("S4. the vulnerable fixture: local-vuln reports GO-2021-0113 (called code) and deploys; local-vuln-prod refuses it at preview, before anything is registered", async () => {
    const vuln = await openStack("local-vuln");
    const up = await timed("S4. pulumi up of local-vuln (report)", () => runOperation(vuln, "up", quiet));
    assert.match(up.output, /warning: goship vulnerabilities: langtag: GO-2021-0113 in golang\.org\/x\/text@v0\.3\.6, symbol level \([^)]*language\.Parse[^)]*\); fixed in v0\.3\.7/);
    const release = releasesOf(outputValues(await vuln.outputs())).langtag;
    assert.equal(release?.supplyChain?.vulnerabilities?.result, "report");
    assert.ok(release?.supplyChain?.vulnerabilities?.findings.includes("GO-2021-0113"));
    assert.equal(release?.supplyChain?.signature.signed, true);
    const prod = await openStack("local-vuln-prod");
    const refused = await timed("S4. preview of local-vuln-prod (fail)", () => runOperation(prod, "preview", quiet).then(() => undefined, (e: Error) => e));
    assert.ok(refused instanceof Error, "the production preview of a vulnerable digest must fail");
    assert.match(refused.message, /goship:supplyChain\.vulnerabilities: 127\.0\.0\.1:5000\/goship-vuln\/langtag@sha256:[0-9a-f]{64} has \d+ symbol-level findings? this stack refuses: GO-2021-0113 in golang\.org\/x\/text@v0\.3\.6/);
    assert.match(refused.message, /goship:supplyChain\.vulnerabilities\.allow with \{id, reason, expires\}/);
    assert.doesNotMatch(refused.message, /GO-2026-6809/, "the standard library's findings are allow-listed (with reasons and a date)");
    await timed("S4. destroy of local-vuln", () => runOperation(vuln, "destroy", quiet));
    const dev = await openStack("dev");
    await timed("S4. destroy of dev", () => runOperation(dev, "destroy", quiet));
});
