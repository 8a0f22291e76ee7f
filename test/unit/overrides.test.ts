import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, parseStackConfig } from "../../stack/config";
import { applyOverrides, mergeSettings } from "../../stack/overrides";
import { plainStackSettings } from "../harness/stack-files";

const hello = { name: "hello", path: "app", main: "./cmd/hello", port: 8080, timezone: { zone: "Europe/Paris" }, resources: { limits: { cpu: "1", memory: "256Mi" } } };
const kubernetes = { kubeconfig: "k", namespace: "ns" };

function problems(raw: Record<string, unknown>): string[] {
    try {
        parseStackConfig(raw);
        return [];
    } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
    }
}

test("objects merge key by key, lists and scalars replace, null removes", () => {
    assert.deepEqual(mergeSettings({ a: { b: 1, c: 2 }, l: [1, 2], s: "x" }, { a: { c: 3 }, l: [3], s: "y" }), { a: { b: 1, c: 3 }, l: [3], s: "y" });
    assert.deepEqual(mergeSettings({ a: { b: 1, c: 2 } }, { a: { b: null } }), { a: { c: 2 } });
});

test("a stack's override changes only what it names; defaults and the project's settings stay", () => {
    const config = parseStackConfig({
        services: [hello],
        overrides: { hello: { replicas: 5, resources: { limits: { memory: "512Mi" } }, timezone: { mode: "embedded" } } },
        kubernetes,
        registry: { type: "generic", server: "r:5000" },
    });
    const [s] = config.services;
    assert.equal(s.replicas, 5);
    assert.equal(s.resources.limits.memory, "512Mi");
    assert.equal(s.resources.limits.cpu, "1", "the project's cpu limit stays");
    assert.deepEqual(s.timezone, { zone: "Europe/Paris", mode: "embedded" });
    assert.equal(s.port, 8080);
});

test("image replaces as a whole: a stack that promotes needs no build fields to undo", () => {
    const config = parseStackConfig({ services: [{ ...hello, image: { source: "build" } }], overrides: { hello: { image: { source: "promote", fromStack: "dev" } } }, kubernetes });
    assert.deepEqual(config.services[0].image, { source: "promote", fromStack: "dev" });
});

test("identity keys and unknown services are refused in overrides, naming the key and the fix", () => {
    const found = problems({ services: [hello], overrides: { hello: { port: 9090, platforms: ["linux/amd64"] }, helo: { replicas: 1 } }, kubernetes, registry: { type: "generic", server: "r:5000" } });
    assert.deepEqual(found, [
        "goship:overrides.hello.port: part of the service's identity, the same in every stack (a promoted image was built from it); set it in goship:services in Pulumi.yaml",
        "goship:overrides.hello.platforms: part of the service's identity, the same in every stack (a promoted image was built from it); set it in goship:services in Pulumi.yaml",
        "goship:overrides.helo: no service named helo in goship:services (services: hello); define it in Pulumi.yaml, or fix the name",
    ]);
});

test("a bad value set by an override is reported at the override's key, not the merged service's", () => {
    const found = problems({ services: [hello], overrides: { hello: { replicas: 0 } }, kubernetes, registry: { type: "generic", server: "r:5000" } });
    assert.equal(found.length, 1);
    assert.match(found[0], /^goship:overrides\.hello\.replicas: /);
    // The same value in the project's definition is reported there.
    assert.match(problems({ services: [{ ...hello, replicas: 0 }], kubernetes, registry: { type: "generic", server: "r:5000" } })[0], /^goship:services\[0\]\.replicas: /);
});

test("overrides that are not a map are refused", () => {
    assert.deepEqual(applyOverrides([hello], ["hello"], "goship").problems, ["goship:overrides: must be a map of service name → settings, e.g. {hello: {replicas: 3}}"]);
    assert.deepEqual(applyOverrides([hello], { hello: 3 }, "goship").problems, ["goship:overrides.hello: must be a map of settings, e.g. {replicas: 3}"]);
});

test("the committed stacks parse as the engine passes them: Pulumi.yaml's services, each stack's overrides", () => {
    for (const stack of ["dev", "staging", "prod", "local-staging", "local-prod"]) {
        const config = parseStackConfig(plainStackSettings(stack));
        assert.equal(config.services[0].name, "hello", stack);
        assert.equal(config.services[0].path, "app", `${stack}: identity from Pulumi.yaml`);
    }
    const prod = parseStackConfig(plainStackSettings("local-prod"));
    assert.deepEqual(prod.services[0].image, { source: "promote", fromStack: "local-staging" });
    assert.equal(prod.services[0].replicas, 3);
});
