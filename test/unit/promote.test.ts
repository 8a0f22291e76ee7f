import { test } from "node:test";
import assert from "node:assert/strict";
import { previousRelease, Release } from "../../stack/release";
import { formatMove } from "../../stack/promotion";
import { otherChanges, parsePromoteArgs, PlannedChange } from "../../tools/local/promote";

const deployment = (paths: string[]): PlannedChange => ({ op: "update", type: "kubernetes:apps/v1:Deployment", urn: "urn:…::hello-deployment", paths });

test("the promotion gate lets through only the promoted image: the copy, the tags, the Deployment's image and version label", () => {
    const promotion: PlannedChange[] = [
        deployment(["spec.template.spec.containers[0].image", 'metadata.labels["app.kubernetes.io/version"]', 'spec.template.metadata.labels["app.kubernetes.io/version"]']),
        { op: "replace", type: "docker-build:index:Index", urn: "urn:…::hello-copy", paths: ["tag"] },
        { op: "same", type: "kubernetes:core/v1:Service", urn: "urn:…::hello-service", paths: [] },
    ];
    assert.deepEqual(otherChanges(promotion), []);
    const more = [...promotion, deployment(["spec.replicas"]), { op: "update" as const, type: "kubernetes:core/v1:ConfigMap", urn: "urn:…::hello-config", paths: ["data"] }];
    assert.deepEqual(otherChanges(more).map((c) => c.urn), ["urn:…::hello-deployment", "urn:…::hello-config"], "a replica change and a ConfigMap are not the promotion");
    assert.equal(otherChanges([deployment(["spec.template.spec.containers[0].image", "spec.minReadySeconds"])]).length, 1, "one stray field is enough to refuse");
});

test("promote's arguments", () => {
    assert.deepEqual(parsePromoteArgs(["dev", "local-staging"]), { allowOtherChanges: false, from: "dev", to: "local-staging" });
    assert.deepEqual(parsePromoteArgs(["--rollback", "local-prod", "--service", "hello"]), { allowOtherChanges: false, rollback: "local-prod", service: "hello" });
    assert.throws(() => parsePromoteArgs(["dev"]), /usage: promote <from> <to>/);
    assert.throws(() => parsePromoteArgs(["--rollback", "prod", "extra"]), /usage/);
    assert.throws(() => parsePromoteArgs(["dev", "prod", "--force"]), /unknown flag --force/);
});

test("a move prints old → new with its source; an unchanged one says so", () => {
    assert.equal(formatMove({ service: "hello", from: "sha256:a", to: "sha256:b", revision: "r" }, "o/p/dev"), "hello: sha256:a → sha256:b (from o/p/dev, revision r)");
    assert.equal(formatMove({ service: "hello", to: "sha256:b", revision: "r" }, "o/p/dev"), "hello: (none) → sha256:b (from o/p/dev, revision r)");
    assert.equal(formatMove({ service: "hello", from: "sha256:b", to: "sha256:b", revision: "r" }, "o/p/dev"), "hello: sha256:b unchanged (from o/p/dev, revision r)");
});

test("previous: the old release when the digest moves, else the old one's own previous (no churn on a repeated up)", () => {
    const d = (c: string) => "sha256:" + c.repeat(64);
    const old: Release = { ref: `r@${d("a")}`, digest: d("a"), platforms: [], revision: "1", origin: "built", deployment: "ns/hello", previous: { ref: `r@${d("0")}`, digest: d("0"), revision: "0" } };
    assert.deepEqual(previousRelease(old, d("b")), { ref: old.ref, digest: d("a"), revision: "1" });
    assert.deepEqual(previousRelease(old, d("a")), old.previous);
    assert.equal(previousRelease(undefined, d("a")), undefined);
});
