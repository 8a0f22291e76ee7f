import { test } from "node:test";
import assert from "node:assert/strict";
import { DockerfileOptions, RUNTIME_PRESETS, renderDockerfile } from "../../components/build/dockerfile";
import { checkDockerfiles } from "../harness/dockerfile-check";

const linux: DockerfileOptions = { os: "linux", binaryName: "hello", main: "./cmd/hello", port: 8080 };
const windows: DockerfileOptions = { os: "windows", binaryName: "hello", main: "./cmd/hello", port: 8080 };
const PINNED = "registry.example:5000/base/golang:1.26@sha256:" + "1".repeat(64);

/** Every build setting at once: a monorepo module, Go settings, args, secrets, a .netrc, CA certificates, assets. */
function everything(os: "linux" | "windows"): DockerfileOptions {
    return {
        os,
        binaryName: "catalog",
        main: "./cmd/catalog",
        moduleDir: "services/catalog",
        go: {
            proxy: "https://goproxy.example.com,https://proxy.golang.org,direct",
            sumDb: "sum.golang.org",
            noSumDb: ["goship.test/*"],
            private: ["git.example.com/team/*"],
            flags: ["-mod=readonly"],
            ldflags: { "main.commit": "abc123", "example.com/x/build.Channel": "stable" },
            tags: ["netgo"],
        },
        buildArgs: ["FEATURE_SET", "REGION"],
        buildSecrets: ["GITHUB_TOKEN"],
        netrc: true,
        caCertificates: { runtime: os === "linux" },
        assets: ["static", "web/templates"],
    };
}

/** Every option combination these tests render, checked by BuildKit's own parser below. */
const CASES: Record<string, DockerfileOptions> = {
    "linux scratch (default)": linux,
    "linux distroless": { ...linux, runtime: "distroless" },
    "linux alpine": { ...linux, runtime: "alpine" },
    "linux custom runtime pinned by digest": { ...linux, runtime: "registry.example/base/static@sha256:" + "2".repeat(64) },
    "linux pinned builder, custom version variable, build tags, no port": {
        os: "linux",
        binaryName: "api",
        builderImage: PINNED,
        versionVariable: "example.com/api/internal/build.Version",
        go: { tags: ["netgo", "osusergo"] },
    },
    "linux monorepo module with every build setting, assets and a runtime CA": everything("linux"),
    "windows with every build setting and assets": everything("windows"),
    "windows nanoserver (default)": windows,
    "windows ltsc2025 pinned": { ...windows, windowsImage: "mcr.microsoft.com/windows/nanoserver:ltsc2025@sha256:" + "3".repeat(64) },
};

function expectedFinalBase(o: DockerfileOptions): string {
    if (o.os === "windows") return o.windowsImage ?? "mcr.microsoft.com/windows/nanoserver:ltsc2022";
    const runtime = o.runtime ?? "scratch";
    return runtime in RUNTIME_PRESETS ? RUNTIME_PRESETS[runtime as keyof typeof RUNTIME_PRESETS].image : runtime;
}

const rendered = Object.fromEntries(Object.entries(CASES).map(([name, opts]) => [name, renderDockerfile(opts)]));

test("builder stage runs on the build platform and cross-compiles without QEMU", () => {
    const d = rendered["linux scratch (default)"];
    assert.match(d, /^FROM --platform=\$BUILDPLATFORM golang:1\.26-bookworm AS build$/m);
    assert.match(d, /^ARG TARGETOS TARGETARCH TARGETVARIANT$/m);
    assert.match(d, /GOOS=\$TARGETOS GOARCH=\$TARGETARCH/);
    assert.match(d, /^ENV CGO_ENABLED="0" \\\n {4}GOFLAGS="-buildvcs=false"$/m);
    assert.doesNotMatch(d, /GOPROXY|GONOSUMDB|GOPRIVATE|SSL_CERT_FILE|type=secret|^ARG (?!TARGETOS|VERSION)/m, "nothing goship was not asked for");
    assert.match(d, /go build -trimpath -tags timetzdata -ldflags="-s -w -X main\.version=\$\{VERSION\}" -o \/out\/hello \.\/cmd\/hello$/m);
    assert.doesNotMatch(d, /qemu|binfmt/i);
});

test("the go build seeds an empty build cache from the builder image's precompiled standard library, once per target", () => {
    const d = rendered["linux scratch (default)"];
    const run = d.slice(d.indexOf("RUN", d.indexOf("ARG VERSION")), d.indexOf("-o /out/hello"));
    // Only where the builder image says it has a seed, serialized between the two platforms'
    // builds, never overwriting a file the other build's go command may have mapped.
    assert.match(run, /test -z "\$\{GOSHIP_GOCACHE_SEED:-\}" \|\| flock \/root\/\.cache\/go-build\/\.goship-seed\.lock sh -c /);
    assert.match(run, /s="\$GOSHIP_GOCACHE_SEED\/\$1"/);
    assert.match(run, /\[ -e "\$m" \] \|\| \[ ! -d "\$s" \] \|\| \{ cp -Rn "\$s\/\." \/root\/\.cache\/go-build\/ && touch "\$m"; \}/);
    assert.match(run, /m="\/root\/\.cache\/go-build\/\.goship-seeded-\$GOLANG_VERSION-\$1"/);
    assert.match(run, /' seed "\$TARGETOS-\$TARGETARCH" && \\\n {4}GOOS=\$TARGETOS/);
});

test("go mod download has its own cached layer before the source is copied", () => {
    const d = rendered["linux scratch (default)"];
    const modCopy = d.indexOf("COPY go.mod go.sum* ./");
    const download = d.indexOf("RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go mod download");
    const sourceCopy = d.indexOf("COPY . .");
    assert.ok(modCopy >= 0 && download > modCopy && sourceCopy > download, d);
    assert.match(d, /--mount=type=cache,target=\/go\/pkg\/mod --mount=type=cache,target=\/root\/\.cache\/go-build/);
});

test("scratch final stage gets certificates, zoneinfo and a passwd entry, runs as 65532, exec-form ENTRYPOINT", () => {
    const d = rendered["linux scratch (default)"];
    const final = d.slice(d.lastIndexOf("\nFROM "));
    assert.match(final, /^FROM scratch$/m);
    assert.match(final, /COPY --from=build \/etc\/ssl\/certs\/ca-certificates\.crt \/etc\/ssl\/certs\/ca-certificates\.crt/);
    assert.match(final, /COPY --from=build \/out\/share\/zoneinfo\.zip \/usr\/share\/zoneinfo\.zip/);
    assert.match(final, /^ENV ZONEINFO=\/usr\/share\/zoneinfo\.zip$/m);
    assert.match(final, /COPY --from=build \/out\/etc\/passwd \/out\/etc\/group \/etc\//);
    assert.match(d, /echo 'nonroot:x:65532:65532:nonroot:\/nonexistent:\/sbin\/nologin' > \/out\/etc\/passwd/);
    assert.match(final, /^USER 65532:65532$/m);
    assert.match(final, /^ENTRYPOINT \["\/usr\/local\/bin\/hello"\]$/m);
    assert.match(final, /^EXPOSE 8080$/m);
    assert.doesNotMatch(final, /^RUN /m, "the final stage must not RUN (no shell, other architecture)");
});

test("OCI labels for source, revision and version come from build args", () => {
    for (const d of Object.values(rendered)) {
        assert.match(d, /org\.opencontainers\.image\.source="\$\{SOURCE\}"/);
        assert.match(d, /org\.opencontainers\.image\.revision="\$\{REVISION\}"/);
        assert.match(d, /org\.opencontainers\.image\.version="\$\{VERSION\}"/);
        assert.match(d, /^ARG VERSION=dev REVISION=unknown SOURCE=$/m);
    }
});

test("runtime presets copy only what their base lacks", () => {
    const distroless = rendered["linux distroless"];
    assert.match(distroless, /^FROM gcr\.io\/distroless\/static-debian12:nonroot$/m);
    assert.doesNotMatch(distroless, /ca-certificates|zoneinfo\.zip|passwd/);
    const alpine = rendered["linux alpine"];
    assert.match(alpine, /^FROM alpine:3\.22$/m);
    assert.match(alpine, /zoneinfo\.zip/);
    assert.doesNotMatch(alpine, /passwd/);
    assert.match(alpine, /^USER 65532:65532$/m);
});

test("base images given with a digest stay pinned", () => {
    assert.match(rendered["linux pinned builder, custom version variable, build tags, no port"], new RegExp(`^FROM --platform=\\$BUILDPLATFORM ${PINNED.replace(/[.]/g, "\\.")} AS build$`, "m"));
    assert.match(rendered["linux custom runtime pinned by digest"], /^FROM registry\.example\/base\/static@sha256:2{64}$/m);
    assert.match(rendered["windows ltsc2025 pinned"], /^FROM mcr\.microsoft\.com\/windows\/nanoserver:ltsc2025@sha256:3{64}$/m);
});

test("options: version variable, build tags, no EXPOSE without a port", () => {
    const d = rendered["linux pinned builder, custom version variable, build tags, no port"];
    assert.match(d, /-tags timetzdata,netgo,osusergo /);
    assert.match(d, /-X example\.com\/api\/internal\/build\.Version=\$\{VERSION\}/);
    assert.match(d, /-o \/out\/api \.$/m);
    assert.doesNotMatch(d, /EXPOSE/);
});

test("no `# syntax=` line anywhere: no frontend image is pulled", () => {
    for (const d of Object.values(rendered)) assert.doesNotMatch(d, /^#\s*syntax\s*=/im);
});

test("windows: the .exe is built in the Linux builder and only COPYed into nanoserver", () => {
    const d = rendered["windows nanoserver (default)"];
    assert.match(d, /-o \/out\/hello\.exe \.\/cmd\/hello$/m);
    const final = d.slice(d.lastIndexOf("\nFROM "));
    assert.match(final, /^FROM mcr\.microsoft\.com\/windows\/nanoserver:ltsc2022$/m);
    assert.match(final, /^COPY --from=build \/out\/hello\.exe C:\/app\/hello\.exe$/m);
    assert.match(final, /^USER ContainerUser$/m);
    assert.match(final, /^ENTRYPOINT \["C:\\\\app\\\\hello\.exe"\]$/m);
    assert.doesNotMatch(final, /^RUN /m);
    assert.doesNotMatch(final, /--chmod|ca-certificates|passwd|ZONEINFO/);
});

test("BuildKit's own parser accepts every rendered Dockerfile and sees the expected stages", () => {
    const results = checkDockerfiles(rendered);
    for (const [name, result] of Object.entries(results)) {
        assert.equal(result.error, null, `${name}: ${result.error}`);
        assert.equal(result.stages.length, 2, `${name}: two stages`);
        assert.equal(result.stages[0].name, "build");
        assert.equal(result.stages[0].platform, "$BUILDPLATFORM");
        assert.equal(result.stages[1].base, expectedFinalBase(CASES[name]), name);
    }
});

test("the parser check is real: a broken Dockerfile fails it", () => {
    const results = checkDockerfiles({ broken: renderDockerfile(linux).replace("COPY . .", "COPPY . .") });
    assert.notEqual(results.broken.error, null);
});

test("BuildKit's linter (every rule, experimental ones included) finds nothing in any rendering", () => {
    for (const [name, opts] of Object.entries(CASES)) {
        const base = expectedFinalBase(opts);
        const args = opts.os === "windows" ? ["-platform", "windows/amd64", "-base-platform", `${base}=windows/amd64`] : ["-platform", "linux/arm64"];
        const [result] = Object.values(checkDockerfiles({ [name]: rendered[name] }, { lint: true, args }));
        assert.equal(result.error, null, `${name}: ${result.error}`);
        assert.deepEqual(result.warnings, [], `${name}: ${JSON.stringify(result.warnings)}`);
    }
});

test("the lint check is real: a casing slip is a warning", () => {
    const sloppy = renderDockerfile(linux).replace(" AS build", " as build");
    const { sloppy: result } = checkDockerfiles({ sloppy }, { lint: true });
    assert.deepEqual(result.warnings.map((w) => w.rule), ["FromAsCasing"]);
});

test("every build setting: Go environment, declared build args, secret mounts, ldflags pairs, tags", () => {
    const d = rendered["linux monorepo module with every build setting, assets and a runtime CA"];
    const build = d.slice(0, d.lastIndexOf("\nFROM "));
    assert.match(build, /GOFLAGS="-buildvcs=false -mod=readonly"/);
    assert.match(build, /GOPROXY="https:\/\/goproxy\.example\.com,https:\/\/proxy\.golang\.org,direct"/);
    assert.match(build, /GOSUMDB="sum\.golang\.org"/);
    assert.match(build, /GONOSUMDB="goship\.test\/\*"/);
    assert.match(build, /GOPRIVATE="git\.example\.com\/team\/\*"/);
    assert.match(build, /^ARG FEATURE_SET REGION$/m);
    // Secrets reach every go command (download and build), as mounts, never as ARG or ENV.
    assert.equal(build.match(/--mount=type=secret,id=goship-netrc,target=\/root\/\.netrc,required=true/g)?.length, 2);
    assert.equal(build.match(/--mount=type=secret,id=GITHUB_TOKEN,env=GITHUB_TOKEN,required=true/g)?.length, 2);
    assert.doesNotMatch(d, /^(ARG|ENV)\b.*GITHUB_TOKEN/m);
    assert.match(build, /-tags timetzdata,netgo /);
    assert.match(build, /-ldflags="-s -w -X main\.version=\$\{VERSION\} -X example\.com\/x\/build\.Channel=stable -X main\.commit=abc123"/);
});

test("monorepo: the whole context is copied, then the module's directory is the working directory", () => {
    const d = rendered["linux monorepo module with every build setting, assets and a runtime CA"];
    assert.doesNotMatch(d, /COPY go\.mod go\.sum/);
    const copy = d.indexOf("COPY . .");
    const workdir = d.indexOf("WORKDIR /src/services/catalog");
    const download = d.indexOf("go mod download");
    assert.ok(copy > 0 && workdir > copy && download > workdir, d);
    assert.match(d, /go build .* -o \/out\/catalog \.\/cmd\/catalog$/m);
});

test("CA certificates: the build trusts them for the module download; the runtime image only when asked", () => {
    const linuxCa = rendered["linux monorepo module with every build setting, assets and a runtime CA"];
    const download = linuxCa.indexOf("go mod download");
    assert.ok(linuxCa.indexOf("COPY --from=goship-ca extra-ca.pem") < download);
    assert.match(linuxCa, /SSL_CERT_FILE="\/usr\/local\/share\/goship\/ca-bundle\.crt"/);
    assert.match(linuxCa, /GIT_SSL_CAINFO="\/usr\/local\/share\/goship\/ca-bundle\.crt"/);
    const final = linuxCa.slice(linuxCa.lastIndexOf("\nFROM "));
    assert.match(final, /^COPY --from=build \/usr\/local\/share\/goship\/ca-bundle\.crt \/etc\/ssl\/certs\/ca-certificates\.crt$/m);
    const windowsCa = rendered["windows with every build setting and assets"];
    assert.match(windowsCa, /COPY --from=goship-ca/);
    assert.doesNotMatch(windowsCa.slice(windowsCa.lastIndexOf("\nFROM ")), /ca-bundle/);
});

test("assets: gathered in the build stage, world-readable and root-owned, copied to the working directory /app", () => {
    const d = rendered["linux monorepo module with every build setting, assets and a runtime CA"];
    assert.match(d, /cp -R static \/out\/assets\/static && mkdir -p "\$\(dirname \/out\/assets\/web\/templates\)" && cp -R web\/templates \/out\/assets\/web\/templates && chmod -R a\+rX,go-w \/out\/assets$/m);
    const final = d.slice(d.lastIndexOf("\nFROM "));
    assert.match(final, /^COPY --from=build \/out\/assets\/ \/app\/$/m);
    assert.match(final, /^WORKDIR \/app$/m);
    assert.match(final, /^ENV GOSHIP_ASSETS_DIR="\/app"$/m);
    assert.ok(final.indexOf("WORKDIR /app") < final.indexOf("USER 65532"));
    const windowsFinal = rendered["windows with every build setting and assets"].split("\nFROM ").pop()!;
    assert.match(windowsFinal, /^COPY --from=build \/out\/assets\/ C:\/app\/$/m);
    assert.match(windowsFinal, /^WORKDIR C:\\\\app$/m);
    assert.doesNotMatch(rendered["linux scratch (default)"], /assets|WORKDIR \/app/);
});
