/**
 * A local stand-in for ko's default base image (cgr.dev/chainguard/static:latest), made
 * with crane: one layer of this machine's CA bundle, its tzdata, and passwd/group files
 * with root and nonroot (65532), on an empty image per platform, user 65532, joined into an
 * index. What the real one has besides: Wolfi's base layout (os-release, /etc/nsswitch.conf,
 * /home/nonroot, /var, ...), an SBOM and provenance attestations, signatures; its tzdata and
 * CA bundle are Wolfi's, not Debian's.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "./proc";
import { imageSizes, PlatformSize } from "./registry";
import type { SuiteContext } from "./suite";

export const BASE_REPO = "bench/ko-base";

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const ZONEINFO = "/usr/share/zoneinfo";

/** Environment that makes Go programs (ko, crane) trust the registry: SSL_CERT_FILE of system bundle + its CA. */
export function trustEnv(ctx: SuiteContext): Record<string, string> {
    if (ctx.registry.kind !== "https") return {};
    const bundle = path.join(ctx.tmp, "ca-bundle.pem");
    if (!fs.existsSync(bundle)) fs.writeFileSync(bundle, fs.readFileSync(SYSTEM_BUNDLE, "utf8") + "\n" + fs.readFileSync(ctx.registry.caFile, "utf8"));
    return { SSL_CERT_FILE: bundle };
}

/** The layer's tree: certificates, zoneinfo, the two users; deterministic tar. */
async function layer(tmp: string): Promise<string> {
    const root = path.join(tmp, "ko-base", "rootfs");
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, "etc", "ssl", "certs"), { recursive: true });
    fs.copyFileSync(SYSTEM_BUNDLE, path.join(root, "etc", "ssl", "certs", "ca-certificates.crt"));
    fs.mkdirSync(path.join(root, "usr", "share"), { recursive: true });
    fs.cpSync(ZONEINFO, path.join(root, "usr", "share", "zoneinfo"), { recursive: true, dereference: true });
    fs.writeFileSync(path.join(root, "etc", "passwd"), "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n");
    fs.writeFileSync(path.join(root, "etc", "group"), "root:x:0:\nnonroot:x:65532:\n");
    fs.mkdirSync(path.join(root, "home", "nonroot"), { recursive: true });
    fs.mkdirSync(path.join(root, "tmp"), { recursive: true });
    fs.chmodSync(path.join(root, "tmp"), 0o1777);
    const tar = path.join(tmp, "ko-base", "layer.tar");
    await run({ cmd: "tar", args: ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-cf", tar, "-C", root, "."] });
    return tar;
}

export interface Base {
    sizes: PlatformSize[];
    notes: string[];
}

export async function makeBase(ctx: SuiteContext, crane: string): Promise<Base> {
    if (ctx.registry.kind === "none") throw new Error("the base image needs a registry");
    const tar = await layer(ctx.tmp);
    const insecure = ctx.registry.kind === "http" ? ["--insecure"] : [];
    const env = trustEnv(ctx);
    const repo = `${ctx.registry.address}/${BASE_REPO}`;
    const refs: string[] = [];
    for (const p of ["linux/amd64", "linux/arm64"]) {
        const tag = `${repo}:${p.replace("/", "-")}`;
        await run({ cmd: crane, args: ["append", ...insecure, "--oci-empty-base", "-f", tar, "-t", tag], env });
        const r = await run({ cmd: crane, args: ["mutate", ...insecure, "--set-platform", p, "--user", "65532", "-t", tag, tag], env });
        refs.push(r.stdout.trim());
    }
    await run({ cmd: crane, args: ["index", "append", ...insecure, ...refs.flatMap((r) => ["-m", r]), "-t", `${repo}:latest`], env });
    const sizes = await imageSizes(ctx.registry, BASE_REPO, "latest");
    ctx.log(`ko base stand-in ${repo}:latest: ${sizes.map((s) => `${s.platform} ${s.compressed} bytes`).join(", ")}`);
    return {
        sizes,
        notes: [
            `ko's base: a stand-in for cgr.dev/chainguard/static:latest (ko v0.19's default), made by crane: one layer of ${SYSTEM_BUNDLE}, ${ZONEINFO}, /etc/passwd and /etc/group (root, nonroot 65532), /home/nonroot, /tmp; user 65532. The real image has Wolfi's base layout and its CA bundle and tzdata, plus SBOM/attestation manifests in its index`,
        ],
    };
}
