import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GoDeployment } from "../../components";
import { one, ofType, runComponents, runStack, secretValue } from "../harness/program";
import { RENDER_DIR_ENV } from "../../stack/target";

type Config = Record<string, unknown>;

/** Dev pushing to a registry with a login, with KUBERNETES merged into goship:kubernetes. */
function loginRegistry(kubernetes: Record<string, unknown> = {}) {
    return (c: Config) => {
        c["goship:registry"] = { type: "generic", server: "registry.example:5000", repositoryPrefix: "goship", username: "pusher" };
        c["goship:kubernetes"] = { ...(c["goship:kubernetes"] as object), ...kubernetes };
    };
}

/** VALUE with every secret input replaced by "[secret]": what a preview or the state shows in plain. */
function withoutSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutSecrets);
    if (value === null || typeof value !== "object") return value;
    try {
        secretValue(value);
        return "[secret]";
    } catch {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
    }
}

test("GoDeployment from code: the pods name the pull Secrets given", async () => {
    const run = await runComponents(() => new GoDeployment("api", { image: "r/api@sha256:" + "a".repeat(64), namespace: "team", imagePullSecrets: ["team-pull"] }).url);
    assert.deepEqual(one(run.resources, "kubernetes:apps/v1:Deployment", "api-deployment").inputs.spec.template.spec.imagePullSecrets, [{ name: "team-pull" }]);
});

test("dev (an anonymous registry): no pull Secret, and the pods name none", async () => {
    const run = await runStack("dev");
    assert.equal(ofType(run.resources, "kubernetes:core/v1:Secret").length, 0);
    assert.equal(one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec.imagePullSecrets, undefined);
});

test("pullCredentials: a dockerconfigjson Secret whose content is a Pulumi secret, named by every pod, created before the Deployment", async () => {
    const run = await runStack("dev", {
        mutate: (c) => {
            loginRegistry({ pullCredentials: { username: "puller", passwordKey: "pullPassword" }, imagePullSecrets: ["team-pull"] })(c);
            Object.assign((c["goship:services"] as Record<string, unknown>[])[0], { imagePullSecrets: ["hello-extra"] });
        },
        secrets: { registryPassword: "push-s3cret", pullPassword: "pull-s3cret" },
    });
    const secret = one(run.resources, "kubernetes:core/v1:Secret", "pull-secret");
    assert.equal(secret.inputs.type, "kubernetes.io/dockerconfigjson");
    assert.equal(secret.inputs.metadata.name, "goship-pull");
    assert.equal(secret.inputs.metadata.namespace, "goship-dev");
    const content = secretValue(secret.inputs.stringData) as Record<string, string>;
    const auths = JSON.parse(content[".dockerconfigjson"]).auths;
    assert.deepEqual(Object.keys(auths), ["registry.example:5000"], "the registry the pods pull from");
    assert.equal(Buffer.from(auths["registry.example:5000"].auth, "base64").toString(), "puller:pull-s3cret");
    assert.doesNotMatch(JSON.stringify(secret.inputs), /push-s3cret/, "never the push password");
    const deployment = one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment");
    assert.deepEqual(deployment.inputs.spec.template.spec.imagePullSecrets, [{ name: "team-pull" }, { name: "goship-pull" }, { name: "hello-extra" }]);
    assert.ok(deployment.options.dependencies?.includes(secret.urn), "the pods start once their pull Secret exists");
    const plain = JSON.stringify(run.resources.map((r) => withoutSecrets(r.inputs)));
    assert.doesNotMatch(plain, /pull-s3cret|cHVsbGVyOnB1bGwtczNjcmV0/, "the pull password (raw, or as the Docker auth) only inside secret values");
});

test("a registry with a login and no pull Secret: the program warns, naming the keys; with one, it does not", async () => {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = async (message: string) => void warnings.push(message);
    try {
        await runStack("dev", { mutate: loginRegistry(), secrets: { registryPassword: "push-s3cret" } });
        assert.equal(warnings.filter((w) => /^goship:kubernetes\.pullCredentials: the pods of hello pull from registry\.example:5000, which wants a login/.test(w)).length, 1, warnings.join("\n"));
        warnings.length = 0;
        await runStack("dev", { mutate: loginRegistry({ imagePullSecrets: ["team-pull"] }), secrets: { registryPassword: "push-s3cret" } });
        assert.deepEqual(warnings.filter((w) => w.includes("pullCredentials")), []);
    } finally {
        pulumi.log.warn = warn;
    }
});

test("render mode: the pull Secret holds a marker, never a value", async () => {
    process.env[RENDER_DIR_ENV] = "/tmp/goship-render-test";
    try {
        const run = await runStack("dev", { mutate: loginRegistry({ pullCredentials: { username: "puller", passwordKey: "pullPassword" } }), secrets: { registryPassword: "push-s3cret", pullPassword: "pull-s3cret" } });
        const content = secretValue(one(run.resources, "kubernetes:core/v1:Secret", "pull-secret").inputs.stringData) as Record<string, string>;
        assert.equal(JSON.parse(content[".dockerconfigjson"]).auths["registry.example:5000"].password, "<pullPassword: not rendered>");
    } finally {
        delete process.env[RENDER_DIR_ENV];
    }
});
