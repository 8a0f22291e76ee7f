import { test } from "node:test";
import assert from "node:assert/strict";
import { zoneFile } from "../../components/deploy/zoneinfo";
import { one, ofType, runStack, RunResult, secretValue, dockerfileOf } from "../harness/program";

/** The dev stack: local registry, BuildKit builder "goship", kwok cluster. */
let dev: RunResult;

test.before(async () => {
    dev = await runStack("dev");
});

const DIGEST_REF = /^127\.0\.0\.1:5000\/goship\/hello@sha256:[0-9a-f]{64}$/;

test("exports the image pinned by digest and the in-cluster URL", () => {
    const outputs = dev.outputs as { images: Record<string, string>; endpoints: Record<string, string> };
    assert.match(outputs.images.hello, DIGEST_REF);
    assert.equal(outputs.endpoints.hello, "http://hello.goship-dev.svc.cluster.local");
});

test("components carry goship type tokens and every child is parented to its component", () => {
    const service = one(dev.resources, "goship:index:GoService", "hello");
    assert.ok(service.urn.endsWith("::goship:index:GoService::hello"));
    assert.ok(one(dev.resources, "goship:index:GoImage", "hello").urn.includes("goship:index:GoService$goship:index:GoImage::"));
    assert.ok(one(dev.resources, "goship:index:GoDeployment", "hello").urn.includes("goship:index:GoService$goship:index:GoDeployment::"));
    for (const image of ofType(dev.resources, "docker-build:index:Image")) {
        assert.ok(image.urn.includes("goship:index:GoImage$docker-build:index:Image::"), image.urn);
    }
    for (const type of ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service", "kubernetes:core/v1:ServiceAccount"]) {
        for (const r of ofType(dev.resources, type)) {
            assert.ok(r.urn.includes(`goship:index:GoDeployment$${type}::hello-`), r.urn);
        }
    }
});

test("one Image per platform, each cross-compiled from a generated Dockerfile on the local base images", () => {
    const images = ofType(dev.resources, "docker-build:index:Image");
    assert.deepEqual(images.map((i) => i.name).sort(), ["hello-linux-amd64", "hello-linux-arm64"]);
    for (const image of images) {
        const slug = image.name.replace("hello-", "");
        assert.deepEqual(image.inputs.platforms, [slug.replace("-", "/")]);
        assert.equal(image.inputs.push, false, "pushed by the exporter below, not the push shorthand");
        assert.deepEqual(image.inputs.exports, [{ raw: "type=registry,rewrite-timestamp=true" }], "layer times clamped to SOURCE_DATE_EPOCH");
        assert.equal(image.inputs.context.location, "app", "context must be relative so every clone has the same inputs");
        assert.deepEqual(image.inputs.builder, { name: "goship" });
        const dockerfile: string = dockerfileOf(image.inputs);
        assert.match(dockerfile, /^FROM --platform=\$BUILDPLATFORM 127\.0\.0\.1:5000\/goship-base\/golang:1\.26 AS build$/m);
        assert.match(dockerfile, /^FROM scratch$/m);
        assert.match(dockerfile, /-o \/out\/hello \.\/cmd\/hello$/m);
        assert.match(dockerfile, /^EXPOSE 8080$/m);
        assert.doesNotMatch(dockerfile, /# syntax=/);
        const cacheRef = `127.0.0.1:5000/goship/hello:buildcache-${slug}`;
        assert.deepEqual(image.inputs.cacheFrom, [{ registry: { ref: cacheRef } }]);
        assert.deepEqual(image.inputs.cacheTo, [{ registry: { ref: cacheRef, mode: "max", imageManifest: true, ociMediaTypes: true } }]);
        assert.equal(image.inputs.registries, undefined, "the local registry is anonymous");
        assert.ok(image.inputs.buildArgs.VERSION.length > 0);
        assert.equal(image.inputs.buildArgs.VERSION, image.inputs.buildArgs.REVISION);
        assert.match(image.inputs.tags[0], new RegExp(`^127\\.0\\.0\\.1:5000/goship/hello:plat-[0-9a-f]{7,}(-dirty-[0-9a-f]{8})?-[0-9a-f]{8}-${slug}$`));
    }
});

test("pushed images and indexes are retained on delete: other stacks run them by digest", () => {
    for (const type of ["docker-build:index:Image", "docker-build:index:Index"]) {
        for (const r of ofType(dev.resources, type)) assert.equal(r.options.retainOnDelete, true, `${type} ${r.name}`);
    }
    assert.equal(one(dev.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").options.retainOnDelete, false);
});

test("the rollout timeout bounds pulumi up and the progress deadline alike", () => {
    const deployment = one(dev.resources, "kubernetes:apps/v1:Deployment", "hello-deployment");
    assert.deepEqual(deployment.options.customTimeouts, { create: "600s", update: "600s" });
});

test("an Index per tag joins the platform images: the release (revision and recipe) and the stack", () => {
    const indexes = ofType(dev.resources, "docker-build:index:Index");
    const tags = indexes.map((i) => i.inputs.tag as string).sort();
    assert.equal(indexes.length, 2);
    assert.ok(tags.includes("127.0.0.1:5000/goship/hello:stack-dev"));
    const releaseTag = tags.find((t) => !t.endsWith(":stack-dev"))!;
    assert.match(releaseTag, /^127\.0\.0\.1:5000\/goship\/hello:rel-[0-9a-f]{7,}(-dirty-[0-9a-f]{8})?-[0-9a-f]{8}$/);
    for (const index of indexes) {
        assert.equal(index.inputs.sources.length, 2);
        for (const source of index.inputs.sources) assert.match(source, DIGEST_REF);
    }
});

test("the Deployment runs the exported digest with three probes, limits and a restricted security context", () => {
    const deployment = one(dev.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs;
    const outputs = dev.outputs as { images: Record<string, string> };
    assert.equal(deployment.metadata.name, "hello");
    assert.equal(deployment.metadata.namespace, "goship-dev");
    assert.equal(deployment.metadata.labels["app.kubernetes.io/instance"], "hello");
    assert.equal(deployment.spec.replicas, 2);
    assert.deepEqual(deployment.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    assert.equal(deployment.spec.progressDeadlineSeconds, 600);
    assert.equal(deployment.spec.revisionHistoryLimit, 0, "no old ReplicaSet kept for a rollback to reuse (components/deploy/pod.ts)");
    // The provider waits for the whole rollout, not the first new pod (components/deploy/rollout-await.ts).
    assert.deepEqual(JSON.parse(deployment.metadata.annotations["pulumi.com/waitFor"]), [
        "jsonpath={.status.updatedReplicas}=2",
        "jsonpath={.status.availableReplicas}=2",
        "jsonpath={.status.replicas}=2",
        'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}=NewReplicaSetAvailable',
    ]);
    assert.deepEqual(deployment.spec.selector.matchLabels, { "app.kubernetes.io/name": "hello", "app.kubernetes.io/instance": "hello" });

    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    assert.equal(container.image, outputs.images.hello);
    assert.equal(container.imagePullPolicy, "Always");
    assert.deepEqual(container.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    assert.deepEqual(container.startupProbe.httpGet, { path: "/healthz", port: "http", scheme: "HTTP" });
    assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "http", scheme: "HTTP" });
    assert.deepEqual(container.readinessProbe.httpGet, { path: "/readyz", port: "http", scheme: "HTTP" });
    assert.deepEqual(container.resources, {
        requests: { cpu: "50m", memory: "32Mi", "ephemeral-storage": "16Mi" },
        limits: { cpu: "500m", memory: "128Mi", "ephemeral-storage": "64Mi" },
    });
    assert.deepEqual(container.securityContext, {
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    });
    assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } });
    assert.deepEqual(container.lifecycle, { preStop: { sleep: { seconds: 5 } } });
    assert.equal(pod.terminationGracePeriodSeconds, 30);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.serviceAccountName, "hello");
    assert.deepEqual(pod.nodeSelector, { "kubernetes.io/os": "linux" });
    assert.equal(pod.topologySpreadConstraints[0].topologyKey, "kubernetes.io/hostname");
    assert.ok(container.volumeMounts.some((m: { mountPath: string }) => m.mountPath === "/tmp"));
    assert.ok(pod.volumes.some((v: { name: string; emptyDir?: unknown }) => v.name === "tmp" && v.emptyDir));
});

test("timezone defaults to the configMap mode: the zone file mounted at /etc/localtime, plus TZ", () => {
    const deployment = one(dev.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs;
    const [container] = deployment.spec.template.spec.containers;
    assert.ok(container.env.some((e: { name: string; value: string }) => e.name === "TZ" && e.value === "Europe/Paris"));
    assert.deepEqual(
        container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === "/etc/localtime"),
        { name: "localtime", mountPath: "/etc/localtime", subPath: "localtime", readOnly: true },
    );
    const configMap = one(dev.resources, "kubernetes:core/v1:ConfigMap", "hello-tz").inputs;
    assert.equal(configMap.metadata.name, "hello-tz");
    assert.deepEqual(Buffer.from(configMap.binaryData.localtime, "base64"), zoneFile("Europe/Paris"));
    assert.match(deployment.spec.template.metadata.annotations["goship.dev/config-sha256"], /^[0-9a-f]{64}$/);
    assert.ok(!deployment.spec.template.spec.volumes.some((v: { hostPath?: unknown }) => v.hostPath), "no hostPath by default");
});

test("Service, PodDisruptionBudget, NetworkPolicy, ServiceAccount and the restricted namespace exist; no HPA", () => {
    const service = one(dev.resources, "kubernetes:core/v1:Service", "hello-service").inputs;
    assert.equal(service.spec.type, "ClusterIP");
    assert.deepEqual(service.spec.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    const pdb = one(dev.resources, "kubernetes:policy/v1:PodDisruptionBudget", "hello-pdb").inputs;
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.equal(pdb.spec.unhealthyPodEvictionPolicy, "AlwaysAllow");
    const netpol = one(dev.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "hello-netpol").inputs;
    assert.deepEqual(netpol.spec.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual(netpol.spec.ingress, [{ ports: [{ protocol: "TCP", port: 8080 }] }]);
    assert.ok(netpol.spec.egress[0].ports.some((p: { port: number }) => p.port === 53));
    assert.equal(one(dev.resources, "kubernetes:core/v1:ServiceAccount", "hello-sa").inputs.automountServiceAccountToken, false);
    const ns = one(dev.resources, "kubernetes:core/v1:Namespace", "namespace").inputs;
    assert.equal(ns.metadata.name, "goship-dev");
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.equal(ofType(dev.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0);
    assert.equal(ofType(dev.resources, "aws:ecr/repository:Repository").length, 0);
});

test("every Kubernetes object goes through the explicit provider built from the stack's kubeconfig", () => {
    const provider = one(dev.resources, "pulumi:providers:kubernetes", "kubernetes");
    assert.equal(provider.inputs.context, "goship");
    assert.equal(provider.inputs.namespace, "goship-dev");
    assert.match(secretValue(provider.inputs.kubeconfig) as string, /current-context: goship/);
    const k8sObjects = dev.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(k8sObjects.length >= 7);
    for (const r of k8sObjects) {
        assert.match(r.provider ?? "", /::pulumi:providers:kubernetes::kubernetes::/, `${r.type} ${r.name} uses ${r.provider}`);
    }
});

test("the Go runtime's budget: the memory limit from the downward API, GOMEMLIMIT 90% of it; GOMAXPROCS left to Go", () => {
    const [container] = one(dev.resources, "kubernetes:apps/v1:Deployment", "hello-deployment").inputs.spec.template.spec.containers;
    const env = container.env as { name: string; value?: string; valueFrom?: unknown }[];
    const names = env.map((e) => e.name);
    assert.deepEqual(env.find((e) => e.name === "GOSHIP_MEMORY_LIMIT_MIB")?.valueFrom, { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } });
    assert.equal(env.find((e) => e.name === "GOMEMLIMIT")?.value, "115MiB", "90% of 128Mi");
    assert.ok(names.indexOf("GOSHIP_MEMORY_LIMIT_MIB") < names.indexOf("GOMEMLIMIT"));
    assert.ok(!names.includes("GOMAXPROCS"));
    assert.equal(new Set(names).size, names.length, "no env var twice");
});
