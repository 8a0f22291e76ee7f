import { test } from "node:test";
import assert from "node:assert/strict";
import { isMutableTag } from "../../components/publish/tags";
import { DEV_HELLO_DIGEST, DEV_HELLO_REF, FAKE_ACCOUNT_REGISTRY, STAGING_HELLO_REF, one, ofType, runStack, RunResult, secretValue, dockerfileOf } from "../harness/program";

let staging: RunResult;
/** Staging as a stack that builds into ECR itself (image: {source: build}): the ECR build path. */
let stagingBuild: RunResult;
let prod: RunResult;

/** Staging's config made to build instead of promote. */
function building(c: Record<string, unknown>): void {
    (c["goship:services"] as Record<string, unknown>[])[0].image = { source: "build" };
}

test.before(async () => {
    staging = await runStack("staging");
    stagingBuild = await runStack("staging", { mutate: building });
    prod = await runStack("prod");
});

test("staging (building): an ECR repository with scan on push, immutable tags, encryption and a lifecycle policy", () => {
    const repo = one(stagingBuild.resources, "aws:ecr/repository:Repository", "hello-repository").inputs;
    assert.equal(repo.name, "goship/hello");
    assert.deepEqual(repo.imageScanningConfiguration, { scanOnPush: true });
    assert.equal(repo.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
    assert.deepEqual(
        repo.imageTagMutabilityExclusionFilters.map((f: { filter: string }) => f.filter),
        ["stack-*", "buildcache-*", "*-dirty*"],
        "only the tags goship moves are mutable: every stack's tag (prod writes its own here), the cache, dirty builds",
    );
    assert.deepEqual(repo.encryptionConfigurations, [{ encryptionType: "AES256" }]);
    const lifecycle = one(stagingBuild.resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "hello-lifecycle").inputs;
    const rules = JSON.parse(lifecycle.policy).rules;
    assert.deepEqual(
        rules.map((r: { rulePriority: number; selection: { tagStatus: string; tagPatternList?: string[]; countNumber: number } }) => [r.rulePriority, r.selection.tagStatus, r.selection.tagPatternList?.[0], r.selection.countNumber]),
        [
            [1, "tagged", "stack-*", 9999],
            [2, "tagged", "plat-*", 9999],
            [3, "tagged", "rel-*", 50],
            [4, "untagged", undefined, 7],
        ],
        "images a stack runs and platform images first, never expired; then the last 50 releases; then untagged after 7 days",
    );
    assert.ok(one(stagingBuild.resources, "aws:ecr/repository:Repository", "hello-repository").urn.includes("goship:index:GoService$aws:ecr/repository:Repository"));
    const aws = one(stagingBuild.resources, "pulumi:providers:aws", "aws");
    assert.equal(aws.inputs.region, "eu-west-1");
});

test("staging (building): images push to ECR with the authorization token's credentials", () => {
    const images = ofType(stagingBuild.resources, "docker-build:index:Image");
    assert.equal(images.length, 2);
    for (const image of images) {
        assert.deepEqual(secretValue(image.inputs.registries), [{ address: FAKE_ACCOUNT_REGISTRY, username: "AWS", password: "ecr-token-secret" }]);
        assert.ok(image.inputs.tags[0].startsWith(`${FAKE_ACCOUNT_REGISTRY}/goship/hello:`));
        assert.match(dockerfileOf(image.inputs), /^FROM --platform=\$BUILDPLATFORM 127\.0\.0\.1:5000\/goship-base\/golang:1\.26 AS build$/m, "the builder image Pulumi.yaml names for every stack");
    }
    for (const index of ofType(stagingBuild.resources, "docker-build:index:Index")) {
        assert.deepEqual(secretValue(index.inputs.registry), { address: FAKE_ACCOUNT_REGISTRY, username: "AWS", password: "ecr-token-secret" });
    }
    const outputs = stagingBuild.outputs as { images: Record<string, string> };
    assert.match(outputs.images.hello, new RegExp(`^${FAKE_ACCOUNT_REGISTRY.replace(/\./g, "\\.")}/goship/hello@sha256:[0-9a-f]{64}$`));
});

/** The tags staging writes: the release and stack tag of the index, each platform image's. */
function tagsOf(run: RunResult): { index: string[]; children: string[] } {
    const strip = (ref: string) => ref.slice(`${FAKE_ACCOUNT_REGISTRY}/goship/hello:`.length);
    return {
        index: ofType(run.resources, "docker-build:index:Index").map((i) => strip(i.inputs.tag)),
        children: ofType(run.resources, "docker-build:index:Image").map((i) => strip(i.inputs.tags[0])),
    };
}

test("staging (building): the index is rel-<revision>-<recipe> and stack-staging, each platform image plat-<revision>-<recipe>-<platform>; only the stack tag is mutable (and dirty builds)", () => {
    const { index, children } = tagsOf(stagingBuild);
    assert.equal(index.length, 2);
    const [, revision, recipe] = /^rel-(.+)-([0-9a-f]{8})$/.exec(index[0]) ?? assert.fail(`release tag ${index[0]}`);
    assert.equal(index[1], "stack-staging");
    assert.deepEqual(children.sort(), [`plat-${revision}-${recipe}-linux-amd64`, `plat-${revision}-${recipe}-linux-arm64`]);
    for (const tag of [...index, ...children]) {
        assert.ok(tag.length <= 128, tag);
        assert.equal(isMutableTag(tag), tag === "stack-staging" || revision.includes("-dirty"), `${tag}: only the stack tag (and dirty builds) may move`);
    }
});

test("staging (building): the same recipe gives the same tags; a changed recipe under the same revision (builder image, build arg, platforms) gives new ones, so an immutable tag never meets a new digest", async () => {
    const pinned = (mutate?: (c: Record<string, unknown>) => void) =>
        runStack("staging", {
            mutate: (c) => {
                building(c);
                c["goship:build"] = { ...(c["goship:build"] as object), revision: "3f2a9c1d7e4b" };
                mutate?.(c);
            },
        });
    const service = (c: Record<string, unknown>) => (c["goship:services"] as Record<string, unknown>[])[0];
    const first = tagsOf(await pinned());
    assert.match(first.index[0], /^rel-3f2a9c1d7e4b-[0-9a-f]{8}$/);
    assert.deepEqual(tagsOf(await pinned()), first, "a second run: the same tags");
    const changes: [string, (c: Record<string, unknown>) => void][] = [
        ["a new builder image (what a goship upgrade of the Dockerfile looks like)", (c) => (service(c).base = { ...(service(c).base as object), builder: "golang:1.27-bookworm" })],
        ["a build arg", (c) => (service(c).buildArgs = { ...(service(c).buildArgs as object), FEATURE: "on" })],
        ["the platforms", (c) => (service(c).platforms = ["linux/amd64"])],
    ];
    for (const [what, mutate] of changes) {
        const changed = tagsOf(await pinned(mutate));
        assert.match(changed.index[0], /^rel-3f2a9c1d7e4b-[0-9a-f]{8}$/, what);
        assert.notEqual(changed.index[0], first.index[0], `${what}: a new release tag`);
        for (const child of changed.children) assert.ok(!first.children.includes(child), `${what}: new platform tags`);
        assert.equal(changed.index[1], "stack-staging");
    }
});

test("staging: builds nothing; copies dev's index by digest into its ECR repository with both sides' logins, and deploys the copy", () => {
    assert.equal(ofType(staging.resources, "docker-build:index:Image").length, 0, "no build");
    const copy = one(staging.resources, "docker-build:index:Index", "hello-copy");
    assert.deepEqual(copy.inputs.sources, [DEV_HELLO_REF], "the upstream's exact digest is the one source");
    assert.equal(copy.inputs.tag, `${FAKE_ACCOUNT_REGISTRY}/goship/hello:rel-3f2a9c1d7e4b-${DEV_HELLO_DIGEST.slice(7, 15)}`);
    assert.ok(copy.options.retainOnDelete, "a copy is never deleted by digest");
    assert.deepEqual(secretValue(copy.inputs.registry), { address: FAKE_ACCOUNT_REGISTRY, username: "AWS", password: "ecr-token-secret" });
    const tag = one(staging.resources, "docker-build:index:Index", "hello-tag-stack-staging");
    assert.equal(tag.inputs.tag, `${FAKE_ACCOUNT_REGISTRY}/goship/hello:stack-staging`);
    const provider = one(staging.resources, "pulumi:providers:docker-build", "hello-copy");
    assert.equal(copy.provider?.startsWith(`${provider.urn}::`), true, "the copy runs with the provider that holds both logins");
    const deployment = one(staging.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs;
    assert.equal(deployment.spec.template.spec.containers[0].image, STAGING_HELLO_REF, "the copy in staging's registry, same digest");
    assert.equal(deployment.metadata.labels["app.kubernetes.io/version"], "3f2a9c1d7e4b", "the revision the release was built from");
    const outputs = staging.outputs as { images: Record<string, string>; releases: Record<string, Record<string, unknown>> };
    assert.equal(outputs.images.hello, STAGING_HELLO_REF);
    const { supplyChain, ...release } = outputs.releases.hello;
    assert.equal((supplyChain as { signature: { signed: boolean } }).signature.signed, true, "dev's signature verified in staging's copy");
    assert.deepEqual(release, {
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
    assert.equal(deployment.metadata.annotations, undefined, "no waitFor: the count is the HPA's, so the provider's own await stays");
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

test("staging and prod: GOMEMLIMIT is 90% of each stack's memory limit; GOMAXPROCS is left to Go", () => {
    for (const [run, expected] of [[staging, "230MiB"], [prod, "460MiB"]] as const) {
        const env = one(run.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec.containers[0].env as { name: string; value?: string }[];
        assert.equal(env.find((e) => e.name === "GOMEMLIMIT")?.value, expected);
        assert.ok(!env.some((e) => e.name === "GOMAXPROCS"));
    }
});

test("prod: an Ingress over TLS to the Service's port, and the NetworkPolicy still admits the controller to the pods' port", () => {
    const ingress = one(prod.resources, "kubernetes:networking.k8s.io/v1:Ingress", "hello-ingress");
    assert.equal(ingress.inputs.metadata.name, "hello");
    assert.equal(ingress.inputs.metadata.namespace, "goship-prod");
    assert.equal(ingress.inputs.metadata.annotations, undefined, "no annotations unless configured");
    assert.deepEqual(ingress.inputs.spec, {
        ingressClassName: "nginx",
        tls: [{ hosts: ["hello.example.com"], secretName: "hello-example-com-tls" }],
        rules: [{ host: "hello.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "hello", port: { number: 80 } } } }] } }],
    });
    const service = one(prod.resources, "kubernetes:core/v1:Service", "hello-service");
    assert.ok(service.inputs.spec.ports.some((p: { port: number }) => p.port === 80), "the port the Ingress names");
    assert.ok(ingress.options.dependencies?.includes(service.urn), "created after its Service");
    const netpol = one(prod.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "hello-netpol").inputs;
    assert.deepEqual(netpol.spec.ingress, [{ ports: [{ protocol: "TCP", port: 8080 }] }], "the container port from any source: the controller's pods included");
    assert.equal(ofType(staging.resources, "kubernetes:networking.k8s.io/v1:Ingress").length, 0, "staging is not exposed");
});
