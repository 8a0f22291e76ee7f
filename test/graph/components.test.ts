import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { GoDeployment, GoImage, GoService } from "../../components";
import { one, ofType, runComponents, dockerfileOf } from "../harness/program";

/**
 * The components used directly from code, exactly as README "Components" shows them: no
 * stack config, no goship program.
 */
function readmeExample() {
    const provider = new k8s.Provider("cluster", { kubeconfig: "...", context: "staging" });
    const hello = new GoService(
        "hello",
        {
            source: {
                type: "build",
                registry: { type: "generic", server: "registry.example:5000", repositoryPrefix: "team" },
                stackTag: "staging",
                image: { context: "app", main: "./cmd/hello", revision: "3f2a9c1d7e4b", stack: "staging", platforms: ["linux/amd64", "linux/arm64"] },
            },
            deployment: { namespace: "team", port: 8080, timezone: { zone: "Europe/Paris" } },
        },
        { providers: [provider] },
    );
    return { image: hello.imageRef, url: hello.url };
}

test("README's GoService example: a digest-pinned image in the registry and a Deployment in the namespace, through the given provider", async () => {
    const run = await runComponents(readmeExample);
    const outputs = run.outputs as { image: string; url: string };
    assert.match(outputs.image, /^registry\.example:5000\/team\/hello@sha256:[0-9a-f]{64}$/);
    assert.equal(outputs.url, "http://hello.team.svc.cluster.local");

    const images = ofType(run.resources, "docker-build:index:Image");
    const childTags = images.map((i) => i.inputs.tags[0]).sort();
    assert.equal(childTags.length, 2);
    childTags.forEach((tag, i) => assert.match(tag, new RegExp(`^registry\\.example:5000/team/hello:plat-3f2a9c1d7e4b-[0-9a-f]{8}-linux-${["amd64", "arm64"][i]}$`)));
    for (const image of images) {
        assert.equal(image.inputs.context.location, "app");
        assert.match(dockerfileOf(image.inputs), /^FROM --platform=\$BUILDPLATFORM golang:1\.26-bookworm AS build$/m, "the default builder image");
        assert.match(dockerfileOf(image.inputs), /-o \/out\/hello \.\/cmd\/hello$/m);
        assert.equal(image.inputs.buildArgs.VERSION, "dev", "the default version");
    }
    const indexTags = ofType(run.resources, "docker-build:index:Index").map((i) => i.inputs.tag);
    assert.equal(indexTags.length, 2);
    assert.match(indexTags[0], /^registry\.example:5000\/team\/hello:rel-3f2a9c1d7e4b-[0-9a-f]{8}$/);
    assert.equal(indexTags[1], "registry.example:5000/team/hello:stack-staging");

    const deployment = one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment");
    assert.equal(deployment.inputs.metadata.namespace, "team");
    assert.equal(deployment.inputs.spec.replicas, 2, "the default replica count");
    const container = deployment.inputs.spec.template.spec.containers[0];
    assert.equal(container.image, outputs.image);
    assert.deepEqual(container.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    assert.ok(container.env.some((e: { name: string; value: string }) => e.name === "TZ" && e.value === "Europe/Paris"));
    assert.deepEqual(container.resources.limits, { cpu: "500m", memory: "128Mi", "ephemeral-storage": "64Mi" }, "the default limits");
    assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "http", scheme: "HTTP" }, "the default probes");
    one(run.resources, "kubernetes:core/v1:ConfigMap", "hello-tz");
    one(run.resources, "kubernetes:policy/v1:PodDisruptionBudget", "hello-pdb");
    for (const r of run.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:"))) {
        assert.match(r.provider ?? "", /pulumi:providers:kubernetes::cluster::/, `${r.type} ${r.name} goes through the given provider`);
    }
});

/** Constructs a component with bad arguments; returns the error it raised. */
async function refusal(build: () => unknown): Promise<Error> {
    try {
        await runComponents(build);
    } catch (e) {
        return e as Error;
    }
    assert.fail("expected the component to refuse its arguments");
}

test("bad arguments from code are refused as a ResourceError of the component, naming the argument, with the stack config's messages", async () => {
    const cases: [string, () => unknown, RegExp][] = [
        ["privileged port", () => new GoDeployment("api", { image: "r/api@sha256:" + "a".repeat(64), namespace: "team", port: 80 }), /^api\.port: privileged ports need root or NET_BIND_SERVICE/],
        ["exec probes without commands", () => new GoDeployment("api", { image: "r/api@sha256:" + "a".repeat(64), namespace: "team", probes: { type: "exec" } as never }), /^api\.probes\.livenessCommand: required when probes\.type is exec/m],
        ["a probe kind with another kind's fields", () => new GoDeployment("api", { image: "r/api@sha256:" + "a".repeat(64), namespace: "team", probes: { type: "grpc", livenessPath: "/live" } as never }), /^api\.probes: unknown key livenessPath/],
        ["Windows with a read-only root", () => new GoDeployment("api", { image: "r/api@sha256:" + "a".repeat(64), namespace: "team", os: "windows", readOnlyRootFilesystem: true }), /^api\.readOnlyRootFilesystem: Windows containers cannot have a read-only root filesystem/],
        ["tags given (goship derives them)", () => new GoImage("api", { context: "app", repository: "r/api", tags: ["latest"] } as never), /^api\.tags: goship derives the tags/],
        ["a reserved build arg", () => new GoImage("api", { context: "app", repository: "r/api", revision: "v1", buildArgs: { VERSION: "1" } }), /^api\.buildArgs\.VERSION: goship sets VERSION itself/],
        ["a promoted image that is not pinned", () => new GoService("api", { source: { type: "promote", ref: "r/api:latest" }, deployment: { namespace: "team" } }), /^api\.source\.ref: promoted image "r\/api:latest" is not pinned by digest/],
        ["a registry without a server", () => new GoService("api", { source: { type: "build", registry: { type: "generic" } as never, stackTag: "dev", image: { context: "app", revision: "v1" } }, deployment: { namespace: "team" } }), /^api\.source\.registry\.server: is required/],
    ];
    for (const [name, build, expected] of cases) {
        const err = await refusal(build);
        assert.ok(pulumi.ResourceError.isInstance(err), `${name}: a ResourceError, got ${String(err)}`);
        assert.match(err.message, expected, name);
        assert.ok((err as pulumi.ResourceError).resource?.urn, `${name}: tied to the component`);
    }
});
