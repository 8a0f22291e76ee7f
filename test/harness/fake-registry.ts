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
/** cosign's `sha256-<hex>.sig` tags → the signature manifest's digest. */
const tags = new Map<string, string>();

/** The key the fake registry's cosign signatures are made with; the harness writes its public half as the project's cosign.pub. */
const signingKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
export const FAKE_SIGNING_PUBLIC_PEM = signingKey.publicKey.export({ type: "spki", format: "pem" }).toString();

/** A cosign signature of DIGEST (what `cosign sign --key` writes), tagged beside it. */
export function fakeSign(digest: string, key: crypto.KeyObject = signingKey.privateKey): void {
    const payload = Buffer.from(JSON.stringify({ critical: { identity: { "docker-reference": "fake" }, image: { "docker-manifest-digest": digest }, type: "cosign container image signature" }, optional: null }));
    const layer = "sha256:" + crypto.createHash("sha256").update(payload).digest("hex");
    blobs.set(layer, payload);
    const signature = crypto.sign("sha256", payload, key).toString("base64");
    const manifest = put(
        {
            schemaVersion: 2,
            mediaType: MANIFEST,
            config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: "sha256:" + "3".repeat(64), size: 2 },
            layers: [{ mediaType: "application/vnd.dev.cosign.simplesigning.v1+json", digest: layer, size: payload.length, annotations: { "dev.cosignproject.cosign/signature": signature } }],
        },
        MANIFEST,
    );
    tags.set(`sha256-${digest.slice("sha256:".length)}.sig`, manifest);
}

function put(body: unknown, mediaType: string): string {
    const bytes = Buffer.from(JSON.stringify(body));
    const digest = "sha256:" + crypto.createHash("sha256").update(bytes).digest("hex");
    blobs.set(digest, bytes);
    types.set(digest, mediaType);
    return digest;
}

/** A multi-platform index (with an attestation manifest, as BuildKit makes) in the fake registry; returns its digest. */
export function fakeIndex(seed: string, platforms: readonly string[] = ["linux/amd64", "linux/arm64"], { signed = true }: { signed?: boolean } = {}): string {
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
    const index = put({ schemaVersion: 2, mediaType: INDEX, manifests }, INDEX);
    if (signed) fakeSign(index);
    return index;
}

/** ECR's scan-on-push answers by image digest (DescribeImageScanFindings); a digest not set has a complete, clean scan. */
const ecrScans = new Map<string, { status: string; counts: Record<string, number> }>();
export function fakeEcrScan(digest: string, status: string, counts: Record<string, number> = {}): void {
    ecrScans.set(digest, { status, counts });
}
/** The AWS access key the harness puts in the environment; ECR's API answers only requests signed with it. */
export const FAKE_AWS_ACCESS_KEY = "AKIDGOSHIPTEST";

/** The login 127.0.0.1:5001 (local-prod's registry) wants here: Pulumi.local-prod.yaml's user and the graph tests' registryPassword. */
export const FAKE_LOGIN_REGISTRY = { username: "goship", password: "push-password" };

/** The login ECR hosts want here: what the harness's getAuthorizationToken mock hands out. */
export const FAKE_ECR_LOGIN = { username: "AWS", password: "ecr-token-secret" };

/**
 * Serves GET/HEAD /v2/ and /v2/<repo>/manifests/<digest> from memory, on any host; ECR
 * hosts (*.amazonaws.com) answer only to FAKE_ECR_LOGIN, by HTTP basic auth, as ECR does.
 */
export const fakeRegistryFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (/^api\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(url.hostname)) {
        const headers = new Headers(init?.headers);
        if (!(headers.get("authorization") ?? "").startsWith(`AWS4-HMAC-SHA256 Credential=${FAKE_AWS_ACCESS_KEY}/`)) return new Response(JSON.stringify({ __type: "UnrecognizedClientException" }), { status: 400 });
        if (headers.get("x-amz-target") !== "AmazonEC2ContainerRegistry_V20150921.DescribeImageScanFindings") return new Response("{}", { status: 400 });
        const digest = (JSON.parse(String(init?.body)) as { imageId: { imageDigest: string } }).imageId.imageDigest;
        const scan = ecrScans.get(digest) ?? { status: "COMPLETE", counts: {} };
        return new Response(JSON.stringify({ imageScanStatus: { status: scan.status }, imageScanFindings: { findingSeverityCounts: scan.counts } }), { status: 200 });
    }
    // local-prod's login registry: only its push login (the graph tests' registryPassword) gets in.
    if (url.host === "127.0.0.1:5001") {
        const given = new Headers(init?.headers).get("authorization");
        if (given !== `Basic ${Buffer.from(`${FAKE_LOGIN_REGISTRY.username}:${FAKE_LOGIN_REGISTRY.password}`).toString("base64")}`) {
            return new Response("{}", { status: 401, headers: { "WWW-Authenticate": `Basic realm="${url.host}"` } });
        }
    }
    if (url.hostname.endsWith(".amazonaws.com")) {
        const expected = `Basic ${Buffer.from(`${FAKE_ECR_LOGIN.username}:${FAKE_ECR_LOGIN.password}`).toString("base64")}`;
        const given = new Headers(init?.headers).get("authorization");
        if (given !== expected) return new Response("{}", { status: 401, headers: { "WWW-Authenticate": `Basic realm="${url.hostname}"` } });
    }
    if (url.pathname === "/v2/" || url.pathname === "/v2") return new Response("{}", { status: 200 });
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(sha256:[0-9a-f]{64}|sha256-[0-9a-f]{64}\.(?:sig|att))$/.exec(url.pathname);
    const digest = m ? (tags.get(m[3]) ?? m[3]) : undefined;
    const bytes = digest ? blobs.get(digest) : undefined;
    if (!m || !digest || !bytes) return new Response(JSON.stringify({ errors: [{ code: m?.[2] === "blobs" ? "BLOB_UNKNOWN" : "MANIFEST_UNKNOWN" }] }), { status: 404 });
    const headers = { "Content-Type": types.get(digest) ?? "application/octet-stream", "Docker-Content-Digest": digest, "Content-Length": String(bytes.length) };
    return new Response(init?.method === "HEAD" ? null : new Uint8Array(bytes), { status: 200, headers });
};
