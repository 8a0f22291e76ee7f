import { containersOf, label, podPolicy } from "../lib/pod-policy";
import { POLICY } from "../lib/names";

const REQUIRED = ["cpu", "memory"] as const;

/** Requests let the scheduler place the pod; limits keep one pod from starving its node. */
export const containerResources = podPolicy({
    name: POLICY.resources,
    description: "Every container sets cpu and memory requests and limits.",
    check: ({ spec, report }) => {
        for (const c of containersOf(spec)) {
            const missing = (["requests", "limits"] as const).flatMap((kind) =>
                REQUIRED.filter((r) => c.resources?.[kind]?.[r] === undefined).map((r) => `${kind}.${r}`),
            );
            if (missing.length > 0) report(`${label(c)} has no resources.${missing.join(", resources.")}; set them (goship: resources.{requests,limits}.{cpu,memory})`);
        }
    },
});
