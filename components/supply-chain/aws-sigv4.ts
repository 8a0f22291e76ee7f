/**
 * AWS Signature Version 4 for one JSON request, with Node's crypto: enough to ask ECR for an
 * image's scan findings without the AWS SDK. Checked against AWS's published test vector
 * (test/unit/ecr-scan.test.ts).
 */
import { createHash, createHmac } from "crypto";

export interface AwsCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

export interface SignedRequest {
    method: string;
    host: string;
    path: string;
    /** Header name (lower case) → value; host and x-amz-date are added. */
    headers: Record<string, string>;
    body: string;
}

const sha256 = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** The headers of REQUEST signed for SERVICE in REGION at AMZDATE (YYYYMMDDTHHMMSSZ). */
export function signRequest(request: SignedRequest, credentials: AwsCredentials, region: string, service: string, amzDate: string): Record<string, string> {
    const headers: Record<string, string> = { ...request.headers, host: request.host, "x-amz-date": amzDate };
    if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
    const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, " ")]));
    const canonical = [request.method, request.path, "", ...names.map((n) => `${n}:${lower[n]}`), "", names.join(";"), sha256(request.body)].join("\n");
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${region}/${service}/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
    const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), "aws4_request");
    const signature = createHmac("sha256", key).update(toSign, "utf8").digest("hex");
    return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}` };
}

/** Credentials from the environment (what `aws-actions/configure-aws-credentials` and the CLI's profiles export), or undefined. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsCredentials | undefined {
    if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}
