/**
 * The few Kubernetes fields the policies read, typed, and where each workload kind keeps
 * its pod template. Policies read only what they check: CrossGuard's proxy reports any
 * field unknown at preview that a policy touches as "can't run … during preview".
 */
export interface SecurityContext {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { add?: string[]; drop?: string[] };
    seccompProfile?: { type?: string };
    windowsOptions?: { runAsUserName?: string };
}

export interface Probe {
    httpGet?: unknown;
    grpc?: unknown;
    exec?: unknown;
    tcpSocket?: unknown;
}

export interface Container {
    name: string;
    image?: string;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    startupProbe?: Probe;
    livenessProbe?: Probe;
    readinessProbe?: Probe;
    securityContext?: SecurityContext;
    volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface Volume {
    name: string;
    hostPath?: { path: string };
}

export interface PodSpec {
    os?: { name?: string };
    containers?: Container[];
    initContainers?: Container[];
    securityContext?: SecurityContext;
    volumes?: Volume[];
    topologySpreadConstraints?: unknown[];
}

export interface ObjectMeta {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
}

export interface PodTemplate {
    metadata?: ObjectMeta;
    spec?: PodSpec;
}

export interface Deployment {
    metadata?: ObjectMeta;
    spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> }; template?: PodTemplate };
}

export interface PodDisruptionBudget {
    metadata?: ObjectMeta;
    spec?: { selector?: { matchLabels?: Record<string, string> } };
}

export interface HorizontalPodAutoscaler {
    metadata?: ObjectMeta;
    spec?: { minReplicas?: number; scaleTargetRef?: { kind?: string; name?: string } };
}

export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

/** Resource types that run pods, and the path from their props to the pod template. */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
    [DEPLOYMENT]: ["spec", "template"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template"],
    "kubernetes:batch/v1:Job": ["spec", "template"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template"],
    "kubernetes:core/v1:Pod": [],
};

/** The pod spec a resource of TYPE runs, or undefined when it runs no pods. */
export function podSpecOf(type: string, props: unknown): PodSpec | undefined {
    const path = TEMPLATE_PATHS[type];
    if (path === undefined) return undefined;
    let node: unknown = props;
    for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
    return (node as PodTemplate | undefined)?.spec;
}

/** Every container of the pod, init containers included (they run the same image rules). */
export function containersOf(spec: PodSpec): Container[] {
    return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** Windows pods cannot have Linux-only security fields (the API server rejects them). */
export function isWindows(spec: PodSpec): boolean {
    return spec.os?.name === "windows";
}

/** LABELS ⊇ SELECTOR: a selector with no labels selects nothing here. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
    const entries = Object.entries(selector ?? {});
    return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}
