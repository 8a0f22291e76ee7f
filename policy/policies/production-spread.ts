import { podPolicy } from "../lib/pod-policy";
import { POLICY, ProductionConfig } from "../lib/names";

/** Replicas on one node fail together; the constraint spreads them across nodes. */
export const productionTopologySpread = podPolicy({
    name: POLICY.productionSpread,
    description: "In a production stack (policy config production), every pod template has topology spread constraints.",
    configSchema: { properties: { production: { type: "boolean", default: false } } },
    check: ({ spec, report, args }) => {
        if (args.getConfig<ProductionConfig>().production !== true) args.notApplicable("not a production stack (goship:policy.production)");
        if ((spec.topologySpreadConstraints ?? []).length === 0) report("no topologySpreadConstraints; spread the pods across nodes (goship sets one on kubernetes.io/hostname)");
    },
});
