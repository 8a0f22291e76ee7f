import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { parse as parseYaml } from "yaml";
import { namespaceSecurityLabels } from "../components/deploy/policies";
import { KubernetesConfig } from "./config";

/** A kubeconfig read and checked before any resource exists. */
export interface CheckedKubeconfig {
    /** The kubeconfig YAML, handed to the provider as content (never the ambient ~/.kube/config). */
    content: string;
    /** The context used. */
    context: string;
}

function expandHome(p: string): string {
    return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}

/**
 * Reads the configured kubeconfig (a path, relative to the project, or inline YAML) and
 * checks that the context exists, so a wrong path fails the preview with the key to fix
 * rather than halfway through an update. Returns the kubeconfig, or the problem.
 */
export function checkKubeconfig(cfg: KubernetesConfig, projectDir: string): CheckedKubeconfig | { problem: string } {
    try {
        return readKubeconfig(cfg, projectDir);
    } catch (err) {
        return { problem: (err as Error).message };
    }
}

function readKubeconfig(cfg: KubernetesConfig, projectDir: string): CheckedKubeconfig {
    const key = "goship:kubernetes.kubeconfig";
    const inline = cfg.kubeconfig.includes("\n");
    const file = inline ? undefined : path.resolve(projectDir, expandHome(cfg.kubeconfig));
    if (file !== undefined && !fs.existsSync(file)) {
        throw new Error(`${key}: ${file} does not exist; point it at your cluster's kubeconfig (for the local dev platform, run the README's main-job command first)`);
    }
    const content = inline ? cfg.kubeconfig : fs.readFileSync(file!, "utf8");
    let parsed: { contexts?: { name?: string }[]; "current-context"?: string } | null;
    try {
        parsed = parseYaml(content);
    } catch (e) {
        throw new Error(`${key}: ${file ?? "inline kubeconfig"} is not valid YAML (${(e as Error).message})`);
    }
    const contexts = (parsed?.contexts ?? []).map((c) => c.name).filter((n): n is string => typeof n === "string");
    const context = cfg.context ?? parsed?.["current-context"];
    if (!context) {
        throw new Error(`goship:kubernetes.context: ${file ?? "the kubeconfig"} has no current-context; set context to one of: ${contexts.join(", ") || "(none)"}`);
    }
    if (!contexts.includes(context)) {
        throw new Error(`goship:kubernetes.context: "${context}" is not in ${file ?? "the kubeconfig"}; use one of: ${contexts.join(", ") || "(none)"}`);
    }
    return { content, context };
}

/** The explicit Kubernetes provider every goship resource uses. */
export function kubernetesProvider(name: string, cfg: KubernetesConfig, kubeconfig: CheckedKubeconfig): k8s.Provider {
    return new k8s.Provider(name, {
        kubeconfig: pulumi.secret(kubeconfig.content),
        context: kubeconfig.context,
        namespace: cfg.namespace,
    });
}

/** The stack's namespace, labelled for Pod Security; or just its name when not managed here. */
export function stackNamespace(cfg: KubernetesConfig, needsHostPath: boolean, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    if (!cfg.createNamespace) {
        return pulumi.output(cfg.namespace);
    }
    const ns = new k8s.core.v1.Namespace(
        "namespace",
        { metadata: { name: cfg.namespace, labels: namespaceSecurityLabels(needsHostPath) } },
        opts,
    );
    return ns.metadata.name;
}

/** The stack's PriorityClass, when configured: never the cluster default, preempts lower. */
export function stackPriorityClass(cfg: KubernetesConfig, opts: pulumi.CustomResourceOptions): { name: string; resource: pulumi.Resource } | undefined {
    if (!cfg.priorityClass) return undefined;
    const { name, value } = cfg.priorityClass;
    const resource = new k8s.scheduling.v1.PriorityClass(
        "priority-class",
        {
            metadata: { name, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
            value,
            globalDefault: false,
            preemptionPolicy: "PreemptLowerPriority",
            description: "Pods of goship services in this stack",
        },
        opts,
    );
    return { name, resource };
}
