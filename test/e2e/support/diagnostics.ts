/**
 * What the cluster and the real node looked like when an e2e step failed: printed by an
 * afterEach hook, at the moment of the failure, so that a CI log says why a rollout never
 * became available (an image pull refused, a probe failing, a node not Ready, a pod never
 * scheduled) instead of only that it timed out. Later steps tear the evidence down.
 * Each report is also kept in $GOSHIP_STATE/e2e-diagnostics/, and test/e2e/run.sh prints
 * the first one again at the very end: a CI log is often read from its tail, and the
 * later steps' output would push the report out of it. The sections run from the
 * shortest and most telling (node conditions, pods, warnings, disk) to the longest.
 */
import * as fs from "fs";
import * as path from "path";
import { capture, Kubectl } from "./commands";
import { realNodeName } from "./real-node";
import { diskFreeGiB } from "./timing";

/**
 * The last LINES lines of FILE that report an error (klog's "E1202 ..." or a "level=error"),
 * or its last LINES lines when none does, or why it cannot be read. A kubelet's log is
 * mostly routine; its errors say why a sandbox or a container did not start.
 */
function errorTail(file: string, lines: number): string {
    try {
        const all = fs.readFileSync(file, "utf8").trimEnd().split("\n");
        const errors = all.filter((l) => /^E\d{4} |level=error|\berror\b/i.test(l));
        return errors.length > 0 ? `(${errors.length} error lines; the last ${lines})\n${errors.slice(-lines).join("\n")}` : all.slice(-lines).join("\n");
    } catch (err) {
        return `(cannot read ${file}: ${(err as Error).message})`;
    }
}

/** The block of `kubectl describe` output that starts at HEADING, up to the next unindented heading. */
function block(described: string, heading: string): string {
    const lines = described.split("\n");
    const start = lines.findIndex((l) => l.startsWith(heading));
    if (start < 0) return `${heading} (not in the description)`;
    const end = lines.findIndex((l, i) => i > start && /^\S/.test(l));
    return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

/** Pod addresses host-local IPAM holds (a file per address): leaked ones would exhaust the node's range. */
function ipamHeld(logs: string): string {
    const root = path.join(logs, "..", "cni", "ipam");
    return fs
        .readdirSync(root)
        .map((network) => {
            const held = fs.readdirSync(path.join(root, network)).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
            return `${network}: ${held.length} addresses held (the range is ${process.env.GOSHIP_NODE_POD_CIDR ?? "?"})`;
        })
        .join("\n");
}

/** One section: the command's output, or its error; never throws (it runs after a failure). */
function section(title: string, text: () => string): string {
    let body: string;
    try {
        body = text().trimEnd();
    } catch (err) {
        body = `(failed: ${(err as Error).message})`;
    }
    return `--- ${title}\n${body || "(nothing)"}`;
}

interface PodStatus {
    metadata: { namespace: string; name: string };
    status?: { conditions?: Array<{ type: string; status: string }> };
}

function kubectlText(kubectl: Kubectl, args: string[]): string {
    const r = kubectl.capture(args);
    return r.status === 0 ? r.stdout : `${r.stdout}${r.stderr}`;
}

/** The report: nodes, pods, recent warnings, disk, IPAM, the node daemons' errors, then every pod not Ready, described. */
export function clusterDiagnostics(kubectl: Kubectl): string {
    const logs = process.env.GOSHIP_NODE_LOGS;
    const sections = [
        section("nodes", () => kubectlText(kubectl, ["get", "nodes", "-o", "wide"])),
        section("the real node's taints, conditions, allocated resources and events", () => {
            const described = kubectlText(kubectl, ["describe", "node", realNodeName()]);
            return ["Taints:", "Conditions:", "Allocated resources:", "Events:"].map((heading) => block(described, heading)).join("\n");
        }),
        section("pods outside kube-system", () =>
            kubectlText(kubectl, ["get", "pods", "-A", "-o", "wide", "--field-selector", "metadata.namespace!=kube-system"]),
        ),
        section("warning events, newest last", () =>
            kubectlText(kubectl, ["get", "events", "-A", "--field-selector", "type=Warning", "--sort-by", ".lastTimestamp"]).split("\n").slice(-25).join("\n"),
        ),
        section("disk", () => `${capture("df", ["-h", "/"]).stdout}${process.env.GOSHIP_STATE ? `free where the platform's state is: ${diskFreeGiB()} GiB\n` : ""}`),
        ...(logs
            ? [
                  section("pod addresses held by IPAM", () => ipamHeld(logs)),
                  ...["kubelet", "containerd", "kube-proxy", "netns-relay"].map((daemon) =>
                      section(`${daemon} log`, () => errorTail(path.join(logs, `${daemon}.log`), 20)),
                  ),
              ]
            : [section("node logs", () => "GOSHIP_NODE_LOGS not set")]),
        section("pods not Ready, described (the first four)", () => {
            const pods = kubectl.json(["pods", "-A", "--field-selector", "metadata.namespace!=kube-system"]) as { items: PodStatus[] };
            const unready = pods.items.filter((p) => !p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
            return unready
                .slice(0, 4)
                .map((p) => kubectlText(kubectl, ["describe", "pod", "-n", p.metadata.namespace, p.metadata.name]))
                .join("\n");
        }),
    ];
    return sections.join("\n");
}

/** Where reports are kept, or undefined when the platform's state directory is not known. */
export function diagnosticsDir(): string | undefined {
    return process.env.GOSHIP_STATE ? path.join(process.env.GOSHIP_STATE, "e2e-diagnostics") : undefined;
}

/** Keeps REPORT in a file named by the time, so that the first failure sorts first; never throws. */
function keep(stepName: string, report: string): void {
    const dir = diagnosticsDir();
    if (!dir) return;
    try {
        fs.mkdirSync(dir, { recursive: true });
        const stamp = new Date().toISOString().replace(/[:.]/g, "-");
        const slug = stepName.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 60);
        fs.writeFileSync(path.join(dir, `${stamp}-${slug}.txt`), `step: ${stepName}\n${report}\n`);
    } catch (err) {
        process.stderr.write(`[e2e] could not keep the diagnostics: ${(err as Error).message}\n`);
    }
}

/**
 * An afterEach hook: the report on stderr when the step failed. Node's test context has
 * `passed` (Node 21+) though this @types/node does not declare it yet.
 */
export function diagnoseFailedStep(kubectl: Kubectl): (t: { name: string }) => void {
    return (t) => {
        if ((t as { passed?: boolean }).passed !== false) return;
        const report = clusterDiagnostics(kubectl);
        keep(t.name, report);
        process.stderr.write(`\n===== [e2e] diagnostics after the failed step "${t.name}"\n${report}\n===== end of diagnostics\n`);
    };
}
