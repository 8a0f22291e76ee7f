import { test } from "node:test";
import * as assert from "node:assert/strict";
import { promotedDigestMatchesUpstream } from "../policies/promoted-digest";
import { runStack } from "./harness";
import { asDeployment, deployment, DIGEST } from "./fixtures";

const other = "sha256:" + "b".repeat(64);

test("promoted-digest-matches-upstream: the upstream's digest passes (in any registry); another digest fails", async () => {
    assert.deepEqual((await runStack(promotedDigestMatchesUpstream, [asDeployment(deployment())], { expected: { hello: DIGEST } })).violations, []);
    const copied = deployment();
    copied.spec.template.spec.containers[0].image = `127.0.0.1:5001/goship-prod/hello@${DIGEST}`;
    assert.deepEqual((await runStack(promotedDigestMatchesUpstream, [asDeployment(copied)], { expected: { hello: DIGEST } })).violations, []);
    const { violations } = await runStack(promotedDigestMatchesUpstream, [asDeployment(deployment())], { expected: { hello: other } });
    assert.match(violations[0], new RegExp(`runs 127\\.0\\.0\\.1:5000/goship/hello@${DIGEST}, but the upstream stack released hello at ${other}`));
});

test("promoted-digest-matches-upstream: a promoted service without its Deployment fails; nothing promoted is not applicable", async () => {
    assert.match((await runStack(promotedDigestMatchesUpstream, [asDeployment(deployment())], { expected: { world: DIGEST } })).violations[0], /world: promoted, but no Deployment labelled app\.kubernetes\.io\/name=world/);
    assert.ok((await runStack(promotedDigestMatchesUpstream, [asDeployment(deployment())], { expected: {} })).notApplicable);
});
