/** kubectl, docker and the plain pulumi CLI, run as child processes with their output returned or parsed. */
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";

export function run(command: string, args: string[], input?: string): string {
    try {
        return execFileSync(command, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 64 << 20 });
    } catch (err) {
        const e = err as { stderr?: string; stdout?: string; message: string };
        throw new Error(`${command} ${args.join(" ")} failed: ${e.stderr || e.stdout || e.message}`);
    }
}

/** Runs COMMAND (in CWD when given) and returns its exit status, stdout and stderr, whatever the status. */
export function capture(command: string, args: string[], cwd?: string): { status: number; stdout: string; stderr: string } {
    const r = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, cwd });
    if (r.error) throw r.error;
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export class Kubectl {
    constructor(private readonly kubeconfig: string, private readonly context: string) {}

    run(args: string[]): string {
        return run("kubectl", ["--kubeconfig", this.kubeconfig, "--context", this.context, ...args]);
    }

    /** kubectl ARGS with its status, stdout and stderr (warnings), whatever the status. */
    capture(args: string[]): { status: number; stdout: string; stderr: string } {
        return capture("kubectl", ["--kubeconfig", this.kubeconfig, "--context", this.context, ...args]);
    }

    /** kubectl ARGS in the background (a watch, logs -f), its output piped. */
    spawn(args: string[]): ChildProcess {
        return spawn("kubectl", ["--kubeconfig", this.kubeconfig, "--context", this.context, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    }

    /** `kubectl get … -o json`, parsed. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    json(args: string[]): any {
        return JSON.parse(this.run(["get", ...args, "-o", "json"]));
    }

    /** Whether the object exists (kubectl get --ignore-not-found prints nothing otherwise). */
    exists(args: string[]): boolean {
        return this.run(["get", ...args, "--ignore-not-found", "-o", "name"]).trim() !== "";
    }
}

export function docker(args: string[]): string {
    return run("docker", args).trim();
}
