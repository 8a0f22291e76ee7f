import * as crypto from "crypto";
import { Platform, platformSlug, SUPPORTED_PLATFORMS } from "../build/platforms";

/**
 * goship's image tags, one scheme for every registry (generic and ECR alike), as pure
 * functions. Each kind of tag has its own prefix so that ECR's lifecycle rules and tag
 * mutability filters (components/publish/registry.ts) can tell them apart by wildcard:
 *
 * | tag | on | mutable | lifecycle |
 * |---|---|---|---|
 * | `stack-<stack>` | the index a stack runs (written by the stack that builds it, and by every stack that promotes it, in the repository its pods pull from) | yes: it moves | never expired (rule 1) |
 * | `plat-<revision>-<recipe>-<platform>` | each per-platform child of a release | no (yes when dirty) | never expired by count (rule 2) |
 * | `rel-<revision>-<recipe>` | the release index | no (yes when dirty) | the newest N kept (rule 3) |
 * | `buildcache-<platform>` | BuildKit's registry cache | yes: it moves | old ones are untagged, expired after N days (rule 4) |
 *
 * Why the recipe is in the tag: ECR tags are immutable, and the source revision alone
 * does not determine the bytes. A goship upgrade that changes the rendered Dockerfile, a
 * changed platform list or build arg rebuilds the same revision into a new digest; under
 * a tag of the revision alone that push is refused and `pulumi up` fails. With the recipe
 * hash in the tag, the same revision and recipe give the same tag (a no-op for
 * docker-build) and a changed recipe gives a new tag, so immutability never fails an up.
 *
 * Why children are tagged: a registry that expires untagged manifests would otherwise
 * drop the platform images of an index that some stack still runs.
 */

/** The longest tag the OCI distribution spec (and ECR) accepts. */
export const MAX_TAG_LENGTH = 128;
/** Hex digits of the recipe hash in release and platform tags. */
export const RECIPE_HASH_LENGTH = 8;

export const RELEASE_TAG_PREFIX = "rel-";
export const PLATFORM_TAG_PREFIX = "plat-";
export const STACK_TAG_PREFIX = "stack-";
export const CACHE_TAG_PREFIX = "buildcache-";
/** What marks a revision with local edits (stack/revision.ts); such tags stay mutable. */
export const DIRTY_MARKER = "-dirty";

/** ECR wildcard patterns (`*` matches any run of characters) for each kind of tag. */
export const TAG_PATTERNS = {
    stack: `${STACK_TAG_PREFIX}*`,
    platform: `${PLATFORM_TAG_PREFIX}*`,
    release: `${RELEASE_TAG_PREFIX}*`,
    cache: `${CACHE_TAG_PREFIX}*`,
    dirty: `*${DIRTY_MARKER}*`,
} as const;

/**
 * The tags goship moves, exempt from ECR tag immutability: every stack's tag (`stack-*`,
 * not only the building stack's: a promoting stack writes its own tag into the same
 * repository), the build cache, and anything built from a dirty work tree (a rebuild
 * under the same dirty revision is a different build by definition).
 */
export const MUTABLE_TAG_PATTERNS: readonly string[] = [TAG_PATTERNS.stack, TAG_PATTERNS.cache, TAG_PATTERNS.dirty];

const LONGEST_SLUG = Math.max(...SUPPORTED_PLATFORMS.map((p) => platformSlug(p).length));
/** Longest revision kept as is; the platform tag, the longest of all, then fits in 128. */
export const MAX_REVISION_LENGTH = MAX_TAG_LENGTH - PLATFORM_TAG_PREFIX.length - 1 - RECIPE_HASH_LENGTH - 1 - LONGEST_SLUG;

function sha256Hex(value: string): string {
    return crypto.createHash("sha256").update(value).digest("hex");
}

/**
 * VALUE made safe inside a tag (`[A-Za-z0-9_.-]`, at most MAX characters). A value that
 * needs no change is kept; otherwise the cleaned value is cut and suffixed with a hash of
 * the original, so two different values never share a tag, and a `-dirty` marker is kept
 * (it decides mutability).
 */
export function sanitizeTagPart(value: string, max: number): string {
    const clean = value.replace(/[^A-Za-z0-9_.-]/g, "-");
    if (clean === value && clean.length <= max && clean.length > 0) return clean;
    const suffix = `-${sha256Hex(value).slice(0, RECIPE_HASH_LENGTH)}${clean.includes(DIRTY_MARKER) ? DIRTY_MARKER : ""}`;
    return clean.slice(0, Math.max(0, max - suffix.length)).replace(/^-+/, "") + suffix;
}

/**
 * The revision as it appears in tags. `unknown` (GoImage's default when no revision is
 * given) names no particular source, so it is treated as dirty: its tags stay mutable
 * and a rebuild under it can never hit an immutable tag.
 */
export function revisionTagPart(revision: string): string {
    return sanitizeTagPart(revision === "unknown" ? `unknown${DIRTY_MARKER}` : revision, MAX_REVISION_LENGTH);
}

/** What determines an image's bytes besides the source (never a password or a token). */
export interface Recipe {
    /** Platforms in index order (the order is part of the index's bytes). */
    platforms: readonly Platform[];
    /** The rendered Dockerfile of each platform. */
    dockerfiles: Readonly<Record<string, string>>;
    /** Every build arg the build gets, goship's own included. */
    buildArgs: Readonly<Record<string, string>>;
    /** The build context's location (relative in the goship program, so the same in every clone). @default none */
    context?: string;
    /** Other text that decides the bytes: the context policy, the module's place in the context, a CA bundle the image carries. @default none */
    inputs?: Readonly<Record<string, string>>;
}

/**
 * First 8 hex digits of the sha256 of a canonical form of the recipe (platforms in order,
 * each one's Dockerfile, build args sorted by name, the context location). Versioned, so
 * a future change of what goes in gives new tags rather than colliding with old ones.
 */
export function recipeHash(recipe: Recipe): string {
    const canonical = JSON.stringify({
        scheme: "goship-recipe/1",
        platforms: recipe.platforms.map((p) => [p, recipe.dockerfiles[p] ?? ""]),
        buildArgs: Object.keys(recipe.buildArgs)
            .sort()
            .map((k) => [k, recipe.buildArgs[k]]),
        context: recipe.context ?? "",
        ...(recipe.inputs && Object.keys(recipe.inputs).length > 0
            ? { inputs: Object.keys(recipe.inputs)
                  .sort()
                  .map((k) => [k, sha256Hex(recipe.inputs![k])]) }
            : {}),
    });
    return sha256Hex(canonical).slice(0, RECIPE_HASH_LENGTH);
}

function checkRecipe(recipe: string): void {
    if (!new RegExp(`^[0-9a-f]{${RECIPE_HASH_LENGTH}}$`).test(recipe)) {
        throw new Error(`recipe "${recipe}" is not a recipeHash() (${RECIPE_HASH_LENGTH} hex digits)`);
    }
}

/** `rel-<revision>-<recipe>`: the release index. Immutable unless the revision is dirty. */
export function releaseTag(revision: string, recipe: string): string {
    checkRecipe(recipe);
    return `${RELEASE_TAG_PREFIX}${revisionTagPart(revision)}-${recipe}`;
}

/** `plat-<revision>-<recipe>-<os-arch>`: one platform image (a child of the release index). */
export function platformTag(revision: string, recipe: string, platform: Platform): string {
    checkRecipe(recipe);
    return `${PLATFORM_TAG_PREFIX}${revisionTagPart(revision)}-${recipe}-${platformSlug(platform)}`;
}

/**
 * `stack-<stack>`: the moving tag a stack writes on the digest it runs, in the repository
 * its pods pull from (a building stack on its own builds, a promoting stack on the digest
 * it deploys). While it is there, ECR's lifecycle policy never expires that image.
 * STACK is the stack's name (`prod`); anything outside `[A-Za-z0-9_.-]` (e.g. the slashes
 * of `org/project/prod`) is replaced and the tag suffixed with a hash.
 */
export function stackTag(stack: string): string {
    return `${STACK_TAG_PREFIX}${sanitizeTagPart(stack, MAX_TAG_LENGTH - STACK_TAG_PREFIX.length)}`;
}

/** `buildcache-<os-arch>`: BuildKit's registry cache for one platform (moved on every build). */
export function cacheTag(platform: Platform): string {
    return `${CACHE_TAG_PREFIX}${platformSlug(platform)}`;
}

/** Whether TAG matches an ECR wildcard PATTERN (`*`: any run of characters, none included). */
export function matchesTagPattern(tag: string, pattern: string): boolean {
    const re = pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*");
    return new RegExp(`^${re}$`).test(tag);
}

/** Whether goship may move TAG, i.e. whether an immutable ECR repository exempts it. */
export function isMutableTag(tag: string): boolean {
    return MUTABLE_TAG_PATTERNS.some((p) => matchesTagPattern(tag, p));
}
