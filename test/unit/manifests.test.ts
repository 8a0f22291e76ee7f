import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgument } from "../../components/arguments";
import { goMemLimitSchema, probesSchema, resourcesSchema } from "../../components/deploy/args";
import { isPinnedByDigest, parseImageReference } from "../../components/build/image-reference";
import { selectorLabels, standardLabels } from "../../components/deploy/labels";
import { renderDeploymentSpec, renderPodTemplate, PodOptions } from "../../components/deploy/pod";
import { namespaceSecurityLabels, renderHpaSpec, renderNetworkPolicySpec, renderPdbSpec } from "../../components/deploy/policies";
import { renderProbes } from "../../components/deploy/probes";
import { parseQuantity } from "../../components/deploy/quantity";
import { renderEcrLifecyclePolicy } from "../../components/publish/registry";
import { planTimezone } from "../../components/deploy/timezone";
import { windowsBuildOf } from "../../components/deploy/windows";
import { isKnownZone, zoneFile, zoneNames } from "../../components/deploy/zoneinfo";

const probes = parseArgument(probesSchema, undefined, "probes");
const resources = parseArgument(resourcesSchema, undefined, "resources");

function podOptions(over: Partial<PodOptions> = {}): PodOptions {
    return {
        name: "hello",
        image: "r/hello@sha256:" + "a".repeat(64),
        port: 8080,
        os: "linux",
        env: { B: "2", A: "1" },
        resources,
        probes,
        timezone: planTimezone({ zone: "Asia/Tokyo", os: "linux", configMapName: "hello-tz" }),
        serviceAccountName: "hello",
        selectorLabels: selectorLabels("hello"),
        labels: standardLabels("hello", { partOf: "goship", version: "abc123" }),
        annotations: {},
        terminationGracePeriodSeconds: 30,
        preStopSleepSeconds: 5,
        readOnlyRootFilesystem: true,
        goMemLimit: parseArgument(goMemLimitSchema, undefined, "goMemLimit"),
        ...over,
    };
}

test("quantities parse to base units", () => {
    assert.equal(parseQuantity("250m"), 0.25);
    assert.equal(parseQuantity("2"), 2);
    assert.equal(parseQuantity("128Mi"), 128 * 2 ** 20);
    assert.equal(parseQuantity("1G"), 1e9);
    assert.ok(parseQuantity("1Gi") > parseQuantity("1000Mi"));
    assert.throws(() => parseQuantity("1 GB"), /not a Kubernetes quantity/);
});

test("image references: tags, digests and registries with ports", () => {
    assert.deepEqual(parseImageReference("127.0.0.1:5000/goship/hello:abc"), { name: "127.0.0.1:5000/goship/hello", tag: "abc", digest: undefined });
    const pinned = "golang:1.26@sha256:" + "f".repeat(64);
    assert.deepEqual(parseImageReference(pinned), { name: "golang", tag: "1.26", digest: "sha256:" + "f".repeat(64) });
    assert.ok(isPinnedByDigest(pinned));
    assert.ok(!isPinnedByDigest("golang:1.26"));
    assert.equal(parseImageReference("team/Hello"), undefined);
    assert.equal(parseImageReference("a@sha256:short"), undefined);
});

test("zoneinfo: the vendored database has the IANA zones as TZif files", () => {
    assert.ok(zoneNames().length > 500);
    assert.ok(isKnownZone("Europe/Paris") && isKnownZone("UTC") && isKnownZone("America/Argentina/Buenos_Aires"));
    assert.ok(!isKnownZone("Europe/Atlantis"));
    assert.equal(zoneFile("Asia/Tokyo").subarray(0, 4).toString("latin1"), "TZif");
    assert.throws(() => zoneFile("Nowhere"), /unknown time zone "Nowhere"/);
});

test("labels: selectors use name and instance only; version never enters them", () => {
    assert.deepEqual(selectorLabels("hello"), { "app.kubernetes.io/name": "hello", "app.kubernetes.io/instance": "hello" });
    const labels = standardLabels("hello", { partOf: "goship", version: "abc123-dirty" });
    assert.equal(labels["app.kubernetes.io/version"], "abc123-dirty");
    assert.equal(labels["app.kubernetes.io/managed-by"], "pulumi");
    assert.equal(standardLabels("hello", { partOf: "goship", version: "not a label value!" })["app.kubernetes.io/version"], undefined);
});

test("probes: http by default with distinct liveness and readiness paths on the named port", () => {
    const p = renderProbes(probes, 8080);
    assert.deepEqual(p.livenessProbe.httpGet, { path: "/healthz", port: "http", scheme: "HTTP" });
    assert.deepEqual(p.readinessProbe.httpGet, { path: "/readyz", port: "http", scheme: "HTTP" });
    assert.deepEqual(p.startupProbe.httpGet, { path: "/healthz", port: "http", scheme: "HTTP" });
    assert.equal(p.startupProbe.failureThreshold, 30);
    assert.equal(p.livenessProbe.periodSeconds, 10);
});

test("timezone modes: configMap, embedded and hostPath", () => {
    const cm = planTimezone({ zone: "Asia/Tokyo", os: "linux", configMapName: "hello-tz" });
    assert.equal(cm.mode, "configMap");
    assert.deepEqual(cm.env, [{ name: "TZ", value: "Asia/Tokyo" }]);
    assert.deepEqual(cm.volumes[0].configMap, { name: "hello-tz", items: [{ key: "localtime", path: "localtime" }] });
    assert.deepEqual(Buffer.from(cm.configMapData!.localtime, "base64"), zoneFile("Asia/Tokyo"));

    const embedded = planTimezone({ zone: "Asia/Tokyo", mode: "embedded", os: "linux", configMapName: "x" });
    assert.deepEqual(embedded, { mode: "embedded", env: [{ name: "TZ", value: "Asia/Tokyo" }], volumes: [], volumeMounts: [] });

    const host = planTimezone({ zone: "UTC", mode: "hostPath", os: "linux", configMapName: "x" });
    assert.deepEqual(host.env, [], "hostPath follows the node, so no TZ");
    assert.deepEqual(host.volumes.map((v) => v.hostPath), [
        { path: "/etc/localtime", type: "File" },
        { path: "/etc/timezone", type: "File" },
    ]);
    assert.ok(host.volumeMounts.every((m) => m.readOnly === true));

    assert.equal(planTimezone({ zone: "UTC", os: "windows", configMapName: "x" }).mode, "embedded");
    assert.throws(() => planTimezone({ zone: "UTC", mode: "hostPath", os: "windows", configMapName: "x" }), /^Error: timezone\.mode: hostPath .* use mode embedded/);
});

test("pod template: env sorted after goship's own, /tmp emptyDir, digest image, spread and anti-affinity", () => {
    const t = renderPodTemplate(podOptions());
    const spec = t.spec as unknown as { containers: { env: { name: string }[]; image: string }[]; volumes: { name: string }[]; topologySpreadConstraints: unknown[]; affinity: unknown };
    assert.deepEqual(spec.containers[0].env.map((e) => e.name), ["SERVICE_NAME", "PORT", "TZ", "GOSHIP_MEMORY_LIMIT_MIB", "GOMEMLIMIT", "A", "B"]);
    assert.deepEqual(spec.volumes.map((v) => v.name).sort(), ["localtime", "tmp"]);
    assert.match(spec.containers[0].image, /@sha256:/);
    assert.equal(spec.topologySpreadConstraints.length, 1);
    assert.ok(spec.affinity);
});

test("pod template for Windows: Windows selectors and toleration, none of the Linux-only security fields", () => {
    const t = renderPodTemplate(
        podOptions({ os: "windows", windowsBuild: "10.0.20348", timezone: planTimezone({ zone: "UTC", os: "windows", configMapName: "x" }) }),
    );
    const spec = t.spec as unknown as Record<string, unknown> & { containers: { securityContext: Record<string, unknown> }[]; volumes: unknown[] };
    assert.deepEqual(spec.os, { name: "windows" });
    assert.deepEqual(spec.nodeSelector, { "kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348" });
    assert.deepEqual(spec.tolerations, [{ key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" }]);
    assert.deepEqual(spec.securityContext, { runAsNonRoot: true, windowsOptions: { runAsUserName: "ContainerUser" } });
    const container = spec.containers[0].securityContext;
    for (const field of ["readOnlyRootFilesystem", "runAsUser", "runAsGroup", "seccompProfile", "capabilities", "allowPrivilegeEscalation"]) {
        assert.equal(container[field], undefined, `Windows rejects ${field}`);
    }
    assert.deepEqual(spec.volumes, [], "no /tmp emptyDir or zone file on Windows");
});

test("deployment spec: surge one, never unavailable; replicas omitted when an HPA owns them", () => {
    const template = renderPodTemplate(podOptions());
    const withReplicas = renderDeploymentSpec({ selectorLabels: selectorLabels("hello"), replicas: 3, progressDeadlineSeconds: 300, template });
    assert.equal(withReplicas.replicas, 3);
    assert.deepEqual(withReplicas.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    assert.equal(withReplicas.progressDeadlineSeconds, 300);
    assert.equal(renderDeploymentSpec({ selectorLabels: selectorLabels("hello"), progressDeadlineSeconds: 300, template }).replicas, undefined);
});

test("PDB, HPA, NetworkPolicy and namespace labels", () => {
    assert.deepEqual(renderPdbSpec(selectorLabels("a")), { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: selectorLabels("a") } });
    const hpa = renderHpaSpec({ deploymentName: "a", minReplicas: 2, maxReplicas: 5, targetCpuUtilization: 70 });
    assert.deepEqual(hpa.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "a" });
    const np = renderNetworkPolicySpec({ name: "a", port: 8080, egressCidrs: ["10.0.0.0/8"] });
    assert.deepEqual(np.podSelector, { matchLabels: { "app.kubernetes.io/instance": "a" } });
    assert.equal((np.egress as unknown[]).length, 2);
    assert.equal(namespaceSecurityLabels(false)["pod-security.kubernetes.io/enforce"], "restricted");
    assert.equal(namespaceSecurityLabels(true)["pod-security.kubernetes.io/enforce"], "privileged");
    assert.equal(namespaceSecurityLabels(true)["pod-security.kubernetes.io/warn"], "restricted");
});

test("ECR lifecycle policy: keep the last N releases, expire untagged (rules and a simulation: test/unit/tags.test.ts)", () => {
    const policy = JSON.parse(renderEcrLifecyclePolicy({ untaggedExpiryDays: 7, keepLastImages: 30 }));
    assert.deepEqual(policy.rules[2].selection, { tagStatus: "tagged", tagPatternList: ["rel-*"], countType: "imageCountMoreThan", countNumber: 30 });
    assert.deepEqual(policy.rules[3].selection, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 });
    assert.ok(policy.rules.every((r: { action: { type: string } }) => r.action.type === "expire"));
});

test("Windows build of a base image comes from its LTSC tag", () => {
    assert.equal(windowsBuildOf("mcr.microsoft.com/windows/nanoserver:ltsc2022"), "10.0.20348");
    assert.equal(windowsBuildOf("mcr.microsoft.com/windows/nanoserver:ltsc2019@sha256:" + "0".repeat(64)), "10.0.17763");
    assert.throws(() => windowsBuildOf("mirror.example/nanoserver@sha256:" + "0".repeat(64)), /^Error: base\.windows: cannot tell the Windows build/);
});
