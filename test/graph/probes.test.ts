import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GoDeployment } from "../../components";
import { one, runComponents, runStack } from "../harness/program";

const IMAGE = "r/api@sha256:" + "a".repeat(64);

test("GoDeployment from code with gRPC probes: liveness a TCP connect, readiness the health service", async () => {
    const run = await runComponents(() => new GoDeployment("api", { image: IMAGE, namespace: "team", port: 9090, probes: { type: "grpc", grpcService: "api.v1.Api" } }).url);
    const [container] = one(run.resources, "kubernetes:apps/v1:Deployment", "api-deployment").inputs.spec.template.spec.containers;
    assert.deepEqual(container.livenessProbe.tcpSocket, { port: "http" });
    assert.deepEqual(container.startupProbe.tcpSocket, { port: "http" });
    assert.deepEqual(container.readinessProbe.grpc, { port: 9090, service: "api.v1.Api" });
});

test("GoDeployment from code: identical exec probes are a ResourceError naming the argument", async () => {
    await assert.rejects(
        runComponents(() => new GoDeployment("api", { image: IMAGE, namespace: "team", probes: { type: "exec", livenessCommand: ["/a"], readinessCommand: ["/a"] } })),
        (err: Error) => pulumi.ResourceError.isInstance(err) && /^api\.probes\.readinessCommand: liveness and readiness both run \["\/a"\]/.test(err.message),
    );
});

test("dev with exec probes from config: the startup probe runs the liveness command", async () => {
    const probes = { type: "exec", livenessCommand: ["/usr/local/bin/hello", "-live"], readinessCommand: ["/usr/local/bin/hello", "-ready"] };
    const run = await runStack("dev", { mutate: (c) => Object.assign((c["goship:services"] as Record<string, unknown>[])[0], { probes }) });
    const [container] = one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec.containers;
    assert.deepEqual(container.startupProbe.exec, { command: probes.livenessCommand });
    assert.deepEqual(container.readinessProbe.exec, { command: probes.readinessCommand });
});
