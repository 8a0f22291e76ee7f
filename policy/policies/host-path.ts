import { containersOf, podPolicy } from "../lib/pod-policy";
import { POLICY } from "../lib/names";

/** The node's zone files, read-only: what goship's timezone hostPath mode mounts (README "Timezones"). */
const ALLOWED = new Set(["/etc/localtime", "/etc/timezone"]);

/** A hostPath volume reads (or writes) the node itself. */
export const noHostPath = podPolicy({
    name: POLICY.hostPath,
    description: "No hostPath volume except /etc/localtime and /etc/timezone, mounted read-only.",
    check: ({ spec, report }) => {
        for (const v of spec.volumes ?? []) {
            if (v.hostPath === undefined) continue;
            if (!ALLOWED.has(v.hostPath.path)) {
                report(`volume "${v.name}" mounts host path ${v.hostPath.path}; use a configMap, secret or emptyDir (only /etc/localtime and /etc/timezone may come from the node)`);
                continue;
            }
            for (const c of containersOf(spec)) {
                for (const m of c.volumeMounts ?? []) {
                    if (m.name === v.name && m.readOnly !== true) report(`container "${c.name}" mounts host path ${v.hostPath.path} writable at ${m.mountPath}; set readOnly: true`);
                }
            }
        }
    },
});
