/**
 * cosign's registry formats, as cosign v2 writes them with a key (no transparency log):
 * what goship reads back to verify a signature or an attestation without running cosign.
 *
 * - A signature of `repo@sha256:<hex>` is an image manifest tagged `sha256-<hex>.sig` in the
 *   same repository; each layer is a "simple signing" payload naming the digest, and its
 *   annotation `dev.cosignproject.cosign/signature` holds the ECDSA signature of those bytes.
 * - Attestations are tagged `sha256-<hex>.att`; each layer is a DSSE envelope whose payload is
 *   an in-toto statement, signed over DSSE's pre-authentication encoding (PAE).
 */
import { createHash, createPublicKey, KeyObject, verify } from "crypto";

export const SIMPLE_SIGNING_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
export const DSSE_TYPE = "application/vnd.dsse.envelope.v1+json";
export const SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/** `sha256:<hex>` → cosign's tag for its signature (`.sig`) or attestations (`.att`). */
export function cosignTag(digest: string, kind: "sig" | "att"): string {
    const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
    if (!m) throw new Error(`"${digest}" is not a sha256 digest`);
    return `sha256-${m[1]}.${kind}`;
}

/** The public key of a PEM (`-----BEGIN PUBLIC KEY-----`, what `cosign generate-key-pair` writes as cosign.pub). */
export function parsePublicKey(pem: string): KeyObject {
    try {
        return createPublicKey({ key: pem, format: "pem" });
    } catch (e) {
        throw new Error(`is not a PEM public key (${(e as Error).message}); give the cosign.pub that cosign generate-key-pair wrote`);
    }
}

/** `sha256:<hex>` of the key's DER (SubjectPublicKeyInfo): names the key in records and messages. */
export function keyId(key: KeyObject): string {
    return `sha256:${createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("hex")}`;
}

/** Why a simple-signing payload and its signature do not sign `digest` with `key`, or undefined when they do. */
export function simpleSigningProblem(payload: Buffer, signatureB64: string, key: KeyObject, digest: string): string | undefined {
    let doc: { critical?: { image?: { "docker-manifest-digest"?: unknown }; type?: unknown } };
    try {
        doc = JSON.parse(payload.toString("utf8")) as typeof doc;
    } catch {
        return "its payload is not JSON";
    }
    if (doc.critical?.type !== "cosign container image signature") return "its payload is not a cosign container image signature";
    const signed = doc.critical.image?.["docker-manifest-digest"];
    if (signed !== digest) return `it signs ${String(signed)}, not ${digest}`;
    if (!verify("sha256", payload, key, Buffer.from(signatureB64, "base64"))) return "its signature does not verify with the public key";
    return undefined;
}

/** DSSE's pre-authentication encoding: what a DSSE signature covers. */
export function pae(payloadType: string, payload: Buffer): Buffer {
    const type = Buffer.from(payloadType, "utf8");
    return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, "utf8"), type, Buffer.from(` ${payload.length} `, "utf8"), payload]);
}

/** An in-toto statement (v0.1 or v1), as far as goship reads it. */
export interface Statement {
    _type: string;
    predicateType: string;
    subject: { name?: string; digest: Record<string, string> }[];
    predicate: unknown;
}

/** The statement of a DSSE envelope signed by `key`; throws with the reason otherwise. */
export function openEnvelope(envelope: Buffer, key: KeyObject): Statement {
    let env: { payloadType?: unknown; payload?: unknown; signatures?: { sig?: unknown }[] };
    try {
        env = JSON.parse(envelope.toString("utf8")) as typeof env;
    } catch {
        throw new Error("the envelope is not JSON");
    }
    if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE || typeof env.payload !== "string") throw new Error(`the envelope's payload is not ${IN_TOTO_PAYLOAD_TYPE}`);
    const payload = Buffer.from(env.payload, "base64");
    const signed = (env.signatures ?? []).some((s) => typeof s.sig === "string" && verify("sha256", pae(IN_TOTO_PAYLOAD_TYPE, payload), key, Buffer.from(s.sig, "base64")));
    if (!signed) throw new Error("no signature of the envelope verifies with the public key");
    const statement = JSON.parse(payload.toString("utf8")) as Statement;
    if (typeof statement.predicateType !== "string" || !Array.isArray(statement.subject)) throw new Error("the payload is not an in-toto statement");
    return statement;
}
