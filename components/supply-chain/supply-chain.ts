/**
 * The supply-chain steps around an image, for the stack that builds it and for a stack that
 * promotes it:
 *
 * - built: each platform's binary is scanned before the release index is pushed (a `fail`
 *   policy stops it there); once the index is pushed, each platform gets a signed SBOM and
 *   provenance attestation, and the index a cosign signature (recursive), then everything is
 *   read back from the registry and verified with the public key into the record;
 * - promoted: at preview and at up, the digest's signature must verify with this stack's key
 *   (when it requires signatures), its binaries are scanned again with this stack's database
 *   and policy, and the record is read back the same way.
 *
 * Each write happens only during `up` and only for what the registry lacks, so an `up` with
 * nothing changed writes nothing and records the same facts.
 */
import { KeyObject } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { parseImageRef, RegistryLogin, RepositoryReader } from "../publish/registry-api";
import { parsePublicKey } from "./cosign-format";
import { cosignAttest, cosignSign, SigningKey } from "./cosign";
import { provenanceStatement, ProvenanceFacts } from "./provenance";
import { CYCLONEDX_PREDICATE, platformDigests, readAttestations, readSupplyChain, signatureProblem, SupplyChainRecord } from "./record";
import { binaryPathIn, scanImage } from "./scan-image";
import { readImageFile } from "./image-files";
import { sbomOfBinary } from "./sbom";
import { SLSA_PROVENANCE_V1 } from "./provenance";
import { describeFinding, judgeFindings, VulnerabilityPolicy, VulnerabilityVerdict } from "./vulnerability-policy";
import { databaseUrl } from "./vulnerability-scan";
import { ecrHost } from "../publish/registry";
import { ecrScanProblems, EcrScanPolicy } from "./ecr-scan";

/** What provenance says of a platform's build besides where it went. */
export type RecipeFacts = Omit<ProvenanceFacts, "repository" | "digest" | "platform">;

/** A stack's supply-chain settings, as components take them. */
export interface SupplyChainArgs {
    /** The cosign public key (PEM) signatures and attestations are verified with. @default none: nothing verified or recorded */
    publicKey?: string;
    /** The builder's signing key: with it, each pushed index is signed and its platforms attested. @default none: unsigned */
    signing?: { privateKey: pulumi.Input<string>; password: pulumi.Input<string> };
    /** Promotion: refuse a digest whose signature does not verify with `publicKey`. @default false */
    requireSignature?: boolean;
    /** The vulnerability gate. @default none */
    vulnerabilities?: VulnerabilityPolicy;
    /** Promotion of a digest in ECR: its scan-on-push findings must pass this policy. @default none */
    ecrScan?: EcrScanPolicy;
    /** Directory relative database paths start from. @default the working directory */
    projectDir?: string;
    /** Where scan results are cached by digest. @default DEFAULT_SCAN_CACHE (.goship/vulncheck-cache) */
    cacheDir?: string;
    /** Today (YYYY-MM-DD, UTC) for allow-list expiry. @default the current date */
    today?: string;
}

/** Where scan results are cached by digest, unless SupplyChainArgs.cacheDir says otherwise. */
export const DEFAULT_SCAN_CACHE = ".goship/vulncheck-cache";

/** Today as allow-list entries count it: YYYY-MM-DD, UTC. */
export function todayUtc(): string {
    return new Date().toISOString().slice(0, 10);
}

/** The refusal of a digest whose signature does not verify (PROBLEM says why). */
export function signatureRefusal(ref: string, problem: string): string {
    return `goship:supplyChain.requireSignature: ${ref} is refused: ${problem}; promote a release its builder stack signed (goship:supplyChain.signing), or sign the digest: cosign sign --key cosign.key ${ref}`;
}

/** The refusal of a digest whose findings the policy blocks. */
export function vulnerabilityRefusal(ref: string, verdict: VulnerabilityVerdict, policy: VulnerabilityPolicy): string {
    const n = verdict.blocking.length;
    return (
        `goship:supplyChain.vulnerabilities: ${ref} has ${n} ${policy.failOn}-level finding${n === 1 ? "" : "s"} this stack refuses: ${verdict.blocking.map(describeFinding).join("; ")}; ` +
        "upgrade the module in the service's go.mod and release again, or add each to goship:supplyChain.vulnerabilities.allow with {id, reason, expires}"
    );
}

function readerOf(ref: string, login: RegistryLogin | undefined): { reader: RepositoryReader; digest: string } {
    const { host, repository, digest } = parseImageRef(ref);
    return { reader: new RepositoryReader(host, repository, { login }), digest };
}

/** The record's vulnerability part, and its lines in the log. */
function verdictRecord(name: string, verdict: VulnerabilityVerdict, policy: VulnerabilityPolicy, parent: pulumi.Resource): NonNullable<SupplyChainRecord["vulnerabilities"]> {
    for (const f of verdict.blocking) {
        const line = `goship vulnerabilities: ${name}: ${describeFinding(f)}`;
        if (verdict.result === "fail") void pulumi.log.error(line, parent);
        else void pulumi.log.warn(line, parent);
    }
    for (const f of verdict.reported) void pulumi.log.info(`goship vulnerabilities: ${name}: below goship:supplyChain.vulnerabilities.failOn (${policy.failOn}): ${describeFinding(f)}`, parent);
    for (const { finding, entry } of verdict.allowed) void pulumi.log.info(`goship vulnerabilities: ${name}: allowed until ${entry.expires} (${entry.reason}): ${describeFinding(finding)}`, parent);
    for (const e of verdict.expired) void pulumi.log.warn(`goship vulnerabilities: ${name}: allow-list entry ${e.id} expired on ${e.expires}; it excuses nothing now: remove it or renew it with a new reason`, parent);
    return {
        result: verdict.result,
        database: policy.db,
        findings: [...verdict.blocking, ...verdict.reported].map((f) => f.id),
        allowed: verdict.allowed.map((a) => a.finding.id),
    };
}

/** Scans and judges an image's platforms; throws the refusal when the policy fails them. */
export async function vulnerabilityGate(name: string, ref: string, platforms: Record<string, string>, login: RegistryLogin | undefined, binaryName: string, args: SupplyChainArgs, parent: pulumi.Resource) {
    const policy = args.vulnerabilities;
    if (!policy) return undefined;
    const { reader } = readerOf(ref, login);
    const findings = await scanImage(reader, platforms, binaryName, databaseUrl(policy.db, args.projectDir ?? process.cwd()), args.cacheDir ?? DEFAULT_SCAN_CACHE);
    const verdict = judgeFindings(findings, policy, args.today ?? todayUtc());
    const record = verdictRecord(name, verdict, policy, parent);
    if (verdict.result === "fail") {
        throw new pulumi.ResourceError(`${name}: ${vulnerabilityRefusal(ref, verdict, policy)}`, parent);
    }
    return record;
}

/** The key of a PEM, or the refusal naming the config key. */
export function publicKeyOf(args: SupplyChainArgs, name: string, parent: pulumi.Resource): KeyObject | undefined {
    if (args.publicKey === undefined) return undefined;
    try {
        return parsePublicKey(args.publicKey);
    } catch (e) {
        throw new pulumi.ResourceError(`${name}: goship:supplyChain.publicKey ${(e as Error).message}`, parent, true);
    }
}

/**
 * After the release index is pushed (during up): attests what each platform lacks, signs the
 * index when it is unsigned, then reads the record back. At preview, only reads.
 */
export async function attestBuiltImage(
    ref: string,
    login: RegistryLogin | undefined,
    key: KeyObject,
    signing: SigningKey | undefined,
    facts: (platform: string) => RecipeFacts,
    binaryName: string,
): Promise<SupplyChainRecord> {
    const { reader, digest } = readerOf(ref, login);
    if (signing && !pulumi.runtime.isDryRun()) {
        const logins = { [reader.host]: login };
        const repository = `${reader.host}/${reader.repository}`;
        for (const [platform, platformDigest] of Object.entries(await platformDigests(reader, digest))) {
            const types = new Set((await readAttestations(reader, platformDigest, key)).map((s) => s.predicateType));
            const platformRef = `${repository}@${platformDigest}`;
            if (!types.has(CYCLONEDX_PREDICATE)) {
                const sbom = await sbomOfBinary(await readImageFile(reader, platformDigest, binaryPathIn(platform, binaryName)), binaryName);
                await cosignAttest(platformRef, "cyclonedx", sbom.json, signing, logins);
            }
            if (!types.has(SLSA_PROVENANCE_V1)) {
                const statement = provenanceStatement({ ...facts(platform), repository, digest: platformDigest, platform });
                await cosignAttest(platformRef, "slsaprovenance1", Buffer.from(JSON.stringify(statement.predicate)), signing, logins);
            }
        }
        if ((await signatureProblem(reader, digest, key)) !== undefined) await cosignSign(ref, signing, logins);
    }
    return readSupplyChain(reader, digest, key);
}

/**
 * A promoted digest, at preview and at up: its signature verified with this stack's key
 * (refused when required and absent or wrong), its binaries scanned with this stack's policy,
 * its record read back.
 */
export async function checkPromotedImage(name: string, ref: string, login: RegistryLogin | undefined, binaryName: string, args: SupplyChainArgs, parent: pulumi.Resource): Promise<SupplyChainRecord | undefined> {
    const key = publicKeyOf(args, name, parent);
    if (!key && !args.vulnerabilities && !args.ecrScan) return undefined;
    const { reader, digest } = readerOf(ref, login);
    let record: SupplyChainRecord | undefined;
    if (key) {
        const problem = await signatureProblem(reader, digest, key);
        if (problem !== undefined && args.requireSignature) {
            throw new pulumi.ResourceError(`${name}: ${signatureRefusal(ref, problem)}`, parent);
        }
        record = await readSupplyChain(reader, digest, key);
    }
    const platforms = record ? Object.fromEntries(Object.entries(record.platforms).map(([p, r]) => [p, r.digest])) : await platformDigests(reader, digest);
    if (args.ecrScan && ecrHost(reader.host)) {
        const problems = await ecrScanProblems(reader.host, reader.repository, platforms, args.ecrScan);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`${name}: goship:supplyChain.ecrScan: ${ref} is refused: ${problems.join("; ")}`, parent);
        }
    }
    const vulnerabilities = await vulnerabilityGate(name, ref, platforms, login, binaryName, args, parent);
    const out: SupplyChainRecord = record ?? { signature: { signed: false }, platforms: Object.fromEntries(Object.entries(platforms).map(([p, d]) => [p, { digest: d }])) };
    if (vulnerabilities) out.vulnerabilities = vulnerabilities;
    void pulumi.log.info(summaryLine(name, out), parent);
    return out;
}

/** One line for the preview's log: what the image carries. */
export function summaryLine(name: string, r: SupplyChainRecord): string {
    const short = (d: string | undefined) => (d ? d.slice(0, 19) : "none");
    const signed = r.signature.signed ? `signed (key ${short(r.signature.keyId)})` : "unsigned";
    const platforms = Object.entries(r.platforms)
        .map(([p, e]) => `${p}: SBOM ${short(e.sbom)}${e.sbomComponents !== undefined ? ` (${e.sbomComponents} components)` : ""}, provenance ${short(e.provenance)}`)
        .join("; ");
    const vulns = r.vulnerabilities ? `; vulnerabilities: ${r.vulnerabilities.result}${r.vulnerabilities.findings.length ? ` (${r.vulnerabilities.findings.join(", ")})` : ""}` : "";
    return `goship supply chain: ${name}: ${signed}; ${platforms}${vulns}`;
}

