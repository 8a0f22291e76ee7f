import { test } from "node:test";
import * as assert from "node:assert/strict";
import { imagePinnedByDigest } from "../policies/image-digest";
import { imageNoLatestTag } from "../policies/image-no-latest";
import { imageRegistryAllowed } from "../policies/image-registry";
import { inAllowedRegistry, parseImage } from "../lib/images";
import { runResource } from "./harness";
import { asDeployment, deployment, DIGEST, IMAGE } from "./fixtures";

function withImage(image: string) {
    const d = deployment();
    d.spec.template.spec.containers[0].image = image;
    return asDeployment(d);
}

test("image-pinned-by-digest: a digest passes; a tag, a short digest, a bare name fail", async () => {
    assert.deepEqual((await runResource(imagePinnedByDigest, asDeployment(deployment()))).violations, []);
    for (const bad of ["127.0.0.1:5000/goship/hello:v1", "127.0.0.1:5000/goship/hello@sha256:abc", "hello"]) {
        const { violations } = await runResource(imagePinnedByDigest, withImage(bad));
        assert.equal(violations.length, 1, bad);
        assert.match(violations[0], /not pinned by digest/);
    }
});

test("image-pinned-by-digest: init containers count too; resources without pods pass", async () => {
    const d = deployment();
    d.spec.template.spec.initContainers = [{ name: "init", image: "busybox:1.36" }];
    assert.match((await runResource(imagePinnedByDigest, asDeployment(d))).violations[0], /container "init"/);
    assert.deepEqual((await runResource(imagePinnedByDigest, { type: "kubernetes:core/v1:Service", props: { spec: {} } })).violations, []);
});

test("image-no-latest-tag: a digest or a version passes; latest, written or implied, fails", async () => {
    assert.deepEqual((await runResource(imageNoLatestTag, asDeployment(deployment()))).violations, []);
    assert.deepEqual((await runResource(imageNoLatestTag, withImage("repo/hello:1.2.3"))).violations, []);
    for (const bad of ["repo/hello:latest", `repo/hello:latest@${DIGEST}`, "127.0.0.1:5000/hello"]) {
        assert.match((await runResource(imageNoLatestTag, withImage(bad))).violations[0] ?? "", /latest tag/, bad);
    }
});

test("image-registry-allowed: the allowed registry passes; another, or none configured, fails", async () => {
    const allowed = { allowedRegistries: ["127.0.0.1:5000/goship"] };
    assert.deepEqual((await runResource(imageRegistryAllowed, asDeployment(deployment()), allowed)).violations, []);
    const other = await runResource(imageRegistryAllowed, withImage(`ghcr.io/evil/hello@${DIGEST}`), allowed);
    assert.match(other.violations[0], /not from an allowed registry \(127\.0\.0\.1:5000\/goship\)/);
    assert.match((await runResource(imageRegistryAllowed, asDeployment(deployment()), { allowedRegistries: [] })).violations[0], /set goship:policy\.allowedRegistries/);
});

test("registry patterns: whole segments, * is one DNS label, Docker Hub names get docker.io", () => {
    assert.ok(inAllowedRegistry(parseImage(IMAGE).name, ["127.0.0.1:5000"]));
    assert.ok(!inAllowedRegistry("127.0.0.1:5000/goshipx/hello", ["127.0.0.1:5000/goship"]));
    assert.ok(!inAllowedRegistry("127.0.0.1:5000/goship", ["127.0.0.1:5000/goship"]));
    assert.ok(inAllowedRegistry("123456789012.dkr.ecr.eu-west-1.amazonaws.com/goship/hello", ["*.dkr.ecr.eu-west-1.amazonaws.com/goship"]));
    assert.ok(!inAllowedRegistry("evil.example.dkr.ecr.eu-west-1.amazonaws.com/goship/hello", ["*.dkr.ecr.eu-west-1.amazonaws.com/goship"]));
    assert.ok(inAllowedRegistry("nginx", ["docker.io/library"]));
    assert.deepEqual(parseImage("127.0.0.1:5000/a/b:v1@" + DIGEST), { name: "127.0.0.1:5000/a/b", tag: "v1", digest: DIGEST });
    assert.deepEqual(parseImage("127.0.0.1:5000/a/b"), { name: "127.0.0.1:5000/a/b", tag: undefined, digest: undefined });
});
