import { z } from "zod";
import { DEFAULT_BUILDER_IMAGE, DEFAULT_RUNTIME, DEFAULT_VERSION_VARIABLE, DEFAULT_WINDOWS_IMAGE, RUNTIME_PRESETS } from "./dockerfile";
import { isImageReference } from "./image-reference";
import { DEFAULT_PLATFORMS, SUPPORTED_PLATFORMS } from "./platforms";

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

export const buildArgsField = z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a build arg name ([A-Za-z_][A-Za-z0-9_]*)"), z.string())
    .superRefine((args, ctx) => {
        for (const key of Object.keys(args)) {
            if (RESERVED_BUILD_ARGS.includes(key)) {
                ctx.addIssue({ code: "custom", path: [key], message: `goship sets ${key} itself (from the source revision); remove it, or set goship:build.revision` });
            }
        }
    })
    .default({});

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
        /** Extra Go build tags (`timetzdata` is always added). @default none */
        buildTags: z.array(z.string().regex(/^[\w.]+$/, "must be a Go build tag")).optional(),
    })
    .prefault({});

/** GoImage's arguments other than the registry ones (`repository`, `credentials`). */
export const goImageSettingsSchema = z.strictObject({
    /** Directory of the Go module (holds go.mod): the build context. Required. */
    context: z.string().min(1, "is empty; give the Go module's directory"),
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
