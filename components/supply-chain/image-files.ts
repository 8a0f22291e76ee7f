/**
 * Reads one file out of an image in a registry: the service's binary, which the SBOM and the
 * vulnerability scan are made from (the bytes the pods run, not a rebuild). Layers are read
 * top-down; each is a tar, gzip- or zstd-compressed.
 */
import * as zlib from "zlib";
import { Descriptor, descriptorsOf, RepositoryReader } from "../publish/registry-api";

/** The file at `path` (no leading slash, e.g. `usr/local/bin/hello`) in the image manifest `digest`. */
export async function readImageFile(reader: RepositoryReader, digest: string, path: string): Promise<Buffer> {
    const manifest = await reader.manifest(digest);
    if (!manifest) throw new Error(`${reader.host}/${reader.repository}@${digest} is not in the registry`);
    const layers = descriptorsOf(manifest.body, "layers");
    for (const layer of [...layers].reverse()) {
        const tar = decompress(layer, await reader.blob(layer, `layer ${layer.digest}`));
        const file = fileInTar(tar, path);
        if (file) return file;
    }
    throw new Error(`${reader.host}/${reader.repository}@${digest} has no file /${path} in its ${layers.length} layers`);
}

function decompress(layer: Descriptor, bytes: Buffer): Buffer {
    if (layer.mediaType.endsWith("gzip")) return zlib.gunzipSync(bytes);
    if (layer.mediaType.endsWith("zstd")) {
        const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
        if (!zstd) throw new Error(`layer ${layer.digest} is zstd-compressed, which this Node.js cannot read (zlib.zstdDecompressSync needs Node 22.15 or later)`);
        return zstd(bytes);
    }
    if (layer.mediaType.endsWith(".tar") || layer.mediaType.endsWith("tar.v1")) return bytes;
    throw new Error(`layer ${layer.digest} has media type ${layer.mediaType}, which goship cannot read`);
}

/** A regular file of a tar archive by path (ustar prefix, PAX `path` and GNU long names honoured). */
export function fileInTar(tar: Buffer, wanted: string): Buffer | undefined {
    const clean = (p: string) => p.replace(/^\.?\//, "");
    let offset = 0;
    let longName: string | undefined;
    while (offset + 512 <= tar.length) {
        const header = tar.subarray(offset, offset + 512);
        if (header.every((b) => b === 0)) return undefined;
        const field = (start: number, length: number) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
        const size = parseInt(field(124, 12).trim() || "0", 8);
        const type = field(156, 1) || "0";
        const prefix = field(257, 6).startsWith("ustar") ? field(345, 155) : "";
        const body = tar.subarray(offset + 512, offset + 512 + size);
        offset += 512 + Math.ceil(size / 512) * 512;
        if (type === "x") {
            const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
            if (path) longName = path[1];
            continue;
        }
        if (type === "L") {
            longName = body.toString("utf8").replace(/\0.*$/s, "");
            continue;
        }
        const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
        longName = undefined;
        if ((type === "0" || type === "\0") && clean(name) === clean(wanted)) return Buffer.from(body);
    }
    return undefined;
}
