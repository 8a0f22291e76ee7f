// Placeholder until the registry API client lands (same exported API).
import * as crypto from "crypto";
export interface RegistryLogin { username: string; password: string }
export interface VerifiedImage { digest: string; mediaType: string; platforms: string[]; attestations: number }
const ACCEPT = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
export async function verifyImage(ref: string, options: { platforms: readonly string[]; login?: RegistryLogin; fetch?: typeof fetch }): Promise<VerifiedImage> {
    const m = /^([^/]+)\/(.+?)(?::[\w][\w.-]*)?@(sha256:[0-9a-f]{64})$/.exec(ref);
    if (!m) throw new Error(`${ref}: not a digest reference`);
    const [, host, repo, digest] = m;
    const headers: Record<string, string> = { Accept: ACCEPT };
    if (options.login) headers.Authorization = `Basic ${Buffer.from(`${options.login.username}:${options.login.password}`).toString("base64")}`;
    const res = await (options.fetch ?? fetch)(`https://${host}/v2/${repo}/manifests/${digest}`, { headers });
    if (res.status === 401) throw new Error(`registry ${host} requires a login`);
    if (!res.ok) throw new Error(`${ref}: not found in ${host} (HTTP ${res.status})`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const got = "sha256:" + crypto.createHash("sha256").update(bytes).digest("hex");
    if (got !== digest) throw new Error(`${ref}: the registry's bytes hash to ${got}`);
    const body = JSON.parse(bytes.toString("utf8")) as { mediaType?: string; manifests?: Array<{ platform?: { os: string; architecture: string }; annotations?: Record<string, string> }> };
    const images = (body.manifests ?? []).filter((d) => d.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest");
    const platforms = images.map((d) => `${d.platform?.os}/${d.platform?.architecture}`);
    const missing = options.platforms.filter((p) => !platforms.includes(p));
    if (missing.length > 0) throw new Error(`${ref}: no ${missing.join(", ")} (has ${platforms.join(", ")})`);
    return { digest, mediaType: body.mediaType ?? "", platforms, attestations: (body.manifests ?? []).length - images.length };
}
