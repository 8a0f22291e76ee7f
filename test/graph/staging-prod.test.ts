import { test } from "node:test";
import assert from "node:assert/strict";
import { DEV_HELLO_DIGEST, DEV_HELLO_REF, FAKE_ACCOUNT_REGISTRY, STAGING_HELLO_REF, one, ofType, runStack, RunResult, secretValue } from "../harness/program";

let staging: RunResult;
let prod: RunResult;

test.before(async () => {
    staging = await runStack("staging");
    prod = await runStack("prod");
});

test("staging: an ECR repository with scan on push, immutable tags, encryption and a lifecycle policy", () => {
    const repo = one(staging.resources, "aws:ecr/repository:Repository", "hello-repository").inputs;
    assert.equal(repo.name, "goship/hello");
    assert.deepEqual(repo.imageScanningConfiguration, { scanOnPush: true });
    assert.equal(repo.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
    assert.deepEqual(
        repo.imageTagMutabilityExclusionFilters.map((f: { filter: string }) => f.filter),
        ["staging", "buildcache-*", "*-dirty*"],
        "only the tags goship moves are mutable",
    );
    assert.deepEqual(repo.encryptionConfigurations, [{ encryptionType: "AES256" }]);
    const lifecycle = one(staging.resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "hello-lifecycle").inputs;
    const rules = JSON.parse(lifecycle.policy).rules;
    assert.equal(rules[0].selection.tagStatus, "untagged");
    assert.equal(rules[0].selection.countNumber, 7);
    assert.equal(rules[1].selection.countNumber, 50);
    assert.ok(one(staging.resources, "aws:ecr/repository:Repository", "hello-repository").urn.includes("goship:index:GoService$aws:ecr/repository:Repository"));
    const aws = one(staging.resources, "pulumi:providers:aws", "aws");
    assert.equal(aws.inputs.region, "eu-west-1");
});

test("staging: builds nothing; copies dev's index by digest into its ECR repository with both sides' logins, and deploys the copy", () => {
    assert.equal(ofType(staging.resources, "docker-build:index:Image").length, 0, "no build");
    const copy = one(staging.resources, "docker-build:index:Index", "hello-copy");
    assert.deepEqual(copy.inputs.sources, [DEV_HELLO_REF], "the upstream's exact digest is the one source");
    assert.equal(copy.inputs.tag, `${FAKE_ACCOUNT_REGISTRY}/goship/hello:rel-3f2a9c1d7e4b-${DEV_HELLO_DIGEST.slice(7, 19)}`);
    assert.ok(copy.options.retainOnDelete, "a copy is never deleted by digest");
    assert.deepEqual(secretValue(copy.inputs.registry), { address: FAKE_ACCOUNT_REGISTRY, username: "AWS", password: "ecr-token-secret" });
    const tag = one(staging.resources, "docker-build:index:Index", "hello-tag-staging");
    assert.equal(tag.inputs.tag, `${FAKE_ACCOUNT_REGISTRY}/goship/hello:staging`);
    const provider = one(staging.resources, "pulumi:providers:docker-build", "hello-copy");
    assert.equal(copy.provider?.startsWith(`${provider.urn}::`), true, "the copy runs with the provider that holds both logins");
    const deployment = one(staging.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs;
    assert.equal(deployment.spec.template.spec.containers[0].image, STAGING_HELLO_REF, "the copy in staging's registry, same digest");
    assert.equal(deployment.metadata.labels["app.kubernetes.io/version"], "3f2a9c1d7e4b", "the revision the release was built from");
    const outputs = staging.outputs as { images: Record<string, string>; releases: Record<string, Record<string, unknown>> };
    assert.equal(outputs.images.hello, STAGING_HELLO_REF);
    assert.deepEqual(outputs.releases.hello, {
        ref: STAGING_HELLO_REF,
        digest: DEV_HELLO_DIGEST,
        platforms: ["linux/amd64", "linux/arm64"],
        revision: "3f2a9c1d7e4b",
        origin: "promoted",
        fromStack: "organization/goship/dev",
        deployment: "goship-staging/hello",
    });
});

test("staging: autoscaling owns the replica count, and a PDB guards it", () => {
    const deployment = one(staging.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs;
    assert.equal(deployment.spec.replicas, undefined);
    const hpa = one(staging.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hello-hpa").inputs;
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.maxReplicas, 6);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
    assert.equal(hpa.spec.scaleTargetRef.name, "hello");
    one(staging.resources, "kubernetes:policy/v1:PodDisruptionBudget", "hello-pdb");
    const [container] = deployment.spec.template.spec.containers;
    assert.deepEqual(container.resources.limits, { cpu: "1", memory: "256Mi", "ephemeral-storage": "128Mi" });
    const provider = one(staging.resources, "pulumi:providers:kubernetes", "kubernetes");
    assert.equal(provider.inputs.context, "staging");
});

test("prod: builds nothing and deploys exactly the digest staging exported", () => {
    assert.equal(ofType(prod.resources, "docker-build:index:Image").length, 0);
    assert.equal(ofType(prod.resources, "docker-build:index:Index").length, 0, "no registry of its own: nothing copied");
    assert.equal(ofType(prod.resources, "aws:ecr/repository:Repository").length, 0);
    assert.equal(ofType(prod.resources, "goship:index:GoImage").length, 0);
    const upstream = one(prod.resources, "pulumi:pulumi:StackReference", "upstream-organization-goship-staging");
    assert.equal(upstream.inputs.name, "organization/goship/staging");
    const deployment = one(prod.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs;
    assert.equal(deployment.spec.template.spec.containers[0].image, STAGING_HELLO_REF);
    assert.equal((prod.outputs as { images: Record<string, string> }).images.hello, STAGING_HELLO_REF);
    assert.equal(deployment.metadata.labels["app.kubernetes.io/version"], "3f2a9c1d7e4b", "the promoted release's revision");
});

test("prod: config files in a ConfigMap mounted read-only, with a checksum that rolls the pods", async () => {
    const configMap = one(prod.resources, "kubernetes:core/v1:ConfigMap", "hello-config").inputs;
    assert.deepEqual(configMap.data, { "features.json": '{"beta": false}' });
    const deployment = one(prod.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs;
    const [container] = deployment.spec.template.spec.containers;
    assert.deepEqual(
        container.volumeMounts.find((m: { name: string }) => m.name === "config"),
        { name: "config", mountPath: "/etc/hello", readOnly: true },
    );
    const checksum = deployment.spec.template.metadata.annotations["goship.dev/config-sha256"];
    const changed = await runStack("prod", {
        mutate: (c) => {
            (c["goship:services"] as { configFiles: Record<string, string> }[])[0].configFiles["features.json"] = '{"beta": true}';
        },
    });
    const after = one(changed.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs;
    assert.notEqual(after.spec.template.metadata.annotations["goship.dev/config-sha256"], checksum);
});
