import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { ConfigMap } from "@pulumi/pulumi/automation";
import { parseStackConfig } from "../../components/config";
import { checkGoSources } from "../../components/preflight";
import { checkConfigMap, checkKubeconfigOf, checkPromotions, requiredConfigError } from "../../tools/local/preflight";
import { repoRoot } from "../../tools/local/stack";

/** A stack's config as the Automation API returns it: JSON-encoded objects, secrets flagged. */
function configMap(entries: Record<string, { value: unknown; secret?: boolean }>): ConfigMap {
    return Object.fromEntries(
        Object.entries(entries).map(([key, { value, secret }]) => [key, { value: typeof value === "string" ? value : JSON.stringify(value), secret: secret ?? false }]),
    );
}

const loginRegistry = { type: "generic", server: "127.0.0.1:5001", username: "ci" };
const services = [{ name: "hello", path: "app", port: 8080, secretEnv: { API_TOKEN: "apiToken" } }];
const kubernetes = { value: { kubeconfig: ".goship/kubeconfig", namespace: "goship-dev" } };

test("the runner refuses, before the CLI starts, a secret the config needs that is missing or stored in plain text", () => {
    const ok = { "goship:kubernetes": kubernetes, "goship:registry": { value: loginRegistry }, "goship:services": { value: services }, "goship:registryPassword": { value: "[secret]", secret: true }, "goship:apiToken": { value: "[secret]", secret: true } };
    assert.doesNotThrow(() => checkConfigMap(configMap(ok)));
    const { "goship:registryPassword": _password, ...noPassword } = ok;
    assert.throws(() => checkConfigMap(configMap(noPassword)), /^ConfigError: .*goship:registryPassword: required by goship:registry\.username; run: pulumi config set --secret registryPassword <value>/s);
    assert.throws(
        () => checkConfigMap(configMap({ ...ok, "goship:apiToken": { value: "plain" } })),
        /goship:apiToken: stored in plain text but used as a secret by goship:services\[0\]\.secretEnv\.API_TOKEN; run: pulumi config set --secret apiToken <value>/,
    );
});

test("the runner checks the goship config itself with the program's messages", () => {
    assert.throws(
        () => checkConfigMap(configMap({ "goship:kubernetes": kubernetes, "goship:services": { value: [{ ...services[0], secretEnv: {}, timezone: { zone: "Mars/Olympus_Mons" } }] } })),
        /goship:services\[0\]\.timezone\.zone: unknown IANA time zone/,
    );
});

test("the CLI's refusal of a stack without Pulumi.yaml's required keys becomes one line per key with the fix", () => {
    const cli = "CommandError: code: -2\n stderr: Command failed with exit code 1: pulumi config --show-secrets --json --stack dev\nerror: Stack 'dev' is missing configuration values 'kubernetes' and 'services'\n";
    assert.deepEqual(requiredConfigError(cli, "dev")?.problems, [
        'goship:kubernetes: required (Pulumi.yaml declares it without a default) and missing from stack dev; set it in Pulumi.dev.yaml (see README "Configuration")',
        'goship:services: required (Pulumi.yaml declares it without a default) and missing from stack dev; set it in Pulumi.dev.yaml (see README "Configuration")',
    ]);
    assert.equal(requiredConfigError("error: no stack named 'dev' found", "dev"), undefined, "other CLI errors pass through unchanged");
});

const devKubeconfig = path.join(repoRoot, "test", "unit", "fixtures", "kubeconfig.yaml");

test("the runner checks the Go source tree and the kubeconfig as the program does, before the CLI starts", () => {
    const config = (over: Record<string, unknown>, kube: Record<string, unknown> = {}) =>
        parseStackConfig({ registry: { type: "generic", server: "127.0.0.1:5000" }, kubernetes: { kubeconfig: devKubeconfig, context: "goship", namespace: "goship-dev", ...kube }, services: [{ name: "hello", path: "app", main: "./cmd/hello", ...over }] });
    assert.doesNotThrow(() => checkGoSources(config({}).services, repoRoot));
    assert.doesNotThrow(() => checkKubeconfigOf(config({}), repoRoot));
    assert.throws(() => checkGoSources(config({ main: "./cmd/nope" }).services, repoRoot), /goship:services\[0\]\.main: \.\/cmd\/nope is not a main package/);
    assert.throws(() => checkGoSources(config({ path: "nope" }).services, repoRoot), /goship:services\[0\]\.path: no go\.mod in \S*nope/);
    assert.throws(() => checkKubeconfigOf(config({}, { context: "prod" }), repoRoot), /^ConfigError: .*goship:kubernetes\.context: "prod" is not in/s);
    assert.throws(() => checkKubeconfigOf(config({}, { kubeconfig: "no/such/file" }), repoRoot), /goship:kubernetes\.kubeconfig: \S*no\/such\/file does not exist/);
});

test("the runner reads each promotion source and refuses a missing stack, a missing service or an image not pinned by digest", async () => {
    const promoted = parseStackConfig({
        kubernetes: { kubeconfig: devKubeconfig, namespace: "goship-prod" },
        services: [{ name: "hello", path: "app", image: { source: "promote", fromStack: "organization/goship/staging" } }],
    });
    const pinned = "r/hello@sha256:" + "1".repeat(64);
    await checkPromotions(promoted, async () => ({ hello: pinned }));
    await assert.rejects(
        checkPromotions(promoted, async () => {
            throw new Error("CommandError: code: -2\n stderr: Command failed\nerror: no stack named 'organization/goship/staging' found\n");
        }),
        /goship:services\[0\]\.image\.fromStack: cannot read stack organization\/goship\/staging \(no stack named 'organization\/goship\/staging' found\); check the name/,
    );
    await assert.rejects(checkPromotions(promoted, async () => ({ other: pinned })), /exports no image for hello \(its images output has: other\); deploy hello there first/);
    await assert.rejects(checkPromotions(promoted, async () => ({ hello: "r/hello:latest" })), /"r\/hello:latest" for hello, which is not pinned by digest/);
});
