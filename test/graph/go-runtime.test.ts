import { test } from "node:test";
import assert from "node:assert/strict";
import { one, runStack, RunResult } from "../harness/program";

function withService(change: Record<string, unknown>) {
    return (c: Record<string, unknown>) => Object.assign((c["goship:services"] as Record<string, unknown>[])[0], change);
}

function envOf(run: RunResult): { name: string; value?: string; valueFrom?: unknown }[] {
    return one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec.containers[0].env;
}

test("GOMEMLIMIT: from the downward API when asked, another percent of the limit, or the service's own in env or secretEnv", async () => {
    const downward = envOf(await runStack("dev", { mutate: withService({ goMemLimit: { source: "downwardAPI" } }) }));
    assert.equal(downward.find((e) => e.name === "GOMEMLIMIT")?.value, "$(GOSHIP_MEMORY_LIMIT_MIB)000000B");
    const percent = envOf(await runStack("dev", { mutate: withService({ goMemLimit: { percent: 75 } }) }));
    assert.equal(percent.find((e) => e.name === "GOMEMLIMIT")?.value, "96MiB", "75% of 128Mi");
    const own = envOf(await runStack("dev", { mutate: withService({ env: { GOMEMLIMIT: "100MiB", GOMAXPROCS: "2" } }) }));
    assert.deepEqual(own.filter((e) => e.name === "GOMEMLIMIT" || e.name === "GOMAXPROCS"), [{ name: "GOMAXPROCS", value: "2" }, { name: "GOMEMLIMIT", value: "100MiB" }], "sorted with the service's env");
    const secret = envOf(await runStack("dev", { mutate: withService({ secretEnv: { GOMEMLIMIT: "memLimit" } }), secrets: { memLimit: "90MiB" } }));
    assert.deepEqual(secret.filter((e) => e.name === "GOMEMLIMIT"), [{ name: "GOMEMLIMIT", valueFrom: { secretKeyRef: { name: "hello-env", key: "GOMEMLIMIT" } } }]);
});
