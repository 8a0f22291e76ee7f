/**
 * The supply-chain tools goship runs (cosign, cyclonedx-gomod, govulncheck), found on PATH.
 * A missing one is refused by name with the command that installs it, at the version goship
 * is tested with (tools/supplychain/versions.env).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

export type SupplyChainTool = "cosign" | "cyclonedx-gomod" | "govulncheck";

const INSTALL: Record<SupplyChainTool, string> = {
    cosign: "go install github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5",
    "cyclonedx-gomod": "go install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0",
    govulncheck: "go install golang.org/x/vuln/cmd/govulncheck@v1.9.0",
};

/** The tool's path on PATH, or undefined. */
export function findTool(tool: SupplyChainTool, envPath = process.env.PATH ?? ""): string | undefined {
    for (const dir of envPath.split(path.delimiter)) {
        if (dir === "") continue;
        const candidate = path.join(dir, tool);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // next
        }
    }
    return undefined;
}

/** The problem line for a missing tool: what needs it and how to get it. */
export function missingToolProblem(tool: SupplyChainTool, needed: string): string {
    return `${tool} is not on PATH, and ${needed} runs it: install it (tools/supplychain/install.sh on the local platform, or \`${INSTALL[tool]}\`)`;
}

export interface ToolRun {
    stdout: string;
    stderr: string;
}

/** Runs the tool; rejects with its last stderr lines (secrets are only ever passed through `env`). */
export function runTool(tool: SupplyChainTool, args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; okCodes?: number[] } = {}): Promise<ToolRun> {
    const bin = findTool(tool);
    if (!bin) return Promise.reject(new Error(missingToolProblem(tool, "goship's supply chain")));
    return new Promise((resolve, reject) => {
        execFile(
            bin,
            args,
            { env: { ...process.env, ...options.env }, cwd: options.cwd, timeout: options.timeoutMs ?? 300_000, maxBuffer: 256 * 1024 * 1024 },
            (err, stdout, stderr) => {
                const code = err && typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === "number" ? ((err as unknown as { code: number }).code) : err ? -1 : 0;
                if (err && !(options.okCodes ?? []).includes(code)) {
                    const tail = stderr.trim().split("\n").slice(-5).join(" | ");
                    reject(new Error(`${tool} ${args[0] ?? ""} failed (${err.killed ? "timed out" : `exit ${code}`}): ${tail || err.message}`));
                    return;
                }
                resolve({ stdout, stderr });
            },
        );
    });
}
