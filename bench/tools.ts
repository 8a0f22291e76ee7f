/** Where the benchmark finds the tools that tools/<name>/install.sh built, and the versions they pin. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** KEY=value lines of a versions.env (comments and blank lines skipped). */
export function readVersionsEnv(file: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
        if (m) out[m[1]] = m[2];
    }
    return out;
}

/** $GOSHIP_CACHE, default ~/.cache/goship (tools/lib/locations.sh). */
export function cacheDir(): string {
    return process.env.GOSHIP_CACHE ?? path.join(os.homedir(), ".cache", "goship");
}

/** bin/<tool>-<version>/<tool> under the cache. */
export function cachedBinary(tool: string, version: string): string {
    return path.join(cacheDir(), "bin", `${tool}-${version}`, tool);
}

export function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}
