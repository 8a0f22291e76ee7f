import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigMap } from "@pulumi/pulumi/automation";
import { checkConfigMap, checkEnvironment, parseCliArgs, plainOutputs } from "../../tools/local/stack";

test("stack.js reads the CLI's flags: operation, stack, --expect-no-changes, --diff; --yes is accepted", () => {
    assert.deepEqual(parseCliArgs(["up", "--yes"]), { operation: "up", stack: "dev", options: {} });
    assert.deepEqual(parseCliArgs(["preview", "--stack", "staging", "--expect-no-changes", "--diff"]), {
        operation: "preview",
        stack: "staging",
        options: { expectNoChanges: true, diff: true },
    });
});

test("stack.js refuses an unknown operation or flag, naming it", () => {
    assert.throws(() => parseCliArgs(["deploy"]), /usage: stack\.js <preview\|up\|destroy\|refresh\|outputs>/);
    assert.throws(() => parseCliArgs(["up", "--force"]), /unknown flag --force/);
    assert.throws(() => parseCliArgs(["up", "--stack"]), /--stack needs a stack name/);
});

test("without the local platform's environment it stops before touching any state, naming the variables", () => {
    assert.throws(() => checkEnvironment({}), /PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE not set: run this through tools\/local\/local\.sh/);
    assert.throws(() => checkEnvironment({ PULUMI_BACKEND_URL: "file:///x" }), /^Error: PULUMI_CONFIG_PASSPHRASE not set/);
    // An empty passphrase is a valid passphrase.
    assert.doesNotThrow(() => checkEnvironment({ PULUMI_BACKEND_URL: "file:///x", PULUMI_CONFIG_PASSPHRASE: "" }));
});

test("outputs print as plain JSON with secrets masked", () => {
    assert.deepEqual(plainOutputs({ images: { value: { hello: "r@sha256:1" }, secret: false }, token: { value: "s3cret", secret: true } }), {
        images: { hello: "r@sha256:1" },
        token: "[secret]",
    });
});

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
