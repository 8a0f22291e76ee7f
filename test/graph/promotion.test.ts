import { test } from "node:test";
import assert from "node:assert/strict";
import { FAKE_SIGNING_PUBLIC_PEM, fakeIndex } from "../harness/fake-registry";
import { keyId, parsePublicKey } from "../../components/supply-chain/cosign-format";
import { DEV_HELLO_DIGEST, DEV_HELLO_REF, FAKE_ACCOUNT_REGISTRY, one, ofType, releaseRecord, runStack, STAGING_HELLO_REF } from "../harness/program";

/**
 * Promotion under mocks, through the real program with the committed stack files: the
 * release record, the gate's inputs, cycles, pins, the copy's digest assertion and the
 * registry check (the in-memory registry of test/harness/fake-registry.ts).
 */

type Releases = Record<string, Record<string, unknown>>;
const releases = (outputs: unknown) => (outputs as { releases: Releases }).releases;

test("the engine's config as it arrives (Pulumi.yaml's services, the stack's overrides) gives the same program as the merged list", async () => {
    for (const stack of ["staging", "prod"]) {
        const raw = await runStack(stack, { raw: true });
        const merged = await runStack(stack);
        assert.deepEqual(
            raw.resources.map((r) => [r.type, r.name, r.inputs]),
            merged.resources.map((r) => [r.type, r.name, r.inputs]),
            `${stack}: the same resources`,
        );
    }
});

test("a problem with a promotion the stack's override sets names the override's key", async () => {
    await assert.rejects(runStack("prod", { raw: true, stacks: { "organization/goship/staging": { releases: {} } } }), {
        message: /^goship:overrides\.hello\.image\.fromStack: stack organization\/goship\/staging has no release of hello/,
    });
});

test("the release record: a promoted service carries the upstream's revision and origin, and the release it ran before", async () => {
    const previousDigest = fakeIndex("an older release");
    const current = releaseRecord(`${FAKE_ACCOUNT_REGISTRY}/goship/hello@${previousDigest}`, { revision: "0ld", origin: "promoted", fromStack: "organization/goship/staging", deployment: "goship-prod/hello" });
    const prod = await runStack("prod", { stacks: { "organization/goship/prod": { releases: { hello: current } } } });
    const { supplyChain, ...record } = releases(prod.outputs).hello as { supplyChain: { signature: unknown; platforms: Record<string, unknown> } };
    // The promoted digest's cosign signature, verified with the stack's cosign.pub (the fake registry signed it).
    assert.deepEqual(supplyChain.signature, { signed: true, keyId: keyId(parsePublicKey(FAKE_SIGNING_PUBLIC_PEM)) });
    assert.deepEqual(Object.keys(supplyChain.platforms).sort(), ["linux/amd64", "linux/arm64"]);
    assert.deepEqual(record, {
        ref: STAGING_HELLO_REF,
        digest: DEV_HELLO_DIGEST,
        platforms: ["linux/amd64", "linux/arm64"],
        revision: "3f2a9c1d7e4b",
        origin: "promoted",
        fromStack: "organization/goship/staging",
        deployment: "goship-prod/hello",
        previous: { ref: current.ref, digest: previousDigest, revision: "0ld" },
    });
    // The same release again keeps the same record: nothing churns.
    const again = await runStack("prod", { stacks: { "organization/goship/prod": { releases: { hello: releases(prod.outputs).hello } } } });
    assert.deepEqual(releases(again.outputs).hello, releases(prod.outputs).hello);
});

test("a built release is recorded as built, with the revision it was built from", async () => {
    const dev = await runStack("dev", { mutate: (c) => (c["goship:build"] = { ...(c["goship:build"] as object), revision: "abc123" }) });
    const record = releases(dev.outputs).hello;
    assert.equal(record.origin, "built");
    assert.equal(record.revision, "abc123");
    assert.equal(record.fromStack, undefined);
    assert.equal(record.ref, (dev.outputs as { images: Record<string, string> }).images.hello);
});

test("promotion cycles are refused: a stack promoting from itself, and a loop through the upstreams' records", async () => {
    await assert.rejects(runStack("staging", { mutate: (c) => ((c["goship:services"] as Array<Record<string, unknown>>)[0].image = { source: "promote", fromStack: "staging" }) }), {
        message: /^goship:services\[0\]\.image\.fromStack: stack organization\/goship\/staging promotes hello from itself/,
    });
    // staging promotes from dev; dev's record says it was promoted from prod, prod's from staging.
    const loop = {
        "organization/goship/dev": { releases: { hello: releaseRecord(DEV_HELLO_REF, { origin: "promoted", fromStack: "organization/goship/prod" }) } },
        "organization/goship/prod": { releases: { hello: releaseRecord(STAGING_HELLO_REF, { origin: "promoted", fromStack: "organization/goship/staging" }) } },
    };
    const failure = await runStack("staging", { stacks: loop }).then(
        () => assert.fail("a loop must be refused"),
        (err: Error & { registered?: number }) => err,
    );
    assert.match(failure.message, /promotion cycle for hello: organization\/goship\/staging → organization\/goship\/dev → organization\/goship\/prod → organization\/goship\/staging; one stage must build/);
    assert.equal(failure.registered, 0, "refused before anything is registered");
});

test("an upstream release without a platform the service needs is refused", async () => {
    const amd64Only = releaseRecord(STAGING_HELLO_REF, { platforms: ["linux/amd64"] });
    await assert.rejects(runStack("prod", { stacks: { "organization/goship/staging": { releases: { hello: amd64Only } } } }), {
        message: /staging's release of hello has platforms linux\/amd64, but this stack's pods need linux\/arm64/,
    });
});

test("a pinned image (a rollback) deploys that digest: no build, no upstream read", async () => {
    const pinnedDigest = fakeIndex("pinned");
    const ref = `${FAKE_ACCOUNT_REGISTRY}/goship/hello@${pinnedDigest}`;
    const prod = await runStack("prod", { mutate: (c) => ((c["goship:services"] as Array<Record<string, unknown>>)[0].image = { source: "pinned", ref, revision: "r1" }) });
    assert.equal(ofType(prod.resources, "docker-build:index:Image").length, 0);
    assert.equal(ofType(prod.resources, "pulumi:pulumi:StackReference").length, 0, "a pinned stack promotes from nobody");
    assert.equal(one(prod.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec.containers[0].image, ref);
    assert.equal(releases(prod.outputs).hello.origin, "pinned");
    assert.equal(releases(prod.outputs).hello.revision, "r1");
    await assert.rejects(runStack("prod", { mutate: (c) => ((c["goship:services"] as Array<Record<string, unknown>>)[0].image = { source: "pinned", ref: "r/hello:v1" }) }), {
        message: /goship:services\[0\]\.image\.ref: must be pinned by digest/,
    });
});

test("a copy whose digest differs from the source's is never deployed", async () => {
    await assert.rejects(runStack("staging", { alterCopies: true }), (err: Error) => {
        assert.match(err.message, /hello: the copy of 127\.0\.0\.1:5000\/goship\/hello@sha256:[0-9a-f]{64} into .* has digest sha256:[0-9a-f]{64}, not the source's sha256:[0-9a-f]{64}: the copy is not byte-identical/);
        return true;
    });
});

test("the registry the pods pull from must hold the digest and every platform: checked before the Deployment is registered", async () => {
    const amd64Only = fakeIndex("amd64 only", ["linux/amd64"]);
    const ref = `${FAKE_ACCOUNT_REGISTRY}/goship/hello@${amd64Only}`;
    // The record claims both platforms; the registry holds one.
    const lying = releaseRecord(ref, { platforms: ["linux/amd64", "linux/arm64"] });
    await assert.rejects(runStack("prod", { stacks: { "organization/goship/staging": { releases: { hello: lying } } } }), /linux\/arm64/);
    const missing = releaseRecord(`${FAKE_ACCOUNT_REGISTRY}/goship/hello@sha256:${"9".repeat(64)}`);
    await assert.rejects(runStack("prod", { stacks: { "organization/goship/staging": { releases: { hello: missing } } } }), /not-found|not found|unknown/i);
});

test("the release record is what the cluster reports the Deployment running (its outputs, which exist only after the rollout), not what was asked for", async () => {
    const reported = `${FAKE_ACCOUNT_REGISTRY}/goship/hello@${fakeIndex("what the cluster runs")}`;
    const prod = await runStack("prod", { clusterImage: reported });
    assert.equal(one(prod.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec.containers[0].image, STAGING_HELLO_REF, "asked for");
    assert.equal(releases(prod.outputs).hello.ref, reported, "recorded: the Deployment's own output");
});

test("a stack pulling a promoted image from ECR reads it with that registry's token: an AWS provider for its region, no registry of its own needed", async () => {
    const prod = await runStack("prod");
    const aws = one(prod.resources, "pulumi:providers:aws", "aws-pull-eu-west-1");
    assert.equal(aws.inputs.region, "eu-west-1");
    assert.equal(one(prod.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec.containers[0].image, STAGING_HELLO_REF);
});
