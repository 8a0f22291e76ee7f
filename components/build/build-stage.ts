import { GoBuildSettings, goBuildEnv, linkVariables } from "./go-settings";
import { NodeOs } from "./platforms";

/** The named build context that carries the extra CA certificates (components/build/ca-certificates.ts). */
export const CA_CONTEXT = "goship-ca";
/** The file in that context. */
export const CA_FILE = "extra-ca.pem";
/** The build stage's CA bundle: the builder's own plus the extra certificates. */
export const BUILD_CA_BUNDLE = "/usr/local/share/goship/ca-bundle.crt";
/** The BuildKit secret id of the .netrc for private modules. */
export const NETRC_SECRET = "goship-netrc";
/** Where the build stage puts the assets for the final stage. */
export const ASSETS_OUT = "/out/assets";

/** The Go build cache inside the build stage: a BuildKit cache mount (goMounts). */
const GO_BUILD_CACHE = "/root/.cache/go-build";

/** What the build stage needs to know (the final stage's options are dockerfile.ts's). */
export interface BuildStageOptions {
    os: NodeOs;
    /** File name of the binary in /out. */
    exe: string;
    builderImage: string;
    main: string;
    /** The Go module's directory inside the build context (`.` unless the context is a monorepo root). */
    moduleDir: string;
    versionVariable: string;
    go: Partial<GoBuildSettings>;
    /** Build arg names to declare. */
    buildArgs: string[];
    /** Build secret ids, each mounted as the env var of the same name. */
    buildSecrets: string[];
    /** A .netrc comes as the secret NETRC_SECRET. */
    netrc: boolean;
    /** Extra CA certificates come in the named context CA_CONTEXT. */
    caCertificates: boolean;
    /** Directories of the module to ship next to the binary. */
    assets: string[];
}

/** A Dockerfile ENV line; values are quoted (GOFLAGS holds spaces). */
function envLine(env: [string, string][]): string {
    return `ENV ${env.map(([k, v]) => `${k}="${v}"`).join(" \\\n    ")}`;
}

/**
 * The `--mount`s every go command gets: the module and build caches, then the secrets.
 * The .netrc goes to /root/.netrc, where both the go command and git (direct fetches) read it.
 */
function goMounts(o: BuildStageOptions): string {
    const mounts = ["--mount=type=cache,target=/go/pkg/mod", `--mount=type=cache,target=${GO_BUILD_CACHE}`];
    if (o.netrc) mounts.push(`--mount=type=secret,id=${NETRC_SECRET},target=/root/.netrc,required=true`);
    for (const id of o.buildSecrets) mounts.push(`--mount=type=secret,id=${id},env=${id},required=true`);
    return mounts.join(" ");
}

/**
 * The builder image's precompiled standard library for the target, copied into the build
 * cache mount the first time a build uses that mount (an empty BuildKit: a fresh CI runner),
 * so the standard library is not compiled again. goship's builder image
 * (tools/buildplatform/buildplatform.sh) sets GOSHIP_GOCACHE_SEED; on other images this is a
 * no-op. Both platforms' builds share the mount: one copies at a time (flock), never over
 * a file that exists (the other build's go command may have it mapped: SIGBUS), and a
 * marker per Go version and target keeps it to once per mount.
 */
function seedGoCache(): string {
    const copy = `s="$GOSHIP_GOCACHE_SEED/$1" m="${GO_BUILD_CACHE}/.goship-seeded-$GOLANG_VERSION-$1"; [ -e "$m" ] || [ ! -d "$s" ] || { cp -Rn "$s/." ${GO_BUILD_CACHE}/ && touch "$m"; }`;
    return `test -z "\${GOSHIP_GOCACHE_SEED:-}" || flock ${GO_BUILD_CACHE}/.goship-seed.lock sh -c '${copy}' seed "$TARGETOS-$TARGETARCH"`;
}

/** The build stage: runs on the build platform, downloads modules, cross-compiles, gathers the assets. */
export function renderBuildStage(o: BuildStageOptions): string[] {
    const tags = ["timetzdata", ...(o.go.tags ?? [])].join(",");
    const monorepo = o.moduleDir !== ".";
    const lines: string[] = [
        `# build runs natively on the builder and cross-compiles for the target platform.`,
        `FROM --platform=$BUILDPLATFORM ${o.builderImage} AS build`,
    ];
    if (o.caCertificates) {
        lines.push(
            `# The CA certificates the stack names (goship:build.caCertificates), for the module download.`,
            `COPY --from=${CA_CONTEXT} ${CA_FILE} /usr/local/share/goship/${CA_FILE}`,
            `RUN cat /etc/ssl/certs/ca-certificates.crt /usr/local/share/goship/${CA_FILE} > ${BUILD_CA_BUNDLE}`,
        );
    }
    const env = goBuildEnv(o.go);
    if (o.caCertificates) env.push(["SSL_CERT_FILE", BUILD_CA_BUNDLE], ["GIT_SSL_CAINFO", BUILD_CA_BUNDLE]);
    lines.push(`WORKDIR /src`, envLine(env));
    if (monorepo) {
        // The module's local dependencies (replace ../lib, go.work) live elsewhere in the
        // context, so the whole context comes first; the cache mount keeps downloads.
        lines.push(`COPY . .`, `WORKDIR /src/${o.moduleDir}`, `RUN ${goMounts(o)} go mod download`);
    } else {
        lines.push(
            `# Dependencies first, in their own layer: re-downloaded only when go.mod or go.sum change.`,
            `COPY go.mod go.sum* ./`,
            `RUN ${goMounts(o)} go mod download`,
            `COPY . .`,
        );
    }
    lines.push(`ARG TARGETOS TARGETARCH TARGETVARIANT`, `ARG VERSION=dev`);
    if (o.buildArgs.length > 0) lines.push(`ARG ${o.buildArgs.join(" ")}`);
    lines.push(
        `RUN ${goMounts(o)} \\`,
        `    ${seedGoCache()} && \\`,
        `    GOOS=$TARGETOS GOARCH=$TARGETARCH GOARM=\${TARGETVARIANT#v} \\`,
        `    go build -trimpath -tags ${tags} -ldflags="-s -w ${linkVariables(o.versionVariable, o.go).join(" ")}" -o /out/${o.exe} ${o.main}`,
    );
    if (o.assets.length > 0) {
        // Copied here (the final stage cannot RUN): world-readable, writable by nobody but root.
        const copies = o.assets.map((dir) => `mkdir -p "$(dirname ${ASSETS_OUT}/${dir})" && cp -R ${dir} ${ASSETS_OUT}/${dir}`);
        lines.push(`# The assets the service declares, next to the binary.`, `RUN mkdir -p ${ASSETS_OUT} && ${copies.join(" && ")} && chmod -R a+rX,go-w ${ASSETS_OUT}`);
    }
    return lines;
}
