import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "crypto";
import { checkRegistryAccess, MEDIA_TYPES, parseImageRef, RegistryLogin, RegistryProblem, RegistryProblemKind, verifyImage } from "../../components/publish/registry-api";

// A fake registry served from memory through an injected fetch: one anonymous host, one that
// takes only HTTP basic (htpasswd, ECR), one behind a token realm, plus that realm and a blob store.

const PASSWORD = "pa55-w0rd-never-printed";
const ALICE: RegistryLogin = { username: "alice", password: PASSWORD };
const WRONG: RegistryLogin = { username: "alice", password: `${PASSWORD}-wrong` };
const TOKEN = "tok-issued-to-alice";
const ANON_TOKEN = "tok-anonymous";
const BASIC_VALUE = Buffer.from(`alice:${PASSWORD}`).toString("base64");
/** What no message may ever contain. */
const SECRETS = [PASSWORD, BASIC_VALUE, TOKEN, ANON_TOKEN, Buffer.from(`alice:${WRONG.password}`).toString("base64")];

const ANON = "registry.example";
const BASIC = "127.0.0.1:5001";
const BEARER = "bearer.example";
const REALM = "https://auth.example/token";
const STORAGE = "https://storage.example";

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const json = (o: unknown) => Buffer.from(JSON.stringify(o, null, 3));

interface Blob {
    mediaType: string;
    bytes: Buffer;
}

/** Content-addressed store of one repository; `put` returns the descriptor. */
class Repo {
    readonly blobs = new Map<string, Blob>();
    put(mediaType: string, bytes: Buffer, extra: Record<string, unknown> = {}) {
        const digest = sha256(bytes);
        this.blobs.set(digest, { mediaType, bytes });
        return { mediaType, digest, size: bytes.length, ...extra };
    }
}

function imageManifest(repo: Repo, os: string, architecture: string, variant?: string, mediaType: string = MEDIA_TYPES.ociManifest) {
    const config = repo.put(MEDIA_TYPES.ociConfig, json({ os, architecture, ...(variant ? { variant } : {}), rootfs: { type: "layers", diff_ids: [] } }));
    const layer = repo.put("application/vnd.oci.image.layer.v1.tar+gzip", Buffer.from(`layer of ${os}/${architecture}`));
    return repo.put(mediaType, json({ schemaVersion: 2, mediaType, config, layers: [layer] }));
}

/** BuildKit's layout: one manifest per platform plus an attestation manifest for each. */
function multiPlatformImage(repo: Repo): string {
    const amd64 = imageManifest(repo, "linux", "amd64");
    const arm64 = imageManifest(repo, "linux", "arm64");
    const intoto = repo.put("application/vnd.in-toto+json", json({ predicateType: "https://spdx.dev/Document" }));
    const attestation = repo.put(MEDIA_TYPES.ociManifest, json({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: repo.put(MEDIA_TYPES.ociConfig, json({ architecture: "unknown", os: "unknown" })), layers: [intoto] }), {
        platform: { architecture: "unknown", os: "unknown" },
        annotations: { "vnd.docker.reference.digest": amd64.digest, "vnd.docker.reference.type": "attestation-manifest" },
    });
    const index = repo.put(
        MEDIA_TYPES.ociIndex,
        json({
            schemaVersion: 2,
            mediaType: MEDIA_TYPES.ociIndex,
            manifests: [
                { ...amd64, platform: { architecture: "amd64", os: "linux" } },
                { ...arm64, platform: { architecture: "arm64", os: "linux" } },
                attestation,
            ],
        }),
    );
    return index.digest;
}

type Auth = "none" | "basic" | "bearer";

interface Host {
    auth: Auth;
    repos: Map<string, Repo>;
    /** Config blobs are redirected to the blob store, as ECR and S3-backed registries do. */
    redirectBlobs?: string;
}

interface Recorded {
    method: string;
    url: string;
    headers: Record<string, string>;
}

class FakeRegistry {
    readonly requests: Recorded[] = [];
    readonly hosts = new Map<string, Host>();
    /** Bytes the registry serves instead of what it stores, per digest: an altered copy. */
    readonly tampered = new Map<string, Buffer>();
    /** Hosts whose connections fail, and how. */
    readonly down = new Map<string, Error>();
    /** Status a host answers every request with, e.g. 503. */
    readonly broken = new Map<string, number>();
    readonly storage = new Map<string, Buffer>();

    readonly fetch: typeof fetch = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input.toString());
        const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
        this.requests.push({ method: init?.method ?? "GET", url: url.toString(), headers });
        const failure = this.down.get(url.host);
        if (failure) throw new TypeError("fetch failed", { cause: failure });
        const status = this.broken.get(url.host);
        if (status) return new Response("oops", { status });
        if (url.toString().startsWith(REALM)) return this.token(url, headers.authorization);
        if (url.origin === STORAGE) {
            const bytes = this.storage.get(url.pathname);
            return bytes ? new Response(bytes, { status: 200 }) : new Response("", { status: 403 });
        }
        return this.serve(url, headers);
    };

    private token(url: URL, authorization: string | undefined): Response {
        if (authorization === undefined) return Response.json({ token: ANON_TOKEN });
        if (authorization === `Basic ${BASIC_VALUE}`) {
            assert.equal(url.searchParams.get("service"), "bearer.example");
            return Response.json({ token: TOKEN, access_token: TOKEN, expires_in: 300 });
        }
        return Response.json({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }, { status: 401 });
    }

    private serve(url: URL, headers: Record<string, string>): Response {
        const host = this.hosts.get(url.host);
        if (!host) throw new TypeError("fetch failed", { cause: Object.assign(new Error(`getaddrinfo ENOTFOUND ${url.hostname}`), { code: "ENOTFOUND" }) });
        const m = /^\/v2\/(?:(.+)\/(manifests|blobs)\/([^/]+))?$/.exec(url.pathname) ?? /^\/v2\/$/.exec(url.pathname);
        if (!m) return new Response("404 page not found", { status: 404 });
        const repository = m[1];
        const challenge = this.challenge(host.auth, repository, headers.authorization);
        if (challenge) return new Response(JSON.stringify({ errors: [{ code: "UNAUTHORIZED" }] }), { status: 401, headers: { "www-authenticate": challenge } });
        if (repository === undefined) return Response.json({});
        const blob = host.repos.get(repository)?.blobs.get(m[3]);
        const unknown = m[2] === "manifests" ? "MANIFEST_UNKNOWN" : "BLOB_UNKNOWN";
        if (!blob) return Response.json({ errors: [{ code: unknown, message: "unknown", detail: m[3] }] }, { status: 404 });
        if (m[2] === "blobs" && host.redirectBlobs) {
            this.storage.set(`/${m[3]}`, blob.bytes);
            return new Response(null, { status: 307, headers: { location: `${host.redirectBlobs}/${m[3]}` } });
        }
        if (m[2] === "manifests") {
            const accepted = (headers.accept ?? "").split(",").map((s) => s.trim());
            if (!accepted.includes(blob.mediaType)) return Response.json({ errors: [{ code: unknown }] }, { status: 404 });
        }
        const bytes = this.tampered.get(m[3]) ?? blob.bytes;
        return new Response(bytes, { status: 200, headers: { "content-type": blob.mediaType, "docker-content-digest": m[3] } });
    }

    /** The WWW-Authenticate challenge for a request this host does not accept, or undefined. */
    private challenge(auth: Auth, repository: string | undefined, authorization: string | undefined): string | undefined {
        if (auth === "basic") return authorization === `Basic ${BASIC_VALUE}` ? undefined : 'Basic realm="Registry Realm"';
        if (auth === "bearer") {
            if (authorization === `Bearer ${TOKEN}`) return undefined;
            const scope = repository ? `,scope="repository:${repository}:pull"` : "";
            return `Bearer realm="${REALM}",service="bearer.example"${scope}`;
        }
        return undefined;
    }
}

interface World {
    registry: FakeRegistry;
    index: string;
    single: string;
    arm: string;
    artifact: string;
    ref: (host: string, repo?: string, digest?: string) => string;
}

function world(): World {
    const registry = new FakeRegistry();
    const hello = new Repo();
    const index = multiPlatformImage(hello);
    const single = imageManifest(hello, "linux", "amd64", undefined, MEDIA_TYPES.dockerManifest).digest;
    const arm = imageManifest(hello, "linux", "arm", "v7").digest;
    const artifact = hello.put(
        MEDIA_TYPES.ociManifest,
        json({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, artifactType: "application/vnd.cncf.helm.chart", config: hello.put("application/vnd.oci.empty.v1+json", Buffer.from("{}")), layers: [] }),
    ).digest;
    registry.hosts.set(ANON, { auth: "none", repos: new Map([["goship/hello", hello]]) });
    registry.hosts.set(BASIC, { auth: "basic", repos: new Map([["goship/hello", hello]]) });
    registry.hosts.set(BEARER, { auth: "bearer", repos: new Map([["goship/hello", hello]]), redirectBlobs: STORAGE });
    return { registry, index, single, arm, artifact, ref: (host, repo = "goship/hello", digest = index) => `${host}/${repo}@${digest}` };
}

/** Awaits a RegistryProblem of `kind` whose message contains every `part` and no secret. */
async function problem(promise: Promise<unknown>, kind: RegistryProblemKind, ...parts: string[]): Promise<RegistryProblem> {
    const e = await promise.then(
        () => assert.fail(`expected a ${kind} problem, the check passed`),
        (err: unknown) => err,
    );
    assert.ok(e instanceof RegistryProblem, `not a RegistryProblem: ${String(e)}`);
    assert.ok(e instanceof Error);
    assert.equal(e.kind, kind, e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `${JSON.stringify(p)} not in: ${e.message}`);
    for (const s of SECRETS) assert.ok(!e.message.includes(s), `a secret leaked into: ${e.message}`);
    assert.ok(!/authorization:/i.test(e.message), e.message);
    return e;
}

const PLATFORMS = ["linux/amd64", "linux/arm64"];

test("parseImageRef: host[:port]/repository[:tag]@digest, the host explicit and the digest required", () => {
    const d = `sha256:${"a".repeat(64)}`;
    assert.deepEqual(parseImageRef(`127.0.0.1:5001/goship/hello@${d}`), { host: "127.0.0.1:5001", repository: "goship/hello", digest: d });
    assert.deepEqual(parseImageRef(`ghcr.io/team/hello:staging@${d}`), { host: "ghcr.io", repository: "team/hello", tag: "staging", digest: d });
    assert.deepEqual(parseImageRef(`localhost/hello@${d}`), { host: "localhost", repository: "hello", digest: d });
    for (const bad of [`hello@${d}`, `team/hello@${d}`, "ghcr.io/team/hello:staging", `https://ghcr.io/hello@${d}`, `ghcr.io/hello@sha256:abc`, ""]) {
        assert.throws(() => parseImageRef(bad), (e: unknown) => e instanceof RegistryProblem && e.kind === "invalid-reference" && e.message.includes(`"${bad}"`), bad);
    }
});

test("an index with two platforms and an attestation: both platform manifests fetched by digest and hashed, the attestation counted, not listed", async () => {
    const w = world();
    const got = await verifyImage(w.ref(ANON), { platforms: PLATFORMS, fetch: w.registry.fetch });
    assert.deepEqual(got, { digest: w.index, mediaType: MEDIA_TYPES.ociIndex, platforms: ["linux/amd64", "linux/arm64"], attestations: 1 });
    const [first, ...children] = w.registry.requests;
    assert.equal(first.url, `https://${ANON}/v2/goship/hello/manifests/${w.index}`);
    for (const t of [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]) assert.ok(first.headers.accept.includes(t), t);
    assert.equal(children.length, 2, "one GET per platform manifest, none for the attestation");
    assert.ok(children.every((r) => /\/manifests\/sha256:[a-f0-9]{64}$/.test(r.url)));
    assert.ok(w.registry.requests.every((r) => r.url.startsWith("https://") && r.headers.authorization === undefined));
    // A tag alongside the digest is allowed; the digest is what is fetched.
    await verifyImage(`${ANON}/goship/hello:staging@${w.index}`, { platforms: ["linux/amd64"], fetch: w.registry.fetch });
});

test("a single-platform manifest: its platform comes from the config blob; linux/arm matches arm/v7", async () => {
    const w = world();
    const amd64 = await verifyImage(w.ref(ANON, undefined, w.single), { platforms: ["linux/amd64"], fetch: w.registry.fetch });
    assert.deepEqual(amd64, { digest: w.single, mediaType: MEDIA_TYPES.dockerManifest, platforms: ["linux/amd64"], attestations: 0 });
    assert.match(w.registry.requests[1].url, /\/v2\/goship\/hello\/blobs\/sha256:/);
    const arm = await verifyImage(w.ref(ANON, undefined, w.arm), { platforms: ["linux/arm"], fetch: w.registry.fetch });
    assert.deepEqual(arm.platforms, ["linux/arm/v7"]);
    await problem(verifyImage(w.ref(ANON, undefined, w.arm), { platforms: ["linux/arm/v6"], fetch: w.registry.fetch }), "missing-platform", "linux/arm/v6");
});

test("missing-platform names what is missing and what exists", async () => {
    const w = world();
    await problem(
        verifyImage(w.ref(ANON), { platforms: ["linux/amd64", "linux/s390x", "windows/amd64"], fetch: w.registry.fetch }),
        "missing-platform",
        w.ref(ANON),
        "lacks platforms linux/s390x, windows/amd64",
        "it has linux/amd64, linux/arm64",
    );
    await problem(verifyImage(w.ref(ANON, undefined, w.single), { platforms: PLATFORMS, fetch: w.registry.fetch }), "missing-platform", "lacks platform linux/arm64 (it has linux/amd64)");
});

test("digest-mismatch: one altered byte in the index, a platform manifest or the config blob", async () => {
    const w = world();
    const alter = (digest: string) => {
        const hello = w.registry.hosts.get(ANON)?.repos.get("goship/hello");
        const bytes = Buffer.from(hello?.blobs.get(digest)?.bytes ?? Buffer.alloc(0));
        bytes[bytes.length - 2] ^= 1;
        w.registry.tampered.set(digest, bytes);
    };
    alter(w.index);
    await problem(verifyImage(w.ref(ANON), { platforms: PLATFORMS, fetch: w.registry.fetch }), "digest-mismatch", w.ref(ANON), `not ${w.index}`, "not byte-identical");
    w.registry.tampered.clear();

    const index = JSON.parse(w.registry.hosts.get(ANON)?.repos.get("goship/hello")?.blobs.get(w.index)?.bytes.toString() ?? "{}") as { manifests: { digest: string }[] };
    alter(index.manifests[1].digest);
    await problem(verifyImage(w.ref(ANON), { platforms: PLATFORMS, fetch: w.registry.fetch }), "digest-mismatch", "platform linux/arm64", index.manifests[1].digest);
    w.registry.tampered.clear();

    const single = JSON.parse(w.registry.hosts.get(ANON)?.repos.get("goship/hello")?.blobs.get(w.single)?.bytes.toString() ?? "{}") as { config: { digest: string } };
    alter(single.config.digest);
    await problem(verifyImage(w.ref(ANON, undefined, w.single), { platforms: ["linux/amd64"], fetch: w.registry.fetch }), "digest-mismatch", "config blob");
});

test("not-found: an unknown digest, an unknown repository, a platform manifest the copy lost", async () => {
    const w = world();
    const absent = `sha256:${"0".repeat(64)}`;
    await problem(verifyImage(w.ref(ANON, undefined, absent), { platforms: PLATFORMS, fetch: w.registry.fetch }), "not-found", w.ref(ANON, undefined, absent), "MANIFEST_UNKNOWN", "push or promote");
    await problem(verifyImage(w.ref(ANON, "goship/other"), { platforms: PLATFORMS, fetch: w.registry.fetch }), "not-found", "goship/other");
    const hello = w.registry.hosts.get(ANON)?.repos.get("goship/hello");
    const index = JSON.parse(hello?.blobs.get(w.index)?.bytes.toString() ?? "{}") as { manifests: { digest: string }[] };
    hello?.blobs.delete(index.manifests[0].digest);
    await problem(verifyImage(w.ref(ANON), { platforms: PLATFORMS, fetch: w.registry.fetch }), "not-found", `platform linux/amd64 (${index.manifests[0].digest}) of ${w.ref(ANON)}`);
});

test("unreachable: a refused connection, an untrusted certificate, an unknown host, an answer that is not the API", async () => {
    const w = world();
    w.registry.down.set(ANON, Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" }));
    const refused = await problem(verifyImage(w.ref(ANON), { platforms: PLATFORMS, fetch: w.registry.fetch }), "unreachable", `registry ${ANON}`, "ECONNREFUSED");
    assert.ok(!refused.message.includes("NODE_EXTRA_CA_CERTS"));
    w.registry.down.set(ANON, Object.assign(new Error("self-signed certificate in certificate chain"), { code: "SELF_SIGNED_CERT_IN_CHAIN" }));
    await problem(verifyImage(w.ref(ANON), { platforms: PLATFORMS, fetch: w.registry.fetch }), "unreachable", "NODE_EXTRA_CA_CERTS");
    await problem(checkRegistryAccess("nowhere.example", { fetch: w.registry.fetch }), "unreachable", "registry nowhere.example", "ENOTFOUND");
    w.registry.broken.set(BASIC, 503);
    await problem(checkRegistryAccess(BASIC, { fetch: w.registry.fetch }), "unreachable", "HTTP 503", "GET /v2/");
    const timeout = Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" });
    await problem(verifyImage(w.ref(ANON), { platforms: PLATFORMS, fetch: () => Promise.reject(timeout), timeoutMs: 50 }), "unreachable", "no answer within 50 ms");
});

test("not-an-image: an OCI artifact, an unknown manifest type, bytes that are not JSON", async () => {
    const w = world();
    await problem(verifyImage(w.ref(ANON, undefined, w.artifact), { platforms: PLATFORMS, fetch: w.registry.fetch }), "not-an-image", "application/vnd.oci.empty.v1+json", "not an image config");
    const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, mediaType: "application/vnd.docker.distribution.manifest.v1+prettyjws" }));
    const notJson = Buffer.from("<html>hello</html>");
    const serve = (bytes: Buffer): typeof fetch => () => Promise.resolve(new Response(bytes, { status: 200, headers: { "content-type": "application/octet-stream" } }));
    await problem(verifyImage(`${ANON}/goship/hello@${sha256(schema1)}`, { platforms: PLATFORMS, fetch: serve(schema1) }), "not-an-image", "manifest.v1+prettyjws");
    await problem(verifyImage(`${ANON}/goship/hello@${sha256(notJson)}`, { platforms: PLATFORMS, fetch: serve(notJson) }), "not-an-image", "not a JSON image manifest");
    // An index entry that says image manifest but whose bytes are an index.
    const hello = w.registry.hosts.get(ANON)?.repos.get("goship/hello");
    assert.ok(hello);
    const nested = hello.put(MEDIA_TYPES.ociManifest, json({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] }), { platform: { os: "linux", architecture: "amd64" } });
    const outer = hello.put(MEDIA_TYPES.ociIndex, json({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [nested] })).digest;
    await problem(verifyImage(w.ref(ANON, undefined, outer), { platforms: ["linux/amd64"], fetch: w.registry.fetch }), "not-an-image", "platform linux/amd64", "not an image manifest");
    // An index with no image manifest at all.
    const lonely = hello.put(MEDIA_TYPES.ociIndex, json({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] })).digest;
    await problem(verifyImage(w.ref(ANON, undefined, lonely), { platforms: PLATFORMS, fetch: w.registry.fetch }), "not-an-image", "index without image manifests");
});

test("a Basic-only registry: the login as HTTP basic after the anonymous 401; none or a wrong one is unauthorized", async () => {
    const w = world();
    const got = await verifyImage(w.ref(BASIC), { platforms: PLATFORMS, login: ALICE, fetch: w.registry.fetch });
    assert.deepEqual(got.platforms, PLATFORMS);
    const [anonymous, ...rest] = w.registry.requests;
    assert.equal(anonymous.headers.authorization, undefined, "anonymous first");
    assert.ok(rest.every((r) => r.headers.authorization === `Basic ${BASIC_VALUE}`));
    assert.equal(rest.length, 3, "one retry, then the login goes with every request");

    const none = await problem(verifyImage(w.ref(BASIC), { platforms: PLATFORMS, fetch: w.registry.fetch }), "unauthorized", w.ref(BASIC));
    assert.ok(
        none.message.startsWith(`registry 127.0.0.1:5001 requires a login`) &&
            none.message.endsWith("set goship:registry.username and the secret goship:registryPassword (pulumi config set --secret registryPassword …)"),
        none.message,
    );
    await problem(verifyImage(w.ref(BASIC), { platforms: PLATFORMS, login: WRONG, fetch: w.registry.fetch }), "unauthorized", 'refused the login of user "alice"', w.ref(BASIC));
    await problem(verifyImage(w.ref(BASIC), { platforms: PLATFORMS, loginHelp: "renew the ECR token", fetch: w.registry.fetch }), "unauthorized", "renew the ECR token");
});

test("a token realm: a token from the realm with service, scope and the login; the token on every request; the blob redirect gets no credential", async () => {
    const w = world();
    const got = await verifyImage(w.ref(BEARER, undefined, w.single), { platforms: ["linux/amd64"], login: ALICE, fetch: w.registry.fetch });
    assert.deepEqual(got.platforms, ["linux/amd64"]);
    const tokenRequest = w.registry.requests.find((r) => r.url.startsWith(REALM));
    assert.ok(tokenRequest);
    const url = new URL(tokenRequest.url);
    assert.equal(url.searchParams.get("scope"), "repository:goship/hello:pull");
    assert.equal(tokenRequest.headers.authorization, `Basic ${BASIC_VALUE}`);
    const toRegistry = w.registry.requests.filter((r) => r.url.startsWith(`https://${BEARER}/`));
    assert.deepEqual(
        toRegistry.map((r) => r.headers.authorization),
        [undefined, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`],
        "anonymous, retry with the token, config blob with the token",
    );
    const stored = w.registry.requests.filter((r) => r.url.startsWith(STORAGE));
    assert.equal(stored.length, 1);
    assert.equal(stored[0].headers.authorization, undefined, "no credential to another origin");

    await verifyImage(w.ref(BEARER), { platforms: PLATFORMS, login: ALICE, fetch: w.registry.fetch });
    await problem(verifyImage(w.ref(BEARER), { platforms: PLATFORMS, fetch: w.registry.fetch }), "unauthorized", "registry bearer.example requires a login", w.ref(BEARER));
    await problem(verifyImage(w.ref(BEARER), { platforms: PLATFORMS, login: WRONG, fetch: w.registry.fetch }), "unauthorized", "refused the login", w.ref(BEARER));
});

test("redirects stay on HTTPS; a token realm on plain HTTP gets no login", async () => {
    const w = world();
    const host = w.registry.hosts.get(BEARER);
    assert.ok(host);
    host.redirectBlobs = "http://storage.example";
    await problem(verifyImage(w.ref(BEARER, undefined, w.single), { platforms: ["linux/amd64"], login: ALICE, fetch: w.registry.fetch }), "unreachable", "not HTTPS");
    assert.ok(w.registry.requests.every((r) => r.url.startsWith("https://")));

    const httpRealm: typeof fetch = () => Promise.resolve(new Response("", { status: 401, headers: { "www-authenticate": 'Bearer realm="http://auth.example/token",service="x"' } }));
    await problem(checkRegistryAccess(BEARER, { login: ALICE, fetch: httpRealm }), "unauthorized", "not HTTPS");
});

test("checkRegistryAccess: GET /v2/ anonymously, with Basic, with a token; the problem when the login is missing or refused", async () => {
    const w = world();
    await checkRegistryAccess(ANON, { fetch: w.registry.fetch });
    await checkRegistryAccess(BASIC, { login: ALICE, fetch: w.registry.fetch });
    await checkRegistryAccess(BEARER, { login: ALICE, fetch: w.registry.fetch });
    assert.ok(w.registry.requests.every((r) => r.url.startsWith("https://")));
    const tokenRequest = w.registry.requests.find((r) => r.url.startsWith(REALM));
    assert.equal(tokenRequest && new URL(tokenRequest.url).searchParams.get("scope"), null, "/v2/ asks for no repository scope");
    await problem(checkRegistryAccess(BASIC, { fetch: w.registry.fetch }), "unauthorized", "registry 127.0.0.1:5001 requires a login", "goship:registryPassword");
    await problem(checkRegistryAccess(BASIC, { login: WRONG, fetch: w.registry.fetch }), "unauthorized", "refused the login");
    await problem(checkRegistryAccess(BEARER, { fetch: w.registry.fetch }), "unauthorized", "requires a login");
    await problem(checkRegistryAccess(BEARER, { login: WRONG, fetch: w.registry.fetch }), "unauthorized", "refused the login");
    await problem(checkRegistryAccess("https://127.0.0.1:5001", { fetch: w.registry.fetch }), "invalid-reference", "host[:port]");
});

test("a registry that echoes the login back cannot put it into a message", async () => {
    const echo: typeof fetch = (_input, init) => {
        const authorization = (init?.headers as Record<string, string>).authorization;
        if (!authorization) return Promise.resolve(new Response("", { status: 401, headers: { "www-authenticate": "Basic" } }));
        return Promise.reject(new TypeError("fetch failed", { cause: new Error(`proxy said: bad header ${authorization} for alice:${PASSWORD}`) }));
    };
    const e = await problem(checkRegistryAccess(BASIC, { login: ALICE, fetch: echo }), "unreachable", "***");
    assert.ok(!e.message.includes(BASIC_VALUE) && !e.message.includes(PASSWORD));
});
