import { containersOf, label, podPolicy } from "../lib/pod-policy";
import { POLICY } from "../lib/names";

/** A writable root lets an intruder drop tools next to the binary; writes go to an emptyDir. */
export const containerReadOnlyRoot = podPolicy({
    name: POLICY.readOnlyRoot,
    description: "Every Linux container has a read-only root filesystem (Windows pods cannot have one).",
    linuxOnly: true,
    check: ({ spec, report }) => {
        for (const c of containersOf(spec)) {
            if (c.securityContext?.readOnlyRootFilesystem !== true) {
                report(`${label(c)} has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true (goship: readOnlyRootFilesystem, the default) and write to /tmp`);
            }
        }
    },
});
