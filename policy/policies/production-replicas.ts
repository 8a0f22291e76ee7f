import { StackValidationPolicy } from "@pulumi/policy";
import { deploymentReplicas } from "../lib/replicas";
import { POLICY, ProductionConfig } from "../lib/names";

export const PRODUCTION_MIN_REPLICAS = 2;

/** One pod is one node failure, one drain or one rollout hiccup away from an outage. */
export const productionMinReplicas: StackValidationPolicy = {
    name: POLICY.productionReplicas,
    description: `In a production stack (policy config production), every Deployment keeps at least ${PRODUCTION_MIN_REPLICAS} pods (replicas, or an HPA's minReplicas).`,
    configSchema: { properties: { production: { type: "boolean", default: false } } },
    validateStack: (args, report) => {
        if (args.getConfig<ProductionConfig>().production !== true) args.notApplicable("not a production stack (goship:policy.production)");
        for (const d of deploymentReplicas(args.resources)) {
            if (d.minimum < PRODUCTION_MIN_REPLICAS) {
                report(`${d.resource.name}: ${d.source}; a production stack runs at least ${PRODUCTION_MIN_REPLICAS} (set replicas or autoscaling.minReplicas)`, d.resource.urn);
            }
        }
    },
};
