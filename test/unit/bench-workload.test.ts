import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "../../bench/main";
import { FULL_SHAPE, generatedFiles, SMOKE_SHAPE } from "../../bench/workload";

test("the generated service is the same bytes on every run, standard library and its own packages only", () => {
    const a = generatedFiles(SMOKE_SHAPE, "1.26");
    const b = generatedFiles(SMOKE_SHAPE, "1.26");
    assert.deepEqual([...a.entries()], [...b.entries()]);
    for (const [file, text] of a) {
        for (const m of text.matchAll(/^\t"([^"]+)"$/gm)) {
            assert.ok(!m[1].split("/")[0].includes(".") || m[1].startsWith("goship.bench/generated/"), `${file} imports ${m[1]}`);
        }
    }
});

test("the full shape is 121 packages and about 40–60k lines", () => {
    const files = generatedFiles(FULL_SHAPE, "1.26");
    const lines = [...files.values()].reduce((n, t) => n + t.split("\n").length - 1, 0);
    const packages = new Set([...files.keys()].filter((f) => f.endsWith(".go")).map((f) => f.slice(0, f.lastIndexOf("/"))));
    assert.equal(packages.size, 121);
    assert.ok(lines >= 40000 && lines <= 60000, `${lines} lines`);
});

test("options: suites checked by name, --smoke is one run, a CA makes the registry HTTPS", () => {
    const known = ["floor", "ko"];
    assert.throws(() => parseArgs(["--only", "flor"], known), /unknown suite flor/);
    assert.throws(() => parseArgs(["--only", "ko", "--skip", "floor"], known), /together/);
    assert.equal(parseArgs(["--smoke", "--runs", "7"], known).runs, 1);
    assert.deepEqual(parseArgs(["--registry", "127.0.0.1:5100"], known).registry, { kind: "http", address: "127.0.0.1:5100" });
    assert.equal(parseArgs(["--registry", "127.0.0.1:5000", "--registry-ca", "/ca.pem"], known).registry.kind, "https");
});
