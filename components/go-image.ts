import * as pulumi from "@pulumi/pulumi";
import * as dockerbuild from "@pulumi/docker-build";
import { z } from "zod";
import { parseArguments } from "./arguments";
import { goImageSettingsSchema } from "./build/args";
import { renderDockerfile } from "./build/dockerfile";
import { Platform, platformOs, platformSlug } from "./build/platforms";
import { RegistryCredentials } from "./publish/registry";

/** GoImage's arguments: the build settings (documented with their defaults in build/args.ts) and where to push. */
export interface GoImageArgs extends z.input<typeof goImageSettingsSchema> {
    /** Repository to push to, without tag, e.g. `127.0.0.1:5000/team/hello`. Required. */
    repository: pulumi.Input<string>;
    /** Registry login; its password must be a secret. @default none (anonymous registry) */
    credentials?: RegistryCredentials;
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
        const { repository: repositoryInput, credentials, ...settings } = args;
        const s = parseArguments(goImageSettingsSchema, settings, this, name);
        const { platforms, push } = s;
        const cache = push && (s.cache ?? true);
        const repository = pulumi.output(repositoryInput);
        // The same login for the builds (registries) and the indexes (registry).
        const login = credentials ? { address: credentials.address, username: credentials.username, password: credentials.password } : undefined;
        const registries = login ? [login] : undefined;
        const buildArgs: Record<string, string> = {
            ...s.buildArgs,
            VERSION: s.version,
            REVISION: s.revision,
            SOURCE: s.sourceUrl ?? "",
        };
        if (s.sourceDateEpoch !== undefined) {
            buildArgs.SOURCE_DATE_EPOCH = s.sourceDateEpoch;
        }
        const binaryName = s.binaryName ?? name;
        this.dockerfiles = {};

        const images = platforms.map((platform) => {
            const slug = platformSlug(platform);
            const dockerfile = renderDockerfile({ ...s.dockerfile, os: platformOs(platform), binaryName, main: s.main });
            this.dockerfiles[platform] = dockerfile;
            const cacheRef = pulumi.interpolate`${repository}:buildcache-${slug}`;
            return new dockerbuild.Image(
                `${name}-${slug}`,
                {
                    context: { location: s.context },
                    dockerfile: { inline: dockerfile },
                    platforms: [platform],
                    buildArgs,
                    // Per-platform images are tagged too, so registries that expire untagged
                    // manifests (ECR lifecycle rules) never drop a child of a live index.
                    tags: [pulumi.interpolate`${repository}:${s.tags[0]}-${slug}`],
                    push,
                    registries,
                    cacheFrom: cache ? [{ registry: { ref: cacheRef } }] : undefined,
                    cacheTo: cache ? [{ registry: { ref: cacheRef, mode: "max", imageManifest: true, ociMediaTypes: true } }] : undefined,
                    builder: s.builder ? { name: s.builder } : undefined,
                },
                // Pushed images outlive this stack: other stacks run them by digest.
                { parent: this, retainOnDelete: true },
            );
        });

        if (push) {
            const sources = images.map((image) => pulumi.interpolate`${repository}@${image.digest}`);
            const indexes = s.tags.map(
                (tag, i) =>
                    new dockerbuild.Index(
                        i === 0 ? `${name}-index` : `${name}-index-${tag}`,
                        {
                            tag: pulumi.interpolate`${repository}:${tag}`,
                            sources,
                            push: true,
                            registry: login,
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
