import { label, podPolicy } from "../lib/pod-policy";
import { POLICY } from "../lib/names";

const PROBES = ["startupProbe", "livenessProbe", "readinessProbe"] as const;

/** Without them Kubernetes routes traffic to, and never restarts, a pod that does not serve. */
export const containerProbes = podPolicy({
    name: POLICY.probes,
    description: "Every (non-init) container has startup, liveness and readiness probes.",
    check: ({ spec, report }) => {
        // Init containers run to completion: probes do not apply to them.
        for (const c of spec.containers ?? []) {
            const missing = PROBES.filter((p) => c[p] === undefined);
            if (missing.length > 0) report(`${label(c)} has no ${missing.join(", ")}; set them (goship: probes)`);
        }
    },
});
