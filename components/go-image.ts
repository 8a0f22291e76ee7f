import * as pulumi from "@pulumi/pulumi";
import * as dockerbuild from "@pulumi/docker-build";
import { DockerfileOptions, renderDockerfile } from "./dockerfile";
import { DEFAULT_PLATFORMS, Platform, platformOs, platformSlug } from "./platforms";
import { RegistryCredentials } from "./registry";

export interface GoImageArgs {
    /** Directory of the Go module (holds go.mod): the build context. Required. */
    context: string;
    /** Main package relative to the module. Default `.`. */
    main?: string;
    /** Name of the binary inside the image. Default: the component name. */
    binaryName?: string;
    /** Platforms to build, each as its own build joined into one index. Default linux/amd64 and linux/arm64. */
    platforms?: Platform[];
    /** Repository to push to, without tag, e.g. `127.0.0.1:5000/team/hello`. Required. */
    repository: pulumi.Input<string>;
    /** Registry login; its password must be a secret. Default none (anonymous registry). */
    credentials?: RegistryCredentials;
    /**
     * Tags for the image index, e.g. the source revision and the stack name. Required, at
     * least one; `latest` alone is refused because it names no particular build.
     */
    tags: string[];
    /** Push to the registry. Default true. Without a push there is no digest and no `ref`. */
    push?: boolean;
    /** Registry build cache, one cache ref per platform (BuildKit exports one platform's cache per build). Default true when pushing. */
    cache?: boolean;
    /** Extra build args (VERSION, REVISION, SOURCE and SOURCE_DATE_EPOCH are set by goship). Default none. */
    buildArgs?: Record<string, string>;
    /** Version string compiled into the binary and the OCI version label. Default `dev`. */
    version?: string;
    /** Source revision for the OCI revision label. Default `unknown`. */
    revision?: string;
    /** Source repository URL for the OCI source label. Default empty. */
    sourceUrl?: string;
    /** Seconds since the epoch used for layer and config timestamps (reproducible builds). Default: BuildKit's clock. */
    sourceDateEpoch?: string;
    /** Dockerfile options other than the OS and binary (base images, version variable, port, build tags). Default goship's. */
    dockerfile?: Omit<DockerfileOptions, "os" | "binaryName" | "main">;
    /** buildx builder to use. Default: the buildx store's current builder. */
    builder?: string;
}

/**
 * Builds a Go module into a multi-platform image with BuildKit (via @pulumi/docker-build)
 * and pushes it, producing a reference pinned by digest.
 *
 * Each platform is its own `Image` (its own Dockerfile flavour for Linux or Windows, and
 * its own registry cache), and one `Index` per tag joins them: Windows and Linux stages
 * cannot share one build, and BuildKit exports cache for one platform per build.
 */
export class GoImage extends pulumi.ComponentResource {
    /** `repository@sha256:…`: the exact image, safe to deploy and to promote. */
    public readonly ref: pulumi.Output<string>;
    /** `sha256:…` of the image index. */
    public readonly digest: pulumi.Output<string>;
    /** Platforms in the index. */
    public readonly platforms: pulumi.Output<Platform[]>;
    /** Repository the image was pushed to. */
    public readonly repository: pulumi.Output<string>;
    /** The Dockerfile built for each platform, keyed by platform (for review in previews). */
    public readonly dockerfiles: Record<string, string>;

    constructor(name: string, args: GoImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:index:GoImage", name, {}, opts);
        const platforms = args.platforms ?? DEFAULT_PLATFORMS;
        validateTags(name, args.tags);
        if (platforms.length === 0) {
            throw new Error(`${name}: platforms is empty; list at least one, e.g. linux/amd64`);
        }
        const push = args.push ?? true;
        const cache = push && (args.cache ?? true);
        const repository = pulumi.output(args.repository);
        const registries = args.credentials
            ? [{ address: args.credentials.address, username: args.credentials.username, password: args.credentials.password }]
            : undefined;
        const buildArgs: Record<string, string> = {
            ...(args.buildArgs ?? {}),
            VERSION: args.version ?? "dev",
            REVISION: args.revision ?? "unknown",
            SOURCE: args.sourceUrl ?? "",
        };
        if (args.sourceDateEpoch !== undefined) {
            buildArgs.SOURCE_DATE_EPOCH = args.sourceDateEpoch;
        }
        const binaryName = args.binaryName ?? name;
        this.dockerfiles = {};

        const images = platforms.map((platform) => {
            const slug = platformSlug(platform);
            const dockerfile = renderDockerfile({ ...(args.dockerfile ?? {}), os: platformOs(platform), binaryName, main: args.main });
            this.dockerfiles[platform] = dockerfile;
            const cacheRef = pulumi.interpolate`${repository}:buildcache-${slug}`;
            return new dockerbuild.Image(
                `${name}-${slug}`,
                {
                    context: { location: args.context },
                    dockerfile: { inline: dockerfile },
                    platforms: [platform],
                    buildArgs,
                    // Per-platform images are tagged too, so registries that expire untagged
                    // manifests (ECR lifecycle rules) never drop a child of a live index.
                    tags: [pulumi.interpolate`${repository}:${args.tags[0]}-${slug}`],
                    push,
                    registries,
                    cacheFrom: cache ? [{ registry: { ref: cacheRef } }] : undefined,
                    cacheTo: cache ? [{ registry: { ref: cacheRef, mode: "max", imageManifest: true, ociMediaTypes: true } }] : undefined,
                    builder: args.builder ? { name: args.builder } : undefined,
                },
                // Pushed images outlive this stack: other stacks run them by digest.
                { parent: this, retainOnDelete: true },
            );
        });

        if (push) {
            const sources = images.map((image) => pulumi.interpolate`${repository}@${image.digest}`);
            const indexes = args.tags.map(
                (tag, i) =>
                    new dockerbuild.Index(
                        i === 0 ? `${name}-index` : `${name}-index-${tag}`,
                        {
                            tag: pulumi.interpolate`${repository}:${tag}`,
                            sources,
                            push: true,
                            registry: args.credentials
                                ? { address: args.credentials.address, username: args.credentials.username, password: args.credentials.password }
                                : undefined,
                        },
                        // A new revision replaces the revision-tag Index, and the provider's
                        // delete removes the old manifest *by digest*, which other stacks may
                        // still run (and which the stack tag's index shares). Registries'
                        // own retention (ECR lifecycle) removes old images instead.
                        { parent: this, retainOnDelete: true },
                    ),
            );
            this.digest = indexes[0].ref.apply(digestOf);
        } else {
            this.digest = pulumi.output("");
        }
        this.ref = push ? pulumi.interpolate`${repository}@${this.digest}` : pulumi.output("");
        this.platforms = pulumi.output(platforms);
        this.repository = repository;
        this.registerOutputs({ ref: this.ref, digest: this.digest, platforms: this.platforms, repository: this.repository });
    }
}

/** `host/repo:tag@sha256:abc` → `sha256:abc`. */
export function digestOf(ref: string): string {
    const at = ref.lastIndexOf("@");
    return at === -1 ? "" : ref.slice(at + 1);
}

function validateTags(name: string, tags: string[]): void {
    if (tags.length === 0) {
        throw new Error(`${name}: tags is empty; give at least the source revision (e.g. the git commit)`);
    }
    if (tags.every((t) => t === "latest")) {
        throw new Error(`${name}: tags is only "latest", which names no particular build; tag with the source revision and the stack`);
    }
    for (const tag of tags) {
        if (!/^[\w][\w.-]{0,127}$/.test(tag)) {
            throw new Error(`${name}: tag "${tag}" is not a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
        }
    }
    if (new Set(tags).size !== tags.length) {
        throw new Error(`${name}: tags lists a tag twice (${tags.join(", ")})`);
    }
}
