import { test } from "node:test";
import assert from "node:assert/strict";
import { one, ofType, runStack, secretValue, dockerfileOf } from "../harness/program";

type Service = Record<string, unknown>;

function withService(change: Partial<Service>) {
    return {
        mutate: (c: Record<string, unknown>) => Object.assign((c["goship:services"] as Service[])[0], change),
    };
}

function podOf(resources: Awaited<ReturnType<typeof runStack>>["resources"]) {
    return one(resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec;
}

test("timezone mode embedded: TZ only, no zone ConfigMap, no /etc/localtime mount", async () => {
    const run = await runStack("dev", withService({ timezone: { zone: "America/New_York", mode: "embedded" } }));
    const pod = podOf(run.resources);
    assert.ok(pod.containers[0].env.some((e: { name: string; value: string }) => e.name === "TZ" && e.value === "America/New_York"));
    assert.ok(!pod.containers[0].volumeMounts.some((m: { mountPath: string }) => m.mountPath === "/etc/localtime"));
    assert.equal(ofType(run.resources, "kubernetes:core/v1:ConfigMap").length, 0);
});

test("timezone mode hostPath: the node's files mounted read-only, and the namespace admits it", async () => {
    const run = await runStack("dev", withService({ timezone: { mode: "hostPath" } }));
    const pod = podOf(run.resources);
    assert.deepEqual(
        pod.volumes.filter((v: { hostPath?: unknown }) => v.hostPath).map((v: { hostPath: { path: string } }) => v.hostPath.path),
        ["/etc/localtime", "/etc/timezone"],
    );
    assert.ok(!pod.containers[0].env.some((e: { name: string }) => e.name === "TZ"));
    const ns = one(run.resources, "kubernetes:core/v1:Namespace", "namespace").inputs;
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
});

test("pod annotations from config reach the pod template next to goship's config checksum", async () => {
    const run = await runStack("dev", withService({ podAnnotations: { "example.com/team": "payments" } }));
    const annotations = one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.metadata.annotations;
    assert.equal(annotations["example.com/team"], "payments");
    assert.match(annotations["goship.dev/config-sha256"], /^[0-9a-f]{64}$/);
});

test("the stack's PriorityClass is created and named by every pod; a service's own priorityClassName wins", async () => {
    const run = await runStack("dev");
    const pc = one(run.resources, "kubernetes:scheduling.k8s.io/v1:PriorityClass", "priority-class").inputs;
    assert.deepEqual([pc.metadata.name, pc.value, pc.globalDefault], ["goship-dev", 1000, false]);
    assert.equal(podOf(run.resources).priorityClassName, "goship-dev");
    const own = await runStack("dev", withService({ priorityClassName: "platform-critical" }));
    assert.equal(podOf(own.resources).priorityClassName, "platform-critical");
});

test("secret env: a Secret holds the values (marked secret), pods read them by secretKeyRef, no value in the Deployment", async () => {
    const run = await runStack("dev", { ...withService({ secretEnv: { API_TOKEN: "apiToken" } }), secrets: { apiToken: "s3cr3t-value" } });
    const secret = one(run.resources, "kubernetes:core/v1:Secret", "hello-env").inputs;
    assert.deepEqual(secretValue(secret.stringData), { API_TOKEN: "s3cr3t-value" });
    const env = podOf(run.resources).containers[0].env as Array<{ name: string; valueFrom?: unknown }>;
    assert.deepEqual(env.find((e) => e.name === "API_TOKEN")?.valueFrom, { secretKeyRef: { name: "hello-env", key: "API_TOKEN" } });
    assert.doesNotMatch(JSON.stringify(one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs), /s3cr3t-value/);
});

test("Windows only: a nanoserver image and Windows pods with the build selector and toleration", async () => {
    const run = await runStack("dev", withService({ platforms: ["windows/amd64"], timezone: { zone: "Europe/Paris", mode: "embedded" } }));
    const [image] = ofType(run.resources, "docker-build:index:Image");
    assert.equal(image.name, "hello-windows-amd64");
    assert.deepEqual(image.inputs.platforms, ["windows/amd64"]);
    assert.match(dockerfileOf(image.inputs), /^FROM mcr\.microsoft\.com\/windows\/nanoserver:ltsc2022$/m);
    assert.match(dockerfileOf(image.inputs), /-o \/out\/hello\.exe/);
    const pod = podOf(run.resources);
    assert.deepEqual(pod.nodeSelector, { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348" });
    assert.deepEqual(pod.tolerations, [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }]);
    assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, undefined);
    assert.equal(pod.securityContext.runAsUser, undefined);
});

test("readOnlyRootFilesystem false: a Linux service may opt out of the read-only root, and only of that", async () => {
    const defaults = podOf((await runStack("dev")).resources).containers[0].securityContext;
    assert.equal(defaults.readOnlyRootFilesystem, true);
    const writable = podOf((await runStack("dev", withService({ readOnlyRootFilesystem: false }))).resources).containers[0].securityContext;
    assert.deepEqual(writable, { ...defaults, readOnlyRootFilesystem: false });
});

test("Linux and Windows in one GoImage: separate builds joined into one index", async () => {
    const run = await runStack("dev", withService({ platforms: ["linux/amd64", "linux/arm64", "windows/amd64"] }));
    const images = ofType(run.resources, "docker-build:index:Image");
    assert.deepEqual(images.map((i) => i.name).sort(), ["hello-linux-amd64", "hello-linux-arm64", "hello-windows-amd64"]);
    const windows = images.find((i) => i.name === "hello-windows-amd64")!;
    const linux = images.find((i) => i.name === "hello-linux-amd64")!;
    assert.notEqual(dockerfileOf(windows.inputs), dockerfileOf(linux.inputs));
    assert.deepEqual(
        images.map((i) => i.inputs.cacheTo[0].registry.ref).sort(),
        ["linux-amd64", "linux-arm64", "windows-amd64"].map((s) => `127.0.0.1:5000/goship/hello:buildcache-${s}`),
        "one cache per platform",
    );
    for (const index of ofType(run.resources, "docker-build:index:Index")) {
        assert.equal(index.inputs.sources.length, 3);
    }
    assert.deepEqual(podOf(run.resources).nodeSelector, { "kubernetes.io/os": "linux" }, "Linux nodes when Linux is built");
});

test("runtime base and pinned builder from config reach the Dockerfile", async () => {
    const builder = "127.0.0.1:5000/goship-base/golang:1.26@sha256:" + "c".repeat(64);
    const run = await runStack("dev", withService({ base: { builder, runtime: "distroless" } }));
    for (const image of ofType(run.resources, "docker-build:index:Image")) {
        assert.ok(dockerfileOf(image.inputs).includes(`FROM --platform=$BUILDPLATFORM ${builder} AS build`));
        assert.match(dockerfileOf(image.inputs), /^FROM gcr\.io\/distroless\/static-debian12:nonroot$/m);
    }
});

test("a generic registry with a username logs in with the secret password", async () => {
    const run = await runStack("dev", {
        mutate: (c) => (c["goship:registry"] = { type: "generic", server: "registry.example:5000", username: "ci" }),
        secrets: { registryPassword: "hunter2" },
    });
    for (const image of ofType(run.resources, "docker-build:index:Image")) {
        assert.deepEqual(secretValue(image.inputs.registries), [{ address: "registry.example:5000", username: "ci", password: "hunter2" }]);
    }
});

test("an explicit revision tags the images and versions the binary; build cache can be turned off", async () => {
    const run = await runStack("dev", { mutate: (c) => (c["goship:build"] = { revision: "v1.2.3", cache: false }) });
    const tags = ofType(run.resources, "docker-build:index:Index").map((i) => i.inputs.tag).sort();
    assert.equal(tags.length, 2);
    assert.match(tags[0], /^127\.0\.0\.1:5000\/goship\/hello:rel-v1\.2\.3-[0-9a-f]{8}$/);
    assert.equal(tags[1], "127.0.0.1:5000/goship/hello:stack-dev");
    for (const image of ofType(run.resources, "docker-build:index:Image")) {
        assert.equal(image.inputs.buildArgs.VERSION, "v1.2.3");
        assert.equal(image.inputs.cacheFrom, undefined);
        assert.equal(image.inputs.cacheTo, undefined);
    }
    assert.equal(one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.metadata.labels["app.kubernetes.io/version"], "v1.2.3");
});

test("two services never collide: every child name derives from its service", async () => {
    const run = await runStack("dev", {
        mutate: (c) => {
            const [hello] = c["goship:services"] as Service[];
            c["goship:services"] = [hello, { ...hello, name: "hello-admin", port: 9090 }];
        },
    });
    const names = run.resources.map((r) => `${r.type}::${r.name}`);
    assert.equal(new Set(names).size, names.length);
    assert.equal(ofType(run.resources, "kubernetes:apps/v1:Deployment").length, 2);
    assert.deepEqual(Object.keys((run.outputs as { images: object }).images).sort(), ["hello", "hello-admin"]);
});
