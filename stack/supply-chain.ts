import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { parseImageRef, RegistryLogin, RepositoryReader } from "../components/publish/registry-api";
import { parsePublicKey } from "../components/supply-chain/cosign-format";
import { platformDigests, signatureProblem } from "../components/supply-chain/record";
import { scanImage } from "../components/supply-chain/scan-image";
import { DEFAULT_SCAN_CACHE, signatureRefusal, SupplyChainArgs, vulnerabilityRefusal } from "../components/supply-chain/supply-chain";
import { findTool, missingToolProblem } from "../components/supply-chain/tools";
import { judgeFindings, vulnerabilityPolicySchema } from "../components/supply-chain/vulnerability-policy";
import { databaseProblem, databaseUrl } from "../components/supply-chain/vulnerability-scan";
import { secretKeyName } from "./secret-keys";
import { ecrScanPolicySchema } from "../components/supply-chain/ecr-scan";

/**
 * `goship:supplyChain`: what a stack signs, what it verifies, and its vulnerability policy
 * (components/supply-chain/ does the work; docs/supply-chain.md explains it).
 */
export const supplyChainSchema = z
    .strictObject({
        publicKey: z
            .string()
            .min(1, "is empty; give the cosign public key's file, relative to the project (e.g. cosign.pub)")
            .optional()
            .describe("the cosign public key (PEM file, relative to the project) signatures and attestations are verified with"),
        signing: z
            .strictObject({
                keyKey: secretKeyName("cosignKey").default("cosignKey").describe("secret config key holding the cosign private key (cosign.key's PEM)"),
                passwordKey: secretKeyName("cosignPassword").default("cosignPassword").describe("secret config key holding that key's password"),
            })
            .optional()
            .describe("sign each built index and attest its platforms (SBOM, provenance)"),
        requireSignature: z.boolean().default(false).describe("refuse a promoted or pinned digest whose signature does not verify with publicKey"),
        vulnerabilities: vulnerabilityPolicySchema.optional().describe("the govulncheck gate: database, action (report | fail), failOn, allow"),
        ecrScan: ecrScanPolicySchema.optional(),
    })
    .superRefine((s, ctx) => {
        if (s.signing && s.publicKey === undefined) ctx.addIssue({ code: "custom", path: ["publicKey"], message: "required with signing: goship verifies what it signed and records it; give cosign.pub's path" });
        if (s.requireSignature && s.publicKey === undefined) ctx.addIssue({ code: "custom", path: ["publicKey"], message: "required with requireSignature: the key signatures must verify with" });
    });
export type SupplyChainConfig = z.output<typeof supplyChainSchema>;

/** The secret keys signing names, for requiredSecrets and the unknown-key check. */
export function signingSecrets(config: SupplyChainConfig | undefined): { key: string; where: string }[] {
    if (!config?.signing) return [];
    return [
        { key: config.signing.keyKey, where: "supplyChain.signing.keyKey" },
        { key: config.signing.passwordKey, where: "supplyChain.signing.passwordKey" },
    ];
}

/** The same keys from the raw config value (the config may be invalid elsewhere). */
export function signingSecretKeysOf(raw: unknown): string[] {
    if (raw === null || typeof raw !== "object") return [];
    const signing = (raw as { signing?: unknown }).signing;
    if (signing === null || typeof signing !== "object") return [];
    const s = signing as { keyKey?: unknown; passwordKey?: unknown };
    return [typeof s.keyKey === "string" ? s.keyKey : "cosignKey", typeof s.passwordKey === "string" ? s.passwordKey : "cosignPassword"];
}

/** The public key's PEM, read from its file; throws the problem line. */
export function readPublicKey(config: SupplyChainConfig, projectDir: string): string | undefined {
    if (config.publicKey === undefined) return undefined;
    const file = path.resolve(projectDir, config.publicKey);
    let pem: string;
    try {
        pem = fs.readFileSync(file, "utf8");
    } catch {
        throw new Error(`goship:supplyChain.publicKey: ${file} cannot be read; give the path of the cosign.pub that cosign generate-key-pair wrote, relative to the project`);
    }
    try {
        parsePublicKey(pem);
    } catch (e) {
        throw new Error(`goship:supplyChain.publicKey: ${file} ${(e as Error).message}`);
    }
    return pem;
}

/** Problems of the settings on this machine: the key file, the database, the tools the stack runs. */
export function supplyChainProblems(config: SupplyChainConfig | undefined, projectDir: string, builds: boolean): string[] {
    if (!config) return [];
    const problems: string[] = [];
    try {
        readPublicKey(config, projectDir);
    } catch (e) {
        problems.push((e as Error).message);
    }
    if (config.vulnerabilities) {
        const db = databaseProblem(config.vulnerabilities.db, projectDir);
        if (db) problems.push(`goship:supplyChain.vulnerabilities.db: ${db}`);
        if (!findTool("govulncheck")) problems.push(`goship:supplyChain.vulnerabilities: ${missingToolProblem("govulncheck", "the vulnerability gate")}`);
    }
    if (config.signing && builds) {
        for (const tool of ["cosign", "cyclonedx-gomod"] as const) {
            if (!findTool(tool)) problems.push(`goship:supplyChain.signing: ${missingToolProblem(tool, "signing and attesting each built image")}`);
        }
    }
    return problems;
}

/**
 * A promoted or pinned digest against the stack's policy, before anything is registered:
 * its signature (when required) and, under a `fail` policy, its vulnerabilities.
 */
export async function deployedSupplyChainProblems(ref: string, login: RegistryLogin | undefined, binaryName: string, config: SupplyChainConfig, projectDir: string, today: string): Promise<string[]> {
    const { host, repository, digest } = parseImageRef(ref);
    const reader = new RepositoryReader(host, repository, { login });
    const problems: string[] = [];
    const pem = readPublicKey(config, projectDir);
    if (config.requireSignature && pem !== undefined) {
        const problem = await signatureProblem(reader, digest, parsePublicKey(pem));
        if (problem !== undefined) {
            problems.push(signatureRefusal(ref, problem));
        }
    }
    const policy = config.vulnerabilities;
    if (policy?.action === "fail") {
        const findings = await scanImage(reader, await platformDigests(reader, digest), binaryName, databaseUrl(policy.db, projectDir), DEFAULT_SCAN_CACHE);
        const verdict = judgeFindings(findings, policy, today);
        if (verdict.result === "fail") problems.push(vulnerabilityRefusal(ref, verdict, policy));
    }
    return problems;
}

/** The components' arguments from the stack's settings (secrets from the target). */
export function supplyChainArgs(config: SupplyChainConfig | undefined, projectDir: string, secret: (key: string) => pulumi.Output<string>): SupplyChainArgs | undefined {
    if (!config) return undefined;
    const args: SupplyChainArgs = { requireSignature: config.requireSignature, projectDir };
    const pem = readPublicKey(config, projectDir);
    if (pem !== undefined) args.publicKey = pem;
    if (config.signing) args.signing = { privateKey: secret(config.signing.keyKey), password: secret(config.signing.passwordKey) };
    if (config.vulnerabilities) args.vulnerabilities = config.vulnerabilities;
    if (config.ecrScan) args.ecrScan = config.ecrScan;
    return args;
}
