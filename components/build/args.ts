import { z } from "zod";
import { DEFAULT_BUILDER_IMAGE, DEFAULT_RUNTIME, DEFAULT_VERSION_VARIABLE, DEFAULT_WINDOWS_IMAGE, RUNTIME_PRESETS } from "./dockerfile";
import { goBuildSettingsSchema } from "./go-settings";
import { isImageReference } from "./image-reference";
import { DEFAULT_PLATFORMS, SUPPORTED_PLATFORMS } from "./platforms";
import { looksSecret } from "./secret-names";

/**
 * GoImage's argument schema: every build setting's check and default, written once. The
 * stack config (stack/config.ts) composes the same fields, so a setting is checked the
 * same way from `Pulumi.<stack>.yaml` and from code.
 */

const imageReference = z
    .string()
    .refine(isImageReference, "must be an image reference such as golang:1.26, registry:5000/team/go:1.26 or name@sha256:<64 hex>");

/** Go toolchain image of the build stage; it runs on the build platform and cross-compiles. */
export const builderImageField = imageReference.default(DEFAULT_BUILDER_IMAGE).describe("Go toolchain image for the build stage");

/** Final Linux stage: a preset or any image reference. */
export const runtimeField = z
    .union([z.enum(Object.keys(RUNTIME_PRESETS) as [keyof typeof RUNTIME_PRESETS]), imageReference])
    .default(DEFAULT_RUNTIME)
    .describe("final Linux stage: scratch, distroless, alpine or an image reference");

/** Final Windows stage; its LTSC tag also selects the Windows nodes. */
export const windowsImageField = imageReference.default(DEFAULT_WINDOWS_IMAGE).describe("final Windows stage");

export const mainField = z
    .string()
    .regex(/^\.(\/[A-Za-z0-9_.-]+)*$/, "must be a package path inside the module, such as . or ./cmd/server")
    .default(".")
    .describe("main package, relative to the module");

export const platformsField = z
    .array(z.enum(SUPPORTED_PLATFORMS, { message: `must be one of ${SUPPORTED_PLATFORMS.join(", ")}` }))
    .min(1, "list at least one platform, e.g. linux/amd64")
    .refine((ps) => new Set(ps).size === ps.length, "lists a platform twice")
    .default(DEFAULT_PLATFORMS);

export const versionVariableField = z
    .string()
    .regex(/^[A-Za-z0-9_./-]+\.[A-Za-z_][A-Za-z0-9_]*$/, "must be a Go package-qualified variable such as main.version")
    .default(DEFAULT_VERSION_VARIABLE);

/** Build args goship sets itself (GoImage). */
const RESERVED_BUILD_ARGS = ["VERSION", "REVISION", "SOURCE", "SOURCE_DATE_EPOCH"];

const buildArgName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a build arg name ([A-Za-z_][A-Za-z0-9_]*)");

/** Names goship declares in the build stage (platform args, the Go environment, build secrets), so a user's build arg or secret cannot take them. */
const RESERVED_BUILD_NAMES = [...RESERVED_BUILD_ARGS, "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "TARGETPLATFORM", "CGO_ENABLED", "GOFLAGS", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY", "GOOS", "GOARCH", "GOARM", "NETRC", "SSL_CERT_FILE"];

/**
 * Build args: declared with `ARG` in the build stage, so `go generate`-free builds, build
 * scripts and `-ldflags` see them as environment variables. Plain values only: a name that
 * says it is a secret (TOKEN, PASSWORD, ...) is refused, because a build arg is stored in
 * the image's build metadata and the Pulumi state in plain text; such a value goes in
 * buildSecrets.
 */
export const buildArgsField = z
    .record(buildArgName, z.string())
    .superRefine((args, ctx) => {
        for (const key of Object.keys(args)) {
            if (RESERVED_BUILD_ARGS.includes(key)) {
                ctx.addIssue({ code: "custom", path: [key], message: `goship sets ${key} itself (from the source revision); remove it, or set goship:build.revision` });
            } else if (RESERVED_BUILD_NAMES.includes(key)) {
                ctx.addIssue({ code: "custom", path: [key], message: `${key} is set by goship in the build stage; use the service's go settings (go.proxy, go.flags, ...) instead` });
            } else if (looksSecret(key)) {
                ctx.addIssue({
                    code: "custom",
                    path: [key],
                    message: `${key} looks like a secret, and a build arg is kept in plain text in the image's build metadata and the state; move it to buildSecrets (a BuildKit secret mount, set as the env var ${key} for the go commands only), or rename it if it is not secret`,
                });
            }
        }
    })
    .default({});

/**
 * Build secrets: each is mounted with `RUN --mount=type=secret,id=NAME,env=NAME` into the
 * build stage's go commands, never written to a layer, the build metadata or the cache.
 * Only names are checked here; the values are secrets (stack config keys, or Outputs).
 */
export function buildSecretsField<V extends z.ZodType>(value: V) {
    return z
        .record(buildArgName, value)
        .superRefine((secrets, ctx) => {
            for (const key of Object.keys(secrets)) {
                if (RESERVED_BUILD_NAMES.includes(key)) ctx.addIssue({ code: "custom", path: [key], message: `${key} is set by goship in the build stage; pick another name` });
            }
        })
        .default({});
}

const TAG = /^[\w][\w.-]{0,127}$/;

export const tagsField = z
    .array(z.string().regex(TAG, "is not a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})"))
    .min(1, "is empty; give at least the source revision (e.g. the git commit)")
    .refine((tags) => !tags.every((t) => t === "latest"), 'is only "latest", which names no particular build; tag with the source revision and the stack')
    .refine((tags) => new Set(tags).size === tags.length, "lists a tag twice");

/** The Dockerfile options GoImage passes on (the OS, binary and main package are its own). */
const dockerfileSettingsSchema = z
    .strictObject({
        /**
         * Go builder image.
         * @default "golang:1.26-bookworm"
         */
        builderImage: builderImageField,
        /**
         * Final Linux stage: `scratch`, `distroless`, `alpine` or an image reference.
         * @default "scratch"
         */
        runtime: runtimeField,
        /**
         * Final Windows stage.
         * @default "mcr.microsoft.com/windows/nanoserver:ltsc2022"
         */
        windowsImage: windowsImageField,
        /**
         * Go variable set to the version via `-X`.
         * @default "main.version"
         */
        versionVariable: versionVariableField,
        /** Port documented with EXPOSE. @default none */
        port: z.int().min(1).max(65535).optional(),
    })
    .prefault({});

const relativeDir = z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be a relative directory such as static or web/templates")
    .refine((d) => !d.split("/").some((part) => part === ".." || part === "."), "must stay inside the module (no . or .. parts)");

/**
 * Directories of the module shipped next to the binary (templates, static files,
 * migrations: what ko calls kodata): copied to /app/<dir> (C:\app\<dir> on Windows),
 * readable and not writable by the non-root user; /app is the working directory and the
 * env var GOSHIP_ASSETS_DIR, so relative paths such as static/index.html work.
 */
export const assetsField = z
    .array(relativeDir)
    .refine((dirs) => new Set(dirs).size === dirs.length, "lists a directory twice")
    .superRefine((dirs, ctx) => {
        dirs.forEach((dir, i) => {
            const outer = dirs.find((other) => other !== dir && dir.startsWith(`${other}/`));
            if (outer) ctx.addIssue({ code: "custom", path: [i], message: `is inside ${outer}, which is already shipped; list only ${outer}` });
        });
    })
    .default([]);

/**
 * Extra CA certificates the build trusts: `system` (this machine's trust store, e.g. behind
 * a TLS-inspecting proxy) or a PEM file. `runtime` also puts them in the final Linux image
 * (for calls to services behind the same CA); by default the image keeps the builder's
 * public bundle only.
 */
export const caCertificatesField = z.strictObject({
    /** `system` or a PEM file's path (relative to the project). Required. */
    file: z.string().min(1, 'give "system" (this machine\'s trust store) or the path of a PEM file'),
    /** Also trust them in the final Linux image. @default false */
    runtime: z.boolean().default(false),
});

/** GoImage's arguments other than the registry ones (`repository`, `credentials`). */
export const goImageSettingsSchema = z.strictObject({
    /** Build context: the Go module's directory, or a directory above it (a monorepo root, with `module`). Required. */
    context: z.string().min(1, "is empty; give the Go module's directory"),
    /**
     * The Go module's directory inside `context`, for monorepos where the module uses
     * `replace ../lib` or a go.work: only the module, its local dependencies and go.work
     * are sent (goship's context policy).
     * @default "." (the context is the module)
     */
    module: z
        .string()
        .regex(/^\.$|^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be a relative directory inside the context, such as services/api")
        .refine((d) => d === "." || !d.split("/").includes(".."), "must stay inside the context (no .. parts)")
        .default("."),
    /** Directories of the module copied next to the binary. @default none */
    assets: assetsField,
    /** Go settings of the build: proxy, checksum database, private modules, flags, -X pairs, tags; cgo stays off. @default the builder image's */
    go: goBuildSettingsSchema.prefault({}),
    /** Extra CA certificates for the build (and with `runtime`, the final image). @default none */
    caCertificates: caCertificatesField.optional(),
    /**
     * Directory for the generated Dockerfiles and their context policy (`<Dockerfile>.dockerignore`),
     * relative to the project: goship never writes into the service's own tree.
     * @default ".goship/build/<stack>", or $GOSHIP_BUILD_DIR/<stack>
     */
    generatedDir: z.string().min(1).optional(),
    /**
     * Main package relative to the module.
     * @default "."
     */
    main: mainField,
    /**
     * Name of the binary inside the image.
     * @default the component name
     */
    binaryName: z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a file name").optional(),
    /**
     * Platforms to build, each as its own build joined into one index.
     * @default ["linux/amd64", "linux/arm64"]
     */
    platforms: platformsField,
    /**
     * Tags for the image index, e.g. the source revision and the stack name. Required, at
     * least one; `latest` alone is refused because it names no particular build.
     */
    tags: tagsField,
    /**
     * Push to the registry. Without a push there is no digest and no `ref`.
     * @default true
     */
    push: z.boolean().default(true),
    /**
     * Registry build cache, one cache ref per platform (BuildKit exports one platform's cache per build).
     * @default true when pushing
     */
    cache: z.boolean().optional(),
    /**
     * Extra build args (VERSION, REVISION, SOURCE and SOURCE_DATE_EPOCH are goship's).
     * @default none
     */
    buildArgs: buildArgsField,
    /**
     * Version string compiled into the binary and the OCI version label.
     * @default "dev"
     */
    version: z.string().min(1).default("dev"),
    /**
     * Source revision for the OCI revision label.
     * @default "unknown"
     */
    revision: z.string().min(1).default("unknown"),
    /** Source repository URL for the OCI source label. @default empty */
    sourceUrl: z.string().optional(),
    /** Seconds since the epoch for layer and config timestamps (reproducible builds). @default BuildKit's clock */
    sourceDateEpoch: z.string().regex(/^[0-9]+$/, "must be seconds since the epoch").optional(),
    /** Dockerfile options other than the OS, binary and main package. @default goship's */
    dockerfile: dockerfileSettingsSchema,
    /** buildx builder to use. @default the buildx store's current builder */
    builder: z.string().min(1).optional(),
});
