import { test } from "node:test";
import * as assert from "node:assert/strict";
import { containerCapabilitiesDropped } from "../policies/capabilities";
import { noHostPath } from "../policies/host-path";
import { containerNoPrivilegeEscalation } from "../policies/no-privilege-escalation";
import { podRunsAsNonRoot } from "../policies/non-root";
import { containerReadOnlyRoot } from "../policies/read-only-root";
import { podSeccompRuntimeDefault } from "../policies/seccomp";
import { runResource } from "./harness";
import { asDeployment, deployment, windowsDeployment } from "./fixtures";

const linuxOnly = [containerReadOnlyRoot, containerNoPrivilegeEscalation, containerCapabilitiesDropped, podSeccompRuntimeDefault];

test("goship's Linux pod passes every security policy; its Windows pod too (Linux-only ones not applicable)", async () => {
    for (const p of [podRunsAsNonRoot, noHostPath, ...linuxOnly]) {
        assert.deepEqual((await runResource(p, asDeployment(deployment()))).violations, [], p.name);
        const w = await runResource(p, asDeployment(windowsDeployment()));
        assert.deepEqual(w.violations, [], p.name);
        if (linuxOnly.includes(p)) assert.match(w.notApplicable ?? "", /Windows pod/, p.name);
    }
});

test("pod-runs-as-non-root: no runAsNonRoot, or uid 0, fails; Windows without ContainerUser fails", async () => {
    const d = deployment();
    delete d.spec.template.spec.securityContext.runAsNonRoot;
    delete d.spec.template.spec.containers[0].securityContext.runAsNonRoot;
    assert.match((await runResource(podRunsAsNonRoot, asDeployment(d))).violations[0], /may run as root/);
    const zero = deployment();
    zero.spec.template.spec.containers[0].securityContext.runAsUser = 0;
    assert.equal((await runResource(podRunsAsNonRoot, asDeployment(zero))).violations.length, 1);
    const w = windowsDeployment();
    w.spec.template.spec.securityContext = {};
    w.spec.template.spec.containers[0].securityContext = { windowsOptions: { runAsUserName: "ContainerAdministrator" } };
    assert.equal((await runResource(podRunsAsNonRoot, asDeployment(w))).violations.length, 1);
});

test("container-read-only-root-filesystem: a writable root fails", async () => {
    const d = deployment();
    d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    assert.match((await runResource(containerReadOnlyRoot, asDeployment(d))).violations[0], /writable root filesystem/);
});

test("container-no-privilege-escalation: escalation allowed (or unset) and privileged fail", async () => {
    const d = deployment();
    delete d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation;
    d.spec.template.spec.containers[0].securityContext.privileged = true;
    assert.deepEqual((await runResource(containerNoPrivilegeEscalation, asDeployment(d))).violations.map((v) => v.split(";")[0]), [
        'hello: container "hello" allows privilege escalation',
        'hello: container "hello" is privileged',
    ]);
});

test("container-capabilities-dropped: no drop ALL fails, an added capability fails, NET_BIND_SERVICE passes", async () => {
    const d = deployment();
    d.spec.template.spec.containers[0].securityContext.capabilities = { drop: ["NET_RAW"], add: ["SYS_ADMIN"] };
    assert.equal((await runResource(containerCapabilitiesDropped, asDeployment(d))).violations.length, 2);
    const n = deployment();
    n.spec.template.spec.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] };
    assert.deepEqual((await runResource(containerCapabilitiesDropped, asDeployment(n))).violations, []);
});

test("pod-seccomp-runtime-default: pod level or container level passes; none or Unconfined fails", async () => {
    const podOnly = deployment();
    delete podOnly.spec.template.spec.containers[0].securityContext.seccompProfile;
    assert.deepEqual((await runResource(podSeccompRuntimeDefault, asDeployment(podOnly))).violations, []);
    const containerOnly = deployment();
    delete containerOnly.spec.template.spec.securityContext.seccompProfile;
    assert.deepEqual((await runResource(podSeccompRuntimeDefault, asDeployment(containerOnly))).violations, []);
    const none = deployment();
    delete none.spec.template.spec.securityContext.seccompProfile;
    delete none.spec.template.spec.containers[0].securityContext.seccompProfile;
    assert.match((await runResource(podSeccompRuntimeDefault, asDeployment(none))).violations[0], /seccomp unset/);
    const unconfined = deployment();
    unconfined.spec.template.spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" };
    assert.match((await runResource(podSeccompRuntimeDefault, asDeployment(unconfined))).violations[0], /seccomp Unconfined/);
});

function withHostPath(path: string, readOnly: boolean) {
    const d = deployment();
    d.spec.template.spec.volumes.push({ name: "host", hostPath: { path, type: "File" } });
    d.spec.template.spec.containers[0].volumeMounts.push({ name: "host", mountPath: path, readOnly });
    return asDeployment(d);
}

test("no-host-path: read-only /etc/localtime and /etc/timezone pass; another path, or writable, fails", async () => {
    assert.deepEqual((await runResource(noHostPath, withHostPath("/etc/localtime", true))).violations, []);
    assert.deepEqual((await runResource(noHostPath, withHostPath("/etc/timezone", true))).violations, []);
    assert.match((await runResource(noHostPath, withHostPath("/var/run/docker.sock", true))).violations[0], /mounts host path \/var\/run\/docker\.sock/);
    assert.match((await runResource(noHostPath, withHostPath("/etc/localtime", false))).violations[0], /writable at \/etc\/localtime; set readOnly: true/);
});
