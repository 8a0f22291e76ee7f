import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GoDeployment } from "../../components";
import { one, runComponents, runStack } from "../harness/program";

const IMAGE = "r/api@sha256:" + "a".repeat(64);

function containerOf(resources: Awaited<ReturnType<typeof runStack>>["resources"], name = "hello") {
    return one(resources, "kubernetes:apps/v1:Deployment", `${name}-deployment`).inputs.spec.template.spec.containers[0];
}

test("GoDeployment from code: command, args and working directory on the container", async () => {
    const run = await runComponents(() => new GoDeployment("api", { image: IMAGE, namespace: "team", command: ["/usr/local/bin/api"], args: ["serve", "--port=$(PORT)"], workingDir: "/tmp" }).url);
    const container = containerOf(run.resources, "api");
    assert.deepEqual([container.command, container.args, container.workingDir], [["/usr/local/bin/api"], ["serve", "--port=$(PORT)"], "/tmp"]);
});

test("GoDeployment from code: a Linux working directory on Windows pods is a ResourceError naming the argument", async () => {
    await assert.rejects(
        runComponents(() => new GoDeployment("api", { image: IMAGE, namespace: "team", os: "windows", workingDir: "/app" })),
        (err: Error) => pulumi.ResourceError.isInstance(err) && /^api\.workingDir: "\/app" is not an absolute Windows path/.test(err.message),
    );
});

test("dev: the image's own command by default; command, args and workingDir from config, a stack's override replacing the args", async () => {
    const plain = containerOf((await runStack("dev")).resources);
    assert.deepEqual([plain.command, plain.args, plain.workingDir], [undefined, undefined, undefined]);
    const run = await runStack("dev", {
        mutate: (c) => {
            Object.assign((c["goship:services"] as Record<string, unknown>[])[0], { command: ["/usr/local/bin/hello"], args: ["-a"], workingDir: "/tmp" });
            c["goship:overrides"] = { hello: { args: ["-b", "-c"] } };
        },
    });
    const container = containerOf(run.resources);
    assert.deepEqual([container.command, container.args, container.workingDir], [["/usr/local/bin/hello"], ["-b", "-c"], "/tmp"]);
});
