import { test } from "node:test";
import assert from "node:assert/strict";
import { DockerfileOptions, RUNTIME_PRESETS, renderDockerfile } from "../../components/build/dockerfile";
import { checkDockerfiles } from "../harness/dockerfile-check";

const linux: DockerfileOptions = { os: "linux", binaryName: "hello", main: "./cmd/hello", port: 8080 };
const windows: DockerfileOptions = { os: "windows", binaryName: "hello", main: "./cmd/hello", port: 8080 };
const PINNED = "registry.example:5000/base/golang:1.26@sha256:" + "1".repeat(64);

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
        buildTags: ["netgo", "osusergo"],
    },
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
    assert.match(d, /^ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false$/m);
    assert.match(d, /go build -trimpath -tags timetzdata -ldflags="-s -w -X main\.version=\$\{VERSION\}" -o \/out\/hello \.\/cmd\/hello$/m);
    assert.doesNotMatch(d, /qemu|binfmt/i);
});

test("go mod download has its own cached layer before the source is copied", () => {
    const d = rendered["linux scratch (default)"];
    const modCopy = d.indexOf("COPY go.mod go.sum* ./");
    const download = d.indexOf("RUN --mount=type=cache,target=/go/pkg/mod go mod download");
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
