/**
 * The local platform's real node (tools/node/node.sh): where the service's pods run, what its
 * kubelet measured, and the way in to its Services. The node's environment (GOSHIP_NODE_*)
 * comes from .goship/local.env, which test/e2e/run.sh loads.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import { Kubectl } from "./commands";

function nodeEnv(name: string): string {
    const value = process.env[name];
    assert.ok(value, `${name} not set: run the e2e through test/e2e/run.sh (it loads .goship/local.env)`);
    return value;
}

export const realNodeName = (): string => nodeEnv("GOSHIP_NODE_NAME");

/** Whether IP lies in CIDR (IPv4). */
export function inCidr(ip: string, cidr: string): boolean {
    const [base, bits] = cidr.split("/");
    const n = (a: string) => a.split(".").reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
    const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
    return (n(ip) & mask) === (n(base) & mask);
}

/** A pod as these tests read it. */
export interface PodFacts {
    name: string;
    node: string;
    ip: string;
    ready: boolean;
    containerId: string;
    imageId: string;
    restarts: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function facts(p: any): PodFacts {
    const c = p.status.containerStatuses?.[0] ?? {};
    return {
        name: p.metadata.name,
        node: p.spec.nodeName ?? "",
        ip: p.status.podIP ?? "",
        ready: c.ready === true,
        containerId: c.containerID ?? "",
        imageId: c.imageID ?? "",
        restarts: c.restartCount ?? 0,
    };
}

/** The pods of a service (its app.kubernetes.io/name label), terminating ones left out. */
export function podsOf(kubectl: Kubectl, namespace: string, service: string): PodFacts[] {
    const list = kubectl.json(["-n", namespace, "pods", "-l", `app.kubernetes.io/name=${service}`]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return list.items.filter((p: any) => !p.metadata.deletionTimestamp).map(facts);
}

/**
 * Every pod runs on the real node, in its pod network, in a container containerd started
 * from the image pulled by the digest of REF.
 */
export function assertOnRealNode(pods: PodFacts[], ref: string): void {
    assert.ok(pods.length > 0, "no pods");
    const digest = ref.slice(ref.indexOf("@") + 1);
    for (const p of pods) {
        assert.equal(p.node, realNodeName(), `${p.name} runs on the real node`);
        assert.ok(inCidr(p.ip, nodeEnv("GOSHIP_NODE_POD_CIDR")), `${p.name}'s address ${p.ip} is in the node's pod network`);
        assert.match(p.containerId, /^containerd:\/\/[0-9a-f]{64}$/, `${p.name}: a container containerd runs`);
        assert.ok(p.imageId.endsWith(`@${digest}`), `${p.name} runs the image pulled by digest ${digest}: ${p.imageId}`);
        assert.ok(p.ready, `${p.name} is ready`);
    }
}

/** Probe results the kubelet counted per pod: {pod: {"Readiness/successful": n, ...}}. */
export function probeCounts(kubectl: Kubectl, namespace: string): Record<string, Record<string, number>> {
    const text = kubectl.run(["get", "--raw", `/api/v1/nodes/${realNodeName()}/proxy/metrics/probes`]);
    const counts: Record<string, Record<string, number>> = {};
    for (const line of text.split("\n")) {
        if (!line.startsWith("prober_probe_total{")) continue;
        const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        if (labels.namespace !== namespace) continue;
        const value = Number(line.slice(line.lastIndexOf(" ") + 1));
        (counts[labels.pod] ??= {})[`${labels.probe_type}/${labels.result}`] = value;
    }
    return counts;
}

/** A way from the host to a Service's ClusterIP, through the node's netns-relay. */
export interface ServiceEntry {
    url: string;
    clusterIP: string;
    close(): void;
}

/**
 * Starts a relay that listens on 127.0.0.1 and dials the Service's ClusterIP inside the
 * node's network namespace, where kube-proxy's rules pick the pod: a client on the host
 * then reaches the Service as a client on the node would.
 */
export async function serviceEntry(kubectl: Kubectl, namespace: string, service: string): Promise<ServiceEntry> {
    const svc = kubectl.json(["-n", namespace, "service", service]);
    const clusterIP = svc.spec.clusterIP as string;
    const port = svc.spec.ports[0].port as number;
    const relay = spawn(nodeEnv("GOSHIP_NODE_RELAY"), ["-netns", nodeEnv("GOSHIP_NODE_NETNS"), "-out", `127.0.0.1:0=${clusterIP}:${port}`], {
        stdio: ["ignore", "pipe", "pipe"],
    });
    const listening = await new Promise<string>((resolve, reject) => {
        let out = "";
        relay.stdout!.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /listening out (127\.0\.0\.1:\d+) ->/.exec(out);
            if (m) resolve(m[1]);
        });
        relay.stderr!.on("data", (d: Buffer) => (out += d.toString()));
        relay.on("exit", (code) => reject(new Error(`netns-relay exited (${code}): ${out}`)));
    });
    return { url: `http://${listening}`, clusterIP, close: () => relay.kill("SIGTERM") };
}

/** One GET on a connection of its own (no keep-alive: each request is a new pick of the Service). */
export function getOnce(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (body += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
        req.on("error", reject);
    });
}

/** Requests sent to the Service, one after the other, while something else happens. */
export class Traffic {
    ok = 0;
    readonly failures: string[] = [];
    private running = true;
    private readonly loop: Promise<void>;

    constructor(url: string, intervalMs = 100) {
        this.loop = (async () => {
            while (this.running) {
                try {
                    const r = await getOnce(url);
                    if (r.status === 200) this.ok++;
                    else this.failures.push(`HTTP ${r.status}: ${r.body.slice(0, 80)}`);
                } catch (err) {
                    this.failures.push(String(err));
                }
                await new Promise((r) => setTimeout(r, intervalMs));
            }
        })();
    }

    async stop(): Promise<{ ok: number; failures: string[] }> {
        this.running = false;
        await this.loop;
        return { ok: this.ok, failures: this.failures };
    }
}

/** `kubectl logs -f --timestamps` of one pod, collected until the container exits. */
export class FollowedLogs {
    private text = "";
    private readonly child: ChildProcess;
    readonly done: Promise<void>;

    constructor(kubectl: Kubectl, namespace: string, pod: string) {
        this.child = kubectl.spawn(["-n", namespace, "logs", "-f", "--timestamps", pod]);
        this.child.stdout!.on("data", (d: Buffer) => (this.text += d.toString()));
        this.done = new Promise((resolve) => this.child.on("exit", () => resolve()));
    }

    /** The time of the first line whose JSON has msg MESSAGE. */
    timeOf(message: string): Date | undefined {
        const line = this.text.split("\n").find((l) => l.includes(`"msg":"${message}"`));
        return line ? new Date(line.slice(0, line.indexOf(" "))) : undefined;
    }

    get lines(): string {
        return this.text;
    }

    stop(): void {
        this.child.kill("SIGTERM");
    }
}

/**
 * When each pod of a service was asked to stop: the API server sets deletionTimestamp to
 * the request's time plus the grace period (kubectl get -w prints each change).
 */
export class DeletionWatch {
    private readonly asked = new Map<string, Date>();
    private readonly child: ChildProcess;
    private buffer = "";

    constructor(kubectl: Kubectl, namespace: string, service: string) {
        const template = '{.metadata.name} {.metadata.deletionTimestamp} {.metadata.deletionGracePeriodSeconds}{"\\n"}';
        this.child = kubectl.spawn(["-n", namespace, "get", "pods", "-l", `app.kubernetes.io/name=${service}`, "-w", "-o", `jsonpath=${template}`]);
        this.child.stdout!.on("data", (d: Buffer) => {
            this.buffer += d.toString();
            const lines = this.buffer.split("\n");
            this.buffer = lines.pop()!;
            for (const line of lines) {
                const [name, at, grace] = line.trim().split(" ");
                if (at && grace && !this.asked.has(name)) this.asked.set(name, new Date(new Date(at).getTime() - Number(grace) * 1000));
            }
        });
    }

    askedAt(pod: string): Date | undefined {
        return this.asked.get(pod);
    }

    stop(): void {
        this.child.kill("SIGTERM");
    }
}
