import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isKnownZone } from "./zoneinfo";
import { SUPPORTED_PLATFORMS, DEFAULT_PLATFORMS, platformOs } from "./platforms";
import { QUANTITY_PATTERN, parseQuantity } from "./quantity";
import { isImageReference } from "./image-reference";

/**
 * The stack configuration schema: the one source of goship's config types, defaults and
 * error messages. Nothing else reads `pulumi.Config`.
 *
 * Every object is strict, so a misspelt key is an error rather than a silently ignored
 * setting.
 */

/** The Pulumi config namespace (the project name in Pulumi.yaml). */
export const CONFIG_NAMESPACE = "goship";

const dnsLabel = z
    .string()
    .max(40, "at most 40 characters, so the names goship derives from it stay valid Kubernetes names")
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lowercase letters, digits and '-', starting with a letter");

const quantity = z.string().regex(QUANTITY_PATTERN, "must be a Kubernetes quantity such as 250m, 1, 128Mi or 1Gi");

const imageReference = z
    .string()
    .refine(isImageReference, "must be an image reference such as golang:1.26, registry:5000/team/go:1.26 or name@sha256:<64 hex>");

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");

const httpPath = z.string().regex(/^\/[^\s]*$/, "must be an absolute URL path such as /healthz");

const resourceAmounts = z.strictObject({
    cpu: quantity.optional().describe("CPU, e.g. 100m"),
    memory: quantity.optional().describe("memory, e.g. 64Mi"),
    ephemeralStorage: quantity.optional().describe("ephemeral storage (logs, emptyDir /tmp), e.g. 64Mi"),
});

export const DEFAULT_REQUESTS = { cpu: "50m", memory: "32Mi", ephemeralStorage: "16Mi" } as const;
export const DEFAULT_LIMITS = { cpu: "500m", memory: "128Mi", ephemeralStorage: "64Mi" } as const;

export const resourcesSchema = z
    .strictObject({
        requests: resourceAmounts.default({}),
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

export const probesSchema = z
    .strictObject({
        type: z.enum(["http", "grpc", "exec"]).default("http").describe("how the kubelet probes the container"),
        livenessPath: httpPath.default("/healthz"),
        readinessPath: httpPath.default("/readyz"),
        startupPath: httpPath.default("/healthz"),
        grpcService: z.string().optional().describe("gRPC health service name (type grpc); empty checks the server"),
        livenessCommand: z.array(z.string()).min(1).optional().describe("exec liveness command (type exec)"),
        readinessCommand: z.array(z.string()).min(1).optional().describe("exec readiness command (type exec)"),
        startupCommand: z.array(z.string()).min(1).optional().describe("exec startup command (type exec)"),
        periodSeconds: z.int().min(1).max(300).default(10),
        timeoutSeconds: z.int().min(1).max(60).default(2),
        failureThreshold: z.int().min(1).max(30).default(3),
        startupFailureThreshold: z.int().min(1).max(600).default(30).describe("startup probe failures (x periodSeconds) allowed before the container is restarted"),
    })
    .default({
        type: "http",
        livenessPath: "/healthz",
        readinessPath: "/readyz",
        startupPath: "/healthz",
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 3,
        startupFailureThreshold: 30,
    })
    .superRefine((p, ctx) => {
        if (p.type === "http" && p.livenessPath === p.readinessPath) {
            ctx.addIssue({
                code: "custom",
                path: ["readinessPath"],
                message: `liveness and readiness both probe ${p.livenessPath}; give readiness its own path (e.g. /readyz) so a busy pod is taken out of rotation instead of restarted`,
            });
        }
        if (p.type === "exec") {
            for (const key of ["livenessCommand", "readinessCommand", "startupCommand"] as const) {
                if (!p[key]) {
                    ctx.addIssue({ code: "custom", path: [key], message: "required when probes.type is exec (a command that exits 0 when healthy)" });
                }
            }
        }
    });

export const timezoneSchema = z
    .strictObject({
        zone: z
            .string()
            .refine(isKnownZone, { message: "unknown IANA time zone; use a name such as UTC, Europe/Paris or America/New_York" })
            .default("UTC"),
        mode: z
            .enum(["configMap", "embedded", "hostPath"])
            .optional()
            .describe("configMap (Linux default), embedded (Windows default) or hostPath"),
    })
    .default({ zone: "UTC" });

const baseImages = z
    .strictObject({
        builder: imageReference.default("golang:1.26-bookworm").describe("Go toolchain image for the build stage"),
        runtime: z
            .union([z.enum(["scratch", "distroless", "alpine"]), imageReference])
            .default("scratch")
            .describe("final Linux stage: scratch, distroless, alpine or an image reference"),
        windows: imageReference
            .default("mcr.microsoft.com/windows/nanoserver:ltsc2022")
            .describe("final Windows stage"),
    })
    .default({
        builder: "golang:1.26-bookworm",
        runtime: "scratch",
        windows: "mcr.microsoft.com/windows/nanoserver:ltsc2022",
    });

export const autoscalingSchema = z
    .strictObject({
        minReplicas: z.int().min(2, "at least 2, so one pod can be disrupted without an outage"),
        maxReplicas: z.int().max(1000),
        targetCpuUtilization: z.int().min(1).max(100).default(70),
    })
    .refine((a) => a.maxReplicas > a.minReplicas, {
        path: ["maxReplicas"],
        message: "must be greater than minReplicas",
    });

export const networkPolicySchema = z
    .strictObject({
        enabled: z.boolean().default(true),
        egressCidrs: z.array(z.cidrv4()).default([]).describe("extra egress destinations besides cluster DNS"),
    })
    .default({ enabled: true, egressCidrs: [] });

const imageSource = z
    .discriminatedUnion("source", [
        z.strictObject({ source: z.literal("build") }),
        z.strictObject({
            source: z.literal("promote"),
            fromStack: z
                .string()
                .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/, "must be a stack name: stack, project/stack or org/project/stack"),
        }),
    ])
    .default({ source: "build" });

const RESERVED_ENV = ["PORT", "TZ", "SERVICE_NAME"];
/** Why a Windows pod cannot ask for a read-only root filesystem, and the fix. */
export const WINDOWS_READ_ONLY_ROOT =
    "Windows containers cannot have a read-only root filesystem (the API server rejects securityContext.readOnlyRootFilesystem on a pod whose spec.os.name is windows); remove the setting, or build for linux platforms";
/** Pod template annotations goship sets itself (see GoDeployment). */
export const RESERVED_POD_ANNOTATIONS = ["goship.dev/config-sha256"];
/** A Kubernetes annotation key: optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
const annotationKey = z
    .string()
    .max(317)
    .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
        "must be an annotation key: [prefix/]name, e.g. example.com/team",
    );
/** Build args goship sets itself (see GoImage). */
const RESERVED_BUILD_ARGS = ["VERSION", "REVISION", "SOURCE", "SOURCE_DATE_EPOCH"];

export const serviceSchema = z
    .strictObject({
        name: dnsLabel.describe("service name: Kubernetes object names and image repository"),
        path: z.string().min(1).describe("directory of the Go module (holds go.mod), relative to the project"),
        main: z
            .string()
            .regex(/^\.(\/[A-Za-z0-9_.-]+)*$/, "must be a package path inside the module, such as . or ./cmd/server")
            .default(".")
            .describe("main package, relative to the module"),
        port: z
            .int()
            .min(1024, "privileged ports need root or NET_BIND_SERVICE, which goship's non-root pods do not have; use 1024-65535 (e.g. 8080)")
            .max(65535, "must be at most 65535")
            .default(8080),
        replicas: z.int().min(1, "must be at least 1").max(1000).default(2),
        platforms: z
            .array(z.enum(SUPPORTED_PLATFORMS, { message: `must be one of ${SUPPORTED_PLATFORMS.join(", ")}` }))
            .min(1)
            .refine((ps) => new Set(ps).size === ps.length, "lists a platform twice")
            .default(DEFAULT_PLATFORMS),
        resources: resourcesSchema,
        probes: probesSchema,
        timezone: timezoneSchema,
        env: z.record(envName, z.string()).default({}),
        secretEnv: z
            .record(envName, z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "must be the name of a secret stack config key, e.g. apiToken"))
            .default({})
            .describe("env var → secret config key (pulumi config set --secret KEY VALUE); delivered via a Secret and secretKeyRef"),
        podAnnotations: z.record(annotationKey, z.string()).default({}).describe("extra annotations on the pod template; changing one rolls the pods"),
        configFiles: z
            .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a file name"), z.string())
            .optional()
            .describe("files mounted read-only at /etc/<name>/; changing one rolls the pods"),
        autoscaling: autoscalingSchema.optional(),
        networkPolicy: networkPolicySchema,
        image: imageSource,
        base: baseImages,
        versionVariable: z
            .string()
            .regex(/^[A-Za-z0-9_./-]+\.[A-Za-z_][A-Za-z0-9_]*$/, "must be a Go package-qualified variable such as main.version")
            .default("main.version"),
        buildArgs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
        terminationGracePeriodSeconds: z.int().min(1).max(3600).default(30),
        preStopSleepSeconds: z.int().min(0).max(120).default(5),
        rolloutTimeoutSeconds: z.int().min(30).max(3600).default(600),
        priorityClassName: z.string().optional(),
        readOnlyRootFilesystem: z
            .boolean()
            .optional()
            .describe("Linux: the root filesystem is read-only, /tmp a small emptyDir (default true; false lets the app write anywhere and the linters flag it). Not for Windows pods"),
    })
    .superRefine((s, ctx) => {
        for (const key of Object.keys(s.env)) {
            if (RESERVED_ENV.includes(key)) {
                ctx.addIssue({ code: "custom", path: ["env", key], message: `goship sets ${key} itself; set it through the service's ${key === "TZ" ? "timezone.zone" : key === "PORT" ? "port" : "name"} instead` });
            }
        }
        for (const [name, key] of Object.entries(s.secretEnv)) {
            if (RESERVED_ENV.includes(name)) {
                ctx.addIssue({ code: "custom", path: ["secretEnv", name], message: `goship sets ${name} itself; pick another name` });
            }
            if (name in s.env) {
                ctx.addIssue({ code: "custom", path: ["secretEnv", name], message: `also set in env; a variable is either plain (env) or secret (secretEnv), not both` });
            }
            if ((CONFIG_KEYS as readonly string[]).includes(key) || key === REGISTRY_PASSWORD_KEY) {
                ctx.addIssue({ code: "custom", path: ["secretEnv", name], message: `"${key}" is one of goship's own config keys; store the value under a key of its own` });
            }
        }
        for (const key of Object.keys(s.podAnnotations)) {
            if (RESERVED_POD_ANNOTATIONS.includes(key)) {
                ctx.addIssue({ code: "custom", path: ["podAnnotations", key], message: `goship sets ${key} itself (a checksum of the mounted config); remove it` });
            }
        }
        for (const key of Object.keys(s.buildArgs)) {
            if (RESERVED_BUILD_ARGS.includes(key)) {
                ctx.addIssue({ code: "custom", path: ["buildArgs", key], message: `goship sets ${key} itself (from the source revision); remove it, or set goship:build.revision` });
            }
        }
        if (s.preStopSleepSeconds >= s.terminationGracePeriodSeconds) {
            ctx.addIssue({
                code: "custom",
                path: ["preStopSleepSeconds"],
                message: `${s.preStopSleepSeconds}s leaves no time of the ${s.terminationGracePeriodSeconds}s grace period for a graceful shutdown (the preStop sleep counts against it); lower it or raise terminationGracePeriodSeconds`,
            });
        }
        const oses = new Set(s.platforms.map(platformOs));
        if (oses.has("windows") && !oses.has("linux")) {
            if (s.timezone.mode === "hostPath") {
                ctx.addIssue({ code: "custom", path: ["timezone", "mode"], message: "hostPath mounts /etc/localtime, which Windows nodes do not have; use mode embedded (TZ env, zoneinfo in the binary)" });
            }
            if (s.timezone.mode === "configMap") {
                ctx.addIssue({ code: "custom", path: ["timezone", "mode"], message: "configMap mounts /etc/localtime, which Windows ignores; use mode embedded for Windows nodes" });
            }
            if (s.readOnlyRootFilesystem === true) {
                ctx.addIssue({ code: "custom", path: ["readOnlyRootFilesystem"], message: WINDOWS_READ_ONLY_ROOT });
            }
        }
    });

const genericRegistry = z.strictObject({
    type: z.literal("generic"),
    server: z
        .string()
        .regex(/^(localhost|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)(:[0-9]{1,5})?$/, "must be a registry host[:port] without scheme or path, e.g. 127.0.0.1:5000 or ghcr.io"),
    repositoryPrefix: z
        .string()
        .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "must be a lowercase repository path such as team or team/apps")
        .optional(),
    username: z.string().min(1).optional().describe("registry user; the password is the secret key goship:registryPassword"),
});

const ecrRegistry = z.strictObject({
    type: z.literal("ecr"),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-[0-9]$/, "must be an AWS region such as eu-west-1"),
    repositoryPrefix: z
        .string()
        .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "must be a lowercase repository path such as team")
        .optional(),
    keepLastImages: z.int().min(1).max(10000).default(50).describe("lifecycle: images kept per repository"),
    untaggedExpiryDays: z.int().min(1).max(3650).default(7).describe("lifecycle: days before untagged images expire"),
    kmsKeyArn: z.string().startsWith("arn:").optional().describe("KMS key for encryption at rest; AES256 when unset"),
});

export const registrySchema = z.discriminatedUnion("type", [genericRegistry, ecrRegistry], {
    message: 'must have type "generic" (server, username) or "ecr" (region)',
});

export const kubernetesSchema = z.strictObject({
    kubeconfig: z.string().min(1).describe("path to the kubeconfig file (relative to the project) or its YAML content"),
    context: z.string().min(1).optional().describe("kubeconfig context; the file's current-context when unset"),
    namespace: dnsLabel.describe("namespace every object goes into"),
    createNamespace: z.boolean().default(true).describe("create the namespace, labelled for Pod Security restricted"),
    priorityClass: z
        .strictObject({
            name: z
                .string()
                .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a DNS subdomain such as goship-apps")
                .refine((n) => !n.startsWith("system-"), "names starting with system- are reserved by Kubernetes"),
            value: z.int().min(-1000000000).max(1000000000, "must be at most 1000000000 (higher values are reserved for system classes)"),
        })
        .optional()
        .describe("a PriorityClass this stack creates; services without priorityClassName use it"),
});

export const buildSchema = z
    .strictObject({
        revision: z
            .string()
            .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}$/, "must be usable as an image tag")
            .optional()
            .describe("source revision for tags and labels; from git when unset"),
        builder: z.string().min(1).optional().describe("buildx builder name; the buildx store's current builder when unset"),
        cache: z.boolean().default(true).describe("registry build cache per platform"),
        sourceUrl: z.string().url().optional().describe("org.opencontainers.image.source label"),
    })
    .default({ cache: true });

export const stackConfigSchema = z
    .strictObject({
        services: z.array(serviceSchema).min(1, "list at least one service"),
        registry: registrySchema.optional(),
        kubernetes: kubernetesSchema,
        build: buildSchema,
    })
    .superRefine((c, ctx) => {
        const seen = new Map<string, number>();
        c.services.forEach((s, i) => {
            const first = seen.get(s.name);
            if (first !== undefined) {
                ctx.addIssue({ code: "custom", path: ["services", i, "name"], message: `"${s.name}" is already used by services[${first}]; service names must be unique` });
            }
            seen.set(s.name, i);
        });
        if (!c.registry && c.services.some((s) => s.image.source === "build")) {
            ctx.addIssue({ code: "custom", path: ["registry"], message: 'required when a service builds its image; set {type: generic, server: ...} or {type: ecr, region: ...}' });
        }
    });

/** One service, validated and with every default filled in. */
export type ServiceSpec = z.output<typeof serviceSchema>;
/** Registry target from config. */
export type RegistryConfig = z.output<typeof registrySchema>;
/** Kubernetes target from config. */
export type KubernetesConfig = z.output<typeof kubernetesSchema>;
/** Build settings from config. */
export type BuildConfig = z.output<typeof buildSchema>;
/** The whole validated stack config. */
export type StackConfig = z.output<typeof stackConfigSchema>;
/** Timezone settings of a service. */
export type TimezoneSpec = ServiceSpec["timezone"];
/** Probe settings of a service. */
export type ProbeSpec = ServiceSpec["probes"];
/** Requests and limits of a service. */
export type ResourceSpec = ServiceSpec["resources"];

/** Raised for invalid stack config; the message lists every problem, one per line. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack config:\n  ${problems.join("\n  ")}`);
        this.name = "ConfigError";
    }
}

function formatPath(path: PropertyKey[], root = `${CONFIG_NAMESPACE}:`): string {
    let out = root;
    for (const part of path) {
        if (typeof part === "number") out += `[${part}]`;
        else out += out.endsWith(":") ? String(part) : `.${String(part)}`;
    }
    return out;
}

/**
 * Validates raw config values (key without namespace → parsed YAML value) and returns the
 * typed config with defaults applied. Throws ConfigError naming each bad key.
 */
/**
 * Reads goship's keys (CONFIG_KEYS) with READ (undefined when unset) and validates them:
 * one path for the program (Pulumi config) and the runner (the Automation API's config map).
 */
export function parseStackConfigFrom(read: (key: string) => unknown): StackConfig {
    const raw: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS) {
        const value = read(key);
        if (value !== undefined) raw[key] = value;
    }
    return parseStackConfig(raw);
}

export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    if (Object.keys(raw).length === 0) {
        throw new ConfigError([
            `${CONFIG_NAMESPACE}: the stack has no goship config; set ${CONFIG_NAMESPACE}:services, ${CONFIG_NAMESPACE}:registry and ${CONFIG_NAMESPACE}:kubernetes in Pulumi.<stack>.yaml (see README "Configuration")`,
        ]);
    }
    const result = stackConfigSchema.safeParse(raw);
    if (result.success) {
        return result.data;
    }
    throw new ConfigError(result.error.issues.map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue)}`));
}

function describeIssue(issue: z.core.$ZodIssue): string {
    if (issue.code === "unrecognized_keys") {
        return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}; check the spelling against README "Configuration"`;
    }
    if (issue.code === "invalid_key" && issue.issues.length > 0) {
        // A record key (env var name, file name) failed its own check: show that message.
        return issue.issues[0].message;
    }
    if (issue.code === "invalid_type" && issue.input === undefined) {
        return `is required (expected ${issue.expected})`;
    }
    return issue.message;
}

/**
 * Validates one component argument with the same schema (and defaults) the stack config
 * uses, so a component used directly from code gets the same checks and messages.
 */
export function parseArgument<S extends z.ZodType>(schema: S, value: unknown, key: string): z.output<S> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => `${formatPath(issue.path, key)}: ${describeIssue(issue)}`);
    throw new Error(problems.join("\n"));
}

/** The keys goship reads from config, for the Pulumi program to fetch. */
export const CONFIG_KEYS = ["services", "registry", "kubernetes", "build"] as const;

/** The secret config key holding the generic registry's password. */
export const REGISTRY_PASSWORD_KEY = "registryPassword";

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A secret config key the stack needs, and the setting that needs it. */
export interface RequiredSecret {
    /** Key in goship's namespace, e.g. `registryPassword`. */
    key: string;
    /** The setting that needs it, e.g. `registry.username` or `services[0].secretEnv.API_TOKEN`. */
    where: string;
}

/**
 * Secret config keys the config needs: the generic registry's password when a username
 * is set, and each key a service's secretEnv names.
 */
export function requiredSecrets(config: StackConfig): RequiredSecret[] {
    const registry = config.registry?.type === "generic" && config.registry.username !== undefined ? [{ key: REGISTRY_PASSWORD_KEY, where: "registry.username" }] : [];
    const env = config.services.flatMap((s, i) => Object.entries(s.secretEnv).map(([name, key]) => ({ key, where: `services[${i}].secretEnv.${name}` })));
    return [...registry, ...env];
}

/** The error line for a required secret that is missing (or, with `problem`, stored wrongly). */
export function missingSecretMessage({ key, where }: RequiredSecret, problem = "required by"): string {
    return `${CONFIG_NAMESPACE}:${key}: ${problem} ${CONFIG_NAMESPACE}:${where}; run: pulumi config set --secret ${key} <value>`;
}

/**
 * Reads goship's keys from the stack's Pulumi config and validates them. The registry
 * password and secret env values stay secret Outputs and never enter the plain config object.
 */
export function readStackConfig(): { config: StackConfig; registryPassword?: pulumi.Output<string>; secrets: Record<string, pulumi.Output<string>> } {
    const pulumiConfig = new pulumi.Config(CONFIG_NAMESPACE);
    const config = parseStackConfigFrom((key) => readObject(pulumiConfig, key));
    const secrets: Record<string, pulumi.Output<string>> = {};
    const missing: string[] = [];
    for (const required of requiredSecrets(config)) {
        const value = pulumiConfig.getSecret(required.key);
        if (value === undefined) missing.push(missingSecretMessage(required));
        else secrets[required.key] = value;
    }
    if (missing.length > 0) throw new ConfigError([...new Set(missing)]);
    const { [REGISTRY_PASSWORD_KEY]: registryPassword, ...secretEnv } = secrets;
    return { config, registryPassword, secrets: secretEnv };
}

function readObject(cfg: pulumi.Config, key: string): unknown {
    try {
        return cfg.getObject<unknown>(key);
    } catch {
        // A scalar that is not JSON (e.g. `services: hello`): let the schema report its type.
        return cfg.get(key);
    }
}
