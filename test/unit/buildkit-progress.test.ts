import { test } from "node:test";
import assert from "node:assert/strict";
import { GO_MOD_DOWNLOAD_STEP, stepSources, vertexLines } from "../harness/buildkit-progress";

const DOWNLOAD = "[build 4/8] RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go mod download";
const SHA = (c: string) => c.repeat(64);

// Excerpts of buildctl --progress=plain of goship's Dockerfile (bench, 2026-12-03).
const RAN = [`#9 ${DOWNLOAD}`, "#9 0.051 go: no module dependencies to download", "#9 DONE 0.1s"].join("\n");
const LOCAL = [`#12 ${DOWNLOAD}`, "#12 CACHED"].join("\n");
// After `buildctl prune --all`: the step's layers come from the imported registry cache.
const REGISTRY = [
    `#9 ${DOWNLOAD}`,
    `#9 sha256:${SHA("8")} 667B / 667B done`,
    `#9 sha256:${SHA("2")} 91.58MB / 91.58MB 0.3s done`,
    `#9 extracting sha256:${SHA("2")} 1.7s done`,
    "#9 DONE 2.0s",
    "",
    `#9 ${DOWNLOAD}`,
    `#9 extracting sha256:${SHA("8")} done`,
    "#9 DONE 3.7s",
].join("\n");

test("a step is served from the local cache, the registry cache, or ran", () => {
    assert.deepEqual(stepSources(LOCAL, GO_MOD_DOWNLOAD_STEP), ["local cache"]);
    assert.deepEqual(stepSources(REGISTRY, GO_MOD_DOWNLOAD_STEP), ["registry cache"]);
    assert.deepEqual(stepSources(RAN, GO_MOD_DOWNLOAD_STEP), ["ran"]);
});

test("a step that ran silently is not mistaken for a cache hit", () => {
    assert.deepEqual(stepSources([`#9 ${DOWNLOAD}`, "#9 DONE 0.4s"].join("\n"), GO_MOD_DOWNLOAD_STEP), ["ran"]);
    // Pulled layers and process output: it ran on top of layers it had to fetch.
    assert.deepEqual(stepSources(`${REGISTRY}\n#9 0.2 go: downloading example.com/m v1.0.0`, GO_MOD_DOWNLOAD_STEP), ["ran"]);
});

test("each vertex is judged alone, whatever prefixes the provider puts before the lines", () => {
    const prefixed = `${LOCAL}\n${RAN.replace(/#9/g, "#30")}`.split("\n").map((l) => `    hello-linux-arm64 ${l}`).join("\n");
    assert.deepEqual(stepSources(prefixed, GO_MOD_DOWNLOAD_STEP), ["local cache", "ran"]);
    assert.deepEqual([...vertexLines(prefixed).keys()], [12, 30]);
    assert.deepEqual(stepSources(prefixed, /^\[build \d+\/\d+\] COPY \. \.$/), [], "no such step");
});
