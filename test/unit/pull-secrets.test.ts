import { test } from "node:test";
import assert from "node:assert/strict";
import { renderDockerConfigJson, renderImagePullSecrets } from "../../components/deploy/pull-secrets";
import { ConfigError, parseStackConfig, requiredSecrets, secretProblems, StackConfig, unknownKeyProblems } from "../../stack/config";
import { missingPullSecretWarning, pullServer } from "../../stack/pull-credentials";
import { renderTestPod as pod } from "../harness/pod";
import { plainStackSettings } from "../harness/stack-files";

const service = { name: "hello", path: "app" };
const kubernetes = { kubeconfig: ".goship/kubeconfig", namespace: "goship-dev" };
const loginRegistry = { type: "generic", server: "registry.example:5000", username: "ci" };

function config(extra: Record<string, unknown> = {}, kube: Record<string, unknown> = {}): StackConfig {
    return parseStackConfig({ services: [service], registry: loginRegistry, kubernetes: { ...kubernetes, ...kube }, ...extra });
}

function problems(raw: Record<string, unknown>): string[] {
    try {
        parseStackConfig(raw);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    assert.fail("expected the config to be refused");
}

test("dockerconfigjson: what kubectl create secret docker-registry writes, deterministic", () => {
    const json = renderDockerConfigJson({ server: "registry.example:5000", username: "puller", password: "p@ss" });
    const parsed = JSON.parse(json) as { auths: Record<string, { username: string; password: string; auth: string }> };
    assert.deepEqual(Object.keys(parsed.auths), ["registry.example:5000"]);
    assert.equal(Buffer.from(parsed.auths["registry.example:5000"].auth, "base64").toString(), "puller:p@ss");
    assert.equal(renderDockerConfigJson({ server: "registry.example:5000", username: "puller", password: "p@ss" }), json);
});

test("imagePullSecrets in the pod spec: each name once, in order; none at all when empty", () => {
    assert.deepEqual(renderImagePullSecrets(["a", "goship-pull", "a"]), [{ name: "a" }, { name: "goship-pull" }]);
    assert.equal(renderImagePullSecrets([]), undefined);
});

test("the pod spec names its pull Secrets, each once", () => {
    assert.deepEqual(pod({ imagePullSecrets: ["goship-pull", "team-pull", "goship-pull"] }).spec.imagePullSecrets, [{ name: "goship-pull" }, { name: "team-pull" }]);
    assert.equal(pod({}).spec.imagePullSecrets, undefined);
});

test("pullCredentials: the server defaults to the stack's generic registry; its password key is a required secret, and a known key", () => {
    const c = config({}, { pullCredentials: { username: "puller", passwordKey: "pullPassword" } });
    assert.equal(pullServer(c), "registry.example:5000");
    assert.equal(c.kubernetes.pullCredentials?.secretName, "goship-pull");
    assert.deepEqual(requiredSecrets(c).map((s) => s.key), ["registryPassword", "pullPassword"]);
    const entries = {
        "goship:kubernetes": { value: JSON.stringify({ ...kubernetes, pullCredentials: { username: "puller", passwordKey: "pullPassword" } }) },
        "goship:registryPassword": { value: "x", secret: true },
        "goship:pullPassword": { value: "y" },
    };
    assert.deepEqual(unknownKeyProblems(entries), [], "the key pullCredentials names is known");
    assert.deepEqual(secretProblems(c, entries), [
        "goship:pullPassword: stored in plain text but used as a secret by goship:kubernetes.pullCredentials.passwordKey; run: pulumi config set --secret pullPassword <value>",
    ]);
    assert.deepEqual(secretProblems(c, { "goship:registryPassword": { value: "x", secret: true } }), [
        "goship:pullPassword: required by goship:kubernetes.pullCredentials.passwordKey; run: pulumi config set --secret pullPassword <value>",
    ]);
});

test("pullCredentials: the push password, a goship key, or no server to default to are refused with the reason", () => {
    const raw = (pull: Record<string, unknown>, registry: unknown = loginRegistry) => ({ services: [service], registry, kubernetes: { ...kubernetes, pullCredentials: pull } });
    assert.deepEqual(problems(raw({ username: "ci", passwordKey: "registryPassword" })), [
        'goship:kubernetes.pullCredentials.passwordKey: "registryPassword" is the push password (goship:registry\'s login); pods only pull, so give them a login of their own (e.g. a read-only token) under another key, e.g. pullPassword',
    ]);
    assert.match(problems(raw({ username: "ci", passwordKey: "services" }))[0], /passwordKey: "services" is one of goship's own config keys/);
    assert.match(problems(raw({ username: "ci", passwordKey: "p" }, { type: "ecr", region: "eu-west-1" }))[0], /^goship:kubernetes\.pullCredentials\.server: is required: goship:registry is ECR, whose pods pull with their nodes' IAM role/);
    assert.match(problems({ services: [{ ...service, image: { source: "promote", fromStack: "dev" } }], kubernetes: { ...kubernetes, pullCredentials: { username: "ci", passwordKey: "p" } } })[0], /^goship:kubernetes\.pullCredentials\.server: is required: the stack has no generic goship:registry to default to/);
    assert.match(problems(raw({ username: "ci", passwordKey: "p", password: "inline" }))[0], /^goship:kubernetes\.pullCredentials: unknown key password/);
});

test("a registry that wants a login and pods without a pull Secret: a warning naming the keys; none once either is set", () => {
    assert.match(missingPullSecretWarning(config()) ?? "", /^goship:kubernetes\.pullCredentials: the pods of hello pull from registry\.example:5000, which wants a login \(goship:registry\.username is set\), but get no image pull Secret; set goship:kubernetes\.pullCredentials \{username, passwordKey\} .* or goship:kubernetes\.imagePullSecrets/);
    assert.equal(missingPullSecretWarning(config({}, { pullCredentials: { username: "puller", passwordKey: "pullPassword" } })), undefined);
    assert.equal(missingPullSecretWarning(config({}, { imagePullSecrets: ["registry-pull"] })), undefined);
    assert.equal(missingPullSecretWarning(parseStackConfig({ services: [{ ...service, imagePullSecrets: ["own"] }], registry: loginRegistry, kubernetes })), undefined);
    assert.equal(missingPullSecretWarning(parseStackConfig({ services: [service], registry: { type: "generic", server: "127.0.0.1:5000" }, kubernetes })), undefined, "an anonymous registry");
});

test("the committed stacks: none warns (local-prod's pods pull from its login registry with pullCredentials; the real node pulls)", () => {
    for (const stack of ["dev", "staging", "prod", "local-staging", "local-prod"]) {
        const warning = missingPullSecretWarning(parseStackConfig(plainStackSettings(stack)));
        assert.equal(warning, undefined, `${stack}: ${warning}`);
    }
});
