import { containersOf, label, podPolicy } from "../lib/pod-policy";
import { parseImage } from "../lib/images";
import { POLICY } from "../lib/names";

/** `latest` (written or implied by a bare name) says nothing about which bytes run. */
export const imageNoLatestTag = podPolicy({
    name: POLICY.imageNoLatest,
    description: "No container image uses the latest tag, written or implied (no tag and no digest).",
    check: ({ spec, report }) => {
        for (const c of containersOf(spec)) {
            const ref = parseImage(c.image ?? "");
            if (ref.tag === "latest" || (ref.tag === undefined && ref.digest === undefined)) {
                report(`${label(c)} image "${c.image ?? ""}" uses the latest tag; pin it by digest (repo@sha256:…)`);
            }
        }
    },
});
