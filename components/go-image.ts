import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as dockerbuild from "@pulumi/docker-build";
import { z } from "zod";
import { parseArguments } from "./arguments";
import { buildSecretsField, goImageSettingsSchema } from "./build/args";
import { CA_CONTEXT, CA_FILE, NETRC_SECRET } from "./build/build-stage";
import { caCertificatesPath, readCaCertificates } from "./build/ca-certificates";
import { renderDockerfile } from "./build/dockerfile";
import { writeGeneratedFiles } from "./build/generated-files";
import { digestOf } from "./build/image-reference";
import { planContext } from "./build/context-policy";
import { crlfWarning } from "./build/line-endings";
import { REGISTRY_EXPORT } from "./build/reproducible";
import { NodeOs, Platform, platformOs, platformSlug } from "./build/platforms";
import { RegistryCredentials } from "./publish/registry";
import { RegistryLogin } from "./publish/registry-api";
import { attestBuiltImage, publicKeyOf, summaryLine, SupplyChainArgs, vulnerabilityGate } from "./supply-chain/supply-chain";
import { SupplyChainRecord } from "./supply-chain/record";
import { cacheTag, platformTag, recipeHash, releaseTag, stackTag } from "./publish/tags";

/**
 * GoImage's own schema: build/args.ts's settings without `tags` (GoImage derives its tags,
 * components/publish/tags.ts) and with the stack whose tag it moves.
 */
const goImageSchema = goImageSettingsSchema.omit({ tags: true }).extend({
    tags: z
        .never({ message: "goship derives the tags (rel-<revision>-<recipe>, plat-…, stack-<stack>); set revision and stack instead" })
        .optional(),
    stack: z.string().min(1, "is empty; give the stack's name, e.g. staging").optional(),
    buildSecrets: buildSecretsField(z.custom<unknown>(() => true)),
    netrc: z.custom<unknown>(() => true).optional(),
});

/** GoImage's arguments: the build settings (documented with their defaults in build/args.ts) and where to push. */
export interface GoImageArgs extends Omit<z.input<typeof goImageSettingsSchema>, "tags" | "revision"> {
    /**
     * Source revision (e.g. the git commit; `-dirty` with local edits): the OCI revision
     * label and the release tag `rel-<revision>-<recipe>`, whose recipe hash covers the
     * rendered Dockerfiles, platforms, build args and context, so a changed recipe under the
     * same revision gets a new tag. Tags of a dirty revision, or of none (`unknown`), stay
     * mutable.
     * @default "unknown"
     */
    revision?: string;
    /**
     * Stack that builds and runs this image: its tag `stack-<stack>` is moved to every new
     * build, and keeps the image from ECR lifecycle expiry while it is there.
     * @default none (only the release tag)
     */
    stack?: string;
    /** Repository to push to, without tag, e.g. `127.0.0.1:5000/team/hello`. Required. */
    repository: pulumi.Input<string>;
    /** Registry login; its password must be a secret. @default none (anonymous registry) */
    credentials?: RegistryCredentials;
    /**
     * Build secrets (env var name → value), mounted into the build stage's go commands as
     * BuildKit secrets: never in a layer, the build metadata, the cache or the state in
     * plain text (each value is made a Pulumi secret). @default none
     */
    buildSecrets?: Record<string, pulumi.Input<string>>;
    /**
     * A .netrc for private modules (module proxies and git over HTTPS), mounted as a
     * BuildKit secret at /root/.netrc for the go commands; made a Pulumi secret. @default none
     */
    netrc?: pulumi.Input<string>;
    /**
     * Supply chain: with `vulnerabilities`, each platform's binary is scanned before the
     * release index is pushed; with `publicKey` and `signing`, each platform gets a signed
     * SBOM and provenance and the index a cosign signature (components/supply-chain/).
     * @default none
     */
    supplyChain?: SupplyChainArgs;
}

/**
 * Builds a Go module into a multi-platform image with BuildKit (via @pulumi/docker-build)
 * and pushes it, producing a reference pinned by digest.
 *
 * Each platform is its own `Image` (its own Dockerfile flavour for Linux or Windows, and
 * its own registry cache), and one `Index` per tag joins them: Windows and Linux stages
 * cannot share one build, and BuildKit exports cache for one platform per build.
 *
 * Tags (components/publish/tags.ts): the release index `rel-<revision>-<recipe>`, each
 * platform image `plat-<revision>-<recipe>-<os-arch>`, the cache `buildcache-<os-arch>`
 * and, with `stack`, the moving `stack-<stack>` on the same index.
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
    /** Recipe hash: 8 hex of sha256 over the Dockerfiles, platforms, build args and context. */
    public readonly recipe: string;
    /** The release tag `rel-<revision>-<recipe>` of the index. */
    public readonly releaseTag: string;
    /** The stack tag `stack-<stack>` of the index, when `stack` is set. */
    public readonly stackTag?: string;
    /** The tag of each platform image, keyed by platform. */
    public readonly platformTags: Record<string, string>;
    /** The signature, SBOM, provenance and vulnerability verdict, read back from the registry (with `supplyChain.publicKey`). */
    public readonly supplyChain?: pulumi.Output<SupplyChainRecord>;

    constructor(name: string, args: GoImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("goship:index:GoImage", name, {}, opts);
        const { repository: repositoryInput, credentials, buildSecrets = {}, netrc, supplyChain, ...settings } = args;
        const s = parseArguments(goImageSchema, { ...settings, buildSecrets, netrc }, this, name);
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

        // The context policy: only the module and its local dependencies, minus what never
        // changes the binary (components/build/dockerignore.ts), written beside the Dockerfile.
        const plan = planContext(s.context, s.module);
        if (plan.layout.outside.length > 0) {
            const what = plan.layout.outside.map((o) => `${o.dir} (from ${o.from})`).join(", ");
            throw new pulumi.ResourceError(`${name}.context: ${what} is outside the build context ${s.context}; set context to a directory holding the module and its local dependencies (e.g. the repository root) and module to the module's place in it`, this, true);
        }
        const contextIgnore = plan.ignore;
        if (plan.crlf.length > 0) pulumi.log.warn(crlfWarning(name, plan.crlf), this);

        let caPem: string | undefined;
        try {
            caPem = s.caCertificates ? readCaCertificates(caCertificatesPath(s.caCertificates.file, process.cwd())) : undefined;
        } catch (err) {
            throw new pulumi.ResourceError(`${name}.caCertificates.file: ${(err as Error).message}`, this, true);
        }
        const dockerfileFor = (os: NodeOs) =>
            renderDockerfile({
                ...s.dockerfile,
                os,
                binaryName,
                main: s.main,
                moduleDir: s.module,
                go: s.go,
                buildArgs: Object.keys(s.buildArgs).sort(),
                buildSecrets: Object.keys(buildSecrets).sort(),
                netrc: netrc !== undefined,
                caCertificates: s.caCertificates ? { runtime: s.caCertificates.runtime } : undefined,
                assets: s.assets,
            });
        const oses = [...new Set(platforms.map(platformOs))];
        const generated: Record<string, string> = {};
        for (const os of oses) {
            generated[`${os}.Dockerfile`] = dockerfileFor(os);
            // BuildKit and docker-build's context hash both prefer <Dockerfile>.dockerignore.
            generated[`${os}.Dockerfile.dockerignore`] = contextIgnore;
        }
        if (caPem) generated[`ca/${CA_FILE}`] = caPem;
        // Per stack: two stacks' previews may run at once, each with its own settings.
        const buildDir = path.join(s.generatedDir ?? path.join(process.env.GOSHIP_BUILD_DIR ?? ".goship/build", pulumi.getStack()), name);
        const files = writeGeneratedFiles(buildDir, generated);
        this.dockerfiles = Object.fromEntries(platforms.map((platform) => [platform, generated[`${platformOs(platform)}.Dockerfile`]]));
        // Everything besides the source that decides the bytes (no credentials: a new ECR
        // token must not look like a new recipe; no secrets).
        const inputs: Record<string, string> = { contextPolicy: contextIgnore, module: s.module, exporter: REGISTRY_EXPORT };
        if (caPem && s.caCertificates?.runtime) inputs.runtimeCaCertificates = caPem;
        this.recipe = recipeHash({ platforms, dockerfiles: this.dockerfiles, buildArgs, context: s.context, inputs });
        this.releaseTag = releaseTag(s.revision, this.recipe);
        this.stackTag = s.stack !== undefined ? stackTag(s.stack) : undefined;
        this.platformTags = Object.fromEntries(platforms.map((platform) => [platform, platformTag(s.revision, this.recipe, platform)]));

        const secrets: Record<string, pulumi.Input<string>> = Object.fromEntries(Object.entries(buildSecrets).map(([id, value]) => [id, pulumi.secret(value)]));
        if (netrc !== undefined) secrets[NETRC_SECRET] = pulumi.secret(netrc);
        const namedContexts = caPem ? { [CA_CONTEXT]: { location: path.join(buildDir, "ca") } } : undefined;

        const images = platforms.map((platform) => {
            const slug = platformSlug(platform);
            const cacheRef = pulumi.interpolate`${repository}:${cacheTag(platform)}`;
            return new dockerbuild.Image(
                `${name}-${slug}`,
                {
                    context: { location: s.context, named: namedContexts },
                    dockerfile: { location: files[`${platformOs(platform)}.Dockerfile`] },
                    secrets: Object.keys(secrets).length > 0 ? secrets : undefined,
                    platforms: [platform],
                    buildArgs,
                    // Per-platform images are tagged too, so registries that expire untagged
                    // manifests (ECR lifecycle rules) never drop a child of a live index.
                    tags: [pulumi.interpolate`${repository}:${this.platformTags[platform]}`],
                    // Pushed through an explicit exporter rather than `push: true`, to clamp
                    // every file time in the layers to SOURCE_DATE_EPOCH: the binary and the
                    // directories COPY creates otherwise carry the build's clock, and two
                    // builds of one commit would differ (components/build/reproducible.ts).
                    exports: push ? [{ raw: REGISTRY_EXPORT }] : undefined,
                    push: false,
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
            const plainLogin: pulumi.Output<RegistryLogin | undefined> = login
                ? pulumi.all([login.username, login.password]).apply(([username, password]) => ({ username, password }))
                : pulumi.output(undefined);
            // The vulnerability gate stands before the release index: a refused scan pushes no release.
            const gate = supplyChain?.vulnerabilities
                ? pulumi.unsecret(
                      pulumi.all([repository, plainLogin, pulumi.all(images.map((i) => i.digest))]).apply(async ([repo, loginValue, digests]) => {
                          const byPlatform = Object.fromEntries(platforms.map((p, i) => [p, digests[i]]));
                          const verdict = await vulnerabilityGate(name, `${repo}@${digests[0]}`, byPlatform, loginValue, binaryName, supplyChain, this);
                          return { digests, verdict };
                      }),
                  )
                : undefined;
            const sources = images.map((image, i) => (gate ? pulumi.interpolate`${repository}@${gate.apply((g) => g.digests[i])}` : pulumi.interpolate`${repository}@${image.digest}`));
            // The release index first (its digest is the output), then the stack's; both
            // join the same sources, so both tags name one digest. The stack index keeps
            // the name it had when its tag was the bare stack name.
            const tagged: [string, string][] = [[`${name}-index`, this.releaseTag]];
            if (this.stackTag !== undefined) tagged.push([`${name}-index-${s.stack}`, this.stackTag]);
            const indexes = tagged.map(
                ([resourceName, tag]) =>
                    new dockerbuild.Index(
                        resourceName,
                        {
                            tag: pulumi.interpolate`${repository}:${tag}`,
                            sources,
                            push: true,
                            registry: login,
                        },
                        // A new revision or recipe replaces the release-tag Index, and the provider's
                        // delete removes the old manifest *by digest*, which other stacks may
                        // still run (and which the stack tag's index shares). Registries'
                        // own retention (ECR lifecycle) removes old images instead.
                        { parent: this, retainOnDelete: true },
                    ),
            );
            const key = supplyChain ? publicKeyOf(supplyChain, name, this) : undefined;
            if (supplyChain?.signing && key) {
                const signing = pulumi.all([supplyChain.signing.privateKey, supplyChain.signing.password]).apply(([privateKey, password]) => ({ privateKey, password }));
                const facts = (platform: string) => ({
                    revision: s.revision,
                    sourceUrl: s.sourceUrl,
                    dockerfile: this.dockerfiles[platform],
                    buildArgs,
                    recipe: this.recipe,
                    context: s.context,
                    module: s.module,
                    main: s.main,
                    baseImages: platformOs(platform as Platform) === "windows" ? [s.dockerfile.builderImage, s.dockerfile.windowsImage] : [s.dockerfile.builderImage, s.dockerfile.runtime],
                    buildSecrets: Object.keys(secrets).sort(),
                    builder: "goship (docker-build 0.0.22, BuildKit)",
                });
                this.supplyChain = pulumi.unsecret(
                    pulumi.all([indexes[0].ref, plainLogin, signing, gate ?? pulumi.output(undefined)]).apply(async ([ref, loginValue, signingKey, gated]) => {
                        const record = await attestBuiltImage(ref, loginValue, key, signingKey, facts, binaryName);
                        if (gated?.verdict) record.vulnerabilities = gated.verdict;
                        void pulumi.log.info(summaryLine(name, record), this);
                        return record;
                    }),
                );
                // The pods run the image only once it is signed and attested.
                this.digest = pulumi.all([indexes[0].ref, this.supplyChain]).apply(([ref]) => digestOf(ref));
            } else {
                this.digest = indexes[0].ref.apply(digestOf);
            }
        } else {
            this.digest = pulumi.output("");
        }
        this.ref = push ? pulumi.interpolate`${repository}@${this.digest}` : pulumi.output("");
        this.platforms = pulumi.output(platforms);
        this.repository = repository;
        this.registerOutputs({ ref: this.ref, digest: this.digest, platforms: this.platforms, repository: this.repository });
    }
}
