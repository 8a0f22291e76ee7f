import { test } from "node:test";
import assert from "node:assert/strict";
import { one, ofType, runStack } from "../harness/program";
import { RENDER_DIR_ENV, placeholderImageRef } from "../../stack/target";

/** Runs a stack with GOSHIP_RENDER_DIR set, as tools/local/render.ts does. */
async function rendered(stack: string) {
    process.env[RENDER_DIR_ENV] = "/tmp/goship-render-test";
    try {
        return await runStack(stack);
    } finally {
        delete process.env[RENDER_DIR_ENV];
    }
}

for (const stack of ["dev", "staging", "prod"]) {
    test(`render mode (${stack}): the provider writes YAML; nothing is built, pushed, created in AWS or read from another stack`, async () => {
        const run = await rendered(stack);
        const provider = one(run.resources, "pulumi:providers:kubernetes", "kubernetes").inputs;
        assert.equal(provider.renderYamlToDirectory, "/tmp/goship-render-test");
        assert.equal(provider.kubeconfig, undefined, "no kubeconfig is read or needed");
        for (const type of ["docker-build:index:Image", "docker-build:index:Index", "aws:ecr/repository:Repository", "pulumi:providers:aws", "pulumi:pulumi:StackReference"]) {
            assert.equal(ofType(run.resources, type).length, 0, `no ${type}`);
        }
        const pod = one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec;
        assert.equal(pod.containers[0].image, placeholderImageRef("hello"));
    });
}

test("without GOSHIP_RENDER_DIR the provider talks to the configured cluster", async () => {
    const run = await runStack("dev");
    const provider = one(run.resources, "pulumi:providers:kubernetes", "kubernetes").inputs;
    assert.equal(provider.renderYamlToDirectory, undefined);
    assert.equal(provider.context, "goship");
});
