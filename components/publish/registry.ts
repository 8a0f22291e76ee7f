import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { z } from "zod";
import { MUTABLE_TAG_PATTERNS, TAG_PATTERNS } from "./tags";

const repositoryPrefix = z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "must be a lowercase repository path such as team or team/apps")
    .optional();

/** A registry host[:port], without scheme or path (pushes, and the pods' pull logins). */
export const registryServerField = z
    .string()
    .regex(/^(localhost|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)(:[0-9]{1,5})?$/, "must be a registry host[:port] without scheme or path, e.g. 127.0.0.1:5000 or ghcr.io");

const genericRegistry = z.strictObject({
    type: z.literal("generic"),
    /** Registry host[:port], without scheme or path. Required. */
    server: registryServerField,
    /** Path before the service name, e.g. `team`. @default none */
    repositoryPrefix,
    /** Registry user; the password is a secret (GoService's `registryPassword`, the stack's `goship:registryPassword`). @default anonymous */
    username: z.string().min(1).optional().describe("registry user; the password is the secret key goship:registryPassword"),
});

const ecrRegistry = z.strictObject({
    type: z.literal("ecr"),
    /** AWS region of the repositories. Required. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-[0-9]$/, "must be an AWS region such as eu-west-1"),
    /** Path before the service name, e.g. `team`. @default none */
    repositoryPrefix,
    /**
     * Lifecycle: releases (`rel-*` image indexes) kept per repository, newest first. Images
     * a stack runs (`stack-*`) and platform images (`plat-*`) are kept besides these.
     * @default 50
     */
    keepLastImages: z.int().min(1).max(10000).default(50).describe("lifecycle: releases (rel-* indexes) kept per repository, besides every image a stack runs"),
    /** Lifecycle: days before untagged images (superseded build cache, moved dirty tags) expire. @default 7 */
    untaggedExpiryDays: z.int().min(1).max(3650).default(7).describe("lifecycle: days before untagged images (old build cache) expire"),
    /** KMS key for encryption at rest. @default AES256 */
    kmsKeyArn: z.string().startsWith("arn:").optional().describe("KMS key for encryption at rest; AES256 when unset"),
});

/** Where images go: a generic registry (anonymous or with a login) or ECR (a repository per service). */
export const registrySchema = z.discriminatedUnion("type", [genericRegistry, ecrRegistry], {
    message: 'must have type "generic" (server, username) or "ecr" (region)',
});

/** A registry, validated, defaults applied. */
export type RegistryConfig = z.output<typeof registrySchema>;

/** Where one service's images go, and how to log in there. */
export interface ServiceRepository {
    /** Registry host, e.g. `127.0.0.1:5000` or `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
    address: pulumi.Output<string>;
    /** Full repository name without tag, e.g. `127.0.0.1:5000/goship/hello`. */
    repository: pulumi.Output<string>;
    /** Login for pushes and cache; the password is always a Pulumi secret. Absent for anonymous registries. */
    credentials?: RegistryCredentials;
}

export interface RegistryCredentials {
    address: pulumi.Input<string>;
    username: pulumi.Input<string>;
    password: pulumi.Output<string>;
}

/**
 * What GoService passes about its tags. No longer changes the repository: the mutability
 * exclusion is `stack-*`, which covers this stack's tag and every promoting stack's.
 */
export interface MutableTags {
    /** The building stack's name, e.g. `staging` (its tag is `stackTag("staging")`, `stack-staging`). */
    stackTag: string;
}

/**
 * An `imageCountMoreThan` no repository reaches: a rule with it claims the images it
 * matches without ever expiring one. ECR never lets a lower-priority rule expire an image
 * that matches a higher-priority rule's tag filter, so this is how a rule protects.
 */
export const NEVER_BY_COUNT = 9999;

/**
 * The ECR lifecycle policy, in rule priority order (components/publish/tags.ts has the
 * tag scheme). ECR evaluates every rule, and an image that matches the tag filter of a
 * rule is never expired by a rule of lower priority (higher rulePriority number), so the
 * order is the guarantee:
 *
 * 1. `stack-*`, never expired: every image some stack runs (each stack keeps its tag on
 *    the digest its pods pull, promoted ones included), however old.
 * 2. `plat-*`, never expired by count: the per-platform children of release indexes. ECR
 *    does not know which index references which child, so no count of children is safe:
 *    an old release a stack runs (protected by rule 1 through its index) needs its
 *    children as much as the newest does. The cost is storage: children of releases that
 *    rule 3 expired stay, until NEVER_BY_COUNT children.
 * 3. `rel-*`: the newest keepLastImages release indexes are kept, older ones expire
 *    (unless rule 1 or 2 claims them). Counted among releases only: children and cache
 *    no longer push a release a stack still needs out of the count.
 * 4. untagged, after untaggedExpiryDays: superseded build cache manifests (their
 *    `buildcache-*` tag moved on) and images whose mutable tag moved on.
 *
 * Each rule has one pattern: ECR selects by a tagPatternList only images matching *all*
 * its patterns. `buildcache-*` is in no rule, so the current cache is never expired.
 */
export function renderEcrLifecyclePolicy(o: { untaggedExpiryDays: number; keepLastImages: number }): string {
    const tagged = (pattern: string, countNumber: number) => ({ tagStatus: "tagged", tagPatternList: [pattern], countType: "imageCountMoreThan", countNumber });
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `never expire an image a stack runs (${TAG_PATTERNS.stack})`,
                selection: tagged(TAG_PATTERNS.stack, NEVER_BY_COUNT),
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `never expire platform images by count (${TAG_PATTERNS.platform}): children of live indexes`,
                selection: tagged(TAG_PATTERNS.platform, NEVER_BY_COUNT),
                action: { type: "expire" },
            },
            {
                rulePriority: 3,
                description: `keep the last ${o.keepLastImages} releases (${TAG_PATTERNS.release})`,
                selection: tagged(TAG_PATTERNS.release, o.keepLastImages),
                action: { type: "expire" },
            },
            {
                rulePriority: 4,
                description: `expire untagged images after ${o.untaggedExpiryDays} days`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: o.untaggedExpiryDays },
                action: { type: "expire" },
            },
        ],
    });
}

/**
 * The repository for one service. Generic registries need nothing created; ECR gets a
 * repository (scan on push, immutable tags except the ones goship moves, encryption at
 * rest, lifecycle policy) and short-lived credentials from the authorization token.
 */
export function serviceRepository(
    name: string,
    config: RegistryConfig,
    password: pulumi.Output<string> | undefined,
    // Kept for GoService's call; the exclusion filters below cover every stack's tag.
    _tags: MutableTags,
    parent: pulumi.Resource,
): ServiceRepository {
    const path = config.repositoryPrefix ? `${config.repositoryPrefix}/${name}` : name;
    if (config.type === "generic") {
        const address = pulumi.output(config.server);
        const credentials =
            config.username !== undefined
                ? { address: config.server, username: config.username, password: pulumi.secret(password ?? pulumi.output("")) }
                : undefined;
        return { address, repository: pulumi.output(`${config.server}/${path}`), credentials };
    }
    const repo = new aws.ecr.Repository(
        `${name}-repository`,
        {
            name: path,
            imageScanningConfiguration: { scanOnPush: true },
            imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
            // Immutable but for the tags goship moves (tags.ts MUTABLE_TAG_PATTERNS):
            // `stack-*`, `buildcache-*`, `*-dirty*`. Release and platform tags carry the
            // recipe hash, so a rebuild that changes the bytes always gets a new tag.
            imageTagMutabilityExclusionFilters: MUTABLE_TAG_PATTERNS.map((filter) => ({ filter, filterType: "WILDCARD" })),
            encryptionConfigurations: [config.kmsKeyArn ? { encryptionType: "KMS", kmsKey: config.kmsKeyArn } : { encryptionType: "AES256" }],
        },
        { parent },
    );
    new aws.ecr.LifecyclePolicy(
        `${name}-lifecycle`,
        { repository: repo.name, policy: renderEcrLifecyclePolicy(config) },
        { parent },
    );
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repo.registryId }, { parent });
    const address = token.proxyEndpoint.apply((endpoint) => endpoint.replace(/^https?:\/\//, ""));
    return {
        address,
        repository: repo.repositoryUrl,
        credentials: { address, username: token.userName, password: pulumi.secret(token.password) },
    };
}

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]` → its account and region; undefined for other hosts. */
export function ecrHost(host: string): { registryId: string; region: string } | undefined {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host);
    return m ? { registryId: m[1], region: m[2] } : undefined;
}

/**
 * A login to pull from (or copy out of) the ECR registry at HOST, from its authorization
 * token (a secret). PROVIDER is an AWS provider for the registry's region whose identity
 * may read it (for another account, the repository policy must allow it).
 */
export function ecrPullCredentials(host: string, provider: pulumi.ProviderResource, parent?: pulumi.Resource): RegistryCredentials {
    const ecr = ecrHost(host);
    if (!ecr) throw new Error(`${host} is not an ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com)`);
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: ecr.registryId }, { provider, parent });
    return { address: host, username: token.userName, password: pulumi.secret(token.password) };
}
