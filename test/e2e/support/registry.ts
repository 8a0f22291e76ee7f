/**
 * Reads an OCI registry over its HTTP API (the local registry speaks HTTPS with a private
 * CA, which Node trusts through NODE_EXTRA_CA_CERTS): image indexes, per-platform
 * manifests, configs and files inside layers.
 */
import * as zlib from "zlib";

const MANIFEST_TYPES = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface Descriptor {
    mediaType: string;
    digest: string;
    size: number;
    platform?: { os: string; architecture: string; variant?: string };
    annotations?: Record<string, string>;
}

export interface Index {
    mediaType: string;
    manifests: Descriptor[];
}

export interface Manifest {
    mediaType: string;
    config: Descriptor;
    layers: Descriptor[];
}

export interface ImageConfig {
    os: string;
    architecture: string;
    config: { User?: string; Entrypoint?: string[]; Env?: string[] };
}

/** `host:port/repo@sha256:…` split into its parts. */
export function parseDigestRef(ref: string): { registry: string; repository: string; digest: string } {
    const m = /^([^/]+)\/(.+)@(sha256:[0-9a-f]{64})$/.exec(ref);
    if (!m) throw new Error(`not a digest reference: ${ref}`);
    return { registry: m[1], repository: m[2], digest: m[3] };
}

/** A registry login (HTTP basic authentication, as distribution's htpasswd auth takes it). */
export interface Login {
    username: string;
    password: string;
}

export class Registry {
    constructor(
        private readonly host: string,
        private readonly login?: Login,
    ) {}

    /** The HTTP status of GET /v2/PATH, e.g. 401 without a login the registry wants. */
    async status(path: string, accept = MANIFEST_TYPES): Promise<number> {
        return (await this.fetch(path, accept)).status;
    }

    private fetch(path: string, accept?: string): Promise<Response> {
        const headers: Record<string, string> = accept ? { Accept: accept } : {};
        if (this.login) headers.Authorization = `Basic ${Buffer.from(`${this.login.username}:${this.login.password}`).toString("base64")}`;
        return fetch(`https://${this.host}/v2/${path}`, { headers });
    }

    private async get(path: string, accept?: string): Promise<Response> {
        const res = await this.fetch(path, accept);
        if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
        return res;
    }

    async manifest<T extends Index | Manifest>(repository: string, reference: string): Promise<{ body: T; digest: string }> {
        const res = await this.get(`${repository}/manifests/${reference}`, MANIFEST_TYPES);
        return { body: (await res.json()) as T, digest: res.headers.get("docker-content-digest") ?? "" };
    }

    async blob(repository: string, digest: string): Promise<Buffer> {
        return Buffer.from(await (await this.get(`${repository}/blobs/${digest}`)).arrayBuffer());
    }

    /** The repository's tags. */
    async tags(repository: string): Promise<string[]> {
        return ((await (await this.get(`${repository}/tags/list`)).json()) as { tags: string[] }).tags;
    }

    /** The content of file `path` in the image's layers (the last layer holding it wins). */
    async fileInImage(repository: string, manifest: Manifest, path: string): Promise<Buffer | undefined> {
        let found: Buffer | undefined;
        for (const layer of manifest.layers) {
            const tar = layer.mediaType.endsWith("gzip") ? zlib.gunzipSync(await this.blob(repository, layer.digest)) : await this.blob(repository, layer.digest);
            const file = tarEntries(tar).get(path.replace(/^\//, ""));
            if (file) found = file;
        }
        return found;
    }

    /** Every regular file path in the image's layers. */
    async filesInImage(repository: string, manifest: Manifest): Promise<string[]> {
        const paths = new Set<string>();
        for (const layer of manifest.layers) {
            const tar = layer.mediaType.endsWith("gzip") ? zlib.gunzipSync(await this.blob(repository, layer.digest)) : await this.blob(repository, layer.digest);
            for (const p of tarEntries(tar).keys()) paths.add(p);
        }
        return [...paths].sort();
    }
}

/** Regular files of a (ustar/pax) tar archive, by path without a leading slash. */
export function tarEntries(tar: Buffer): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    let offset = 0;
    let paxPath: string | undefined;
    const field = (start: number, length: number) => tar.subarray(offset + start, offset + start + length).toString("utf8").replace(/\0.*$/s, "");
    while (offset + 512 <= tar.length) {
        const name = field(0, 100);
        if (name === "") break; // end-of-archive blocks
        const size = parseInt(field(124, 12).trim() || "0", 8);
        const type = field(156, 1);
        const prefix = field(345, 155);
        const body = tar.subarray(offset + 512, offset + 512 + size);
        if (type === "x") {
            const m = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
            paxPath = m?.[1];
        } else {
            const path = (paxPath ?? (prefix ? `${prefix}/${name}` : name)).replace(/^\.?\//, "");
            if (type === "0" || type === "") files.set(path, Buffer.from(body));
            paxPath = undefined;
        }
        offset += 512 + Math.ceil(size / 512) * 512;
    }
    return files;
}

/** Owner and permission bits of each entry (files and directories) of a tar archive, by path. */
export function tarHeaders(tar: Buffer): Map<string, { mode: number; uid: number }> {
    const entries = new Map<string, { mode: number; uid: number }>();
    let offset = 0;
    let paxPath: string | undefined;
    const field = (start: number, length: number) => tar.subarray(offset + start, offset + start + length).toString("utf8").replace(/\0.*$/s, "");
    while (offset + 512 <= tar.length) {
        const name = field(0, 100);
        if (name === "") break;
        const size = parseInt(field(124, 12).trim() || "0", 8);
        const type = field(156, 1);
        if (type === "x") {
            paxPath = /\d+ path=([^\n]*)\n/.exec(tar.subarray(offset + 512, offset + 512 + size).toString("utf8"))?.[1];
        } else {
            const prefix = field(345, 155);
            const path = (paxPath ?? (prefix ? `${prefix}/${name}` : name)).replace(/^\.?\//, "").replace(/\/$/, "");
            entries.set(path, { mode: parseInt(field(100, 8).trim() || "0", 8), uid: parseInt(field(108, 8).trim() || "0", 8) });
            paxPath = undefined;
        }
        offset += 512 + Math.ceil(size / 512) * 512;
    }
    return entries;
}

/** The machine an ELF executable is for, as an OCI architecture name. */
export function elfArchitecture(binary: Buffer): string {
    if (binary.subarray(0, 4).toString("latin1") !== "\x7fELF") throw new Error("not an ELF file");
    const machine = binary.readUInt16LE(18);
    const names: Record<number, string> = { 0x3e: "amd64", 0xb7: "arm64", 0x28: "arm", 0x03: "386", 0xf3: "riscv64", 0x15: "ppc64le", 0x16: "s390x" };
    return names[machine] ?? `unknown(0x${machine.toString(16)})`;
}

/** The machine and format of a Windows PE executable: e.g. `PE32+ amd64`. */
export function peArchitecture(binary: Buffer): string {
    if (binary.subarray(0, 2).toString("latin1") !== "MZ") throw new Error("not a PE file (no MZ header)");
    const pe = binary.readUInt32LE(0x3c);
    if (binary.subarray(pe, pe + 4).toString("latin1") !== "PE\0\0") throw new Error("not a PE file (no PE signature)");
    const machine = binary.readUInt16LE(pe + 4);
    // The optional header follows the 20-byte COFF header; its magic tells PE32 from PE32+.
    const magic = binary.readUInt16LE(pe + 24);
    const names: Record<number, string> = { 0x8664: "amd64", 0xaa64: "arm64", 0x14c: "386" };
    return `${magic === 0x20b ? "PE32+" : magic === 0x10b ? "PE32" : `PE(0x${magic.toString(16)})`} ${names[machine] ?? `unknown(0x${machine.toString(16)})`}`;
}
