import { containersOf, label, podPolicy } from "../lib/pod-policy";
import { isDigest, parseImage } from "../lib/images";
import { POLICY } from "../lib/names";

/** A tag can be moved; only a digest names the bytes that were tested upstream. */
export const imagePinnedByDigest = podPolicy({
    name: POLICY.imageDigest,
    description: "Every container image is pinned by digest: repo@sha256:<64 hex>.",
    check: ({ spec, report }) => {
        for (const c of containersOf(spec)) {
            const image = c.image ?? "";
            if (!isDigest(parseImage(image).digest)) {
                report(`${label(c)} image "${image}" is not pinned by digest; use repo@sha256:<64 hex> (goship deploys the built or promoted index digest)`);
            }
        }
    },
});
