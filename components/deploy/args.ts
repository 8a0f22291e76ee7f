import { z } from "zod";
import { windowsImageField } from "../build/args";
import { NodeOs } from "../build/platforms";
import { isGoMaxProcs, isGoMemLimit, MEMORY_LIMIT_ENV } from "./go-runtime";
import { QUANTITY_PATTERN, parseQuantity } from "./quantity";
import { windowsBuildProblem } from "./windows";
import { isKnownZone } from "./zoneinfo";
import { exposureSchema } from "./exposure-args";
import { annotationKey, dnsSubdomain } from "./k8s-names";
import { probesSchema } from "./probe-args";

// The schemas that live in files of their own, for the modules that import them from here.
export { exposureSchema, ExposureSpec } from "./exposure-args";
export { dnsSubdomain } from "./k8s-names";
export { probesSchema, ProbeSpec } from "./probe-args";

/**
 * GoDeployment's argument schema: every runtime setting's check and default, written once.
 * The stack config (stack/config.ts) composes `deploymentSettingsShape` and calls
 * `checkDeploymentSettings`, so a setting is checked the same way from
 * `Pulumi.<stack>.yaml` and from code.
 */

const quantity = z.string().regex(QUANTITY_PATTERN, "must be a Kubernetes quantity such as 250m, 1, 128Mi or 1Gi");

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");

const resourceAmounts = z.strictObject({
    /** CPU, e.g. `100m`. */
    cpu: quantity.optional().describe("CPU, e.g. 100m"),
    /** Memory, e.g. `64Mi`. */
    memory: quantity.optional().describe("memory, e.g. 64Mi"),
    /** Ephemeral storage (logs, the emptyDir /tmp), e.g. `64Mi`. */
    ephemeralStorage: quantity.optional().describe("ephemeral storage (logs, emptyDir /tmp), e.g. 64Mi"),
});

const DEFAULT_REQUESTS = { cpu: "50m", memory: "32Mi", ephemeralStorage: "16Mi" } as const;
const DEFAULT_LIMITS = { cpu: "500m", memory: "128Mi", ephemeralStorage: "64Mi" } as const;

export const resourcesSchema = z
    .strictObject({
        /** @default { cpu: "50m", memory: "32Mi", ephemeralStorage: "16Mi" } */
        requests: resourceAmounts.default({}),
        /** @default { cpu: "500m", memory: "128Mi", ephemeralStorage: "64Mi" } */
        limits: resourceAmounts.default({}),
    })
    .default({ requests: {}, limits: {} })
    .transform((r) => ({
        requests: { ...DEFAULT_REQUESTS, ...stripUndefined(r.requests) },
        limits: { ...DEFAULT_LIMITS, ...stripUndefined(r.limits) },
    }))
    .superRefine((r, ctx) => {
        for (const key of ["cpu", "memory", "ephemeralStorage"] as const) {
            if (parseQuantity(r.limits[key]) < parseQuantity(r.requests[key])) {
                ctx.addIssue({
                    code: "custom",
                    path: ["limits", key],
                    message: `limit ${r.limits[key]} is below the request ${r.requests[key]}; raise the limit or lower requests.${key}`,
                });
            }
        }
    });

export const timezoneSchema = z
    .strictObject({
        /** IANA zone name. @default "UTC" */
        zone: z
            .string()
            .refine(isKnownZone, { message: "unknown IANA time zone; use a name such as UTC, Europe/Paris or America/New_York" })
            .default("UTC"),
        /** How pods get the zone. @default configMap on Linux, embedded on Windows */
        mode: z
            .enum(["configMap", "embedded", "hostPath"])
            .optional()
            .describe("configMap (Linux default), embedded (Windows default) or hostPath"),
    })
    .default({ zone: "UTC" });

export const autoscalingSchema = z
    .strictObject({
        /** At least 2, so one pod can be disrupted without an outage. Required. */
        minReplicas: z.int().min(2, "at least 2, so one pod can be disrupted without an outage"),
        /** Required; above minReplicas. */
        maxReplicas: z.int().max(1000),
        /** Average CPU utilisation (percent of requests) the HPA aims for. @default 70 */
        targetCpuUtilization: z.int().min(1).max(100).default(70),
    })
    .refine((a) => a.maxReplicas > a.minReplicas, {
        path: ["maxReplicas"],
        message: "must be greater than minReplicas",
    });

export const networkPolicySchema = z
    .strictObject({
        /** @default true */
        enabled: z.boolean().default(true),
        /** Extra egress destinations besides cluster DNS. @default none */
        egressCidrs: z.array(z.cidrv4()).default([]).describe("extra egress destinations besides cluster DNS"),
    })
    .default({ enabled: true, egressCidrs: [] });

/**
 * GOMEMLIMIT from the memory limit (components/deploy/go-runtime.ts), by `source`: `config`
 * (a literal, percent of the configured limit) or `downwardAPI` (95.37% of the admitted limit).
 */
export const goMemLimitSchema = z
    .discriminatedUnion(
        "source",
        [
            z.strictObject({
                /** @default "config" */
                source: z.literal("config").default("config"),
                /** Percent of the memory limit; the rest is headroom for memory the Go runtime does not manage. @default 90 */
                percent: z.int().min(50, "below 50% the garbage collector runs far more often than the limit needs").max(100).default(90),
            }),
            z.strictObject({ source: z.literal("downwardAPI") }),
        ],
        { message: 'must have source "config" (percent of the configured limit) or "downwardAPI" (95.37% of the admitted limit)' },
    )
    .prefault({});

/** Names of image pull Secrets that exist in the namespace. */
export const imagePullSecretsField = z
    .array(dnsSubdomain)
    .default([])
    .describe("names of kubernetes.io/dockerconfigjson Secrets in the namespace the pods pull their image with");

const argList = z.array(z.string());

/** Env vars goship sets itself, and the setting that sets each. */
const RESERVED_ENV: Record<string, string> = { PORT: "port", TZ: "timezone.zone", SERVICE_NAME: "name", [MEMORY_LIMIT_ENV]: "resources.limits.memory" };

/** Env vars the Go runtime reads at start, and why a value would not do what it says. */
const GO_RUNTIME_ENV: Record<string, [(value: string) => boolean, string]> = {
    GOMEMLIMIT: [isGoMemLimit, "the Go runtime refuses it and the container exits at start (malformed GOMEMLIMIT); use bytes with an optional B, KiB, MiB, GiB or TiB (e.g. 200MiB), or off"],
    GOMAXPROCS: [isGoMaxProcs, "the Go runtime ignores it and keeps its own default; use a whole number of at least 1, or remove it (Go 1.25+ follows the CPU limit)"],
};

/** Pod template annotations goship sets itself (see GoDeployment). */
const RESERVED_POD_ANNOTATIONS = ["goship.dev/config-sha256"];

/** Names of secret env vars: checked here whatever their values are (config keys or secret Outputs). */
export function secretEnvField<V extends z.ZodType>(value: V) {
    return z
        .record(envName, value)
        .superRefine((env, ctx) => {
            for (const name of Object.keys(env)) {
                if (name in RESERVED_ENV) ctx.addIssue({ code: "custom", path: [name], message: `goship sets ${name} itself; pick another name` });
            }
        })
        .default({});
}

/** Why a Windows pod cannot ask for a read-only root filesystem, and the fix. */
const WINDOWS_READ_ONLY_ROOT =
    "Windows containers cannot have a read-only root filesystem (the API server rejects securityContext.readOnlyRootFilesystem on a pod whose spec.os.name is windows); remove the setting, or build for linux platforms";

/** The runtime settings GoDeployment takes as plain values, shared with the stack config's services. */
export const deploymentSettingsShape = {
    /**
     * Container port (non-privileged), named `http`.
     * @default 8080
     */
    port: z
        .int()
        .min(1024, "privileged ports need root or NET_BIND_SERVICE, which goship's non-root pods do not have; use 1024-65535 (e.g. 8080)")
        .max(65535, "must be at most 65535")
        .default(8080),
    /**
     * Pod count when there is no autoscaling.
     * @default 2
     */
    replicas: z.int().min(1, "must be at least 1").max(1000).default(2),
    /**
     * Requests and limits for cpu, memory and ephemeralStorage.
     * @default requests 50m/32Mi/16Mi, limits 500m/128Mi/64Mi
     */
    resources: resourcesSchema,
    /**
     * Probes by kind: http (/healthz liveness and startup, /readyz readiness), grpc or exec.
     * @default { type: "http" }
     */
    probes: probesSchema,
    /**
     * Time zone and how pods get it.
     * @default { zone: "UTC" }, mode configMap on Linux, embedded on Windows
     */
    timezone: timezoneSchema,
    /** Plain environment variables. @default none */
    env: z
        .record(envName, z.string())
        .superRefine((env, ctx) => {
            for (const [key, value] of Object.entries(env)) {
                const setting = RESERVED_ENV[key];
                if (setting) ctx.addIssue({ code: "custom", path: [key], message: `goship sets ${key} itself; set it through the service's ${setting} instead` });
                const [accepts, reason] = GO_RUNTIME_ENV[key] ?? [() => true, ""];
                if (!accepts(value)) ctx.addIssue({ code: "custom", path: [key], message: `"${value}": ${reason}` });
            }
        })
        .default({}),
    /** Extra pod template annotations; a change rolls the pods. @default none */
    podAnnotations: z
        .record(annotationKey, z.string())
        .superRefine((annotations, ctx) => {
            for (const key of Object.keys(annotations)) {
                if (RESERVED_POD_ANNOTATIONS.includes(key)) {
                    ctx.addIssue({ code: "custom", path: [key], message: `goship sets ${key} itself (a checksum of the mounted config); remove it` });
                }
            }
        })
        .default({})
        .describe("extra annotations on the pod template; changing one rolls the pods"),
    /** Files mounted read-only at /etc/<name>/; a change rolls the pods. @default none */
    configFiles: z
        .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a file name"), z.string())
        .optional()
        .describe("files mounted read-only at /etc/<name>/; changing one rolls the pods"),
    /** HorizontalPodAutoscaler on CPU; the Deployment then leaves `replicas` to it. @default none */
    autoscaling: autoscalingSchema.optional(),
    /** NetworkPolicy: ingress to the port, egress to DNS and `egressCidrs`. @default enabled */
    networkPolicy: networkPolicySchema,
    /**
     * Seconds between SIGTERM and SIGKILL.
     * @default 30
     */
    terminationGracePeriodSeconds: z.int().min(1).max(3600).default(30),
    /**
     * preStop sleep before SIGTERM, so endpoints drop the pod first (no shell needed).
     * @default 5
     */
    preStopSleepSeconds: z.int().min(0).max(120).default(5),
    /**
     * How long a rollout may take before `pulumi up` fails (also the progress deadline).
     * @default 600
     */
    rolloutTimeoutSeconds: z.int().min(30).max(3600).default(600),
    /** PriorityClass for the pods. @default none */
    priorityClassName: z.string().optional(),
    /**
     * The container's command, replacing the image's ENTRYPOINT. goship's images hold one
     * executable, the service's binary (/usr/local/bin/<name>, Windows C:\\app\\<name>.exe),
     * and no shell; `$(VAR)` expands the container's env. @default the image's ENTRYPOINT
     */
    command: argList.min(1, "must name the executable (e.g. /usr/local/bin/hello), or remove command to run the image's ENTRYPOINT").optional().describe("replaces the image ENTRYPOINT; goship's images hold only the binary, at /usr/local/bin/<name>"),
    /** Arguments to the command (or to the ENTRYPOINT); `$(VAR)` expands the container's env. @default none */
    args: argList.optional().describe("arguments to the command or the image ENTRYPOINT"),
    /** The process's working directory, an absolute path (on Windows pods, C:\\…). @default the image's, / */
    workingDir: z.string().min(1).optional().describe("working directory: an absolute path (C:\\... on Windows pods)"),
    /**
     * GOMEMLIMIT from the memory limit: `{source: config, percent}` writes percent of
     * `resources.limits.memory` (in MiB); `{source: downwardAPI}` 95.37% of the limit the
     * pod was admitted with. A GOMEMLIMIT in env or secretEnv wins (goship sets none).
     * @default { source: "config", percent: 90 }
     */
    goMemLimit: goMemLimitSchema,
    /** Exposure outside the cluster: `{kind: ingress, …}` or `{kind: httpRoute, …}`. @default none (in-cluster only) */
    exposure: exposureSchema.optional(),
    /** Secrets (kubernetes.io/dockerconfigjson, existing in the namespace) the pods pull their image with. @default none */
    imagePullSecrets: imagePullSecretsField,
    /**
     * Linux: read-only root filesystem with a small writable /tmp. Windows pods cannot have one.
     * @default true on Linux
     */
    readOnlyRootFilesystem: z
        .boolean()
        .optional()
        .describe("Linux: the root filesystem is read-only, /tmp a small emptyDir (default true; false lets the app write anywhere and the linters flag it). Not for Windows pods"),
};

/** The settings `checkDeploymentSettings` reads. */
interface CheckedSettings {
    env: Record<string, string>;
    secretEnv: Record<string, unknown>;
    preStopSleepSeconds: number;
    terminationGracePeriodSeconds: number;
    timezone: { mode?: string };
    readOnlyRootFilesystem?: boolean;
    workingDir?: string;
}

/** Why DIR cannot be the working directory of a container on OS, or undefined. */
function workingDirProblem(dir: string, os: NodeOs): string | undefined {
    if (os === "windows") return /^[A-Za-z]:[\\/]/.test(dir) ? undefined : `"${dir}" is not an absolute Windows path; use one such as C:\\app (the pods run on Windows nodes)`;
    return dir.startsWith("/") ? undefined : `"${dir}" is not an absolute path; use one such as /tmp (relative paths depend on the runtime)`;
}

/** The checks that span several settings, for pods on OS. */
export function checkDeploymentSettings(s: CheckedSettings, os: NodeOs, ctx: z.RefinementCtx): void {
    for (const name of Object.keys(s.secretEnv)) {
        if (name in s.env) {
            ctx.addIssue({ code: "custom", path: ["secretEnv", name], message: `also set in env; a variable is either plain (env) or secret (secretEnv), not both` });
        }
    }
    if (s.preStopSleepSeconds >= s.terminationGracePeriodSeconds) {
        ctx.addIssue({
            code: "custom",
            path: ["preStopSleepSeconds"],
            message: `${s.preStopSleepSeconds}s leaves no time of the ${s.terminationGracePeriodSeconds}s grace period for a graceful shutdown (the preStop sleep counts against it); lower it or raise terminationGracePeriodSeconds`,
        });
    }
    const timezoneProblem = timezoneModeProblem(s.timezone.mode, os);
    if (timezoneProblem) ctx.addIssue({ code: "custom", path: ["timezone", "mode"], message: timezoneProblem });
    const dirProblem = s.workingDir === undefined ? undefined : workingDirProblem(s.workingDir, os);
    if (dirProblem) ctx.addIssue({ code: "custom", path: ["workingDir"], message: dirProblem });
    if (os === "windows") {
        if (s.readOnlyRootFilesystem === true) {
            ctx.addIssue({ code: "custom", path: ["readOnlyRootFilesystem"], message: WINDOWS_READ_ONLY_ROOT });
        }
    }
}

/** Why pods on OS cannot get their zone by MODE, or undefined when they can. */
export function timezoneModeProblem(mode: string | undefined, os: NodeOs): string | undefined {
    if (os !== "windows") return undefined;
    if (mode === "hostPath") return "hostPath mounts /etc/localtime, which Windows nodes do not have; use mode embedded (TZ env, zoneinfo in the binary)";
    if (mode === "configMap") return "configMap mounts /etc/localtime, which Windows ignores; use mode embedded for Windows nodes";
    return undefined;
}

/** GoDeployment's plain-value arguments (everything but the image, namespace and other Inputs). */
export const goDeploymentSettingsSchema = z
    .strictObject({
        ...deploymentSettingsShape,
        /**
         * Node operating system; Windows pods get the Windows selectors and toleration.
         * @default "linux"
         */
        os: z.enum(["linux", "windows"]).default("linux"),
        /**
         * Windows base image, to select nodes of the matching Windows build.
         * @default "mcr.microsoft.com/windows/nanoserver:ltsc2022"
         */
        windowsImage: windowsImageField,
        /** Secret env vars (name → secret value), delivered through a Secret and secretKeyRef. @default none */
        secretEnv: secretEnvField(z.custom<unknown>(() => true)),
    })
    .superRefine((s, ctx) => {
        checkDeploymentSettings(s, s.os, ctx);
        const problem = s.os === "windows" ? windowsBuildProblem(s.windowsImage) : undefined;
        if (problem) ctx.addIssue({ code: "custom", path: ["windowsImage"], message: problem });
    });

/** Requests and limits, validated and defaulted. */
export type ResourceSpec = z.output<typeof resourcesSchema>;
/** GOMEMLIMIT's source, validated and defaulted. */
export type GoMemLimit = z.output<typeof goMemLimitSchema>;

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
