/**
 * Image sizes read from the registry API (OCI distribution), per platform: compressed (the
 * bytes pushed and pulled: config + layer blobs as stored) and uncompressed (the layers
 * gunzipped, i.e. what the image unpacks to).
 */
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as zlib from "zlib";
import type { RegistryTarget } from "./suite";

const ACCEPT = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export type Reachable = Exclude<RegistryTarget, { kind: "none" }>;

function get(reg: Reachable, urlPath: string): Promise<Buffer> {
    const url = `${reg.kind}://${reg.address}${urlPath}`;
    return new Promise((resolve, reject) => {
        const onResponse = (res: http.IncomingMessage) => {
            if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
                res.resume();
                const loc = new URL(res.headers.location, url);
                get(reg, loc.pathname + loc.search).then(resolve, reject);
                return;
            }
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${url}: ${res.statusCode}`))));
        };
        const headers = { Accept: ACCEPT };
        const req = reg.kind === "https" ? https.get(url, { headers, ca: fs.readFileSync(reg.caFile) }, onResponse) : http.get(url, { headers }, onResponse);
        req.on("error", reject);
    });
}

interface Descriptor {
    digest: string;
    size: number;
    mediaType?: string;
    platform?: { os: string; architecture: string };
}

interface ManifestDoc {
    manifests?: Descriptor[];
    config?: Descriptor;
    layers?: Descriptor[];
}

export interface PlatformSize {
    platform: string;
    compressed: number;
    uncompressed: number;
}

/** Sizes of every linux platform of REPO@REF (a tag or digest; an index or a single manifest). */
export async function imageSizes(reg: Reachable, repo: string, ref: string): Promise<PlatformSize[]> {
    const doc = JSON.parse((await get(reg, `/v2/${repo}/manifests/${ref}`)).toString()) as ManifestDoc;
    const images: { platform: string; digest: string }[] = doc.manifests
        ? doc.manifests.filter((m) => m.platform && m.platform.os !== "unknown").map((m) => ({ platform: `${m.platform!.os}/${m.platform!.architecture}`, digest: m.digest }))
        : [{ platform: "single", digest: ref }];
    const sizes: PlatformSize[] = [];
    for (const img of images) {
        const m = JSON.parse((await get(reg, `/v2/${repo}/manifests/${img.digest}`)).toString()) as ManifestDoc;
        let compressed = m.config?.size ?? 0;
        let uncompressed = 0;
        for (const layer of m.layers ?? []) {
            compressed += layer.size;
            const blob = await get(reg, `/v2/${repo}/blobs/${layer.digest}`);
            uncompressed += (layer.mediaType ?? "").includes("gzip") ? zlib.gunzipSync(blob).length : blob.length;
        }
        sizes.push({ platform: img.platform, compressed, uncompressed });
    }
    return sizes;
}

/** Whether the registry answers its API root (GET /v2/). */
export async function answers(reg: Reachable): Promise<boolean> {
    try {
        await get(reg, "/v2/");
        return true;
    } catch {
        return false;
    }
}
