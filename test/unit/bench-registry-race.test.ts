import { test } from "node:test";
import assert from "node:assert/strict";
import { isRegistryPushRace } from "../../bench/registry-race";

// BuildKit's error for the 50-service first up of the first full run (buildkitd.log).
const RACE = `error: failed to push 127.0.0.1:5000/bench-rmx77izn5-stack-50/svc-09:plat-bench-83831971-linux-arm64: errors:
unknown: provided digest did not match uploaded content
unknown: blob unknown to registry - sha256:09a74d6e615ad2f2e137353ad56e61af2cdd06c21bbd462fc307ee8508fd2972`;

test("the registry's push race is recognised from BuildKit's push error", () => {
    assert.equal(isRegistryPushRace(RACE), true);
});

test("other failures of an up are not retried", () => {
    assert.equal(isRegistryPushRace("error: failed to solve: process \"/bin/sh -c go build\" did not complete successfully: exit code: 1"), false);
    assert.equal(isRegistryPushRace("error: failed to push 127.0.0.1:5000/x: unauthorized: authentication required"), false);
    assert.equal(isRegistryPushRace("timed out waiting for Deployment goship-bench-50/svc-01 to become available"), false);
});
