import { containersOf, label, podPolicy } from "../lib/pod-policy";
import { isWindows, SecurityContext } from "../lib/workloads";
import { POLICY } from "../lib/names";

/** A container's effective setting: its own, else the pod's. */
function runsAsNonRoot(pod: SecurityContext | undefined, c: SecurityContext | undefined, windows: boolean): boolean {
    if (windows) {
        const user = c?.windowsOptions?.runAsUserName ?? pod?.windowsOptions?.runAsUserName;
        return (c?.runAsNonRoot ?? pod?.runAsNonRoot) === true || user === "ContainerUser";
    }
    const uid = c?.runAsUser ?? pod?.runAsUser;
    return (c?.runAsNonRoot ?? pod?.runAsNonRoot) === true && uid !== 0;
}

/** Root in a container is root on the node's kernel, one escape away. */
export const podRunsAsNonRoot = podPolicy({
    name: POLICY.nonRoot,
    description: "Every container runs as non-root: runAsNonRoot (pod or container) and no uid 0; Windows: ContainerUser.",
    check: ({ spec, report }) => {
        for (const c of containersOf(spec)) {
            if (!runsAsNonRoot(spec.securityContext, c.securityContext, isWindows(spec))) {
                report(`${label(c)} may run as root; set securityContext.runAsNonRoot: true with a non-zero runAsUser (goship does: uid 65532)`);
            }
        }
    },
});
