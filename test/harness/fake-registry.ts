import * as crypto from "crypto";

/**
 * A content-addressed registry in memory for the mock runs: the program's registry checks
 * (components/publish/registry-api.ts) call the global `fetch`, which the harness points
 * here while a mocked program runs. Every manifest is served by its real sha256, so the
 * byte-identity check is the real one.
 */

const INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";

const blobs = new Map<string, Buffer>();
const types = new Map<string, string>();

function put(body: unknown, mediaType: string): string {
    const bytes = Buffer.from(JSON.stringify(body));
    const digest = "sha256:" + crypto.createHash("sha256").update(bytes).digest("hex");
    blobs.set(digest, bytes);
    types.set(digest, mediaType);
    return digest;
}

/** A multi-platform index (with an attestation manifest, as BuildKit makes) in the fake registry; returns its digest. */
export function fakeIndex(seed: string, platforms: readonly string[] = ["linux/amd64", "linux/arm64"]): string {
    const manifests = platforms.map((p) => {
        const [os, architecture] = p.split("/");
        const digest = put({ schemaVersion: 2, mediaType: MANIFEST, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: "sha256:" + "1".repeat(64), size: 1 }, layers: [], seed, p }, MANIFEST);
        return { mediaType: MANIFEST, digest, size: blobs.get(digest)!.length, platform: { os, architecture } };
    });
    const attestation = put({ schemaVersion: 2, mediaType: MANIFEST, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: "sha256:" + "2".repeat(64), size: 1 }, layers: [], seed }, MANIFEST);
    manifests.push({
        mediaType: MANIFEST,
        digest: attestation,
        size: blobs.get(attestation)!.length,
        platform: { os: "unknown", architecture: "unknown" },
        annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": manifests[0].digest },
    } as (typeof manifests)[number]);
    return put({ schemaVersion: 2, mediaType: INDEX, manifests }, INDEX);
}

/** The login ECR hosts want here: what the harness's getAuthorizationToken mock hands out. */
export const FAKE_ECR_LOGIN = { username: "AWS", password: "ecr-token-secret" };

/**
 * Serves GET/HEAD /v2/ and /v2/<repo>/manifests/<digest> from memory, on any host; ECR
 * hosts (*.amazonaws.com) answer only to FAKE_ECR_LOGIN, by HTTP basic auth, as ECR does.
 */
export const fakeRegistryFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname.endsWith(".amazonaws.com")) {
        const expected = `Basic ${Buffer.from(`${FAKE_ECR_LOGIN.username}:${FAKE_ECR_LOGIN.password}`).toString("base64")}`;
        const given = new Headers(init?.headers).get("authorization");
        if (given !== expected) return new Response("{}", { status: 401, headers: { "WWW-Authenticate": `Basic realm="${url.hostname}"` } });
    }
    if (url.pathname === "/v2/" || url.pathname === "/v2") return new Response("{}", { status: 200 });
    const m = /^\/v2\/(.+)\/manifests\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
    const bytes = m ? blobs.get(m[2]) : undefined;
    if (!m || !bytes) return new Response(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN" }] }), { status: 404 });
    const headers = { "Content-Type": types.get(m[2])!, "Docker-Content-Digest": m[2], "Content-Length": String(bytes.length) };
    return new Response(init?.method === "HEAD" ? null : new Uint8Array(bytes), { status: 200, headers });
};
