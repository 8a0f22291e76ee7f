/**
 * The bad-input matrix of the e2e files: how each case breaks the committed dev config, and
 * what its refusal must say. local-platform.e2e.ts runs it through the runner and through
 * the program alone (step 7c); plain-pulumi.e2e.ts through plain `pulumi preview`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { effectiveStackConfig } from "../../harness/stack-files";

/** The repository root: this file is compiled to <repo>/.build/test/e2e/support/. */
const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");

/** The dev stack file and its committed text (restore it with restoreStackFile). */
export const STACK_FILE = path.join(REPO_ROOT, "Pulumi.dev.yaml");
const stackFileText = fs.readFileSync(STACK_FILE, "utf8");

/** Puts the committed dev stack file back. */
export function restoreStackFile(): void {
    fs.writeFileSync(STACK_FILE, stackFileText);
}

/**
 * Rewrites the dev stack file from its committed text, with the services listed whole (a
 * stack's goship:services replaces Pulumi.yaml's; its overrides merged in): CHANGE edits
 * the first service and/or the config.
 */
export function writeStackConfig(change: (service: Record<string, unknown>, config: Record<string, unknown>) => void): void {
    const doc = parseYaml(stackFileText) as { config: Record<string, unknown> };
    const effective = effectiveStackConfig("dev");
    doc.config["goship:services"] = effective["goship:services"];
    delete doc.config["goship:overrides"];
    change((doc.config["goship:services"] as Array<Record<string, unknown>>)[0], doc.config);
    fs.writeFileSync(STACK_FILE, stringifyYaml(doc));
}

/** One bad-input case: how it breaks the committed dev config, and what the refusal must say. */
export type BadInput = [name: string, change: (service: Record<string, unknown>, config: Record<string, unknown>) => void, expected: RegExp];

// The issue's matrix (the mock tests' in test/graph/bad-config.test.ts run it through the
// program), this time on the deployed stack: through the runner, whose preflight
// (tools/local/preflight.ts: the program's own check, stack/check.ts, with the promotion
// source read by the real CLI) refuses each before an operation starts; and through the
// program alone, as a plain `pulumi up` runs it.
export const BAD_INPUTS: BadInput[] = [
    // Pulumi.yaml declares services and kubernetes as required: the CLI itself refuses.
    // (goship:services has Pulumi.yaml's default; only goship:kubernetes is missing then.)
    ["empty config", (_s, c) => Object.keys(c).forEach((k) => delete c[k]), /goship:kubernetes: required .* missing from stack dev; set it in Pulumi\.dev\.yaml/],
    ["unknown time zone", (s) => (s.timezone = { zone: "Mars/Olympus_Mons" }), /goship:services\[0\]\.timezone\.zone: unknown IANA time zone/],
    ["privileged port", (s) => (s.port = 443), /goship:services\[0\]\.port: privileged ports need root/],
    ["limits below requests", (s) => (s.resources = { requests: { cpu: "2" } }), /goship:services\[0\]\.resources\.limits\.cpu: limit 500m is below the request 2/],
    ["replicas < 1", (s) => (s.replicas = 0), /goship:services\[0\]\.replicas: must be at least 1/],
    ["missing Go module at the service path", (s) => (s.path = "services/nope"), /goship:services\[0\]\.path: no go\.mod in \S*services\/nope; point path at the Go module's directory/],
    ["main package that does not exist", (s) => (s.main = "./cmd/nope"), /goship:services\[0\]\.main: \.\/cmd\/nope is not a main package .*; set main to the package of your command/],
    ["unknown platform", (s) => (s.platforms = ["linux/mips"]), /goship:services\[0\]\.platforms\[0\]: must be one of/],
    ["Windows platform with hostPath timezone", (s) => Object.assign(s, { platforms: ["windows/amd64"], timezone: { zone: "UTC", mode: "hostPath" } }), /goship:services\[0\]\.timezone\.mode: hostPath .*; use mode embedded/],
    ["Windows platform with read-only root fs", (s) => Object.assign(s, { platforms: ["windows/amd64"], timezone: { zone: "UTC" }, readOnlyRootFilesystem: true }), /goship:services\[0\]\.readOnlyRootFilesystem: Windows containers cannot have a read-only root filesystem/],
    ["registry URL malformed", (_s, c) => Object.assign(c["goship:registry"] as object, { server: "https://127.0.0.1:5000/v2" }), /goship:registry\.server: must be a registry host\[:port\] without scheme or path/],
    ["promotion source stack missing", (s) => (s.image = { source: "promote", fromStack: "organization/goship/nope" }), /goship:services\[0\]\.image\.fromStack: cannot read stack organization\/goship\/nope .*; check the name/],
    ["duplicate service names", (s, c) => (c["goship:services"] = [s, { ...s }]), /goship:services\[1\]\.name: "hello" is already used/],
    ["service name not a DNS label", (s) => (s.name = "Hello_World"), /goship:services\[0\]\.name: must be a DNS label/],
    ["kubeconfig file missing", (_s, c) => Object.assign(c["goship:kubernetes"] as object, { kubeconfig: ".goship/no-such-kubeconfig" }), /goship:kubernetes\.kubeconfig: \S*\.goship\/no-such-kubeconfig does not exist/],
    ["kubeconfig context missing", (_s, c) => Object.assign(c["goship:kubernetes"] as object, { context: "prod" }), /goship:kubernetes\.context: "prod" is not in \S+; use one of: goship/],
    ["secret env whose secret config key is not set", (s) => (s.secretEnv = { API_TOKEN: "apiToken" }), /goship:apiToken: required by goship:services\[0\]\.secretEnv\.API_TOKEN; run: pulumi config set --secret apiToken/],
    ["secret env value stored in plain text", (s, c) => ((s.secretEnv = { API_TOKEN: "apiToken" }), (c["goship:apiToken"] = "not-encrypted")), /goship:apiToken: stored in plain text but used as a secret by goship:services\[0\]\.secretEnv\.API_TOKEN; run: pulumi config set --secret apiToken/],
    // Promotion: the environments (steps 10-12) are deployed by now; each exports releases.hello only.
    ["promotion source without the service", (s) => Object.assign(s, { name: "other", image: { source: "promote", fromStack: "local-staging" } }), /goship:services\[0\]\.image\.fromStack: stack organization\/goship\/local-staging has no release of other \(its releases: hello\); deploy other there first/],
    ["promotion from itself", (s) => (s.image = { source: "promote", fromStack: "dev" }), /goship:services\[0\]\.image\.fromStack: stack organization\/goship\/dev promotes hello from itself; promote from the stage before it/],
    ["promotion loop", (s) => (s.image = { source: "promote", fromStack: "local-prod" }), /goship:services\[0\]\.image\.fromStack: promotion cycle for hello: organization\/goship\/dev → organization\/goship\/local-prod → organization\/goship\/local-staging → organization\/goship\/dev; one stage must build/],
    ["a promoting stack whose registry needs a login it lacks", (s, c) => ((s.image = { source: "promote", fromStack: "local-staging" }), Object.assign(c["goship:registry"] as object, { server: "127.0.0.1:5001" })), /goship:registry: registry 127\.0\.0\.1:5001 requires a login.*set goship:registry\.username and the secret goship:registryPassword/],
    ["registry username without the password secret", (_s, c) => Object.assign(c["goship:registry"] as object, { username: "ci" }), /goship:registryPassword: required by goship:registry\.username; run: pulumi config set --secret registryPassword/],
    // Any Go service's build keys (docs/any-service.md).
    ["build arg with a secret-looking name", (s) => (s.buildArgs = { NPM_TOKEN: "npm_x" }), /goship:services\[0\]\.buildArgs\.NPM_TOKEN: NPM_TOKEN looks like a secret.*move it to buildSecrets/],
    ["cgo turned on", (s) => (s.go = { cgo: true }), /goship:services\[0\]\.go\.cgo: cgo cannot be turned on/],
    ["asset directory that does not exist", (s) => (s.assets = ["static"]), /goship:services\[0\]\.assets\[0\]: static is not a directory of the module app/],
    ["build context that does not hold the module", (s) => (s.context = "tools"), /goship:services\[0\]\.context: tools does not hold the module app/],
    ["module credentials whose secret config key is not set", (s) => (s.moduleCredentials = [{ machine: "goproxy.example.com", login: "ci", passwordKey: "goproxyPassword" }]), /goship:goproxyPassword: required by goship:services\[0\]\.moduleCredentials\[0\]\.passwordKey; run: pulumi config set --secret goproxyPassword/],
    ["CA certificates file that does not exist", (_s, c) => (c["goship:build"] = { ...(c["goship:build"] as object), caCertificates: { file: "certs/missing.pem" } }), /goship:build\.caCertificates\.file: \S*certs\/missing\.pem does not exist/],
    // Any Go service's runtime keys.
    ["relative working directory", (s) => (s.workingDir = "app"), /goship:services\[0\]\.workingDir: "app" is not an absolute path/],
    ["goMemLimit percent below 50", (s) => (s.goMemLimit = { percent: 20 }), /goship:services\[0\]\.goMemLimit\.percent: below 50%/],
    ["Ingress without TLS", (s) => (s.exposure = { kind: "ingress", host: "hello.example.com" }), /goship:services\[0\]\.exposure\.tlsSecretName: is required/],
    ["gRPC liveness and readiness on the same health service", (s) => (s.probes = { type: "grpc", grpcService: "hello.v1", livenessService: "hello.v1" }), /goship:services\[0\]\.probes\.livenessService: liveness and readiness would both ask/],
    ["pull credentials reusing the push password", (_s, c) => Object.assign(c["goship:kubernetes"] as object, { pullCredentials: { username: "puller", passwordKey: "registryPassword" } }), /goship:kubernetes\.pullCredentials\.passwordKey: "registryPassword" is the push password/],
    ["unknown top-level key", (_s, c) => (c["goship:servics"] = []), /goship:servics: unknown key; .*check the spelling against README "Configuration", or remove it \(pulumi config rm servics\)/],
];

/**
 * Cases the CLI itself refuses before any program runs (the program path cannot see them),
 * with the CLI's own message: what a plain `pulumi preview` prints instead of goship's line
 * (the runner's preflight rewords it into the line BAD_INPUTS expects).
 */
export const REFUSED_BY_THE_CLI = new Map<string, RegExp>([
    ["empty config", /error: validating stack config: Stack 'dev' is missing configuration value 'kubernetes'/],
]);
