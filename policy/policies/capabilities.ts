import { containersOf, label, podPolicy } from "../lib/pod-policy";
import { POLICY } from "../lib/names";

/** A Go server needs no Linux capability; NET_BIND_SERVICE is the one Pod Security tolerates. */
export const containerCapabilitiesDropped = podPolicy({
    name: POLICY.capabilitiesDropped,
    description: "Every Linux container drops ALL capabilities and adds none but NET_BIND_SERVICE.",
    linuxOnly: true,
    check: ({ spec, report }) => {
        for (const c of containersOf(spec)) {
            const caps = c.securityContext?.capabilities;
            if (!(caps?.drop ?? []).includes("ALL")) report(`${label(c)} keeps Linux capabilities; set securityContext.capabilities.drop: [ALL]`);
            const added = (caps?.add ?? []).filter((a) => a !== "NET_BIND_SERVICE");
            if (added.length > 0) report(`${label(c)} adds capabilities ${added.join(", ")}; remove them from securityContext.capabilities.add`);
        }
    },
});
