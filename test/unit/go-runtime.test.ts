import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgument } from "../../components/arguments";
import { goMemLimitSchema } from "../../components/deploy/args";
import { goMemLimitValue, isGoMaxProcs, isGoMemLimit, MEMORY_LIMIT_ENV, renderGoRuntimeEnv } from "../../components/deploy/go-runtime";
import { parseQuantity } from "../../components/deploy/quantity";
import { deploymentSettings as settings, renderTestPod as pod } from "../harness/pod";

const byDefault = parseArgument(goMemLimitSchema, undefined, "goMemLimit");
const downward = parseArgument(goMemLimitSchema, { source: "downwardAPI" }, "goMemLimit");

/** A Go program that prints what its runtime made of GOMEMLIMIT and GOMAXPROCS (built once, with the local Go). */
const goProgram = (() => {
    let binary: string | undefined;
    return (): string => {
        if (binary) return binary;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-goruntime-"));
        fs.writeFileSync(
            path.join(dir, "main.go"),
            'package main\n\nimport (\n\t"fmt"\n\t"runtime"\n\t"runtime/debug"\n)\n\nfunc main() { fmt.Println(debug.SetMemoryLimit(-1), runtime.GOMAXPROCS(0)) }\n',
        );
        binary = path.join(dir, "probe");
        const build = spawnSync("go", ["build", "-o", binary, "main.go"], { cwd: dir, encoding: "utf8" });
        assert.equal(build.status, 0, `go build: ${build.stderr}`);
        return binary;
    };
})();

/** What the Go runtime does with ENV: its memory limit and GOMAXPROCS, or that it refused to start. */
function goRuntime(env: Record<string, string>): { limit: number; procs: number } | "refused" {
    const run = spawnSync(goProgram(), [], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } });
    if (run.status !== 0) {
        assert.match(run.stderr, /malformed GOMEMLIMIT/);
        return "refused";
    }
    const [limit, procs] = run.stdout.trim().split(" ").map(Number);
    return { limit, procs };
}

/** Kubernetes' $(VAR) expansion of VALUE over the env defined before it (the kubelet's expansion package, for the syntax goship writes). */
function expand(value: string, defined: Record<string, string>): string {
    return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, name: string) => defined[name] ?? ref);
}

test("GOMEMLIMIT by default: 90% of the configured memory limit, in whole MiB", () => {
    assert.deepEqual(byDefault, { source: "config", percent: 90 });
    assert.equal(goMemLimitValue("128Mi", 90), "115MiB");
    assert.equal(goMemLimitValue("512Mi", 90), "460MiB");
    assert.equal(goMemLimitValue("1Gi", 75), "768MiB");
    assert.equal(goMemLimitValue("100M", 90), "85MiB", "decimal quantities too");
    assert.equal(goMemLimitValue("1000k", 50), "500000B", "bytes below one MiB");
    const env = renderGoRuntimeEnv({ memoryLimit: "128Mi", goMemLimit: byDefault, userEnv: [] });
    assert.deepEqual(env, [
        { name: MEMORY_LIMIT_ENV, valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
        { name: "GOMEMLIMIT", value: "115MiB" },
    ]);
});

test("GOMEMLIMIT from the downward API: the admitted limit's MiB with six zeros and B, 95.37%", () => {
    const env = renderGoRuntimeEnv({ memoryLimit: "128Mi", goMemLimit: downward, userEnv: [] });
    assert.equal(env[0].name, MEMORY_LIMIT_ENV, "defined before GOMEMLIMIT: $(VAR) sees only earlier variables");
    assert.deepEqual(env[1], { name: "GOMEMLIMIT", value: `$(${MEMORY_LIMIT_ENV})000000B` });
});

test("a GOMEMLIMIT of the service's own (env or secretEnv) wins: goship sets none", () => {
    for (const userEnv of [["GOMEMLIMIT"], ["A", "GOMEMLIMIT"]]) {
        const env = renderGoRuntimeEnv({ memoryLimit: "128Mi", goMemLimit: byDefault, userEnv });
        assert.deepEqual(env.map((e) => e.name), [MEMORY_LIMIT_ENV]);
    }
});

test("goMemLimit's schema: a kind cannot carry the other's fields; percent stays within 50-100", () => {
    assert.throws(() => parseArgument(goMemLimitSchema, { source: "downwardAPI", percent: 80 }, "goMemLimit"), /goMemLimit: unknown key percent/);
    assert.throws(() => parseArgument(goMemLimitSchema, { percent: 30 }, "goMemLimit"), /goMemLimit\.percent: below 50% the garbage collector/);
    assert.throws(() => parseArgument(goMemLimitSchema, { source: "cgroup" }, "goMemLimit"), /goMemLimit\.source: must have source "config"/);
});

test("the Go runtime reads both renderings as the intended byte counts (the local Go, runtime/debug.SetMemoryLimit)", () => {
    for (const limit of ["32Mi", "128Mi", "100M", "512Mi", "2Gi"]) {
        const bytes = parseQuantity(limit);
        const literal = goRuntime({ GOMEMLIMIT: goMemLimitValue(limit, 90) });
        assert.notEqual(literal, "refused");
        if (literal === "refused") continue;
        assert.ok(literal.limit <= bytes * 0.9 && literal.limit > bytes * 0.9 - 2 ** 20, `${limit}: ${literal.limit}`);
        // The kubelet's downward API value: ceil(limit / divisor), then $(VAR) expansion.
        const [limitVar, goMemLimit] = renderGoRuntimeEnv({ memoryLimit: limit, goMemLimit: downward, userEnv: [] });
        const mib = String(Math.ceil(bytes / 2 ** 20));
        const expanded = expand(goMemLimit.value as string, { [limitVar.name as string]: mib });
        const fromDownwardApi = goRuntime({ GOMEMLIMIT: expanded });
        assert.notEqual(fromDownwardApi, "refused");
        if (fromDownwardApi === "refused") continue;
        assert.equal(fromDownwardApi.limit, Number(mib) * 1e6, `${limit}: ${expanded}`);
        const share = fromDownwardApi.limit / bytes;
        assert.ok(share > 0.953 && share < 0.961, `${limit}: ${(share * 100).toFixed(2)}% of the limit`);
    }
});

test("which GOMEMLIMIT and GOMAXPROCS values Go accepts: goship's checks agree with the runtime itself", () => {
    const memLimits = ["off", "0", "1048576", "+5", "200B", "64KiB", "115MiB", "2GiB", "1TiB", "1GB", "1G", "1.5GiB", "MiB", "-1", " 5", "5 MiB", "9223372036854775807", "9223372036854775808", "8388608TiB"];
    for (const value of memLimits) {
        const runtime = goRuntime({ GOMEMLIMIT: value });
        assert.equal(isGoMemLimit(value), runtime !== "refused", `GOMEMLIMIT=${JSON.stringify(value)}: the runtime ${runtime === "refused" ? "refuses" : "accepts"} it`);
    }
    const defaultProcs = goRuntime({});
    assert.notEqual(defaultProcs, "refused");
    for (const value of ["1", "3", "+2", "0", "-1", "two", "1.5", "", "2147483648"]) {
        const runtime = goRuntime({ GOMAXPROCS: value });
        assert.notEqual(runtime, "refused");
        if (runtime === "refused" || defaultProcs === "refused") continue;
        const used = runtime.procs === Number(value);
        assert.equal(isGoMaxProcs(value), used && value !== "", `GOMAXPROCS=${JSON.stringify(value)}: the runtime ${used ? "uses" : "ignores"} it (got ${runtime.procs})`);
    }
});

test("the pod's env: goship's first (GOMEMLIMIT after the limit it may expand), then the service's", () => {
    const names = (pod({ env: { B: "2", A: "1" } }).container.env as { name: string }[]).map((e) => e.name);
    assert.deepEqual(names, ["SERVICE_NAME", "PORT", "TZ", "GOSHIP_MEMORY_LIMIT_MIB", "GOMEMLIMIT", "A", "B"]);
    const own = (pod({ env: { GOMEMLIMIT: "300MiB" } }).container.env as { name: string; value?: string }[]).filter((e) => e.name === "GOMEMLIMIT");
    assert.deepEqual(own, [{ name: "GOMEMLIMIT", value: "300MiB" }], "the service's own, once");
});

test("env: a GOMEMLIMIT Go would refuse, a GOMAXPROCS Go would ignore, or goship's limit variable are refused with the fix", () => {
    assert.throws(() => settings({ env: { GOMEMLIMIT: "1GB" } }), /^Error: hello\.env\.GOMEMLIMIT: "1GB": the Go runtime refuses it and the container exits at start \(malformed GOMEMLIMIT\); use bytes with an optional B, KiB, MiB, GiB or TiB/);
    assert.throws(() => settings({ env: { GOMAXPROCS: "0" } }), /^Error: hello\.env\.GOMAXPROCS: "0": the Go runtime ignores it .*; use a whole number of at least 1/);
    assert.throws(() => settings({ env: { GOSHIP_MEMORY_LIMIT_MIB: "5" } }), /^Error: hello\.env\.GOSHIP_MEMORY_LIMIT_MIB: goship sets GOSHIP_MEMORY_LIMIT_MIB itself; set it through the service's resources\.limits\.memory/);
    assert.deepEqual(settings({ env: { GOMEMLIMIT: "off", GOMAXPROCS: "4" } }).env, { GOMEMLIMIT: "off", GOMAXPROCS: "4" });
});
