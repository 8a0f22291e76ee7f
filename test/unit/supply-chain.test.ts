import { test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { cosignTag, keyId, openEnvelope, pae, parsePublicKey, simpleSigningProblem } from "../../components/supply-chain/cosign-format";
import { fileInTar } from "../../components/supply-chain/image-files";
import { predicateDigest, provenanceStatement, ProvenanceFacts } from "../../components/supply-chain/provenance";
import { binaryPathIn } from "../../components/supply-chain/scan-image";
import { describeFinding, Finding, judgeFindings, mergeFindings, vulnerabilityPolicySchema } from "../../components/supply-chain/vulnerability-policy";
import { parseGovulncheckJson } from "../../components/supply-chain/vulnerability-scan";
import { buildDatabase } from "../../tools/local/vulndb";

const REPO = path.resolve(__dirname, "..", "..", "..");
const DIGEST = "sha256:" + "ab".repeat(32);
const keys = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const publicPem = keys.publicKey.export({ type: "spki", format: "pem" }).toString();

test("govulncheck's -json stream (v1.9.0, a real binary-mode scan): one finding per ID at its most precise level, symbols named", () => {
    const { findings, dbLastModified } = parseGovulncheckJson(fs.readFileSync(path.join(REPO, "test/fixtures/govulncheck/langtag.json"), "utf8"));
    assert.equal(dbLastModified, "2022-12-14T18:06:02Z");
    assert.deepEqual(findings.map((f) => [f.id, f.level, f.module, f.version, f.fixedVersion]), [
        ["GO-2021-0113", "symbol", "golang.org/x/text", "v0.3.6", "v0.3.7"],
        ["GO-2022-1059", "symbol", "golang.org/x/text", "v0.3.6", "v0.3.8"],
        ["GO-2026-6809", "symbol", "stdlib", "v1.26.8", "v1.26.10"],
    ]);
    assert.ok(findings[0].symbols.includes("language.Parse"), findings[0].symbols.join(","));
});

const finding = (id: string, level: Finding["level"], platforms = ["linux/amd64"]): Finding => ({ id, level, module: "golang.org/x/text", version: "v0.3.6", fixedVersion: "v0.3.7", symbols: level === "symbol" ? ["language.Parse"] : [], platforms });
const policy = (over: Record<string, unknown> = {}) => vulnerabilityPolicySchema.parse({ db: ".goship/vulndb", ...over });

test("the gate: report never fails; fail blocks at or above failOn; a live allow entry excuses, an expired one does not", () => {
    const findings = [finding("GO-2021-0113", "symbol"), finding("GO-2022-1059", "package")];
    assert.equal(judgeFindings(findings, policy(), "2026-12-03").result, "report");
    const fail = judgeFindings(findings, policy({ action: "fail" }), "2026-12-03");
    assert.equal(fail.result, "fail");
    assert.deepEqual(fail.blocking.map((f) => f.id), ["GO-2021-0113"]);
    assert.deepEqual(fail.reported.map((f) => f.id), ["GO-2022-1059"], "below failOn symbol: reported, not blocking");
    assert.equal(judgeFindings(findings, policy({ action: "fail", failOn: "package" }), "2026-12-03").blocking.length, 2);
    const allow = [{ id: "GO-2021-0113", reason: "input never user-controlled here", expires: "2026-12-31" }];
    const allowed = judgeFindings(findings, policy({ action: "fail", allow }), "2026-12-03");
    assert.equal(allowed.result, "report");
    assert.deepEqual(allowed.allowed.map((a) => a.finding.id), ["GO-2021-0113"]);
    const expired = judgeFindings(findings, policy({ action: "fail", allow }), "2027-01-01");
    assert.equal(expired.result, "fail", "an allow entry past its date excuses nothing");
    assert.deepEqual(expired.expired.map((e) => e.id), ["GO-2021-0113"]);
    assert.equal(judgeFindings([], policy({ action: "fail" }), "2026-12-03").result, "pass");
});

test("allow entries need an ID, a reason a reviewer can check and a date", () => {
    const problems = (allow: unknown) => {
        const r = vulnerabilityPolicySchema.safeParse({ db: "x", allow });
        return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    assert.deepEqual(problems([{ id: "GO-2021-0113", reason: "fine", expires: "2027-01-31" }]), ["allow.0.reason: needs a reason a reviewer can check (at least 10 characters)"]);
    assert.match(problems([{ id: "CVE-2021-38561", reason: "a long enough reason", expires: "2027-01-31" }])[0], /allow\.0\.id: must be a Go vulnerability ID/);
    assert.match(problems([{ id: "GO-2021-0113", reason: "a long enough reason" }])[0], /allow\.0\.expires/);
    assert.match(problems([{ id: "GO-2021-0113", reason: "a long enough reason", expires: "next year" }])[0], /must be a date YYYY-MM-DD/);
    // YAML's unquoted date arrives as a timestamp at midnight (as the CLI prints it, or ISO): the same day.
    for (const given of ["2027-01-31 00:00:00 +0000 UTC", "2027-01-31T00:00:00Z"]) {
        assert.equal(vulnerabilityPolicySchema.parse({ db: "x", allow: [{ id: "GO-2021-0113", reason: "a long enough reason", expires: given }] }).allow[0].expires, "2027-01-31");
    }
    assert.match(problems([{ id: "GO-2021-0113", reason: "a long enough reason", expires: "2027-01-31 13:00:00 +0000 UTC" }])[0], /must be a date/);
});

test("findings of several platforms merge by ID, keeping every platform; a line says where and what fixes it", () => {
    const merged = mergeFindings({ "linux/amd64": [finding("GO-2021-0113", "package")], "linux/arm64": [finding("GO-2021-0113", "symbol")] });
    assert.equal(merged.length, 1);
    assert.equal(merged[0].level, "symbol");
    assert.deepEqual(merged[0].platforms, ["linux/amd64", "linux/arm64"]);
    assert.equal(describeFinding(merged[0]), "GO-2021-0113 in golang.org/x/text@v0.3.6, symbol level (language.Parse); fixed in v0.3.7 [linux/amd64, linux/arm64]");
});

test("cosign simple signing: a signature of the digest verifies; another digest, another key or a changed payload does not", () => {
    const payload = Buffer.from(JSON.stringify({ critical: { identity: { "docker-reference": "r" }, image: { "docker-manifest-digest": DIGEST }, type: "cosign container image signature" }, optional: null }));
    const sig = crypto.sign("sha256", payload, keys.privateKey).toString("base64");
    const key = parsePublicKey(publicPem);
    assert.equal(simpleSigningProblem(payload, sig, key, DIGEST), undefined);
    assert.match(simpleSigningProblem(payload, sig, key, "sha256:" + "cd".repeat(32)) ?? "", /it signs sha256:abab/);
    const other = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    assert.equal(simpleSigningProblem(payload, sig, other, DIGEST), "its signature does not verify with the public key");
    assert.equal(simpleSigningProblem(Buffer.from(payload.toString().replace("\"r\"", "\"s\"")), sig, key, DIGEST), "its signature does not verify with the public key");
    assert.equal(cosignTag(DIGEST, "sig"), `sha256-${"ab".repeat(32)}.sig`);
    assert.match(keyId(key), /^sha256:[0-9a-f]{64}$/);
    assert.throws(() => parsePublicKey("not a key"), /is not a PEM public key/);
});

test("a DSSE envelope opens only with its signer's key (signature over the pre-authentication encoding)", () => {
    const statement = { _type: "https://in-toto.io/Statement/v0.1", predicateType: "https://cyclonedx.org/bom", subject: [{ name: "r", digest: { sha256: "ab".repeat(32) } }], predicate: { bomFormat: "CycloneDX" } };
    const body = Buffer.from(JSON.stringify(statement));
    const sig = crypto.sign("sha256", pae("application/vnd.in-toto+json", body), keys.privateKey).toString("base64");
    const envelope = Buffer.from(JSON.stringify({ payloadType: "application/vnd.in-toto+json", payload: body.toString("base64"), signatures: [{ keyid: "", sig }] }));
    assert.deepEqual(openEnvelope(envelope, keys.publicKey).predicate, { bomFormat: "CycloneDX" });
    assert.throws(() => openEnvelope(envelope, crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey), /no signature of the envelope verifies/);
});

test("provenance is a function of the recipe: the same facts give the same predicate, a changed Dockerfile another; no time, no random ID", () => {
    const facts: ProvenanceFacts = { repository: "127.0.0.1:5000/goship/hello", digest: DIGEST, platform: "linux/arm64", revision: "3f2a9c1d7e4b", dockerfile: "FROM scratch\n", buildArgs: { VERSION: "v1", REVISION: "3f2a9c1d7e4b" }, recipe: "0123abcd", context: "app", module: ".", main: "./cmd/hello", baseImages: ["golang:1.26", "scratch"], buildSecrets: [], builder: "goship" };
    const a = provenanceStatement(facts);
    assert.equal(predicateDigest(a), predicateDigest(provenanceStatement({ ...facts, buildArgs: { REVISION: "3f2a9c1d7e4b", VERSION: "v1" } })), "argument order does not matter");
    assert.notEqual(predicateDigest(a), predicateDigest(provenanceStatement({ ...facts, dockerfile: "FROM alpine\n" })));
    assert.doesNotMatch(JSON.stringify(a), /startedOn|finishedOn|invocationId|20\d\d-\d\d-\d\dT/);
    assert.deepEqual((a.subject as { digest: { sha256: string } }[])[0].digest, { sha256: "ab".repeat(32) });
});

/** A ustar archive of FILES (path → content). */
function tar(files: Record<string, string>): Buffer {
    const parts: Buffer[] = [];
    for (const [name, content] of Object.entries(files)) {
        const header = Buffer.alloc(512);
        header.write(name, 0);
        header.write("0000644\0", 100);
        header.write(content.length.toString(8).padStart(11, "0") + "\0", 124);
        header.write("0", 156);
        header.write("ustar\0", 257);
        const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
        body.write(content);
        parts.push(header, body);
    }
    parts.push(Buffer.alloc(1024));
    return Buffer.concat(parts);
}

test("a file is found in a layer's tar by path, gzip or not", () => {
    const archive = tar({ "etc/passwd": "root:x:0:0", "usr/local/bin/hello": "ELF-bytes" });
    assert.equal(fileInTar(archive, "usr/local/bin/hello")?.toString(), "ELF-bytes");
    assert.equal(fileInTar(zlib.gunzipSync(zlib.gzipSync(archive)), "/usr/local/bin/hello")?.toString(), "ELF-bytes");
    assert.equal(fileInTar(archive, "usr/local/bin/other"), undefined);
    assert.equal(binaryPathIn("linux/arm64", "hello"), "usr/local/bin/hello");
    assert.equal(binaryPathIn("windows/amd64", "catalog"), "Files/app/catalog.exe");
});

test("the offline database: govulncheck's v1 layout, each module's IDs with its newest fix, deterministic", () => {
    const entries = [
        { id: "GO-2022-1059", modified: "0001-01-01T00:00:00Z", published: "2022-10-11T00:00:00Z", affected: [{ package: { name: "golang.org/x/text" }, ranges: [{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "0.3.8" }] }] }] },
        { id: "GO-2021-0113", modified: "0001-01-01T00:00:00Z", published: "2021-10-06T17:51:21Z", affected: [{ package: { name: "golang.org/x/text" }, ranges: [{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "0.3.7" }] }] }] },
    ];
    const db = buildDatabase(entries);
    assert.deepEqual(JSON.parse(db.get("index/db.json") ?? ""), { modified: "2022-10-11T00:00:00Z" });
    assert.deepEqual(JSON.parse(db.get("index/modules.json") ?? ""), [
        { path: "golang.org/x/text", vulns: [{ id: "GO-2021-0113", modified: "0001-01-01T00:00:00Z", fixed: "0.3.7" }, { id: "GO-2022-1059", modified: "0001-01-01T00:00:00Z", fixed: "0.3.8" }] },
    ]);
    assert.ok(db.has("ID/GO-2021-0113.json"));
    assert.deepEqual([...buildDatabase([...entries].reverse())], [...db], "input order does not matter");
});
