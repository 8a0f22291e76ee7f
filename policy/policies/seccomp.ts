import { containersOf, label, podPolicy } from "../lib/pod-policy";
import { POLICY } from "../lib/names";

/** RuntimeDefault blocks the syscalls container escapes use; Unconfined is the node's whole kernel. */
export const podSeccompRuntimeDefault = podPolicy({
    name: POLICY.seccomp,
    description: "Every Linux container runs under seccomp RuntimeDefault, set on the pod or the container.",
    linuxOnly: true,
    check: ({ spec, report }) => {
        const podLevel = spec.securityContext?.seccompProfile?.type;
        for (const c of containersOf(spec)) {
            const type = c.securityContext?.seccompProfile?.type ?? podLevel;
            if (type !== "RuntimeDefault") {
                report(`${label(c)} runs with seccomp ${type ?? "unset (Unconfined on most runtimes)"}; set securityContext.seccompProfile.type: RuntimeDefault on the pod`);
            }
        }
    },
});
