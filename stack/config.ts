import * as util from "util";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { problemsOf } from "../components/arguments";
import { assetsField, buildArgsField, buildSecretsField, builderImageField, caCertificatesField, mainField, platformsField, runtimeField, versionVariableField, windowsImageField } from "../components/build/args";
import { goBuildSettingsSchema } from "../components/build/go-settings";
import { isPinnedByDigest } from "../components/build/image-reference";
import { NodeOs, Platform, platformOs } from "../components/build/platforms";
import { checkDeploymentSettings, deploymentSettingsShape, imagePullSecretsField, secretEnvField } from "../components/deploy/args";
import { windowsBuildProblem } from "../components/deploy/windows";
import { registrySchema } from "../components/publish/registry";
import { applyOverrides, overriddenPath, overrideSets } from "./overrides";
import { signingSecretKeysOf, signingSecrets, supplyChainSchema } from "./supply-chain";
import { secretKeyName } from "./secret-keys";
import { checkPullCredentials, pullCredentialsSchema, pullPasswordKeyOf, pullPasswordSecret } from "./pull-credentials";

/**
 * The stack configuration schema: goship's `goship:*` keys, composed from the components'
 * own argument schemas (components/build/args.ts, components/deploy/args.ts,
 * components/publish/registry.ts), so each default and each check is written once.
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

const imageSource = z
    .discriminatedUnion("source", [
        z.strictObject({ source: z.literal("build") }),
        z.strictObject({
            source: z.literal("promote"),
            fromStack: z
                .string()
                .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/, "must be a stack name: stack, project/stack or org/project/stack"),
        }),
        z.strictObject({
            source: z.literal("pinned"),
            ref: z.string().refine(isPinnedByDigest, "must be pinned by digest: repo@sha256:<64 hex> (e.g. releases.<service>.previous.ref of this stack)"),
            revision: z.string().optional().describe("source revision of the pinned image, for the release record"),
        }),
    ])
    .default({ source: "build" });

/** The node OS a service's pods run on: Linux whenever a Linux platform is built. */
export function nodeOsOf(platforms: readonly Platform[]): NodeOs {
    return platforms.some((p) => platformOs(p) === "linux") ? "linux" : "windows";
}

/** The name of a secret stack config key (pulumi config set --secret KEY VALUE). */
const secretKeyField = secretKeyName("apiToken");

/** One service: what it is (module, main, platforms, image source, base images) and how it runs (GoDeployment's settings). */
export const serviceSchema = z
    .strictObject({
        name: dnsLabel.describe("service name: Kubernetes object names and image repository"),
        path: z.string().min(1).describe("directory of the Go module (holds go.mod), relative to the project"),
        main: mainField,
        platforms: platformsField,
        image: imageSource,
        base: z.strictObject({ builder: builderImageField, runtime: runtimeField, windows: windowsImageField }).prefault({}),
        versionVariable: versionVariableField,
        context: z
            .string()
            .min(1)
            .optional()
            .describe("build context above the module (relative to the project), for a monorepo: replace ../lib and go.work work; only the module and its local dependencies are sent. Default: path"),
        assets: assetsField.describe("directories of the module copied to /app/<dir> (the working directory, env GOSHIP_ASSETS_DIR), readable by the non-root user"),
        go: goBuildSettingsSchema.prefault({}).describe("Go settings of the build: proxy, sumDb, noSumDb, private, noProxy, flags, ldflags, tags; cgo stays off"),
        buildArgs: buildArgsField,
        buildSecrets: buildSecretsField(secretKeyField).describe("env var → secret config key: a BuildKit secret mounted into the go commands as that env var, never in a layer"),
        moduleCredentials: z
            .array(
                z.strictObject({
                    machine: z.string().regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/, "must be a host name such as goproxy.example.com (what the module proxy or git URL names)"),
                    login: z.string().min(1).regex(/^\S+$/, "must not contain spaces"),
                    passwordKey: secretKeyField,
                }),
            )
            .min(1, "list at least one machine, or remove the key")
            .optional()
            .describe("logins for private modules (module proxy or git over HTTPS): a .netrc mounted as a BuildKit secret; passwordKey names a secret config key"),
        secretEnv: secretEnvField(secretKeyField).describe(
            "env var → secret config key (pulumi config set --secret KEY VALUE); delivered via a Secret and secretKeyRef",
        ),
        ...deploymentSettingsShape,
    })
    .superRefine((s, ctx) => {
        const own = (key: string) => (CONFIG_KEYS as readonly string[]).includes(key) || key === REGISTRY_PASSWORD_KEY;
        for (const [field, keys] of [
            ["secretEnv", s.secretEnv],
            ["buildSecrets", s.buildSecrets],
        ] as const) {
            for (const [name, key] of Object.entries(keys)) {
                if (own(key)) ctx.addIssue({ code: "custom", path: [field, name], message: `"${key}" is one of goship's own config keys; store the value under a key of its own` });
            }
        }
        (s.moduleCredentials ?? []).forEach((c, i) => {
            if (own(c.passwordKey)) {
                ctx.addIssue({ code: "custom", path: ["moduleCredentials", i, "passwordKey"], message: `"${c.passwordKey}" is one of goship's own config keys (the push password is never reused for modules); store the module password under a key of its own` });
            }
        });
        if (s.go.ldflags && s.versionVariable in s.go.ldflags) {
            ctx.addIssue({ code: "custom", path: ["go", "ldflags", s.versionVariable], message: `goship sets ${s.versionVariable} itself (the version, from the source revision); remove it, or change versionVariable` });
        }
        const os = nodeOsOf(s.platforms);
        checkDeploymentSettings(s, os, ctx);
        const problem = os === "windows" ? windowsBuildProblem(s.base.windows) : undefined;
        if (problem) ctx.addIssue({ code: "custom", path: ["base", "windows"], message: problem });
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
    imagePullSecrets: imagePullSecretsField,
    pullCredentials: pullCredentialsSchema.optional(),
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
        caCertificates: caCertificatesField
            .optional()
            .describe('extra CA certificates the builds trust (file: "system" or a PEM path; runtime: also in the final Linux image), e.g. behind a TLS-inspecting proxy'),
    })
    .default({ cache: true });

/**
 * How the CrossGuard pack (policy/) judges this stack (tools/local/policy.ts writes its
 * policy-pack config from this). "production" is config, never the stack's name.
 */
export const policySchema = z
    .strictObject({
        production: z.boolean().default(false).describe("production stack: the HA policies apply (2+ replicas, topology spread), enforcement is mandatory, and a mandatory policy that cannot run at preview fails it"),
        enforcement: z
            .enum(["advisory", "mandatory"], { message: 'must be "advisory" (violations are warnings) or "mandatory" (violations fail the preview)' })
            .optional()
            .describe("mandatory when production, else advisory"),
        allowedRegistries: z
            .array(z.string().regex(/^[A-Za-z0-9*]([-A-Za-z0-9.*]*[A-Za-z0-9*])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "must be host[:port][/path], * for one DNS label, e.g. 127.0.0.1:5000/goship or *.dkr.ecr.eu-west-1.amazonaws.com/goship"))
            .min(1, "list at least one registry, or remove the key (the stack's own goship:registry is the default)")
            .optional()
            .describe("registries pods may pull from; default: the stack's own goship:registry"),
    })
    .superRefine((p, ctx) => {
        if (p.production && p.enforcement === "advisory") {
            ctx.addIssue({ code: "custom", path: ["enforcement"], message: "a production stack's policies are mandatory; remove enforcement, or set production: false" });
        }
    })
    .prefault({});

export const stackConfigSchema = z
    .strictObject({
        services: z.array(serviceSchema).min(1, "list at least one service"),
        registry: registrySchema.optional(),
        kubernetes: kubernetesSchema,
        build: buildSchema,
        policy: policySchema,
        supplyChain: supplyChainSchema.optional(),
    })
    .superRefine((c, ctx) => {
        if (c.policy.production && c.supplyChain?.requireSignature !== true) {
            ctx.addIssue({ code: "custom", path: ["supplyChain", "requireSignature"], message: "a production stack deploys only signed digests: set goship:supplyChain.publicKey (cosign.pub) and requireSignature: true" });
        }
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
        checkPullCredentials(c, { own: CONFIG_KEYS, pushPassword: REGISTRY_PASSWORD_KEY }, ctx);
    });

/** One service, validated and with every default filled in. */
export type ServiceSpec = z.output<typeof serviceSchema>;
/** Kubernetes target from config. */
export type KubernetesConfig = z.output<typeof kubernetesSchema>;
/** Build settings from config. */
export type BuildConfig = z.output<typeof buildSchema>;
/** The stack's policy settings (goship:policy), defaults applied. */
export type PolicySettings = z.output<typeof policySchema>;
/** The whole validated stack config. */
export type StackConfig = z.output<typeof stackConfigSchema>;

/**
 * Raised for invalid stack config; the message lists every problem, one per line. A
 * RunError, so Pulumi prints it as the program's failure without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "ConfigError";
    }

    /**
     * Its stack as plain text. A plain `pulumi up` runs the program through the SDK's
     * cmd/run, which passes every uncaught error to `util.inspect(err, {colors: true})` for
     * its trace; Node 22.23's colouring loops on a frame like `node_modules/@pulumi/resource.ts:1:1`
     * (nodejs/node#64011, what the SDK's source maps name its frames) until the string
     * overflows: 13 s per refused preview. The message the CLI prints is unchanged.
     */
    [util.inspect.custom](): string {
        return this.stack ?? `${this.name}: ${this.message}`;
    }
}

/** The keys goship reads from config, besides secrets. */
export const CONFIG_KEYS = ["services", "overrides", "registry", "kubernetes", "build", "policy", "supplyChain"] as const;

/** The secret config key holding the generic registry's password. */
export const REGISTRY_PASSWORD_KEY = "registryPassword";

/**
 * A stack's config as Pulumi holds it: `namespace:key` → the value as text (objects as
 * JSON) and whether it is stored encrypted. The program and the runner both read it this
 * way (the Automation API's ConfigMap has this shape).
 */
export type ConfigEntries = Record<string, { value: string; secret?: boolean }>;

/** The value of goship's KEY in ENTRIES: JSON parsed, text kept as text; undefined when unset. */
function entryValue(entries: ConfigEntries, key: string): unknown {
    const entry = entries[`${CONFIG_NAMESPACE}:${key}`];
    if (entry === undefined) return undefined;
    try {
        return JSON.parse(entry.value);
    } catch {
        // A scalar that is not JSON (e.g. `services: hello`): let the schema report its type.
        return entry.value;
    }
}

/**
 * The config key a problem with service I (named NAME) at PATH (e.g. `image.fromStack`)
 * should name: the stack's override when it set that setting, else the service's entry.
 */
export function serviceSettingKey(entries: ConfigEntries, i: number, name: string, path: string): string {
    return overrideSets(entryValue(entries, "overrides"), name, path.split(".")[0]) ? `${CONFIG_NAMESPACE}:overrides.${name}.${path}` : `${CONFIG_NAMESPACE}:services[${i}].${path}`;
}

/** Validates goship's keys of ENTRIES; throws ConfigError naming each bad key. */
export function parseStackConfigEntries(entries: ConfigEntries): StackConfig {
    const raw: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS) {
        const value = entryValue(entries, key);
        if (value !== undefined) raw[key] = value;
    }
    return parseStackConfig(raw);
}

/**
 * Validates raw config values (key without namespace → parsed YAML value) and returns the
 * typed config with defaults applied. Throws ConfigError naming each bad key.
 */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    if (Object.keys(raw).length === 0) {
        throw new ConfigError([
            `${CONFIG_NAMESPACE}: the stack has no goship config; set ${CONFIG_NAMESPACE}:services, ${CONFIG_NAMESPACE}:registry and ${CONFIG_NAMESPACE}:kubernetes in Pulumi.<stack>.yaml (see README "Configuration")`,
        ]);
    }
    // The stack's overrides are merged into the project's services (stack/overrides.ts),
    // then the merged list is checked as one; a problem names the key the user wrote.
    const { overrides, ...rest } = raw;
    const merged = applyOverrides(rest.services, overrides, CONFIG_NAMESPACE);
    const result = stackConfigSchema.safeParse(rest.services === undefined ? rest : { ...rest, services: merged.services });
    const schemaProblems = result.success
        ? []
        : problemsOf({ issues: result.error.issues.map((issue) => ({ ...issue, path: overriddenPath(issue.path, rest.services, overrides) })) }, `${CONFIG_NAMESPACE}:`);
    if (result.success && merged.problems.length === 0) return result.data;
    throw new ConfigError([...merged.problems, ...schemaProblems]);
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
 * is set, each key a service's secretEnv names, and the pull password's.
 */
export function requiredSecrets(config: StackConfig): RequiredSecret[] {
    const registry = config.registry?.type === "generic" && config.registry.username !== undefined ? [{ key: REGISTRY_PASSWORD_KEY, where: "registry.username" }] : [];
    const env = config.services.flatMap((s, i) => Object.entries(s.secretEnv).map(([name, key]) => ({ key, where: `services[${i}].secretEnv.${name}` })));
    const build = config.services.flatMap((s, i) => Object.entries(s.buildSecrets).map(([name, key]) => ({ key, where: `services[${i}].buildSecrets.${name}` })));
    const modules = config.services.flatMap((s, i) => (s.moduleCredentials ?? []).map((c, j) => ({ key: c.passwordKey, where: `services[${i}].moduleCredentials[${j}].passwordKey` })));
    return [...registry, ...env, ...build, ...modules, ...pullPasswordSecret(config), ...signingSecrets(config.supplyChain)];
}

/** The error line for a required secret that is missing (or, with `problem`, stored wrongly). */
function missingSecretMessage({ key, where }: RequiredSecret, problem = "required by"): string {
    return `${CONFIG_NAMESPACE}:${key}: ${problem} ${CONFIG_NAMESPACE}:${where}; run: pulumi config set --secret ${key} <value>`;
}

/**
 * Each required secret must be set and stored encrypted: a plain value would sit in the
 * stack file in clear text.
 */
export function secretProblems(config: StackConfig, entries: ConfigEntries): string[] {
    const problems = requiredSecrets(config).flatMap((required) => {
        const entry = entries[`${CONFIG_NAMESPACE}:${required.key}`];
        if (entry === undefined) return [missingSecretMessage(required)];
        if (!entry.secret) return [missingSecretMessage(required, "stored in plain text but used as a secret by")];
        return [];
    });
    return [...new Set(problems)];
}

/**
 * Keys in goship's namespace that nothing reads: a misspelt `goship:servics` would
 * otherwise be ignored silently. Known are CONFIG_KEYS, the registry password, the secret
 * keys the services' secretEnv, buildSecrets and moduleCredentials name and the pull password's key (read from the raw values
 * when the config itself is invalid, so a valid secret key is never reported).
 */
export function unknownKeyProblems(entries: ConfigEntries): string[] {
    const overrides = entryValue(entries, "overrides");
    const known = new Set<string>([
        ...CONFIG_KEYS,
        REGISTRY_PASSWORD_KEY,
        ...secretKeysNamedBy(entryValue(entries, "services")),
        ...secretKeysNamedBy(overrides !== null && typeof overrides === "object" ? Object.values(overrides) : undefined),
        ...pullPasswordKeyOf(entryValue(entries, "kubernetes")),
        ...signingSecretKeysOf(entryValue(entries, "supplyChain")),
    ]);
    return Object.keys(entries)
        .filter((k) => k.startsWith(`${CONFIG_NAMESPACE}:`))
        .map((k) => k.slice(CONFIG_NAMESPACE.length + 1))
        .filter((key) => !known.has(key))
        .sort()
        .map(
            (key) =>
                `${CONFIG_NAMESPACE}:${key}: unknown key; goship reads ${CONFIG_KEYS.map((k) => `${CONFIG_NAMESPACE}:${k}`).join(", ")}, ${CONFIG_NAMESPACE}:${REGISTRY_PASSWORD_KEY} and the secret keys a service's secretEnv, buildSecrets or moduleCredentials, or kubernetes.pullCredentials.passwordKey, names, or supplyChain.signing names; check the spelling against README "Configuration", or remove it (pulumi config rm ${key})`,
        );
}

function secretKeysNamedBy(services: unknown): string[] {
    if (!Array.isArray(services)) return [];
    const values = (o: unknown) => (o !== null && typeof o === "object" ? Object.values(o).filter((v): v is string => typeof v === "string") : []);
    return services.flatMap((s: unknown) => {
        const service = s as { secretEnv?: unknown; buildSecrets?: unknown; moduleCredentials?: unknown } | null;
        const credentials = Array.isArray(service?.moduleCredentials) ? service.moduleCredentials.map((c: unknown) => (c as { passwordKey?: unknown } | null)?.passwordKey).filter((v): v is string => typeof v === "string") : [];
        return [...values(service?.secretEnv), ...values(service?.buildSecrets), ...credentials];
    });
}
