/**
 * The vulnerability scan of an image already in a registry: each platform's binary read from
 * its layers and scanned by govulncheck. Results are cached on disk by platform digest,
 * database and scanner, so a preview with nothing changed does not scan again.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { linuxBinaryPath, windowsBinaryPath } from "../build/dockerfile";
import { RepositoryReader } from "../publish/registry-api";
import { readImageFile } from "./image-files";
import { Finding, mergeFindings } from "./vulnerability-policy";
import { scanBinary } from "./vulnerability-scan";

/** The binary's path inside a layer (no leading slash) for a platform. */
export function binaryPathIn(platform: string, binaryName: string): string {
    const p = platform.startsWith("windows/") ? `Files/${windowsBinaryPath(binaryName).slice(3).replace(/\\/g, "/")}` : linuxBinaryPath(binaryName);
    return p.replace(/^\//, "");
}

/** What identifies a database's contents: its URL and, for a directory, its index/db.json. */
function databaseIdentity(dbUrl: string): string {
    if (!dbUrl.startsWith("file://")) return dbUrl;
    try {
        return `${dbUrl}\n${fs.readFileSync(path.join(new URL(dbUrl).pathname, "index", "db.json"), "utf8")}`;
    } catch {
        return dbUrl;
    }
}

const SCANNER = "govulncheck@v1.9.0";

/** Findings of every platform's binary, merged by vulnerability ID. */
export async function scanImage(reader: RepositoryReader, platforms: Record<string, string>, binaryName: string, dbUrl: string, cacheDir: string): Promise<Finding[]> {
    const perPlatform: Record<string, Finding[]> = {};
    const db = databaseIdentity(dbUrl);
    for (const [platform, digest] of Object.entries(platforms)) {
        const key = createHash("sha256").update(`${SCANNER}\n${digest}\n${binaryName}\n${db}`).digest("hex");
        const cached = path.join(cacheDir, `${key}.json`);
        if (fs.existsSync(cached)) {
            perPlatform[platform] = JSON.parse(fs.readFileSync(cached, "utf8")) as Finding[];
            continue;
        }
        const binary = await readImageFile(reader, digest, binaryPathIn(platform, binaryName));
        const { findings } = await scanBinary(binary, dbUrl);
        perPlatform[platform] = findings;
        fs.mkdirSync(cacheDir, { recursive: true });
        fs.writeFileSync(cached, JSON.stringify(findings));
    }
    return mergeFindings(perPlatform);
}
