import { test } from "node:test";
import * as assert from "node:assert/strict";
import { pdbForReplicatedDeployment } from "../policies/pdb";
import { productionMinReplicas } from "../policies/production-replicas";
import { productionTopologySpread } from "../policies/production-spread";
import { runResource, runStack } from "./harness";
import { asDeployment, deployment, hpa, pdb } from "./fixtures";

test("pdb-for-replicated-deployment: 2 replicas with a matching PDB pass; without one, or a PDB selecting other pods, fail", async () => {
    assert.deepEqual((await runStack(pdbForReplicatedDeployment, [asDeployment(deployment(2)), pdb()])).violations, []);
    assert.match((await runStack(pdbForReplicatedDeployment, [asDeployment(deployment(2))])).violations[0], /spec\.replicas 2 but no PodDisruptionBudget/);
    const other = await runStack(pdbForReplicatedDeployment, [asDeployment(deployment(2)), pdb({ "app.kubernetes.io/name": "other" })]);
    assert.equal(other.violations.length, 1);
    // One pod: nothing to keep available during a drain.
    assert.deepEqual((await runStack(pdbForReplicatedDeployment, [asDeployment(deployment(1))])).violations, []);
});

test("pdb-for-replicated-deployment: an HPA-managed Deployment (replicas omitted) counts the HPA's minReplicas", async () => {
    assert.match((await runStack(pdbForReplicatedDeployment, [asDeployment(deployment(null)), hpa(3)])).violations[0], /minReplicas 3 but no PodDisruptionBudget/);
    assert.deepEqual((await runStack(pdbForReplicatedDeployment, [asDeployment(deployment(null)), hpa(3), pdb()])).violations, []);
    assert.deepEqual((await runStack(pdbForReplicatedDeployment, [asDeployment(deployment(null)), hpa(1)])).violations, []);
});

test("production-min-replicas: in production 2 pass, 1 fails, an HPA's minReplicas counts; elsewhere not applicable", async () => {
    const production = { production: true };
    assert.deepEqual((await runStack(productionMinReplicas, [asDeployment(deployment(2))], production)).violations, []);
    assert.match((await runStack(productionMinReplicas, [asDeployment(deployment(1))], production)).violations[0], /spec\.replicas 1; a production stack runs at least 2/);
    assert.match((await runStack(productionMinReplicas, [asDeployment(deployment(null)), hpa(1)], production)).violations[0], /minReplicas 1/);
    assert.deepEqual((await runStack(productionMinReplicas, [asDeployment(deployment(null)), hpa(2)], production)).violations, []);
    const dev = await runStack(productionMinReplicas, [asDeployment(deployment(1))], { production: false });
    assert.deepEqual(dev, { violations: [], notApplicable: "not a production stack (goship:policy.production)" });
});

test("production-topology-spread: in production a constraint passes, none fails; elsewhere not applicable", async () => {
    assert.deepEqual((await runResource(productionTopologySpread, asDeployment(deployment()), { production: true })).violations, []);
    const d = deployment();
    delete d.spec.template.spec.topologySpreadConstraints;
    assert.match((await runResource(productionTopologySpread, asDeployment(d), { production: true })).violations[0], /no topologySpreadConstraints/);
    assert.ok((await runResource(productionTopologySpread, asDeployment(d), {})).notApplicable);
});
