import { StackValidationPolicy } from "@pulumi/policy";
import { deploymentReplicas } from "../lib/replicas";
import { PDB, PodDisruptionBudget, selects } from "../lib/workloads";
import { POLICY } from "../lib/names";

/** With more than one pod, a node drain must leave some serving: a PDB says how many may go. */
export const pdbForReplicatedDeployment: StackValidationPolicy = {
    name: POLICY.pdb,
    description: "A Deployment with more than one pod (replicas, or an HPA's minReplicas) has a PodDisruptionBudget selecting its pods.",
    validateStack: ({ resources }, report) => {
        const pdbs = resources.filter((r) => r.type === PDB).map((r) => r.props as PodDisruptionBudget);
        for (const d of deploymentReplicas(resources)) {
            if (d.minimum <= 1) continue;
            const meta = d.deployment.metadata ?? {};
            const podLabels = d.deployment.spec?.template?.metadata?.labels;
            const covered = pdbs.some((p) => (p.metadata?.namespace ?? "") === (meta.namespace ?? "") && selects(p.spec?.selector?.matchLabels, podLabels));
            if (!covered) {
                report(`${d.resource.name}: ${d.source} but no PodDisruptionBudget in its namespace selects its pods; add one (goship creates it with more than one replica)`, d.resource.urn);
            }
        }
    },
};
