import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

/**
 * The stack's checkpoint as stored by the file backend (PULUMI_BACKEND_URL), gzipped or not:
 * what is really at rest, secrets as ciphertext (the Automation API's exportStack shows them).
 */
export function stateFileText(stackName: string): string {
    const backend = (process.env.PULUMI_BACKEND_URL ?? "").replace(/^file:\/\//, "");
    const base = path.join(backend, ".pulumi", "stacks", "goship", `${stackName}.json`);
    if (fs.existsSync(base)) return fs.readFileSync(base, "utf8");
    if (fs.existsSync(`${base}.gz`)) return zlib.gunzipSync(fs.readFileSync(`${base}.gz`)).toString("utf8");
    throw new Error(`no state file for stack ${stackName} under ${backend}`);
}
