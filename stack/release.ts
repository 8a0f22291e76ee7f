import { z } from "zod";
import { supplyChainRecordSchema } from "../components/supply-chain/record";

/**
 * The release record: what a stack exports per service (`releases.<service>`), and what
 * the next stack promotes. Everything in it is a fact about the deployed bytes; nothing
 * changes between two `up`s of the same release (no timestamps, no random values), so
 * outputs never churn.
 *
 * It is the gate, by construction: the program derives the record from the Deployment's
 * outputs, which exist only once the rollout succeeded (the kubernetes provider awaits
 * the Deployment Available). A failed `up` never registers new stack outputs, so the
 * engine keeps the last successful release, and a broken release is never promotable.
 */

export const releaseSchema = z.object({
    /** `repo@sha256:…`: exactly what this stack's pods run (in the registry they pull from). */
    ref: z.string(),
    /** `sha256:…` of the image index: the same in every stack the release reaches. */
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    /** Platforms of the index, e.g. linux/amd64. */
    platforms: z.array(z.string()),
    /** Source revision the image was built from ("unknown" when the build had none). */
    revision: z.string(),
    /** How this stack got the image. */
    origin: z.enum(["built", "promoted", "pinned"]),
    /** The stack it was promoted from (org/project/stack), when promoted. */
    fromStack: z.string().optional(),
    /** The namespace/name of the Deployment whose rollout this record attests. */
    deployment: z.string(),
    /** What the image carries, verified with this stack's key: signature, SBOM and provenance per platform, the vulnerability verdict under this stack's policy (goship:supplyChain). */
    supplyChain: supplyChainRecordSchema.optional(),
    /** The release this stack ran before this one (one step of history, for rollback). */
    previous: z
        .object({ ref: z.string(), digest: z.string(), revision: z.string() })
        .optional(),
});

export type Release = z.output<typeof releaseSchema>;
export type PreviousRelease = NonNullable<Release["previous"]>;

/**
 * The `previous` of a new release: the old release when the digest moved, else the old
 * one's own previous (so repeated `up`s of the same release keep the same record).
 */
export function previousRelease(old: Release | undefined, newDigest: string): PreviousRelease | undefined {
    if (!old) return undefined;
    if (old.digest !== newDigest) return { ref: old.ref, digest: old.digest, revision: old.revision };
    return old.previous;
}

/** The releases a stack's outputs hold, by service; invalid entries are left out. */
export function releasesOf(outputs: Record<string, unknown> | undefined): Record<string, Release> {
    const releases = outputs?.releases;
    if (releases === null || typeof releases !== "object") return {};
    const out: Record<string, Release> = {};
    for (const [name, value] of Object.entries(releases)) {
        const parsed = releaseSchema.safeParse(value);
        if (parsed.success) out[name] = parsed.data;
    }
    return out;
}
