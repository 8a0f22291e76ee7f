import { test } from "node:test";
import assert from "node:assert/strict";
import { rolloutAwaitAnnotations, WAIT_FOR_ANNOTATION } from "../../components/deploy/rollout-await";

test("rollout await: every replica updated, available and alone, by the controller's verdict; nothing with an HPA", () => {
    const conditions = JSON.parse(rolloutAwaitAnnotations(3)[WAIT_FOR_ANNOTATION]) as string[];
    assert.deepEqual(conditions.slice(0, 3), ["jsonpath={.status.updatedReplicas}=3", "jsonpath={.status.availableReplicas}=3", "jsonpath={.status.replicas}=3"]);
    // The provider's syntax: a JSON array of "jsonpath=" (or "condition=") expressions.
    for (const c of conditions) assert.match(c, /^jsonpath=\{[^}]+\}=\S+$/);
    assert.deepEqual(rolloutAwaitAnnotations(undefined), {});
});
