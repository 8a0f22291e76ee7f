import { containersOf, label, podPolicy } from "../lib/pod-policy";
import { POLICY } from "../lib/names";

/** setuid binaries and privileged mode give back what non-root took away. */
export const containerNoPrivilegeEscalation = podPolicy({
    name: POLICY.noPrivilegeEscalation,
    description: "Every Linux container sets allowPrivilegeEscalation: false and is not privileged.",
    linuxOnly: true,
    check: ({ spec, report }) => {
        for (const c of containersOf(spec)) {
            if (c.securityContext?.allowPrivilegeEscalation !== false) report(`${label(c)} allows privilege escalation; set securityContext.allowPrivilegeEscalation: false`);
            if (c.securityContext?.privileged === true) report(`${label(c)} is privileged; remove securityContext.privileged`);
        }
    },
});
