import { test } from "node:test";
import * as assert from "node:assert/strict";
import { containerProbes } from "../policies/probes";
import { containerResources } from "../policies/resources";
import { runResource } from "./harness";
import { asDeployment, deployment } from "./fixtures";

test("container-resources: requests and limits pass; a missing limit or request fails, named", async () => {
    assert.deepEqual((await runResource(containerResources, asDeployment(deployment()))).violations, []);
    const d = deployment();
    delete d.spec.template.spec.containers[0].resources.limits.memory;
    delete d.spec.template.spec.containers[0].resources.requests.cpu;
    const { violations } = await runResource(containerResources, asDeployment(d));
    assert.deepEqual(violations, ['hello: container "hello" has no resources.requests.cpu, resources.limits.memory; set them (goship: resources.{requests,limits}.{cpu,memory})']);
});

test("container-probes: three probes pass; each missing one is named", async () => {
    assert.deepEqual((await runResource(containerProbes, asDeployment(deployment()))).violations, []);
    const d = deployment();
    delete d.spec.template.spec.containers[0].startupProbe;
    delete d.spec.template.spec.containers[0].readinessProbe;
    assert.match((await runResource(containerProbes, asDeployment(d))).violations[0], /no startupProbe, readinessProbe/);
    // Init containers run to completion: no probes asked of them.
    const i = deployment();
    i.spec.template.spec.initContainers = [{ name: "init", image: "x" }];
    assert.deepEqual((await runResource(containerProbes, asDeployment(i))).violations, []);
});
