import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { GoMemLimit, ProbeSpec, ResourceSpec } from "./args";
import { renderGoRuntimeEnv } from "./go-runtime";
import { Labels } from "./labels";
import { NodeOs } from "../build/platforms";
import { HTTP_PORT_NAME, renderProbes } from "./probes";
import { renderImagePullSecrets } from "./pull-secrets";
import { containerSecurityContext, podSecurityContext } from "./security";
import { TimezonePlan } from "./timezone";
import { WINDOWS_TOLERATION } from "./windows";

type PodTemplateSpec = k8s.types.input.core.v1.PodTemplateSpec;
type DeploymentSpec = k8s.types.input.apps.v1.DeploymentSpec;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** Everything that shapes the pod, already validated and defaulted. */
export interface PodOptions {
    /** Service name: container name and the value of SERVICE_NAME. */
    name: string;
    /** Image reference, pinned by digest (`repo@sha256:…`). */
    image: pulumi.Input<string>;
    port: number;
    os: NodeOs;
    /** For Windows: the node.kubernetes.io/windows-build the base image needs. */
    windowsBuild?: string;
    env: Record<string, string>;
    /** Secret env vars: their names, read with secretKeyRef from the Secret named secretEnvSecret. */
    secretEnvNames?: string[];
    secretEnvSecret?: string;
    resources: ResourceSpec;
    probes: ProbeSpec;
    timezone: TimezonePlan;
    /** ConfigMap holding the service's config files, mounted at /etc/<name>. */
    configFilesConfigMap?: string;
    serviceAccountName: string;
    selectorLabels: Labels;
    labels: Labels;
    /** Pod template annotations, e.g. the config checksum that rolls pods on change. */
    annotations: Record<string, string>;
    terminationGracePeriodSeconds: number;
    preStopSleepSeconds: number;
    priorityClassName?: string;
    /** Linux only: the container's root filesystem is read-only (/tmp stays writable). */
    readOnlyRootFilesystem: boolean;
    /** Replaces the image's ENTRYPOINT. */
    command?: string[];
    args?: string[];
    workingDir?: string;
    /** GOMEMLIMIT from the memory limit (unless env or secretEnv sets it). */
    goMemLimit: GoMemLimit;
    /** Secrets the kubelet pulls the image with. */
    imagePullSecrets?: string[];
}

/** The scratch space a read-only root filesystem still needs. */
const TMP_SIZE_LIMIT = "32Mi";

function kubernetesResources(r: ResourceSpec) {
    const amounts = (a: ResourceSpec["requests"]) => ({ cpu: a.cpu, memory: a.memory, "ephemeral-storage": a.ephemeralStorage });
    return { requests: amounts(r.requests), limits: amounts(r.limits) };
}

/** The pod template of a goship Deployment: secure defaults, probes, timezone, graceful stop. */
export function renderPodTemplate(o: PodOptions): PodTemplateSpec {
    const userEnv = [...Object.keys(o.env), ...(o.secretEnvNames ?? [])];
    const env: EnvVar[] = [
        { name: "SERVICE_NAME", value: o.name },
        { name: "PORT", value: String(o.port) },
        ...o.timezone.env,
        ...renderGoRuntimeEnv({ memoryLimit: o.resources.limits.memory, goMemLimit: o.goMemLimit, userEnv }),
        ...Object.entries(o.env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => ({ name, value })),
        ...[...(o.secretEnvNames ?? [])].sort().map((name) => ({ name, valueFrom: { secretKeyRef: { name: o.secretEnvSecret!, key: name } } })),
    ];
    const volumes: Volume[] = [...o.timezone.volumes];
    const volumeMounts: VolumeMount[] = [...o.timezone.volumeMounts];
    if (o.os === "linux") {
        // readOnlyRootFilesystem: /tmp is the only writable place, bounded in size.
        volumes.push({ name: "tmp", emptyDir: { sizeLimit: TMP_SIZE_LIMIT } });
        volumeMounts.push({ name: "tmp", mountPath: "/tmp" });
    }
    if (o.configFilesConfigMap) {
        volumes.push({ name: "config", configMap: { name: o.configFilesConfigMap } });
        volumeMounts.push({ name: "config", mountPath: o.os === "windows" ? `C:\\etc\\${o.name}` : `/etc/${o.name}`, readOnly: true });
    }
    const nodeSelector: Record<string, string> = { "kubernetes.io/os": o.os };
    if (o.os === "windows" && o.windowsBuild) {
        nodeSelector["node.kubernetes.io/windows-build"] = o.windowsBuild;
    }
    return {
        metadata: { labels: o.labels, annotations: o.annotations },
        spec: {
            os: { name: o.os },
            serviceAccountName: o.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: podSecurityContext(o.os),
            terminationGracePeriodSeconds: o.terminationGracePeriodSeconds,
            priorityClassName: o.priorityClassName,
            imagePullSecrets: renderImagePullSecrets(o.imagePullSecrets ?? []),
            nodeSelector,
            tolerations: o.os === "windows" ? [{ ...WINDOWS_TOLERATION }] : undefined,
            topologySpreadConstraints: [
                {
                    maxSkew: 1,
                    topologyKey: "kubernetes.io/hostname",
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: o.selectorLabels },
                },
            ],
            affinity: {
                podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                        { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: o.selectorLabels } } },
                    ],
                },
            },
            containers: [
                {
                    name: o.name,
                    image: o.image,
                    // The image is pinned by digest, so Always costs one manifest check per
                    // start and never changes what runs; the linters require it.
                    imagePullPolicy: "Always",
                    command: o.command,
                    args: o.args,
                    workingDir: o.workingDir,
                    ports: [{ name: HTTP_PORT_NAME, containerPort: o.port, protocol: "TCP" }],
                    env,
                    resources: kubernetesResources(o.resources),
                    ...renderProbes(o.probes, o.port),
                    // A sleep action needs no shell: the image has none. It lets endpoints
                    // drop the pod before the process gets SIGTERM.
                    lifecycle: o.preStopSleepSeconds > 0 ? { preStop: { sleep: { seconds: o.preStopSleepSeconds } } } : undefined,
                    securityContext: containerSecurityContext(o.os, o.readOnlyRootFilesystem),
                    volumeMounts,
                },
            ],
            volumes,
        },
    };
}

/** Rollout settings: surge one pod, never drop below the desired count. */
export function renderDeploymentSpec(o: {
    selectorLabels: Labels;
    /** Omitted when an HPA owns the replica count. */
    replicas?: number;
    progressDeadlineSeconds: number;
    template: PodTemplateSpec;
}): DeploymentSpec {
    return {
        replicas: o.replicas,
        selector: { matchLabels: o.selectorLabels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        // minReadySeconds stays unset (Kubernetes' 0): the provider stores no zero value,
        // so an explicit 0 showed as "+ minReadySeconds: 0" in later diffs.
        progressDeadlineSeconds: o.progressDeadlineSeconds,
        // No old ReplicaSets kept: Pulumi's state, not the Deployment's history, is the record
        // (rollback is `promote --rollback`, pinned from the release record). A kept
        // ReplicaSet is reused when a rollback or promotion returns to its template, and the
        // provider's rollout await can then report success before the reused ReplicaSet is
        // scaled up (its spec.replicas still 0 counts as "all ready").
        revisionHistoryLimit: 0,
        template: o.template,
    };
}
