/** Running the measured commands: each at the lowest CPU priority, timed, failing loudly. */
import { spawn } from "child_process";

export interface Command {
    cmd: string;
    args: string[];
    cwd?: string;
    env?: Record<string, string>;
}

export interface Ran {
    seconds: number;
    stdout: string;
    stderr: string;
}

/** Runs COMMAND under `nice -n 19`; rejects with the command and the tail of its stderr. */
export function run(c: Command): Promise<Ran> {
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn("nice", ["-n", "19", c.cmd, ...c.args], { cwd: c.cwd, env: { ...process.env, ...(c.env ?? {}) }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            const seconds = Number(process.hrtime.bigint() - start) / 1e9;
            if (code === 0) return resolve({ seconds, stdout, stderr });
            const tail = stderr.trim().split("\n").slice(-15).join("\n  ");
            reject(new Error(`${c.cmd} ${c.args.join(" ")} (in ${c.cwd ?? "."}) exited ${code}:\n  ${tail}`));
        });
    });
}

/** Runs COMMANDS at once: the wall-clock time until the last one ends, and what each printed. */
export async function runAll(commands: Command[]): Promise<{ seconds: number; results: Ran[] }> {
    const start = process.hrtime.bigint();
    const results = await Promise.all(commands.map(run));
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, results };
}

/** Runs COMMANDS at once and returns the wall-clock time until the last one ends. */
export async function runParallel(commands: Command[]): Promise<number> {
    return (await runAll(commands)).seconds;
}

/** The first line a command prints, or undefined when it cannot run. */
export async function versionOf(cmd: string, args: string[]): Promise<string | undefined> {
    try {
        const r = await run({ cmd, args });
        return (r.stdout + r.stderr).trim().split("\n")[0];
    } catch {
        return undefined;
    }
}
