import { test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "crypto";
import { FAKE_ECR_LOGIN, FAKE_LOGIN_REGISTRY, fakeEcrScan, fakeIndex, fakeRegistryFetch, fakeSign } from "../harness/fake-registry";
import { platformDigests } from "../../components/supply-chain/record";
import { RepositoryReader } from "../../components/publish/registry-api";
import { FAKE_ACCOUNT_REGISTRY, ofType, releaseRecord, runStack } from "../harness/program";

/** local-prod's secrets (the stack file's `secure:` values are not read under mocks). */
const LOCAL_PROD_SECRETS = { registryPassword: FAKE_LOGIN_REGISTRY.password, pullPassword: "pull-password" };

/** local-staging's last release of hello: DIGEST in dev's registry (read by local-prod's check before anything is registered). */
const localStagingWith = (digest: string) => {
    const ref = `127.0.0.1:5000/goship/hello@${digest}`;
    return { "organization/goship/local-staging": { images: { hello: ref }, releases: { hello: releaseRecord(ref, { origin: "promoted", fromStack: "organization/goship/dev", deployment: "goship-local-staging/hello" }) } } };
};

const stagingWith = (digest: string) => {
    const ref = `${FAKE_ACCOUNT_REGISTRY}/goship/hello@${digest}`;
    return { "organization/goship/staging": { images: { hello: ref }, releases: { hello: releaseRecord(ref, { origin: "promoted", fromStack: "organization/goship/dev", deployment: "goship-staging/hello" }) } } };
};

test("a production stack refuses an unsigned digest at preview, naming the key and the fix; nothing is registered", async () => {
    const unsigned = fakeIndex("never signed", undefined, { signed: false });
    await assert.rejects(runStack("local-prod", { preview: true, stacks: localStagingWith(unsigned), secrets: LOCAL_PROD_SECRETS }), (err: Error & { registered?: number }) => {
        assert.match(err.message, /^goship:services\[0\]\.image\.fromStack: goship:supplyChain\.requireSignature: 127\.0\.0\.1:5000\/goship\/hello@sha256:[0-9a-f]{64} is refused: it has no cosign signature \(no sha256-[0-9a-f]{64}\.sig in 127\.0\.0\.1:5000\/goship\/hello\)/);
        assert.match(err.message, /cosign sign --key cosign\.key /);
        assert.equal(err.registered, 0);
        return true;
    });
});

test("an ECR-promoting production stack refuses an unsigned digest in the component (its registry login comes from AWS)", async () => {
    const unsigned = fakeIndex("never signed either", undefined, { signed: false });
    await assert.rejects(runStack("prod", { preview: true, stacks: stagingWith(unsigned) }), /hello: goship:supplyChain\.requireSignature: .* is refused: it has no cosign signature/);
});

test("a production stack refuses a digest signed by another key", async () => {
    const other = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const digest = fakeIndex("signed by a stranger", undefined, { signed: false });
    fakeSign(digest, other);
    await assert.rejects(runStack("prod", { preview: true, stacks: stagingWith(digest) }), /none of its 1 cosign signature verifies with key sha256:[0-9a-f]{64} \(its signature does not verify with the public key\)/);
});

test("a signed digest passes the same preview and is deployed", async () => {
    const digest = fakeIndex("signed by dev");
    const prod = await runStack("prod", { preview: true, stacks: stagingWith(digest) });
    const deployment = ofType(prod.resources, "kubernetes:apps/v1:Deployment")[0];
    assert.match(JSON.stringify(deployment.inputs.spec), new RegExp(digest));
});

test("a production stack without signature verification is refused by config", async () => {
    await assert.rejects(
        runStack("prod", { preview: true, mutate: (c) => delete c["goship:supplyChain"] }),
        /goship:supplyChain\.requireSignature: a production stack deploys only signed digests: set goship:supplyChain\.publicKey \(cosign\.pub\) and requireSignature: true/,
    );
});

test("signing needs its key and password as secrets, named in the refusal", async () => {
    await assert.rejects(
        runStack("local-staging", { preview: true, mutate: (c) => (c["goship:supplyChain"] = { publicKey: "cosign.pub", signing: {} }) }),
        (err: Error) => {
            assert.match(err.message, /goship:cosignKey: required by goship:supplyChain\.signing\.keyKey; run: pulumi config set --secret cosignKey <value>/);
            assert.match(err.message, /goship:cosignPassword: required by goship:supplyChain\.signing\.passwordKey/);
            return true;
        },
    );
});

test("prod gates on ECR's scan on push: a HIGH finding on one platform refuses the digest, an unfinished scan too; a clean scan passes", async () => {
    const digest = fakeIndex("scanned in ECR");
    const [amd64, arm64] = Object.values(await platformDigests(new RepositoryReader(FAKE_ACCOUNT_REGISTRY, "goship/hello", { fetch: fakeRegistryFetch, login: FAKE_ECR_LOGIN }), digest));
    fakeEcrScan(arm64, "COMPLETE", { HIGH: 2, LOW: 7 });
    await assert.rejects(runStack("prod", { preview: true, stacks: stagingWith(digest) }), /hello: goship:supplyChain\.ecrScan: .* is refused: linux\/arm64: ECR found 2 HIGH \(at or above HIGH\)/);
    fakeEcrScan(arm64, "IN_PROGRESS");
    await assert.rejects(runStack("prod", { preview: true, stacks: stagingWith(digest) }), /linux\/arm64: ECR's scan is IN_PROGRESS/);
    fakeEcrScan(arm64, "COMPLETE", { LOW: 7 });
    fakeEcrScan(amd64, "COMPLETE", { MEDIUM: 1 });
    await runStack("prod", { preview: true, stacks: stagingWith(digest) });
});

test("a rollback pin to local-prod's own earlier copy (in its login registry) is verified with the stack's login, at preview and at up", async () => {
    const digest = fakeIndex("an earlier local-prod release");
    const pinned = `127.0.0.1:5001/goship-prod/hello@${digest}`;
    const pin = (c: Record<string, unknown>) => {
        (c["goship:services"] as Record<string, unknown>[])[0].image = { source: "pinned", ref: pinned, revision: "0ld" };
    };
    for (const preview of [true, false]) {
        const prod = await runStack("local-prod", { preview, secrets: LOCAL_PROD_SECRETS, mutate: pin });
        const release = (prod.outputs.releases as Record<string, { supplyChain?: { signature: { signed: boolean } } }> | undefined)?.hello;
        if (!preview) assert.equal(release?.supplyChain?.signature.signed, true, "the pinned copy's signature, read with the login");
    }
});
