import { test } from "node:test";
import assert from "node:assert/strict";
import { stackConfig, STACK_SIZES } from "../../bench/goship-stack";
import type { Platform } from "../../bench/platform";
import { parseStackConfig } from "../../stack/config";
import type { Workload } from "../../bench/workload";

const platform: Platform = { buildkit: "tcp://127.0.0.1:1234", builder: "goship", builderImage: "127.0.0.1:5000/goship-base/golang:1.26", registry: "127.0.0.1:5000", registryCa: "/ca.pem", kubeconfig: "/state/kubeconfig" };
const sample: Workload = { name: "sample", dir: "/tmp/bench/sample", main: "./cmd/hello", packages: 3, lines: 300, touch: () => undefined };

/** The generated config as the program reads it: the keys without their "goship:" namespace. */
function parsed(n: number) {
    const raw = Object.fromEntries(Object.entries(stackConfig(platform, sample, n, "rtest")).map(([k, v]) => [k.replace(/^goship:/, ""), v]));
    return parseStackConfig(raw);
}

test("the benchmark's generated stacks are valid goship config: N distinct services that fit on a 2-core node", () => {
    for (const n of STACK_SIZES) {
        const config = parsed(n);
        assert.equal(config.services.length, n);
        assert.equal(new Set(config.services.map((s) => s.name)).size, n, "service names are distinct");
        assert.equal(config.kubernetes.namespace, `goship-bench-${n}`);
        const cpu = config.services.reduce((sum, s) => sum + parseInt(s.resources.requests.cpu, 10), 0);
        assert.ok(cpu <= 500, `${n} services request ${cpu}m CPU in all`);
    }
});
