/**
 * SLSA provenance v1 for one platform image, written by goship because docker-build 0.0.22
 * turns BuildKit's own off (and BuildKit v0.31's carries the build's start time and a random
 * invocation ID, so it could not be reproducible). Every field is a fact of the recipe: the
 * source revision, the rendered Dockerfile's digest, the build arguments, the base images as
 * configured; no time and no random value, so identical builds give identical statements.
 */
import { createHash } from "crypto";
import { REGISTRY_EXPORT } from "../build/reproducible";

/** The build type below: what its externalParameters mean is docs/supply-chain.md's "Provenance". */
export const BUILD_TYPE = "urn:goship:buildtype:dockerfile:v1";
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

export interface ProvenanceFacts {
    /** `repo` the image was pushed to (the statement's subject name). */
    repository: string;
    /** `sha256:<hex>` of the platform image manifest (the subject). */
    digest: string;
    platform: string;
    /** Source revision (a git commit, or `<commit>-dirty…`, or `unknown`). */
    revision: string;
    /** The repository URL of the source, when configured. */
    sourceUrl?: string;
    /** The rendered Dockerfile that was built. */
    dockerfile: string;
    /** Build arguments (never secrets: those are BuildKit secret mounts and not listed). */
    buildArgs: Record<string, string>;
    /** The recipe hash of the release tag (components/publish/tags.ts). */
    recipe: string;
    /** Build context and module directory, relative to the project. */
    context: string;
    module: string;
    main: string;
    /** Images the Dockerfile starts from, as configured (pinned ones carry their digest). */
    baseImages: string[];
    /** Names of the build secrets mounted (values never appear). */
    buildSecrets: string[];
    /** What built it: goship's builder identity. */
    builder: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The in-toto v1 statement with the SLSA v1 predicate; keys in a fixed order. */
export function provenanceStatement(f: ProvenanceFacts): { predicate: Record<string, unknown> } & Record<string, unknown> {
    const hex = f.digest.replace(/^sha256:/, "");
    const dependencies: Record<string, unknown>[] = [];
    const commit = /^[0-9a-f]{7,40}$/.test(f.revision) ? f.revision : undefined;
    if (f.sourceUrl || commit) {
        dependencies.push({ uri: f.sourceUrl ? `git+${f.sourceUrl}` : "git+source", ...(commit ? { digest: { gitCommit: commit } } : {}), annotations: { revision: f.revision } });
    }
    for (const image of [...new Set(f.baseImages)].sort()) {
        const pinned = /@sha256:([0-9a-f]{64})$/.exec(image);
        dependencies.push({ uri: `docker-image://${image}`, ...(pinned ? { digest: { sha256: pinned[1] } } : {}) });
    }
    const buildArgs = Object.fromEntries(Object.entries(f.buildArgs).sort(([a], [b]) => a.localeCompare(b)));
    return {
        _type: "https://in-toto.io/Statement/v1",
        subject: [{ name: f.repository, digest: { sha256: hex } }],
        predicateType: SLSA_PROVENANCE_V1,
        predicate: {
            buildDefinition: {
                buildType: BUILD_TYPE,
                externalParameters: {
                    platform: f.platform,
                    revision: f.revision,
                    context: f.context,
                    module: f.module,
                    main: f.main,
                    dockerfile: { sha256: sha256(f.dockerfile) },
                    buildArgs,
                    buildSecrets: [...f.buildSecrets].sort(),
                    recipe: f.recipe,
                },
                internalParameters: { exporter: REGISTRY_EXPORT },
                resolvedDependencies: dependencies,
            },
            runDetails: { builder: { id: f.builder }, metadata: {} },
        },
    };
}

/** `sha256:<hex>` of a statement's predicate as JSON: what the release record names. */
export function predicateDigest(statement: { predicate: unknown }): string {
    return `sha256:${sha256(JSON.stringify(statement.predicate))}`;
}
