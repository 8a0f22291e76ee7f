/**
 * What the registry says about an image's supply chain, read back and verified with the
 * stack's public key: the cosign signature of the index, and per platform the signed SBOM and
 * provenance attestations; the vulnerability verdict. This is what the release record carries
 * (stack/release.ts), in the same form whether the stack built the image or promoted it.
 */
import { KeyObject } from "crypto";
import { z } from "zod";
import { RepositoryReader, descriptorsOf, platformOfDescriptor } from "../publish/registry-api";
import { cosignTag, DSSE_TYPE, keyId, openEnvelope, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_TYPE, simpleSigningProblem, Statement } from "./cosign-format";
import { predicateDigest, SLSA_PROVENANCE_V1 } from "./provenance";

export const CYCLONEDX_PREDICATE = "https://cyclonedx.org/bom";

export const supplyChainRecordSchema = z.object({
    /** Whether the index carries a cosign signature that verifies with the stack's key, and that key's ID. */
    signature: z.object({ signed: z.boolean(), keyId: z.string().optional() }),
    /** Per platform: its manifest digest, and the digests of its signed SBOM and provenance predicates. */
    platforms: z.record(
        z.string(),
        z.object({ digest: z.string(), sbom: z.string().optional(), sbomComponents: z.number().optional(), provenance: z.string().optional() }),
    ),
    /** The vulnerability gate's result for this stack (its database and policy), when it has one. */
    vulnerabilities: z
        .object({
            result: z.enum(["pass", "report", "fail"]),
            database: z.string(),
            findings: z.array(z.string()),
            allowed: z.array(z.string()),
        })
        .optional(),
});
export type SupplyChainRecord = z.output<typeof supplyChainRecordSchema>;
export type PlatformRecord = SupplyChainRecord["platforms"][string];

/** The signed statements of `digest` whose signatures verify with `key`, by predicate type. */
export async function readAttestations(reader: RepositoryReader, digest: string, key: KeyObject): Promise<Statement[]> {
    const manifest = await reader.manifest(cosignTag(digest, "att"));
    if (!manifest) return [];
    const out: Statement[] = [];
    for (const layer of descriptorsOf(manifest.body, "layers")) {
        if (layer.mediaType !== DSSE_TYPE) continue;
        try {
            const statement = openEnvelope(await reader.blob(layer, `attestation ${layer.digest}`), key);
            if (statement.subject.some((s) => `sha256:${s.digest.sha256}` === digest)) out.push(statement);
        } catch {
            // Not signed by this key (or not ours): it does not count.
        }
    }
    return out;
}

/** Why `digest` carries no cosign signature verifying with `key`, or undefined when it does. */
export async function signatureProblem(reader: RepositoryReader, digest: string, key: KeyObject): Promise<string | undefined> {
    const tag = cosignTag(digest, "sig");
    const manifest = await reader.manifest(tag);
    if (!manifest) return `it has no cosign signature (no ${tag} in ${reader.host}/${reader.repository})`;
    const problems: string[] = [];
    for (const layer of descriptorsOf(manifest.body, "layers")) {
        const sig = layer.annotations?.[SIGNATURE_ANNOTATION];
        if (layer.mediaType !== SIMPLE_SIGNING_TYPE || typeof sig !== "string") continue;
        const problem = simpleSigningProblem(await reader.blob(layer, `signature ${layer.digest}`), sig, key, digest);
        if (problem === undefined) return undefined;
        problems.push(problem);
    }
    return `none of its ${problems.length} cosign signature${problems.length === 1 ? "" : "s"} verifies with key ${keyId(key)} (${problems.join("; ") || "no signature layer"})`;
}

/** The image's platform manifests (digest by platform) from its index. */
export async function platformDigests(reader: RepositoryReader, indexDigest: string): Promise<Record<string, string>> {
    const index = await reader.manifest(indexDigest);
    if (!index) throw new Error(`${reader.host}/${reader.repository}@${indexDigest} is not in the registry`);
    const out: Record<string, string> = {};
    for (const d of descriptorsOf(index.body, "manifests")) {
        const platform = platformOfDescriptor(d);
        if (platform) out[platform] = d.digest;
    }
    return out;
}

/** Reads the signature and the attestations of an index and its platforms, verified with `key`. */
export async function readSupplyChain(reader: RepositoryReader, indexDigest: string, key: KeyObject): Promise<SupplyChainRecord> {
    const problem = await signatureProblem(reader, indexDigest, key);
    const record: SupplyChainRecord = { signature: problem === undefined ? { signed: true, keyId: keyId(key) } : { signed: false }, platforms: {} };
    for (const [platform, digest] of Object.entries(await platformDigests(reader, indexDigest))) {
        const entry: PlatformRecord = { digest };
        for (const statement of await readAttestations(reader, digest, key)) {
            if (statement.predicateType === CYCLONEDX_PREDICATE && entry.sbom === undefined) {
                entry.sbom = predicateDigest(statement);
                const components = (statement.predicate as { components?: unknown[] }).components;
                entry.sbomComponents = Array.isArray(components) ? components.length : 0;
            }
            if (statement.predicateType === SLSA_PROVENANCE_V1 && entry.provenance === undefined) entry.provenance = predicateDigest(statement);
        }
        record.platforms[platform] = entry;
    }
    return record;
}
