import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { ConfigMap } from "@pulumi/pulumi/automation";
import { ReadStackOutputs } from "../../stack/promotion";
import { cliComplaint, refuseProblems, requiredConfigError } from "../../tools/local/preflight";
import { repoRoot } from "../../tools/local/stack";

/** A stack's config as the Automation API returns it: JSON-encoded objects, secrets flagged. */
function configMap(entries: Record<string, { value: unknown; secret?: boolean }>): ConfigMap {
    return Object.fromEntries(
        Object.entries(entries).map(([key, { value, secret }]) => [key, { value: typeof value === "string" ? value : JSON.stringify(value), secret: secret ?? false }]),
    );
}

const devKubeconfig = path.join(repoRoot, "test", "unit", "fixtures", "kubeconfig.yaml");
const loginRegistry = { type: "generic", server: "127.0.0.1:5001", username: "ci" };
const hello = { name: "hello", path: "app", main: "./cmd/hello", port: 8080 };
const kubernetes = { value: { kubeconfig: devKubeconfig, context: "goship", namespace: "goship-dev" } };
const noUpstream: ReadStackOutputs = async (name) => {
    throw new Error(`no stack named '${name}' found`);
};

/** The runner's check (the program's checkStack) on a config map, as the runner makes it before the CLI starts. */
function preflightOf(entries: ConfigMap, readStackOutputs: ReadStackOutputs = noUpstream): Promise<void> {
    return refuseProblems({ entries, projectDir: repoRoot, render: false, self: { organization: "organization", project: "goship", stack: "dev" }, readStackOutputs, registryAccess: async () => undefined }).then(() => undefined);
}

test("the runner refuses, before the CLI starts, a secret the config needs that is missing or stored in plain text", async () => {
    const services = [{ ...hello, secretEnv: { API_TOKEN: "apiToken" } }];
    const ok = { "goship:kubernetes": kubernetes, "goship:registry": { value: loginRegistry }, "goship:services": { value: services }, "goship:registryPassword": { value: "[secret]", secret: true }, "goship:apiToken": { value: "[secret]", secret: true } };
    await assert.doesNotReject(preflightOf(configMap(ok)));
    const { "goship:registryPassword": _password, ...noPassword } = ok;
    await assert.rejects(preflightOf(configMap(noPassword)), /^ConfigError: .*goship:registryPassword: required by goship:registry\.username; run: pulumi config set --secret registryPassword <value>/s);
    await assert.rejects(
        preflightOf(configMap({ ...ok, "goship:apiToken": { value: "plain" } })),
        /goship:apiToken: stored in plain text but used as a secret by goship:services\[0\]\.secretEnv\.API_TOKEN; run: pulumi config set --secret apiToken <value>/,
    );
});

test("the runner checks the goship config itself with the program's messages", async () => {
    await assert.rejects(
        preflightOf(configMap({ "goship:kubernetes": kubernetes, "goship:services": { value: [{ ...hello, secretEnv: {}, timezone: { zone: "Mars/Olympus_Mons" } }] } })),
        /goship:services\[0\]\.timezone\.zone: unknown IANA time zone/,
    );
});

test("an unknown key in goship's namespace is refused by name; a secret key a service names is not unknown", async () => {
    const base = { "goship:kubernetes": kubernetes, "goship:registry": { value: { type: "generic", server: "127.0.0.1:5000" } }, "goship:services": { value: [hello] } };
    await assert.rejects(preflightOf(configMap({ ...base, "goship:servics": { value: [hello] } })), /goship:servics: unknown key; goship reads goship:services, .*check the spelling against README "Configuration", or remove it \(pulumi config rm servics\)/);
    await assert.doesNotReject(preflightOf(configMap({ ...base, "other:key": { value: "x" } })), "other namespaces are not goship's");
    const withToken = { ...base, "goship:services": { value: [{ ...hello, secretEnv: { TOKEN: "apiToken" } }] }, "goship:apiToken": { value: "[secret]", secret: true } };
    await assert.doesNotReject(preflightOf(configMap(withToken)));
    // Even when the config is invalid otherwise, the key a service names is known.
    await assert.rejects(preflightOf(configMap({ ...withToken, "goship:services": { value: [{ ...hello, port: 80, secretEnv: { TOKEN: "apiToken" } }] } })), (err: Error) => !/unknown key/.test(err.message) && /port: privileged/.test(err.message));
});

test("the CLI's refusal of a stack without Pulumi.yaml's required keys becomes one line per key with the fix", () => {
    const cli = "CommandError: code: -2\n stderr: Command failed with exit code 1: pulumi config --show-secrets --json --stack dev\nerror: Stack 'dev' is missing configuration values 'kubernetes' and 'services'\n";
    assert.deepEqual(requiredConfigError(cli, "dev")?.problems, [
        'goship:kubernetes: required (Pulumi.yaml declares it without a default) and missing from stack dev; set it in Pulumi.dev.yaml (see README "Configuration")',
        'goship:services: required (Pulumi.yaml declares it without a default) and missing from stack dev; set it in Pulumi.dev.yaml (see README "Configuration")',
    ]);
    assert.equal(requiredConfigError("error: no stack named 'dev' found", "dev"), undefined, "other CLI errors pass through unchanged");
});

test("the runner checks the Go source tree and the kubeconfig as the program does, before the CLI starts", async () => {
    const config = (over: Record<string, unknown>, kube: Record<string, unknown> = {}) =>
        configMap({ "goship:registry": { value: { type: "generic", server: "127.0.0.1:5000" } }, "goship:kubernetes": { value: { ...kubernetes.value, ...kube } }, "goship:services": { value: [{ ...hello, ...over }] } });
    await assert.doesNotReject(preflightOf(config({})));
    await assert.rejects(preflightOf(config({ main: "./cmd/nope" })), /goship:services\[0\]\.main: \.\/cmd\/nope is not a main package/);
    await assert.rejects(preflightOf(config({ path: "nope" })), /goship:services\[0\]\.path: no go\.mod in \S*nope/);
    await assert.rejects(preflightOf(config({}, { context: "prod" })), /^ConfigError: .*goship:kubernetes\.context: "prod" is not in/s);
    await assert.rejects(preflightOf(config({}, { kubeconfig: "no/such/file" })), /goship:kubernetes\.kubeconfig: \S*no\/such\/file does not exist/);
});

test("the runner reads each promotion source and refuses a missing stack, a missing service or an image not pinned by digest", async () => {
    const promoted = configMap({
        "goship:kubernetes": { value: { kubeconfig: devKubeconfig, namespace: "goship-prod" } },
        "goship:services": { value: [{ name: "hello", path: "app", image: { source: "promote", fromStack: "organization/goship/staging" } }] },
    });
    const pinned = "r/hello@sha256:" + "1".repeat(64);
    const release = (ref: string) => ({ ref, digest: "sha256:" + "1".repeat(64), platforms: ["linux/amd64", "linux/arm64"], revision: "abc", origin: "built", deployment: "goship-dev/hello" });
    const upstream = (releases: Record<string, unknown>) => async (name: string) => (name === "organization/goship/staging" ? { releases } : undefined);
    await preflightOf(promoted, upstream({ hello: release(pinned) }));
    await assert.rejects(
        preflightOf(promoted, async () => {
            throw new Error(cliComplaint("CommandError: code: -2\n stderr: Command failed\nerror: no stack named 'organization/goship/staging' found\n"));
        }),
        /goship:services\[0\]\.image\.fromStack: cannot read stack organization\/goship\/staging \(no stack named 'organization\/goship\/staging' found\); check the name/,
    );
    await assert.rejects(preflightOf(promoted, upstream({ other: release(pinned) })), /has no release of hello \(its releases: other\); deploy hello there first/);
    await assert.rejects(preflightOf(promoted, upstream({ hello: release("r/hello:latest") })), /"r\/hello:latest" for hello, which is not pinned by digest/);
});
