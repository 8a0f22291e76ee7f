import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../stack/config";
import { releaseRecord, runStack, runStackAsHost, STAGING_HELLO_REF } from "../harness/program";

type Config = Record<string, unknown>;
type Service = Record<string, unknown>;

function service(c: Config): Service {
    return (c["goship:services"] as Service[])[0];
}

function kubernetes(c: Config): Record<string, unknown> {
    return c["goship:kubernetes"] as Record<string, unknown>;
}

/** Runs the dev stack with one thing broken; returns the error and how much was registered. */
async function failure(mutate: (c: Config) => void, opts: { secrets?: Record<string, string> } = {}): Promise<{ message: string; registered: number }> {
    try {
        await runStack("dev", { mutate, secrets: opts.secrets });
    } catch (e) {
        const err = e as Error & { registered: number };
        return { message: err.message, registered: err.registered };
    }
    assert.fail("expected the program to fail");
}

/** Each case fails before any resource is registered, naming the key and the fix. */
const CASES: [string, (c: Config) => void, RegExp][] = [
    ["empty config", (c) => Object.keys(c).forEach((k) => delete c[k]), /goship: the stack has no goship config; set goship:services/],
    ["unknown time zone", (c) => (service(c).timezone = { zone: "Europe/Pariss" }), /goship:services\[0\]\.timezone\.zone: unknown IANA time zone/],
    ["privileged port", (c) => (service(c).port = 443), /goship:services\[0\]\.port: privileged ports need root/],
    ["limits below requests", (c) => (service(c).resources = { requests: { cpu: "2" } }), /goship:services\[0\]\.resources\.limits\.cpu: limit 500m is below the request 2/],
    ["replicas < 1", (c) => (service(c).replicas = 0), /goship:services\[0\]\.replicas: must be at least 1/],
    ["missing Go module at the service path", (c) => (service(c).path = "services/nope"), /goship:services\[0\]\.path: no go\.mod in .*services\/nope; point path at the Go module's directory/],
    ["main package that does not exist", (c) => (service(c).main = "./cmd/nope"), /goship:services\[0\]\.main: \.\/cmd\/nope is not a main package/],
    ["main pointing at a library package", (c) => (service(c).main = "./internal/server"), /goship:services\[0\]\.main: \.\/internal\/server is not a main package/],
    ["unknown platform", (c) => (service(c).platforms = ["linux/mips"]), /goship:services\[0\]\.platforms\[0\]: must be one of/],
    ["Windows platform with hostPath timezone", (c) => Object.assign(service(c), { platforms: ["windows/amd64"], timezone: { zone: "UTC", mode: "hostPath" } }), /timezone\.mode: hostPath .* use mode embedded/],
    ["Windows platform with read-only root fs", (c) => Object.assign(service(c), { platforms: ["windows/amd64"], timezone: { zone: "UTC" }, readOnlyRootFilesystem: true }), /goship:services\[0\]\.readOnlyRootFilesystem: Windows containers cannot have a read-only root filesystem .*; remove the setting, or build for linux platforms/],
    ["registry URL malformed", (c) => (c["goship:registry"] = { type: "generic", server: "http://127.0.0.1:5000" }), /goship:registry\.server: must be a registry host\[:port\] without scheme/],
    ["duplicate service names", (c) => (c["goship:services"] = [service(c), { ...service(c) }]), /goship:services\[1\]\.name: "hello" is already used/],
    ["service name not a DNS label", (c) => (service(c).name = "hello.world"), /goship:services\[0\]\.name: must be a DNS label/],
    ["kubeconfig file missing", (c) => (c["goship:kubernetes"] = { kubeconfig: ".goship/missing", namespace: "goship-dev" }), /goship:kubernetes\.kubeconfig: .*\.goship\/missing does not exist/],
    ["kubeconfig context missing", (c) => (c["goship:kubernetes"] = { kubeconfig: ".goship/kubeconfig", context: "prod", namespace: "goship-dev" }), /goship:kubernetes\.context: "prod" is not in .*; use one of: goship/],
    ["secret env whose secret config key is not set", (c) => (service(c).secretEnv = { API_TOKEN: "apiToken" }), /goship:apiToken: required by goship:services\[0\]\.secretEnv\.API_TOKEN; run: pulumi config set --secret apiToken/],
    ["registry username without the password secret", (c) => (c["goship:registry"] = { type: "generic", server: "127.0.0.1:5000", username: "ci" }), /goship:registryPassword: required by goship:registry\.username; run: pulumi config set --secret registryPassword/],
    ["services not a list", (c) => (c["goship:services"] = "hello"), /goship:services: /],
    // The runner refused these two before; the program now refuses them itself (one check, stack/check.ts).
    ["secret env value stored in plain text", (c) => ((service(c).secretEnv = { API_TOKEN: "apiToken" }), (c["goship:apiToken"] = "not-encrypted")), /goship:apiToken: stored in plain text but used as a secret by goship:services\[0\]\.secretEnv\.API_TOKEN; run: pulumi config set --secret apiToken/],
    // Build settings of any Go service (docs/any-service.md).
    ["build arg with a secret-looking name", (c) => (service(c).buildArgs = { GITHUB_TOKEN: "ghp_x" }), /goship:services\[0\]\.buildArgs\.GITHUB_TOKEN: GITHUB_TOKEN looks like a secret.*move it to buildSecrets/],
    ["cgo turned on", (c) => (service(c).go = { cgo: true }), /goship:services\[0\]\.go\.cgo: cgo cannot be turned on: goship cross-compiles/],
    ["GOPROXY with credentials in the URL", (c) => (service(c).go = { proxy: "https://ci:hunter2@goproxy.example.com" }), /goship:services\[0\]\.go\.proxy: .*carries credentials.*give the login in go\.netrc/],
    ["ldflags setting the version variable", (c) => (service(c).go = { ldflags: { "main.version": "1" } }), /goship:services\[0\]\.go\.ldflags\.main\.version: goship sets main\.version itself/],
    ["asset directory that does not exist", (c) => (service(c).assets = ["static"]), /goship:services\[0\]\.assets\[0\]: static is not a directory of the module app; list directories inside the module/],
    ["asset path leaving the module", (c) => (service(c).assets = ["../tools"]), /goship:services\[0\]\.assets\[0\]: must stay inside the module \(no \. or \.\. parts\)/],
    ["build context that does not hold the module", (c) => (service(c).context = "tools"), /goship:services\[0\]\.context: tools does not hold the module app; set context to a directory above it/],
    ["build secret whose secret config key is not set", (c) => (service(c).buildSecrets = { NPM_TOKEN: "npmToken" }), /goship:npmToken: required by goship:services\[0\]\.buildSecrets\.NPM_TOKEN; run: pulumi config set --secret npmToken/],
    ["module credentials reusing the push password", (c) => (service(c).moduleCredentials = [{ machine: "goproxy.example.com", login: "ci", passwordKey: "registryPassword" }]), /goship:services\[0\]\.moduleCredentials\[0\]\.passwordKey: "registryPassword" is one of goship's own config keys \(the push password is never reused for modules\)/],
    ["CA certificates file that does not exist", (c) => (c["goship:build"] = { caCertificates: { file: "certs/missing.pem" } }), /goship:build\.caCertificates\.file: .*certs\/missing\.pem does not exist; give the path of a PEM file/],
    ["unknown top-level key", (c) => (c["goship:servics"] = []), /goship:servics: unknown key; .*check the spelling against README "Configuration", or remove it \(pulumi config rm servics\)/],
    // Probes: liveness and readiness must differ.
    ["gRPC liveness and readiness on the same health service", (c) => (service(c).probes = { type: "grpc", grpcService: "hello.v1", livenessService: "hello.v1" }), /goship:services\[0\]\.probes\.livenessService: liveness and readiness would both ask the gRPC health service "hello\.v1": .*; remove livenessService/],
    ["identical exec liveness and readiness", (c) => (service(c).probes = { type: "exec", livenessCommand: ["/usr/local/bin/hello", "-check"], readinessCommand: ["/usr/local/bin/hello", "-check"] }), /goship:services\[0\]\.probes\.readinessCommand: liveness and readiness both run .*; give readiness a command of its own/],
    // The container: command, args, workingDir.
    ["empty command", (c) => (service(c).command = []), /goship:services\[0\]\.command: must name the executable \(e\.g\. \/usr\/local\/bin\/hello\), or remove command to run the image's ENTRYPOINT/],
    ["args not a list of strings", (c) => (service(c).args = "-v"), /goship:services\[0\]\.args: expected array, got string/],
    ["relative working directory", (c) => (service(c).workingDir = "app"), /goship:services\[0\]\.workingDir: "app" is not an absolute path; use one such as \/tmp/],
    ["Linux working directory on Windows pods", (c) => Object.assign(service(c), { platforms: ["windows/amd64"], timezone: { zone: "UTC" }, workingDir: "/app" }), /goship:services\[0\]\.workingDir: "\/app" is not an absolute Windows path; use one such as C:\\app/],
    // The Go runtime: GOMEMLIMIT and GOMAXPROCS.
    ["goMemLimit percent below 50", (c) => (service(c).goMemLimit = { percent: 20 }), /goship:services\[0\]\.goMemLimit\.percent: below 50% the garbage collector runs far more often than the limit needs/],
    ["goMemLimit of an unknown source", (c) => (service(c).goMemLimit = { source: "cgroup" }), /goship:services\[0\]\.goMemLimit\.source: must have source "config" \(percent of the configured limit\) or "downwardAPI"/],
    ["a GOMEMLIMIT Go refuses", (c) => (service(c).env = { GOMEMLIMIT: "1GB" }), /goship:services\[0\]\.env\.GOMEMLIMIT: "1GB": the Go runtime refuses it and the container exits at start .*; use bytes with an optional B, KiB, MiB, GiB or TiB \(e\.g\. 200MiB\), or off/],
    ["a GOMAXPROCS Go ignores", (c) => (service(c).env = { GOMAXPROCS: "half" }), /goship:services\[0\]\.env\.GOMAXPROCS: "half": the Go runtime ignores it and keeps its own default; use a whole number of at least 1/],
    ["goship's memory limit variable in env", (c) => (service(c).env = { GOSHIP_MEMORY_LIMIT_MIB: "64" }), /goship:services\[0\]\.env\.GOSHIP_MEMORY_LIMIT_MIB: goship sets GOSHIP_MEMORY_LIMIT_MIB itself; set it through the service's resources\.limits\.memory instead/],
    // Exposure.
    ["exposure of an unknown kind", (c) => (service(c).exposure = { kind: "loadBalancer", host: "hello.example.com" }), /goship:services\[0\]\.exposure\.kind: must have kind "ingress" \(host, tlsSecretName, ingressClassName\) or "httpRoute" \(host, parentRef\)/],
    ["Ingress without TLS", (c) => (service(c).exposure = { kind: "ingress", host: "hello.example.com" }), /goship:services\[0\]\.exposure\.tlsSecretName: is required: without it the Ingress serves hello\.example\.com over plain HTTP \(Polaris tlsSettingsMissing\); .*or set plainHttp: true/],
    ["Ingress host with a scheme", (c) => (service(c).exposure = { kind: "ingress", host: "https://hello.example.com", tlsSecretName: "t" }), /goship:services\[0\]\.exposure\.host: must be a DNS name such as hello\.example\.com/],
    ["HTTPRoute without its Gateway", (c) => (service(c).exposure = { kind: "httpRoute", host: "hello.example.com" }), /goship:services\[0\]\.exposure\.parentRef: is required/],
    ["HTTPRoute with an Ingress field", (c) => (service(c).exposure = { kind: "httpRoute", host: "hello.example.com", parentRef: { name: "g" }, ingressClassName: "nginx" }), /goship:services\[0\]\.exposure: unknown key ingressClassName/],
    // Image pull Secrets.
    ["image pull Secret name not an object name", (c) => (service(c).imagePullSecrets = ["Team_Pull"]), /goship:services\[0\]\.imagePullSecrets\[0\]: must be a Kubernetes object name/],
    ["stack image pull Secret name not an object name", (c) => (kubernetes(c).imagePullSecrets = ["a b"]), /goship:kubernetes\.imagePullSecrets\[0\]: must be a Kubernetes object name/],
    ["pull credentials reusing the push password", (c) => (kubernetes(c).pullCredentials = { username: "puller", passwordKey: "registryPassword" }), /goship:kubernetes\.pullCredentials\.passwordKey: "registryPassword" is the push password .*; pods only pull, so give them a login of their own .* under another key/],
    ["pull credentials whose password is not set", (c) => (kubernetes(c).pullCredentials = { username: "puller", passwordKey: "pullPassword" }), /goship:pullPassword: required by goship:kubernetes\.pullCredentials\.passwordKey; run: pulumi config set --secret pullPassword <value>/],
    ["pull credentials' password in plain text", (c) => ((kubernetes(c).pullCredentials = { username: "puller", passwordKey: "pullPassword" }), (c["goship:pullPassword"] = "plain")), /goship:pullPassword: stored in plain text but used as a secret by goship:kubernetes\.pullCredentials\.passwordKey/],
    ["pull credentials with the password inline", (c) => (kubernetes(c).pullCredentials = { username: "puller", password: "inline" }), /goship:kubernetes\.pullCredentials: unknown key password/],
    ["pull credentials without a server to default to", (c) => ((c["goship:registry"] = { type: "ecr", region: "eu-west-1" }), (kubernetes(c).pullCredentials = { username: "puller", passwordKey: "pullPassword" })), /goship:kubernetes\.pullCredentials\.server: is required: goship:registry is ECR/],
];

for (const [name, mutate, expected] of CASES) {
    test(`bad config fails before any resource: ${name}`, async () => {
        const { message, registered } = await failure(mutate);
        assert.match(message, expected);
        assert.equal(registered, 0, `nothing may be registered, got ${registered}`);
    });
}

test("bad config: promotion from a stack that does not exist fails the preview and deploys nothing", async () => {
    try {
        await runStack("prod", {
            mutate: (c) => {
                (service(c).image as { fromStack: string }).fromStack = "organization/goship/nope";
            },
        });
        assert.fail("expected the program to fail");
    } catch (e) {
        const err = e as Error & { registered: number };
        assert.match(err.message, /^goship:services\[0\]\.image\.fromStack: cannot read stack organization\/goship\/nope \(.*unknown stack "organization\/goship\/nope".*\); check the name/);
        // Was 1 (the StackReference read itself); the upstream stack is now read by the
        // check, before the program registers anything (issue 9).
        assert.equal(err.registered, 0, "nothing, not even a StackReference");
    }
});

test("bad config: promotion from a stack that has no release of the service", async () => {
    await assert.rejects(
        runStack("prod", { stacks: { "organization/goship/staging": { releases: { other: releaseRecord("r/o@sha256:" + "0".repeat(64)) } } } }),
        { message: /^goship:services\[0\]\.image\.fromStack: stack organization\/goship\/staging has no release of hello \(its releases: other\); deploy hello there first/ },
    );
    await assert.rejects(
        runStack("prod", { stacks: { "organization/goship/staging": { images: { hello: STAGING_HELLO_REF } } } }),
        { message: /stack organization\/goship\/staging exports images\.hello but no release record \(releases\.hello\); run pulumi up there once/ },
        "an image without a release record is not promoted: no fallback",
    );
});

test("bad config: a promoted image not pinned by digest is refused", async () => {
    await assert.rejects(
        runStack("prod", { stacks: { "organization/goship/staging": { releases: { hello: { ...releaseRecord(STAGING_HELLO_REF), ref: "registry.example/hello:latest" } } } } }),
        { message: /^goship:services\[0\]\.image\.fromStack: stack organization\/goship\/staging exports "registry\.example\/hello:latest" for hello, which is not pinned by digest/ },
    );
});

test("a refused stack fails cleanly where Pulumi runs it: one ConfigError (a RunError, printed without a stack trace), no rejection left unhandled", async () => {
    const { error, lateRejections } = await runStackAsHost("dev", { mutate: (c) => (service(c).port = 443) });
    assert.ok(error instanceof ConfigError && pulumi.RunError.isInstance(error), `a ConfigError that is a RunError, got ${String(error)}`);
    assert.match((error as Error).message, /^goship:services\[0\]\.port: privileged ports need root/);
    assert.deepEqual(lateRejections, [], "the root Stack's derived promises are observed");
});

test("the check above can fail: a program that just throws leaves the root Stack's rejections unhandled", async () => {
    const { lateRejections } = await runStackAsHost("dev", {}, async () => {
        throw new ConfigError(["goship:services[0].port: an unguarded refusal"]);
    });
    assert.ok(lateRejections.length > 0, "an unguarded throw leaves rejections nobody hears");
});
