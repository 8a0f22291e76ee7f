import { test } from "node:test";
import assert from "node:assert/strict";
import { renderEcrLifecyclePolicy } from "../../components/publish/registry";
import {
    cacheTag,
    isMutableTag,
    MAX_TAG_LENGTH,
    matchesTagPattern,
    MUTABLE_TAG_PATTERNS,
    platformTag,
    Recipe,
    recipeHash,
    releaseTag,
    stackTag,
} from "../../components/publish/tags";
import { Platform } from "../../components/build/platforms";

// ---------------------------------------------------------------------------------------
// A tiny, pure model of ECR's lifecycle policy evaluation, as its documentation states it
// ("Lifecycle policy evaluation rules", Amazon ECR user guide):
// - every rule is evaluated; an image is expired by at most one rule;
// - an image that matches the tag filter of a rule cannot be expired by a rule of lower
//   priority (a higher rulePriority number), but lower rules still count it;
// - a tagPatternList selects images that match *all* its patterns (each by some tag);
// - imageCountMoreThan keeps the newest N matching images (by push time), the rest are
//   expired; sinceImagePushed expires matching images older than N days.
// ---------------------------------------------------------------------------------------

interface StoredImage {
    digest: string;
    tags: string[];
    /** Days before "now" it was pushed. */
    ageDays: number;
}

interface Rule {
    rulePriority: number;
    selection: { tagStatus: "tagged" | "untagged" | "any"; tagPatternList?: string[]; tagPrefixList?: string[]; countType: string; countUnit?: string; countNumber: number };
    action: { type: string };
}

function selects(rule: Rule, image: StoredImage): boolean {
    const s = rule.selection;
    if (s.tagStatus === "untagged") return image.tags.length === 0;
    if (s.tagStatus === "any") return true;
    if (image.tags.length === 0) return false;
    const patterns = s.tagPatternList ?? (s.tagPrefixList ?? []).map((p) => `${p}*`);
    return patterns.every((p) => image.tags.some((t) => matchesTagPattern(t, p)));
}

/** The digests the policy expires. */
function simulate(policyJson: string, images: StoredImage[]): Set<string> {
    const rules = (JSON.parse(policyJson).rules as Rule[]).slice().sort((a, b) => a.rulePriority - b.rulePriority);
    const claimed = new Set<string>();
    const expired = new Set<string>();
    for (const rule of rules) {
        const matching = images.filter((i) => selects(rule, i));
        let candidates: StoredImage[];
        if (rule.selection.countType === "imageCountMoreThan") {
            candidates = matching.slice().sort((a, b) => a.ageDays - b.ageDays).slice(rule.selection.countNumber);
        } else if (rule.selection.countType === "sinceImagePushed") {
            candidates = matching.filter((i) => i.ageDays > rule.selection.countNumber);
        } else {
            throw new Error(`countType ${rule.selection.countType} not modelled`);
        }
        for (const c of candidates) if (!claimed.has(c.digest) && rule.action.type === "expire") expired.add(c.digest);
        for (const m of matching) claimed.add(m.digest);
    }
    return expired;
}

/** The policy goship rendered before this change: untagged after N days, then the last M images of any kind. */
const OLD_POLICY = JSON.stringify({
    rules: [
        { rulePriority: 1, description: "expire untagged images after 7 days", selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, action: { type: "expire" } },
        { rulePriority: 2, description: "keep the last 50 images", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 }, action: { type: "expire" } },
    ],
});

interface Scheme {
    release(revision: string): string;
    child(revision: string, platform: Platform): string;
    stack(stack: string): string;
}

const RECIPE = "0123abcd";
const NEW_SCHEME: Scheme = { release: (r) => releaseTag(r, RECIPE), child: (r, p) => platformTag(r, RECIPE, p), stack: stackTag };
/** The tags of before: the bare revision, revision-slug children, the bare stack name. */
const OLD_SCHEME: Scheme = { release: (r) => r, child: (r, p) => `${r}-${p.replace("/", "-")}`, stack: (s) => s };

const PLATFORMS: Platform[] = ["linux/amd64", "linux/arm64"];
const RELEASES = 60;
const KEEP = 50;
const PROD_RELEASE = 3;

interface Repository {
    images: StoredImage[];
    /** Index digest of release i (1 = oldest). */
    index(i: number): string;
    /** Child digests of release i. */
    children(i: number): string[];
}

/**
 * A repository after 60 daily staging releases (release i pushed 61-i days ago): each an
 * index with two children, a cache manifest per platform per build (superseded ones are
 * untagged, the newest carry buildcache-*), staging running the newest, prod still
 * running release 3 (its stack tag on that old digest).
 */
function repository(scheme: Scheme): Repository {
    const images: StoredImage[] = [];
    const index = (i: number) => `sha256:index-${i}`;
    const children = (i: number) => PLATFORMS.map((p) => `sha256:child-${i}-${p}`);
    for (let i = 1; i <= RELEASES; i++) {
        const age = RELEASES + 1 - i;
        const revision = `c0ffee${String(i).padStart(2, "0")}`;
        PLATFORMS.forEach((p, k) => images.push({ digest: children(i)[k], tags: [scheme.child(revision, p)], ageDays: age }));
        for (const p of PLATFORMS) images.push({ digest: `sha256:cache-${i}-${p}`, tags: i === RELEASES ? [cacheTag(p)] : [], ageDays: age });
        const tags = [scheme.release(revision)];
        if (i === PROD_RELEASE) tags.push(scheme.stack("prod"));
        if (i === RELEASES) tags.push(scheme.stack("staging"));
        images.push({ digest: index(i), tags, ageDays: age });
    }
    return { images, index, children };
}

/** What must never happen to a repository; empty when the policy is safe. */
function violations(policy: string, repo: Repository, isStackTag: (t: string) => boolean): string[] {
    const expired = simulate(policy, repo.images);
    const problems: string[] = [];
    const live = new Set<number>();
    for (let i = 1; i <= RELEASES; i++) {
        const image = repo.images.find((x) => x.digest === repo.index(i))!;
        if (image.tags.some(isStackTag)) live.add(i);
        if (i > RELEASES - KEEP) live.add(i);
    }
    for (const i of live) {
        if (expired.has(repo.index(i))) problems.push(`release ${i}'s index expired${i === PROD_RELEASE ? " (prod runs it)" : ""}`);
        for (const c of repo.children(i)) if (expired.has(c)) problems.push(`release ${i}'s child ${c} expired`);
    }
    for (const p of PLATFORMS) if (expired.has(`sha256:cache-${RELEASES}-${p}`)) problems.push(`the current ${p} cache expired`);
    return problems;
}

test("lifecycle policy: stack-*, plat-*, rel-*, untagged, in that priority order, one pattern each", () => {
    const policy = JSON.parse(renderEcrLifecyclePolicy({ untaggedExpiryDays: 7, keepLastImages: 50 }));
    const rules = policy.rules as Rule[];
    assert.deepEqual(rules.map((r) => r.rulePriority), [1, 2, 3, 4]);
    assert.deepEqual(rules.map((r) => r.selection.tagPatternList), [["stack-*"], ["plat-*"], ["rel-*"], undefined]);
    assert.deepEqual(rules.map((r) => r.selection.tagStatus), ["tagged", "tagged", "tagged", "untagged"]);
    assert.deepEqual(rules[0].selection, { tagStatus: "tagged", tagPatternList: ["stack-*"], countType: "imageCountMoreThan", countNumber: 9999 });
    assert.deepEqual(rules[1].selection, { tagStatus: "tagged", tagPatternList: ["plat-*"], countType: "imageCountMoreThan", countNumber: 9999 });
    assert.deepEqual(rules[2].selection, { tagStatus: "tagged", tagPatternList: ["rel-*"], countType: "imageCountMoreThan", countNumber: 50 });
    assert.deepEqual(rules[3].selection, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 });
    assert.ok(rules.every((r) => r.action.type === "expire"));
    assert.ok(!rules.some((r) => r.selection.tagStatus === "any"), "no rule counts images of every kind together");
    assert.ok(!rules.some((r) => r.selection.tagPatternList?.some((p) => p.startsWith("buildcache"))), "the current build cache is in no rule");
});

test("lifecycle simulation: 60 releases + children + cache; prod's old digest, the newest 50 releases and their children survive, old untagged cache expires", () => {
    const repo = repository(NEW_SCHEME);
    const expired = simulate(renderEcrLifecyclePolicy({ untaggedExpiryDays: 7, keepLastImages: KEEP }), repo.images);
    assert.ok(!expired.has(repo.index(PROD_RELEASE)), "the digest prod runs survives");
    for (const c of repo.children(PROD_RELEASE)) assert.ok(!expired.has(c), "and so do its children");
    for (let i = RELEASES - KEEP + 1; i <= RELEASES; i++) {
        assert.ok(!expired.has(repo.index(i)), `release ${i} (among the newest ${KEEP}) survives`);
        for (const c of repo.children(i)) assert.ok(!expired.has(c), `release ${i}'s children survive`);
    }
    for (let i = 1; i <= RELEASES - KEEP; i++) {
        assert.equal(expired.has(repo.index(i)), i !== PROD_RELEASE, `release ${i}: expired unless a stack runs it`);
    }
    for (let i = 1; i <= RELEASES; i++) {
        for (const p of PLATFORMS) {
            const age = RELEASES + 1 - i;
            assert.equal(expired.has(`sha256:cache-${i}-${p}`), i !== RELEASES && age > 7, `cache ${i} ${p} (${age} days): untagged ones older than 7 days expire`);
        }
    }
    assert.deepEqual(violations(renderEcrLifecyclePolicy({ untaggedExpiryDays: 7, keepLastImages: KEEP }), repo, (t) => t.startsWith("stack-")), []);
});

test("lifecycle simulation: the old policy (keep the last 50 of any kind) expires the digest prod runs, and children of live releases", () => {
    const repo = repository(OLD_SCHEME);
    const problems = violations(OLD_POLICY, repo, (t) => t === "prod" || t === "staging");
    assert.ok(problems.includes(`release ${PROD_RELEASE}'s index expired (prod runs it)`), problems.join("\n"));
    assert.ok(problems.some((p) => p.includes("child")), "children and cache counted among the 50 push releases out too");
});

test("lifecycle simulation: no rule ever expires an image with a stack-* tag (random repositories)", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const kinds = [
        () => releaseTag(`r${Math.floor(random() * 1e6)}`, RECIPE),
        () => platformTag(`r${Math.floor(random() * 1e6)}`, RECIPE, PLATFORMS[Math.floor(random() * 2)]),
        () => cacheTag(PLATFORMS[Math.floor(random() * 2)]),
        () => stackTag(["dev", "staging", "prod", "qa"][Math.floor(random() * 4)]),
        () => `other-${Math.floor(random() * 100)}`,
    ];
    for (let round = 0; round < 50; round++) {
        const images: StoredImage[] = [];
        for (let n = 0; n < 300; n++) {
            const tags = Array.from({ length: Math.floor(random() * 3) }, () => kinds[Math.floor(random() * kinds.length)]());
            images.push({ digest: `sha256:${round}-${n}`, tags, ageDays: Math.floor(random() * 400) });
        }
        const keep = 1 + Math.floor(random() * 20);
        const expired = simulate(renderEcrLifecyclePolicy({ untaggedExpiryDays: 1 + Math.floor(random() * 10), keepLastImages: keep }), images);
        for (const image of images) {
            if (image.tags.some((t) => t.startsWith("stack-")) || image.tags.some((t) => t.startsWith("plat-"))) {
                assert.ok(!expired.has(image.digest), `round ${round}: ${image.tags.join(",")} expired`);
            }
        }
    }
});

const recipe: Recipe = {
    platforms: ["linux/amd64", "linux/arm64"],
    dockerfiles: { "linux/amd64": "FROM golang AS build\n", "linux/arm64": "FROM golang AS build\n" },
    buildArgs: { VERSION: "abc", REVISION: "abc", SOURCE: "" },
    context: "app",
};

test("recipe: the same recipe gives the same release tag; any change to what decides the bytes gives a new one", () => {
    const base = recipeHash(recipe);
    assert.match(base, /^[0-9a-f]{8}$/);
    assert.equal(recipeHash({ ...recipe, buildArgs: { SOURCE: "", REVISION: "abc", VERSION: "abc" } }), base, "build arg order does not matter");
    assert.equal(releaseTag("abc", recipeHash({ ...recipe })), releaseTag("abc", base));
    const changes: [string, Recipe][] = [
        ["a Dockerfile (a goship upgrade)", { ...recipe, dockerfiles: { ...recipe.dockerfiles, "linux/arm64": "FROM golang:1.27 AS build\n" } }],
        ["the platforms", { ...recipe, platforms: ["linux/amd64"] }],
        ["the platform order (the index's bytes)", { ...recipe, platforms: ["linux/arm64", "linux/amd64"] }],
        ["a build arg", { ...recipe, buildArgs: { ...recipe.buildArgs, FEATURE: "on" } }],
        ["the context", { ...recipe, context: "services/app" }],
    ];
    const seen = new Set([base]);
    for (const [what, changed] of changes) {
        const hash = recipeHash(changed);
        assert.ok(!seen.has(hash), `${what} changes the recipe`);
        seen.add(hash);
        assert.notEqual(releaseTag("abc", hash), releaseTag("abc", base), `${what}: a new release tag under the same revision`);
    }
});

test("tags: the scheme's shapes, and which of them goship may move", () => {
    const r = recipeHash(recipe);
    assert.equal(releaseTag("3f2a9c1d7e4b", r), `rel-3f2a9c1d7e4b-${r}`);
    assert.equal(platformTag("3f2a9c1d7e4b", r, "linux/arm64"), `plat-3f2a9c1d7e4b-${r}-linux-arm64`);
    assert.equal(stackTag("prod"), "stack-prod");
    assert.equal(cacheTag("windows/amd64"), "buildcache-windows-amd64");
    assert.deepEqual(MUTABLE_TAG_PATTERNS, ["stack-*", "buildcache-*", "*-dirty*"]);
    assert.ok(isMutableTag(stackTag("prod")) && isMutableTag(cacheTag("linux/amd64")));
    assert.ok(isMutableTag(releaseTag("abc-dirty", r)) && isMutableTag(platformTag("abc-dirty", r, "linux/amd64")), "dirty builds stay mutable");
    assert.ok(isMutableTag(releaseTag("unknown", r)), "no revision (unknown) is treated as dirty");
    assert.ok(!isMutableTag(releaseTag("abc", r)) && !isMutableTag(platformTag("abc", r, "linux/amd64")), "releases and their children are immutable");
    assert.throws(() => releaseTag("abc", "not-a-hash"), /is not a recipeHash/);
});

test("tags: sanitized to valid characters and at most 128, without collisions, keeping -dirty", () => {
    const r = recipeHash(recipe);
    const valid = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
    const long = "a".repeat(300);
    for (const tag of [
        releaseTag(long, r),
        platformTag(long, r, "windows/amd64"),
        platformTag(`${long}-dirty`, r, "linux/riscv64"),
        platformTag("feature/x+y", r, "linux/s390x"),
        stackTag("organization/goship/prod"),
        stackTag("s".repeat(500)),
    ]) {
        assert.match(tag, valid, tag);
        assert.ok(tag.length <= MAX_TAG_LENGTH, `${tag.length} characters`);
    }
    assert.ok(isMutableTag(platformTag(`${long}-dirty`, r, "linux/riscv64")), "a cut dirty revision stays dirty");
    assert.notEqual(releaseTag("feature/x", r), releaseTag("feature-x", r), "replaced characters do not collide");
    assert.notEqual(releaseTag(`${long}1`, r), releaseTag(`${long}2`, r), "cut revisions do not collide");
    assert.notEqual(stackTag("org/p/prod"), stackTag("org-p-prod"));
    assert.match(stackTag("org/p/prod"), /^stack-org-p-prod-[0-9a-f]{8}$/);
});

test("ECR wildcards: * is any run of characters", () => {
    assert.ok(matchesTagPattern("stack-prod", "stack-*"));
    assert.ok(!matchesTagPattern("rel-stack-x", "stack-*"));
    assert.ok(matchesTagPattern("rel-abc-dirty-0123abcd", "*-dirty*"));
    assert.ok(matchesTagPattern("stack-", "stack-*"));
    assert.ok(!matchesTagPattern("rel.x", "rel-*"), "a dot in a tag is no wildcard");
});
