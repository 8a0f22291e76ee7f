/**
 * cosign, run for what it writes: the signature of an index (and of each platform manifest,
 * `--recursive`), attestations, and copies of both into another registry. Key-based and
 * offline: `--tlog-upload=false`, since no transparency log is reachable here (with Rekor
 * reachable, drop it; for keyless signing see docs/supply-chain.md). The private key and its
 * password reach cosign through its environment only (`--key env://…`, COSIGN_PASSWORD).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RegistryLogin } from "../publish/registry-api";
import { withDockerConfig } from "./docker-config";
import { runTool } from "./tools";

export interface SigningKey {
    /** The private key PEM that `cosign generate-key-pair` writes (cosign.key, encrypted). */
    privateKey: string;
    /** Its password. */
    password: string;
}

const KEY_ENV = "GOSHIP_COSIGN_PRIVATE_KEY";

function keyEnv(key: SigningKey): Record<string, string> {
    return { [KEY_ENV]: key.privateKey, COSIGN_PASSWORD: key.password, COSIGN_YES: "true" };
}

/** Signs `ref` (repo@sha256:…) and, for an index, each manifest in it. */
export async function cosignSign(ref: string, key: SigningKey, logins: Record<string, RegistryLogin | undefined>): Promise<void> {
    await withDockerConfig(logins, (env) =>
        runTool("cosign", ["sign", "--key", `env://${KEY_ENV}`, "--tlog-upload=false", "--recursive", "--yes", ref], { env: { ...env, ...keyEnv(key) } }),
    );
}

/** Attaches `predicate` to `ref` as a signed in-toto attestation of cosign type `type` (cyclonedx, slsaprovenance1, vuln). */
export async function cosignAttest(ref: string, type: string, predicate: Buffer, key: SigningKey, logins: Record<string, RegistryLogin | undefined>): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-attest-"));
    try {
        const file = path.join(dir, "predicate.json");
        fs.writeFileSync(file, predicate, { mode: 0o600 });
        await withDockerConfig(logins, (env) =>
            runTool("cosign", ["attest", "--key", `env://${KEY_ENV}`, "--type", type, "--predicate", file, "--tlog-upload=false", "--yes", ref], { env: { ...env, ...keyEnv(key) } }),
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Copies the signatures and attestations of `ref` (and of the manifests of its index) to `targetRepository`. */
export async function cosignCopySignatures(ref: string, targetRepository: string, logins: Record<string, RegistryLogin | undefined>): Promise<void> {
    await withDockerConfig(logins, (env) => runTool("cosign", ["copy", "--only=sig,att", "--force", ref, targetRepository], { env }));
}
