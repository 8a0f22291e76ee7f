import { test } from "node:test";
import assert from "node:assert/strict";
import { signRequest } from "../../components/supply-chain/aws-sigv4";
import { describeScan, ecrScanPolicySchema, judgeScans } from "../../components/supply-chain/ecr-scan";

test("SigV4 matches AWS's published test vector (get-vanilla)", () => {
    const headers = signRequest({ method: "GET", host: "example.amazonaws.com", path: "/", headers: {}, body: "" }, { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }, "us-east-1", "service", "20150830T123600Z");
    assert.equal(headers.authorization, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
});

test("ECR scans judged: a finding at or above failOn refuses, below passes; an unfinished or missing scan refuses unless allowed", () => {
    const policy = ecrScanPolicySchema.parse({});
    assert.deepEqual(judgeScans({ "linux/amd64": { status: "COMPLETE", counts: { MEDIUM: 3 } } }, policy), []);
    assert.deepEqual(judgeScans({ "linux/amd64": { status: "COMPLETE", counts: { CRITICAL: 1 } } }, policy), ["linux/amd64: ECR found 1 CRITICAL (at or above HIGH)"]);
    assert.equal(judgeScans({ "linux/arm64": { status: "COMPLETE", counts: { MEDIUM: 3 } } }, ecrScanPolicySchema.parse({ failOn: "MEDIUM" })).length, 1);
    assert.match(judgeScans({ "linux/arm64": { status: "NOT_FOUND", counts: {} } }, policy)[0], /ECR's scan is NOT_FOUND/);
    assert.deepEqual(judgeScans({ "linux/arm64": { status: "IN_PROGRESS", counts: {} } }, ecrScanPolicySchema.parse({ requireComplete: false })), []);
});

test("DescribeImageScanFindings: the signed request ECR's API takes, and its answers read (a scan ECR does not have is NOT_FOUND)", async () => {
    const seen: { url: string; headers: Headers; body: unknown }[] = [];
    const fake: typeof fetch = async (input, init) => {
        seen.push({ url: String(input), headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) });
        if (seen.length === 2) return new Response(JSON.stringify({ __type: "ScanNotFoundException", message: "no scan" }), { status: 400 });
        return new Response(JSON.stringify({ imageScanStatus: { status: "COMPLETE" }, imageScanFindings: { findingSeverityCounts: { HIGH: 1 } } }), { status: 200 });
    };
    const creds = { accessKeyId: "AKID", secretAccessKey: "secret" };
    const host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    const scan = await describeScan(host, "goship/hello", "sha256:" + "a".repeat(64), creds, fake, new Date("2026-12-03T10:00:00Z"));
    assert.deepEqual(scan, { status: "COMPLETE", counts: { HIGH: 1 } });
    assert.equal(seen[0].url, "https://api.ecr.eu-west-1.amazonaws.com/");
    assert.equal(seen[0].headers.get("x-amz-target"), "AmazonEC2ContainerRegistry_V20150921.DescribeImageScanFindings");
    assert.match(seen[0].headers.get("authorization") ?? "", /^AWS4-HMAC-SHA256 Credential=AKID\/20261203\/eu-west-1\/ecr\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/);
    assert.deepEqual(seen[0].body, { registryId: "123456789012", repositoryName: "goship/hello", imageId: { imageDigest: "sha256:" + "a".repeat(64) }, maxResults: 1 });
    assert.deepEqual(await describeScan(host, "goship/hello", "sha256:" + "b".repeat(64), creds, fake), { status: "NOT_FOUND", counts: {} });
});
