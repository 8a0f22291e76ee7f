import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { GoImage } from "../../components";
import { dockerfileOf, ofType, runComponents, runStack, secretValue } from "../harness/program";

type Service = Record<string, unknown>;

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const PEM_FILE = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "goship-ca-")), "extra.pem");
fs.writeFileSync(PEM_FILE, PEM);

/** The dev stack with hello built through every build setting: a monorepo context, Go settings, args, secrets, a .netrc, a CA, assets. */
const everything = {
    secrets: { npmToken: "npm-secret-value", modulePassword: "module-secret-value" },
    mutate: (c: Record<string, unknown>) => {
        Object.assign((c["goship:services"] as Service[])[0], {
            context: ".",
            assets: ["internal/server"],
            buildArgs: { FEATURE_SET: "full" },
            buildSecrets: { NPM_TOKEN: "npmToken" },
            moduleCredentials: [{ machine: "127.0.0.1:5003", login: "ci", passwordKey: "modulePassword" }],
            go: { proxy: "https://127.0.0.1:5003,https://proxy.golang.org", noSumDb: ["goship.test/*"], ldflags: { "main.commit": "abc123" } },
        });
        c["goship:build"] = { ...(c["goship:build"] as object), caCertificates: { file: PEM_FILE } };
    },
};

test("every build setting reaches the Image: the monorepo context, the generated Dockerfile and policy, secrets as secrets, the CA as a named context", async () => {
    const run = await runStack("dev", everything);
    const images = ofType(run.resources, "docker-build:index:Image");
    assert.equal(images.length, 2);
    for (const image of images) {
        assert.equal(image.inputs.context.location, ".", "the monorepo root, relative");
        const dockerfile = dockerfileOf(image.inputs);
        assert.match(dockerfile, /^WORKDIR \/src\/app$/m);
        assert.match(dockerfile, /^ARG FEATURE_SET$/m);
        assert.match(dockerfile, /--mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN/);
        assert.match(dockerfile, /GONOSUMDB="goship\.test\/\*"/);
        assert.match(dockerfile, /-X main\.commit=abc123/);
        assert.match(dockerfile, /^COPY --from=build \/out\/assets\/ \/app\/$/m);
        const policy = fs.readFileSync(`${image.inputs.dockerfile.location}.dockerignore`, "utf8");
        assert.match(policy, /^\*\n!app$/m, "only the module is sent from the monorepo root");
        assert.equal(image.inputs.buildArgs.FEATURE_SET, "full");
        assert.ok(!("NPM_TOKEN" in image.inputs.buildArgs), "a build secret is never a build arg");
        const secrets = secretValue(image.inputs.secrets) as Record<string, unknown>;
        assert.deepEqual(Object.keys(secrets).sort(), ["NPM_TOKEN", "goship-netrc"]);
        assert.equal(secrets.NPM_TOKEN, "npm-secret-value");
        assert.equal(secrets["goship-netrc"], "machine 127.0.0.1:5003 login ci password module-secret-value\n");
        const named = image.inputs.context.named["goship-ca"].location as string;
        assert.equal(fs.readFileSync(path.join(named, "extra-ca.pem"), "utf8"), PEM);
    }
    const state = JSON.stringify(run.resources.map((r) => ({ ...r.inputs, secrets: undefined })));
    assert.doesNotMatch(state, /npm-secret-value|module-secret-value/, "secret values only inside the secrets input");
});

test("the recipe hash covers the context policy: a new pattern in the user's .dockerignore retags the release", async () => {
    const module = fs.mkdtempSync(path.join(os.tmpdir(), "goship-module-"));
    fs.writeFileSync(path.join(module, "go.mod"), "module example.com/m\n\ngo 1.26\n");
    fs.writeFileSync(path.join(module, "main.go"), "package main\n\nfunc main() {}\n");
    const releaseTag = async () => {
        let tag = "";
        await runComponents(() => {
            tag = new GoImage("m", { context: module, repository: "registry.example/m", revision: "abc1234" }).releaseTag;
            return {};
        });
        return tag;
    };
    const before = await releaseTag();
    assert.equal(await releaseTag(), before, "the same inputs, the same tag");
    fs.writeFileSync(path.join(module, ".dockerignore"), "docs/\n");
    assert.notEqual(await releaseTag(), before);
});

test("a build context with CRLF text files draws one warning naming them and the fix; LF files draw none", async (t) => {
    const module = fs.mkdtempSync(path.join(os.tmpdir(), "goship-crlf-"));
    fs.writeFileSync(path.join(module, "go.mod"), "module example.com/m\n\ngo 1.26\n");
    fs.writeFileSync(path.join(module, "main.go"), "package main\n\nfunc main() {}\n");
    const warnings: string[] = [];
    const warn = t.mock.method(pulumi.log, "warn", async (message: string) => void warnings.push(message));
    const build = () => runComponents(() => (new GoImage("m", { context: module, repository: "registry.example/m", revision: "abc1234" }), {}));
    await build();
    assert.deepEqual(warnings, []);
    fs.writeFileSync(path.join(module, "main.go"), "package main\r\n\r\nfunc main() {}\r\n");
    await build();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^m: 1 text file\(s\) in the build context have CRLF line endings \(main\.go\)\..*add "\* text=auto eol=lf" to \.gitattributes, then run git add --renormalize \./);
    warn.mock.restore();
});
