/**
 * A small read-only client of the OCI Distribution API v2 (`/v2/`): enough to prove, at
 * `pulumi preview` time, that the registry pods pull from serves an image digest, byte for
 * byte, for every platform a stack deploys. Node's global `fetch`, HTTPS only; the registry's
 * CA comes from NODE_EXTRA_CA_CERTS like every other TLS connection of the program.
 */
import { createHash } from "crypto";
import { parseImageReference } from "../build/image-reference";

/** A registry login: HTTP basic for htpasswd registries and ECR, or the login of a token realm. */
export interface RegistryLogin {
    username: string;
    password: string;
}

/** What verifyImage proved. */
export interface VerifiedImage {
    /** The digest asked for, which the manifest's bytes hash to. */
    digest: string;
    /** Media type of the manifest: an index (list) or a single image manifest. */
    mediaType: string;
    /** `os/arch[/variant]` of the image manifests, as the registry stores them; attestations excluded. */
    platforms: string[];
    /** BuildKit attestation manifests in the index (0 for a single manifest). */
    attestations: number;
}

export type RegistryProblemKind =
    | "invalid-reference"
    | "not-found"
    | "unauthorized"
    | "missing-platform"
    | "digest-mismatch"
    | "unreachable"
    | "not-an-image";

/** Why a registry check failed; the message names the reference (or host) and says the fix. */
export class RegistryProblem extends Error {
    readonly kind: RegistryProblemKind;
    constructor(kind: RegistryProblemKind, message: string) {
        super(message);
        this.name = "RegistryProblem";
        this.kind = kind;
    }
}

export interface RegistryOptions {
    /** Anonymous when absent. */
    login?: RegistryLogin;
    /** Where a login comes from, for messages. @default goship's registry config keys */
    loginHelp?: string;
    /** @default the global fetch */
    fetch?: typeof fetch;
    /** Per request, redirects and token included. @default 30000 */
    timeoutMs?: number;
}

export interface VerifyImageOptions extends RegistryOptions {
    /** Platforms that must be present, `os/arch[/variant]`. */
    platforms: readonly string[];
}

export const MEDIA_TYPES = {
    ociIndex: "application/vnd.oci.image.index.v1+json",
    dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
    ociManifest: "application/vnd.oci.image.manifest.v1+json",
    dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
    ociConfig: "application/vnd.oci.image.config.v1+json",
    dockerConfig: "application/vnd.docker.container.image.v1+json",
} as const;

const INDEX_TYPES: readonly string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList];
const MANIFEST_TYPES: readonly string[] = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest];
const CONFIG_TYPES: readonly string[] = [MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig];
const ACCEPT_ANY = [...INDEX_TYPES, ...MANIFEST_TYPES].join(", ");
const ACCEPT_MANIFEST = MANIFEST_TYPES.join(", ");

const DEFAULT_LOGIN_HELP = "set goship:registry.username and the secret goship:registryPassword (pulumi config set --secret registryPassword …)";
const MAX_REDIRECTS = 5;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** `host[:port]/repo[:tag]@sha256:…`: the registry host must be explicit and the digest present. */
export function parseImageRef(ref: string): { host: string; repository: string; tag?: string; digest: string } {
    const parsed = parseImageReference(ref);
    const slash = parsed?.name.indexOf("/") ?? -1;
    const host = parsed && slash > 0 ? parsed.name.slice(0, slash) : "";
    if (!parsed || !/[.:]|^localhost$/.test(host)) {
        throw new RegistryProblem("invalid-reference", `image reference "${ref}" is not host[:port]/repository[:tag]@sha256:<64 hex>: name the registry host explicitly`);
    }
    if (parsed.digest === undefined) {
        throw new RegistryProblem("invalid-reference", `image reference "${ref}" has no @sha256: digest: verify a promoted digest, never a tag alone`);
    }
    const out: { host: string; repository: string; tag?: string; digest: string } = { host, repository: parsed.name.slice(slash + 1), digest: parsed.digest };
    if (parsed.tag !== undefined) out.tag = parsed.tag;
    return out;
}

/**
 * Proves that the registry serves `ref`'s digest: the manifest's bytes hash to it, every
 * platform manifest of an index is there too (and hashes to its descriptor), and every platform
 * in `options.platforms` is present. Throws RegistryProblem.
 */
export async function verifyImage(ref: string, options: VerifyImageOptions): Promise<VerifiedImage> {
    const { host, repository, digest } = parseImageRef(ref);
    const client = new RegistryClient(host, options, ref, repository);
    return client.guard(async () => {
        const top = await client.fetchVerified(`manifests/${digest}`, ACCEPT_ANY, digest, undefined, "image");
        const body = parseJson(top.bytes, () => client.problem("not-an-image", `${ref} is not a JSON image manifest: deploy an image built by goship`));
        const mediaType = mediaTypeOf(body, top.contentType);
        let platforms: string[];
        let attestations = 0;
        if (INDEX_TYPES.includes(mediaType)) {
            ({ platforms, attestations } = await verifyIndex(client, body, ref));
        } else if (MANIFEST_TYPES.includes(mediaType)) {
            platforms = [await platformOfManifest(client, body, ref)];
        } else {
            throw client.problem("not-an-image", `${ref} is a ${mediaType || "manifest without a media type"}, not an image index or image manifest: deploy an image built by goship`);
        }
        const present = new Set(platforms.map(normalizePlatform));
        const missing = options.platforms.filter((p) => !present.has(normalizePlatform(p)));
        if (missing.length > 0) {
            throw client.problem(
                "missing-platform",
                `${ref} lacks platform${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (it has ${platforms.join(", ") || "none"}): ` +
                    `build and promote an image for every platform the stack deploys, or drop the missing ones from the stack's platforms`,
            );
        }
        return { digest, mediaType, platforms, attestations };
    });
}

/** GET /v2/: resolves when the registry answers, anonymously or with `login`; throws RegistryProblem otherwise. */
export async function checkRegistryAccess(host: string, options: RegistryOptions): Promise<void> {
    if (!/^(localhost|[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?)(:[0-9]{1,5})?$/.test(host)) {
        throw new RegistryProblem("invalid-reference", `registry "${host}" is not a host[:port] without scheme or path`);
    }
    const client = new RegistryClient(host, options, `registry ${host}`);
    await client.guard(async () => {
        const res = await client.get("", "application/json");
        if (res.status !== 200) throw client.unexpected(res);
    });
}

/** A manifest as the registry serves it: bytes hashed, body parsed. */
export interface ReadManifest {
    digest: string;
    mediaType: string;
    body: Record<string, unknown>;
    bytes: Buffer;
}

/** One entry of a manifest's `layers` or an index's `manifests`. */
export interface Descriptor {
    mediaType: string;
    digest: string;
    size?: number;
    platform?: { os?: unknown; architecture?: unknown; variant?: unknown };
    annotations?: Record<string, unknown>;
}

/**
 * Reads one repository's manifests and blobs (the supply-chain records beside an image:
 * cosign's `sha256-<hex>.sig` and `.att` tags, and the image's own layers). Every blob and
 * every manifest read by digest is hashed against its digest.
 */
export class RepositoryReader {
    private readonly client: RegistryClient;
    readonly host: string;
    readonly repository: string;

    constructor(host: string, repository: string, options: RegistryOptions) {
        this.host = host;
        this.repository = repository;
        this.client = new RegistryClient(host, options, `${host}/${repository}`, repository);
    }

    /** The manifest a tag or digest names, or undefined when the registry has none. */
    async manifest(reference: string): Promise<ReadManifest | undefined> {
        return this.client.guard(async () => {
            const byDigest = DIGEST.test(reference);
            const res = await this.client.get(`manifests/${reference}`, ACCEPT_ANY);
            const codes = errorCodes(res.bytes);
            if (res.status === 404 || codes.some((c) => /^(MANIFEST|NAME)_UNKNOWN$/.test(c))) return undefined;
            if (res.status !== 200) throw this.client.unexpected(res);
            const digest = `sha256:${createHash("sha256").update(res.bytes).digest("hex")}`;
            if (byDigest && digest !== reference) {
                throw this.client.problem("digest-mismatch", `manifest ${reference} of ${this.host}/${this.repository} hashes to ${digest}: the registry does not serve it byte-identical`);
            }
            const body = parseJson(res.bytes, () => this.client.problem("not-an-image", `${this.host}/${this.repository}:${reference} is not a JSON manifest`));
            return { digest, mediaType: mediaTypeOf(body, res.contentType), body, bytes: res.bytes };
        });
    }

    /** A blob by digest, its bytes proven to hash to it. */
    async blob(descriptor: Descriptor, what: string): Promise<Buffer> {
        return this.client.guard(async () => (await this.client.fetchVerified(`blobs/${descriptor.digest}`, "*/*", descriptor.digest, descriptor.size, what)).bytes);
    }
}

/** The descriptors of a manifest's layers, or of an index's manifests. */
export function descriptorsOf(body: Record<string, unknown>, field: "layers" | "manifests"): Descriptor[] {
    const list = body[field];
    return Array.isArray(list) ? list.map(descriptorOf).filter((d): d is Descriptor => d !== undefined) : [];
}

/** `os/arch[/variant]` of an index entry, or undefined (an attestation, an unknown platform). */
export function platformOfDescriptor(d: Descriptor): string | undefined {
    if (d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") return undefined;
    const platform = platformString(d.platform?.os, d.platform?.architecture, d.platform?.variant);
    return platform === undefined || platform.startsWith("unknown/") ? undefined : platform;
}

async function verifyIndex(client: RegistryClient, body: Record<string, unknown>, ref: string): Promise<{ platforms: string[]; attestations: number }> {
    const entries = Array.isArray(body.manifests) ? body.manifests : [];
    const platforms: string[] = [];
    let attestations = 0;
    for (const entry of entries) {
        const d = descriptorOf(entry);
        if (!d) throw client.problem("not-an-image", `${ref} has an index entry without a media type and digest: rebuild and push the image`);
        if (d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") {
            attestations++;
            continue;
        }
        const platform = platformString(d.platform?.os, d.platform?.architecture, d.platform?.variant);
        if (!MANIFEST_TYPES.includes(d.mediaType) || platform === undefined || platform.startsWith("unknown/")) continue;
        const what = `platform ${platform} (${d.digest})`;
        const child = await client.fetchVerified(`manifests/${d.digest}`, ACCEPT_MANIFEST, d.digest, d.size, what);
        const childType = mediaTypeOf(parseJson(child.bytes, () => client.problem("not-an-image", `${what} of ${ref} is not a JSON manifest`)), child.contentType);
        if (!MANIFEST_TYPES.includes(childType)) {
            throw client.problem("not-an-image", `${what} of ${ref} is a ${childType || "manifest without a media type"}, not an image manifest: rebuild and push the image`);
        }
        platforms.push(platform);
    }
    if (platforms.length === 0) {
        throw client.problem("not-an-image", `${ref} is an index without image manifests (${attestations} attestation${attestations === 1 ? "" : "s"}): deploy an image built by goship`);
    }
    return { platforms, attestations };
}

async function platformOfManifest(client: RegistryClient, body: Record<string, unknown>, ref: string): Promise<string> {
    const config = descriptorOf(body.config);
    if (!config || !CONFIG_TYPES.includes(config.mediaType)) {
        throw client.problem("not-an-image", `${ref} is a manifest whose config is ${config?.mediaType ?? "missing"}, not an image config (an artifact, not an image): deploy an image built by goship`);
    }
    const blob = await client.fetchVerified(`blobs/${config.digest}`, `${config.mediaType}, */*`, config.digest, config.size, `config blob ${config.digest}`);
    const image = parseJson(blob.bytes, () => client.problem("not-an-image", `config blob ${config.digest} of ${ref} is not JSON: rebuild and push the image`));
    const platform = platformString(image.os, image.architecture, image.variant);
    if (platform === undefined) throw client.problem("not-an-image", `config blob ${config.digest} of ${ref} names no os/architecture: rebuild and push the image`);
    return platform;
}

/** Same platform as containerd matches it: arm64/v8 is arm64, arm is arm/v7, amd64/v1 is amd64. */
function normalizePlatform(platform: string): string {
    const [os, arch, variant] = platform.split("/");
    if (arch === "arm64" && (variant === undefined || variant === "v8")) return `${os}/arm64`;
    if (arch === "amd64" && (variant === undefined || variant === "v1")) return `${os}/amd64`;
    if (arch === "arm" && variant === undefined) return `${os}/arm/v7`;
    return platform;
}

function platformString(os: unknown, arch: unknown, variant: unknown): string | undefined {
    if (typeof os !== "string" || typeof arch !== "string" || os === "" || arch === "") return undefined;
    return typeof variant === "string" && variant !== "" ? `${os}/${arch}/${variant}` : `${os}/${arch}`;
}

function descriptorOf(value: unknown): Descriptor | undefined {
    if (typeof value !== "object" || value === null) return undefined;
    const d = value as Record<string, unknown>;
    if (typeof d.mediaType !== "string" || typeof d.digest !== "string" || !DIGEST.test(d.digest)) return undefined;
    const out: Descriptor = { mediaType: d.mediaType, digest: d.digest };
    if (typeof d.size === "number") out.size = d.size;
    if (typeof d.platform === "object" && d.platform !== null) out.platform = d.platform as Descriptor["platform"];
    if (typeof d.annotations === "object" && d.annotations !== null) out.annotations = d.annotations as Record<string, unknown>;
    return out;
}

/** The body's own mediaType (what the digest covers), else the Content-Type without parameters. */
function mediaTypeOf(body: Record<string, unknown>, contentType: string): string {
    return typeof body.mediaType === "string" ? body.mediaType : contentType;
}

function parseJson(bytes: Buffer, problem: () => RegistryProblem): Record<string, unknown> {
    try {
        const value: unknown = JSON.parse(bytes.toString("utf8"));
        if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
        // fall through
    }
    throw problem();
}

interface Fetched {
    /** Path of the request, e.g. `/v2/goship/hello/manifests/sha256:…`. */
    path: string;
    status: number;
    contentType: string;
    bytes: Buffer;
}

interface Challenge {
    scheme: string;
    params: Record<string, string>;
}

/** `Bearer realm="…",service="…",scope="…"` → scheme and parameters. */
function parseChallenge(header: string | null): Challenge | undefined {
    if (!header) return undefined;
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
    if (!m) return undefined;
    const params: Record<string, string> = {};
    for (const p of m[2].matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
        params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
    }
    return { scheme: m[1].toLowerCase(), params };
}

/** The registry's `errors[].code`s, e.g. MANIFEST_UNKNOWN. */
function errorCodes(bytes: Buffer): string[] {
    try {
        const body: unknown = JSON.parse(bytes.toString("utf8"));
        const errors = typeof body === "object" && body !== null ? (body as { errors?: unknown }).errors : undefined;
        if (!Array.isArray(errors)) return [];
        return errors.map((e: unknown) => (typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined)).filter((c): c is string => typeof c === "string");
    } catch {
        return [];
    }
}

class RegistryClient {
    private readonly fetch: typeof fetch;
    private readonly timeoutMs: number;
    private readonly loginHelp: string;
    /** Authorization header value that worked (or was issued) for this host. */
    private authorization: string | undefined;
    /** Every secret value this client handled, scrubbed from messages. */
    private readonly secrets: string[] = [];

    constructor(
        private readonly host: string,
        private readonly options: RegistryOptions,
        /** What messages are about: the image reference, or `registry <host>`. */
        private readonly subject: string,
        private readonly repository?: string,
    ) {
        this.fetch = options.fetch ?? fetch;
        this.timeoutMs = options.timeoutMs ?? 30_000;
        this.loginHelp = options.loginHelp ?? DEFAULT_LOGIN_HELP;
        if (options.login) {
            this.secrets.push(options.login.password, this.basic(options.login).slice("Basic ".length));
        }
    }

    /** Docker Hub's API host is not its name. */
    private get apiHost(): string {
        return this.host === "docker.io" ? "registry-1.docker.io" : this.host;
    }

    problem(kind: RegistryProblemKind, message: string): RegistryProblem {
        let text = message;
        for (const s of this.secrets) if (s.length > 0) text = text.split(s).join("***");
        return new RegistryProblem(kind, text);
    }

    /** Runs `work`; any error that is not already a RegistryProblem becomes one, scrubbed. */
    async guard<T>(work: () => Promise<T>): Promise<T> {
        try {
            return await work();
        } catch (e) {
            if (e instanceof RegistryProblem) throw this.problem(e.kind, e.message);
            throw this.problem("unreachable", `checking ${this.subject} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`);
        }
    }

    /** GETs a manifest or blob by digest and proves its bytes hash to that digest. */
    async fetchVerified(path: string, accept: string, digest: string, size: number | undefined, what: string): Promise<Fetched> {
        const res = await this.get(path, accept);
        const codes = errorCodes(res.bytes);
        if (res.status === 404 || codes.some((c) => /^(MANIFEST|BLOB|NAME)_UNKNOWN$/.test(c))) {
            const where = what === "image" ? `${this.subject} is not in registry ${this.host}` : `${what} of ${this.subject} is not in registry ${this.host}`;
            throw this.problem(
                "not-found",
                `${where} (${codes.join(", ") || "HTTP 404"}): push or promote the image there first (every platform, the whole index), or fix the digest`,
            );
        }
        if (res.status !== 200) throw this.unexpected(res);
        const [algorithm, hex] = digest.split(":");
        const actual = `${algorithm}:${createHash(algorithm).update(res.bytes).digest("hex")}`;
        if (actual !== `${algorithm}:${hex}` || (size !== undefined && size !== res.bytes.length)) {
            const subject = what === "image" ? this.subject : `${what} of ${this.subject}`;
            throw this.problem(
                "digest-mismatch",
                `${subject}: registry ${this.host} served ${res.bytes.length} bytes hashing to ${actual}, not ${digest}${size !== undefined ? ` (${size} bytes)` : ""}: ` +
                    `the copy is not byte-identical; copy it again by digest (e.g. crane copy or skopeo copy --all --preserve-digests), never by re-pushing a pulled image`,
            );
        }
        return res;
    }

    /** GET `/v2/<repository>/<path>` (or `/v2/` when path is empty), authenticating on a 401 challenge. */
    async get(path: string, accept: string): Promise<Fetched> {
        const url = path === "" ? `https://${this.apiHost}/v2/` : `https://${this.apiHost}/v2/${this.repository}/${path}`;
        let res = await this.send(url, accept, this.authorization);
        if (res.status === 401) {
            this.authorization = await this.authorize(parseChallenge(res.headers.get("www-authenticate")));
            res = await this.send(url, accept, this.authorization);
            if (res.status === 401) throw this.options.login ? this.refused() : this.needsLogin();
        }
        if (res.status === 403) {
            const who = this.options.login ? `user "${this.options.login.username}"` : "anonymous pulls";
            throw this.problem("unauthorized", `registry ${this.host} denied ${who} access to ${this.repository ?? "/v2/"} for ${this.subject} (HTTP 403): grant that login pull access, or ${this.loginHelp}`);
        }
        return { path: new URL(url).pathname, status: res.status, contentType: (res.headers.get("content-type") ?? "").split(";")[0].trim(), bytes: Buffer.from(await this.read(res, url)) };
    }

    /** Any other answer than 200: the registry is there but does not serve the API as it should. */
    unexpected(res: Fetched): RegistryProblem {
        const codes = errorCodes(res.bytes);
        return this.problem(
            "unreachable",
            `registry ${this.host} answered HTTP ${res.status}${codes.length ? ` (${codes.join(", ")})` : ""} to GET ${res.path} for ${this.subject}: check that ${this.host} is an OCI registry and healthy`,
        );
    }

    private needsLogin(): RegistryProblem {
        return this.problem("unauthorized", `registry ${this.host} requires a login for ${this.subject}: ${this.loginHelp}`);
    }

    private refused(): RegistryProblem {
        return this.problem("unauthorized", `registry ${this.host} refused the login of user "${this.options.login?.username ?? ""}" for ${this.subject}: check the username and password; ${this.loginHelp}`);
    }

    private basic(login: RegistryLogin): string {
        return `Basic ${Buffer.from(`${login.username}:${login.password}`, "utf8").toString("base64")}`;
    }

    /** The Authorization header value that answers a 401 challenge. */
    private async authorize(challenge: Challenge | undefined): Promise<string> {
        const login = this.options.login;
        if (challenge?.scheme === "basic") {
            if (!login) throw this.needsLogin();
            return this.basic(login);
        }
        if (challenge?.scheme !== "bearer" || !challenge.params.realm) {
            throw this.problem("unauthorized", `registry ${this.host} answered 401 for ${this.subject} without a Basic or Bearer challenge: ${login ? "check the login" : this.loginHelp}`);
        }
        let realm: URL;
        try {
            realm = new URL(challenge.params.realm);
        } catch {
            throw this.problem("unauthorized", `registry ${this.host} names a token realm that is not a URL for ${this.subject}: check the registry's auth configuration`);
        }
        if (realm.protocol !== "https:") {
            throw this.problem("unauthorized", `registry ${this.host} names the token realm ${realm.origin}, which is not HTTPS, for ${this.subject}: goship sends no login over plain HTTP; configure the registry's token service with TLS`);
        }
        if (challenge.params.service) realm.searchParams.set("service", challenge.params.service);
        const scope = challenge.params.scope ?? (this.repository ? `repository:${this.repository}:pull` : undefined);
        if (scope) realm.searchParams.set("scope", scope);
        const res = await this.send(realm.toString(), "application/json", login ? this.basic(login) : undefined);
        const bytes = Buffer.from(await this.read(res, realm.toString()));
        if (res.status === 401 || res.status === 403) throw login ? this.refused() : this.needsLogin();
        if (res.status !== 200) {
            throw this.problem("unreachable", `the token service ${realm.origin} of registry ${this.host} answered HTTP ${res.status} for ${this.subject}: check that it runs`);
        }
        let token: unknown;
        try {
            const body = JSON.parse(bytes.toString("utf8")) as { token?: unknown; access_token?: unknown };
            token = body.token ?? body.access_token;
        } catch {
            token = undefined;
        }
        if (typeof token !== "string" || token === "") {
            throw this.problem("unauthorized", `the token service ${realm.origin} of registry ${this.host} answered without a token for ${this.subject}: check the registry's auth configuration`);
        }
        this.secrets.push(token);
        return `Bearer ${token}`;
    }

    /**
     * One request, following redirects by hand: only to https, and without the Authorization
     * header once the origin changes (blob storage such as S3 refuses a second credential).
     */
    private async send(url: string, accept: string, authorization: string | undefined): Promise<Response> {
        let current = new URL(url);
        const origin = current.origin;
        for (let hop = 0; ; hop++) {
            const headers: Record<string, string> = { accept };
            if (authorization !== undefined && current.origin === origin) headers.authorization = authorization;
            let res: Response;
            try {
                res = await this.fetch(current.toString(), { method: "GET", headers, redirect: "manual", signal: AbortSignal.timeout(this.timeoutMs) });
            } catch (e) {
                throw this.unreachable(current, e);
            }
            const location = res.headers.get("location");
            if (res.status < 300 || res.status >= 400 || location === null) return res;
            await res.arrayBuffer().catch(() => undefined);
            const next = new URL(location, current);
            if (next.protocol !== "https:") {
                throw this.problem("unreachable", `registry ${this.host} redirected ${this.subject} to ${next.origin}, which is not HTTPS: goship never reads images over plain HTTP; fix the registry's storage redirect`);
            }
            if (hop >= MAX_REDIRECTS) throw this.problem("unreachable", `registry ${this.host} redirected more than ${MAX_REDIRECTS} times for ${this.subject}: check the registry's storage configuration`);
            current = next;
        }
    }

    private async read(res: Response, url: string): Promise<ArrayBuffer> {
        try {
            return await res.arrayBuffer();
        } catch (e) {
            throw this.unreachable(new URL(url), e);
        }
    }

    private unreachable(url: URL, e: unknown): RegistryProblem {
        const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
        const code = typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : "";
        const detail = e instanceof Error && e.name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : [code, cause instanceof Error ? cause.message : String(cause)].filter(Boolean).join(": ");
        const tls = TLS_CODES.test(code) ? "; Node does not trust its certificate: point NODE_EXTRA_CA_CERTS at the registry's CA" : "";
        const what = url.host === new URL(`https://${this.apiHost}`).host ? `registry ${this.host}` : `${url.host} (for registry ${this.host})`;
        return this.problem("unreachable", `${what} is unreachable for ${this.subject} (${detail})${tls}: check that it runs and that ${this.host} is the registry the cluster pulls from`);
    }
}
