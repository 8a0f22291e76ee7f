/**
 * ECR's scan-on-push findings as a promotion gate: for a digest in ECR, each platform
 * manifest's scan (ECR scans image manifests, not indexes) must be complete, with no finding
 * at or above the stack's severity. Asked with `DescribeImageScanFindings`, signed with SigV4
 * from the environment's AWS credentials (aws-sigv4.ts): no AWS SDK.
 */
import { z } from "zod";
import { ecrHost } from "../publish/registry";
import { AwsCredentials, credentialsFromEnv, signRequest } from "./aws-sigv4";

export const SEVERITIES = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;

export const ecrScanPolicySchema = z
    .strictObject({
        /** The least severity that refuses the digest. @default HIGH */
        failOn: z.enum(SEVERITIES).default("HIGH").describe("least ECR finding severity that refuses a promoted digest"),
        /** Refuse a digest whose scan is missing, running or failed. @default true */
        requireComplete: z.boolean().default(true).describe("refuse a digest ECR has not finished scanning"),
    })
    .describe("gate promotion on ECR scan-on-push findings (digests in ECR only)");
export type EcrScanPolicy = z.output<typeof ecrScanPolicySchema>;

export interface EcrScan {
    status: string;
    counts: Record<string, number>;
}

/** One platform manifest's scan, or `{status: "NOT_FOUND"}` when ECR has none. */
export async function describeScan(host: string, repository: string, digest: string, credentials: AwsCredentials, fetchFn: typeof fetch = fetch, now = new Date()): Promise<EcrScan> {
    const ecr = ecrHost(host);
    if (!ecr) throw new Error(`${host} is not an ECR registry host`);
    const api = `api.ecr.${ecr.region}.amazonaws.com`;
    const body = JSON.stringify({ registryId: ecr.registryId, repositoryName: repository, imageId: { imageDigest: digest }, maxResults: 1 });
    const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const headers = signRequest(
        { method: "POST", host: api, path: "/", headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonEC2ContainerRegistry_V20150921.DescribeImageScanFindings" }, body },
        credentials,
        ecr.region,
        "ecr",
        amzDate,
    );
    delete headers.host;
    const res = await fetchFn(`https://${api}/`, { method: "POST", headers, body, signal: AbortSignal.timeout(15000) });
    const text = await res.text();
    const answer = (text ? JSON.parse(text) : {}) as { __type?: string; message?: string; imageScanStatus?: { status?: string }; imageScanFindings?: { findingSeverityCounts?: Record<string, number> } };
    if (res.status !== 200) {
        if (/ScanNotFoundException|ImageNotFoundException/.test(answer.__type ?? "")) return { status: "NOT_FOUND", counts: {} };
        throw new Error(`ECR DescribeImageScanFindings for ${repository}@${digest} answered HTTP ${res.status} (${answer.__type ?? ""}: ${answer.message ?? text.slice(0, 200)})`);
    }
    return { status: answer.imageScanStatus?.status ?? "UNKNOWN", counts: answer.imageScanFindings?.findingSeverityCounts ?? {} };
}

/** Why the platforms' scans refuse the digest under POLICY (empty: they pass), and what they found. */
export function judgeScans(scans: Record<string, EcrScan>, policy: EcrScanPolicy): string[] {
    const threshold = SEVERITIES.indexOf(policy.failOn);
    const problems: string[] = [];
    for (const [platform, scan] of Object.entries(scans)) {
        if (scan.status !== "COMPLETE") {
            if (policy.requireComplete) problems.push(`${platform}: ECR's scan is ${scan.status} (wait for scan on push to finish, or set goship:supplyChain.ecrScan.requireComplete: false)`);
            continue;
        }
        const over = Object.entries(scan.counts).filter(([severity, n]) => n > 0 && SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]) >= threshold);
        if (over.length > 0) problems.push(`${platform}: ECR found ${over.map(([s, n]) => `${n} ${s}`).join(", ")} (at or above ${policy.failOn})`);
    }
    return problems;
}

/** The gate for a digest in ECR: every platform's scan, judged; throws when AWS cannot be asked. */
export async function ecrScanProblems(host: string, repository: string, platforms: Record<string, string>, policy: EcrScanPolicy, fetchFn: typeof fetch = fetch): Promise<string[]> {
    const credentials = credentialsFromEnv();
    if (!credentials) return ["no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) to read ECR's scan findings with; run where the stack's AWS identity is configured"];
    const scans: Record<string, EcrScan> = {};
    for (const [platform, digest] of Object.entries(platforms)) scans[platform] = await describeScan(host, repository, digest, credentials, fetchFn);
    return judgeScans(scans, policy);
}
