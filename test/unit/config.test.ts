import { test } from "node:test";
import * as util from "util";
import assert from "node:assert/strict";
import { ConfigError, parseStackConfig } from "../../stack/config";

/** A minimal valid config; each case below breaks one thing. */
function valid(): Record<string, unknown> {
    return {
        services: [{ name: "hello", path: "app" }],
        registry: { type: "generic", server: "127.0.0.1:5000" },
        kubernetes: { kubeconfig: ".goship/kubeconfig", namespace: "goship-dev" },
    };
}

function service(c: Record<string, unknown>): Record<string, unknown> {
    return (c.services as Record<string, unknown>[])[0];
}

function problemsOf(raw: Record<string, unknown>): string[] {
    try {
        parseStackConfig(raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

test("defaults fill in a minimal service", () => {
    const c = parseStackConfig(valid());
    const s = c.services[0];
    assert.equal(s.main, ".");
    assert.equal(s.port, 8080);
    assert.equal(s.replicas, 2);
    assert.deepEqual(s.platforms, ["linux/amd64", "linux/arm64"]);
    assert.deepEqual(s.resources.requests, { cpu: "50m", memory: "32Mi", ephemeralStorage: "16Mi" });
    assert.deepEqual(s.resources.limits, { cpu: "500m", memory: "128Mi", ephemeralStorage: "64Mi" });
    assert.equal(s.probes.type, "http");
    assert.equal(s.probes.livenessPath, "/healthz");
    assert.equal(s.probes.readinessPath, "/readyz");
    assert.deepEqual(s.timezone, { zone: "UTC" });
    assert.deepEqual(s.image, { source: "build" });
    assert.equal(s.base.runtime, "scratch");
    assert.equal(c.kubernetes.createNamespace, true);
    assert.equal(c.build.cache, true);
});

test("a partial resources block keeps the other defaults", () => {
    const raw = valid();
    service(raw).resources = { limits: { memory: "1Gi" } };
    const s = parseStackConfig(raw).services[0];
    assert.equal(s.resources.limits.memory, "1Gi");
    assert.equal(s.resources.limits.cpu, "500m");
    assert.equal(s.resources.requests.memory, "32Mi");
});

/** Each case: how to break the config, and what the message must name. */
const BAD: [string, (c: Record<string, unknown>) => void, RegExp][] = [
    ["empty config", (c) => Object.keys(c).forEach((k) => delete c[k]), /^goship: the stack has no goship config; set goship:services/],
    ["no services", (c) => (c.services = []), /^goship:services: list at least one service/],
    ["unknown time zone", (c) => (service(c).timezone = { zone: "Mars/Olympus_Mons" }), /^goship:services\[0\]\.timezone\.zone: unknown IANA time zone; use a name such as UTC/],
    ["privileged port", (c) => (service(c).port = 80), /^goship:services\[0\]\.port: privileged ports need root .* use 1024-65535/],
    ["port out of range", (c) => (service(c).port = 70000), /^goship:services\[0\]\.port: must be at most 65535/],
    ["port not a number", (c) => (service(c).port = "http"), /^goship:services\[0\]\.port: /],
    ["limit below request", (c) => (service(c).resources = { requests: { memory: "256Mi" }, limits: { memory: "128Mi" } }), /^goship:services\[0\]\.resources\.limits\.memory: limit 128Mi is below the request 256Mi/],
    ["malformed quantity", (c) => (service(c).resources = { limits: { cpu: "two" } }), /^goship:services\[0\]\.resources\.limits\.cpu: must be a Kubernetes quantity/],
    ["replicas below 1", (c) => (service(c).replicas = 0), /^goship:services\[0\]\.replicas: must be at least 1/],
    ["unknown platform", (c) => (service(c).platforms = ["linux/amd64", "darwin/arm64"]), /^goship:services\[0\]\.platforms\[1\]: must be one of linux\/amd64/],
    ["duplicate platform", (c) => (service(c).platforms = ["linux/amd64", "linux/amd64"]), /^goship:services\[0\]\.platforms: lists a platform twice/],
    ["windows with hostPath timezone", (c) => Object.assign(service(c), { platforms: ["windows/amd64"], timezone: { zone: "UTC", mode: "hostPath" } }), /^goship:services\[0\]\.timezone\.mode: hostPath mounts \/etc\/localtime, which Windows nodes do not have; use mode embedded/],
    ["windows with configMap timezone", (c) => Object.assign(service(c), { platforms: ["windows/amd64"], timezone: { zone: "UTC", mode: "configMap" } }), /^goship:services\[0\]\.timezone\.mode: configMap mounts \/etc\/localtime, which Windows ignores/],
    ["duplicate service names", (c) => (c.services = [{ name: "hello", path: "app" }, { name: "hello", path: "app2" }]), /^goship:services\[1\]\.name: "hello" is already used by services\[0\]/],
    ["service name not a DNS label", (c) => (service(c).name = "Hello_World"), /^goship:services\[0\]\.name: must be a DNS label/],
    ["misspelt key", (c) => (service(c).replica = 3), /^goship:services\[0\]: unknown key replica; check the spelling/],
    ["registry URL with scheme", (c) => (c.registry = { type: "generic", server: "https://registry.example.com/v2" }), /^goship:registry\.server: must be a registry host\[:port\] without scheme or path/],
    ["registry type unknown", (c) => (c.registry = { type: "dockerhub" }), /^goship:registry\.type: /],
    ["registry missing for a build", (c) => delete c.registry, /^goship:registry: required when a service builds its image/],
    ["kubernetes missing", (c) => delete c.kubernetes, /^goship:kubernetes: is required/],
    ["namespace not a DNS label", (c) => (c.kubernetes = { kubeconfig: "k", namespace: "Goship" }), /^goship:kubernetes\.namespace: must be a DNS label/],
    ["same liveness and readiness path", (c) => (service(c).probes = { readinessPath: "/healthz" }), /^goship:services\[0\]\.probes\.readinessPath: liveness and readiness both probe \/healthz/],
    ["exec probes without commands", (c) => (service(c).probes = { type: "exec" }), /^goship:services\[0\]\.probes\.livenessCommand: required when probes\.type is exec/],
    ["reserved env var", (c) => (service(c).env = { TZ: "UTC" }), /^goship:services\[0\]\.env\.TZ: goship sets TZ itself; set it through the service's timezone\.zone/],
    ["bad env var name", (c) => (service(c).env = { "MY-VAR": "x" }), /^goship:services\[0\]\.env\.MY-VAR: must be an environment variable name/],
    ["autoscaling max not above min", (c) => (service(c).autoscaling = { minReplicas: 3, maxReplicas: 3 }), /^goship:services\[0\]\.autoscaling\.maxReplicas: must be greater than minReplicas/],
    ["autoscaling min below 2", (c) => (service(c).autoscaling = { minReplicas: 1, maxReplicas: 3 }), /^goship:services\[0\]\.autoscaling\.minReplicas: at least 2/],
    ["main not a package path", (c) => (service(c).main = "cmd/hello"), /^goship:services\[0\]\.main: must be a package path inside the module/],
    ["promotion without a stack", (c) => (service(c).image = { source: "promote" }), /^goship:services\[0\]\.image\.fromStack: is required/],
    ["base image not a reference", (c) => (service(c).base = { builder: "Golang 1.26" }), /^goship:services\[0\]\.base\.builder: must be an image reference/],
    ["reserved build arg", (c) => (service(c).buildArgs = { VERSION: "1" }), /^goship:services\[0\]\.buildArgs\.VERSION: goship sets VERSION itself/],
    ["pod annotation key malformed", (c) => (service(c).podAnnotations = { "team name": "x" }), /^goship:services\[0\]\.podAnnotations\.team name: must be an annotation key/],
    ["pod annotation goship sets itself", (c) => (service(c).podAnnotations = { "goship.dev/config-sha256": "x" }), /^goship:services\[0\]\.podAnnotations\.goship\.dev\/config-sha256: goship sets goship\.dev\/config-sha256 itself/],
    ["priority class named like a system class", (c) => ((c.kubernetes as Record<string, unknown>).priorityClass = { name: "system-apps", value: 10 }), /^goship:kubernetes\.priorityClass\.name: names starting with system- are reserved/],
    ["priority class value in the system range", (c) => ((c.kubernetes as Record<string, unknown>).priorityClass = { name: "apps", value: 2000000000 }), /^goship:kubernetes\.priorityClass\.value: must be at most 1000000000/],
    ["secret env also set as plain env", (c) => Object.assign(service(c), { env: { API_TOKEN: "x" }, secretEnv: { API_TOKEN: "apiToken" } }), /^goship:services\[0\]\.secretEnv\.API_TOKEN: also set in env/],
    ["secret env on goship's own key", (c) => (service(c).secretEnv = { TOKEN: "registryPassword" }), /^goship:services\[0\]\.secretEnv\.TOKEN: "registryPassword" is one of goship's own config keys/],
    ["preStop sleep eats the grace period", (c) => Object.assign(service(c), { preStopSleepSeconds: 30, terminationGracePeriodSeconds: 30 }), /^goship:services\[0\]\.preStopSleepSeconds: 30s leaves no time of the 30s grace period/],
    ["Windows base image without an LTSC tag", (c) => Object.assign(service(c), { platforms: ["windows/amd64"], timezone: { zone: "UTC" }, base: { windows: "mirror.example/nanoserver:latest" } }), /^goship:services\[0\]\.base\.windows: cannot tell the Windows build of "mirror\.example\/nanoserver:latest"; use a tag naming the release/],
    ["ecr region malformed", (c) => (c.registry = { type: "ecr", region: "europe" }), /^goship:registry\.region: must be an AWS region/],
];

for (const [name, breakIt, expected] of BAD) {
    test(`bad config: ${name}`, () => {
        const raw = valid();
        breakIt(raw);
        const problems = problemsOf(raw);
        assert.ok(problems.some((p) => expected.test(p)), `expected ${expected} in:\n${problems.join("\n")}`);
    });
}

test("every problem is reported at once, one per line", () => {
    const raw = valid();
    Object.assign(service(raw), { port: 22, replicas: 0 });
    const problems = problemsOf(raw);
    assert.equal(problems.length, 2, problems.join("\n"));
});

test("a ConfigError inspected with colours (the SDK's cmd/run does, for every uncaught error) is its plain stack, at once", () => {
    // A frame as the SDK's source maps name it: with Node 22.23's colouring this one frame
    // takes 13 s and overflows a string (nodejs/node#64011).
    const e = new ConfigError(["goship:services[0].replicas: must be at least 1"]);
    e.stack = `ConfigError: ${e.message}\n    at Stack.initializeAndRegisterOutputs (/p/node_modules/@pulumi/resource.ts:1593:22)`;
    const start = Date.now();
    const shown = util.inspect(e, { colors: true });
    assert.ok(Date.now() - start < 1000, `inspect took ${Date.now() - start} ms`);
    assert.equal(shown, e.stack);
    assert.equal(util.inspect(new ConfigError(["a", "b"])).split("\n").slice(0, 2).join("\n"), "ConfigError: a\nb");
});
