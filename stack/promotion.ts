import * as pulumi from "@pulumi/pulumi";
import { isPinnedByDigest } from "../components/build/image-reference";
import { StackConfig } from "./config";
import { Release, releasesOf } from "./release";

/**
 * Promotion: a service with `image: {source: promote, fromStack}` deploys the release its
 * upstream stack exports (`releases.<service>`), pinned by digest. Read before any other
 * resource exists, so a missing stack, a missing release, a tag instead of a digest, a
 * missing platform or a promotion cycle fails the preview with the key to fix. There is
 * no fallback: never a build, never a tag.
 */

/** Reads a stack's outputs by fully qualified name; rejects with an Error saying why it cannot. */
export type ReadStackOutputs = (qualifiedName: string) => Promise<Record<string, unknown> | undefined>;

/** Who this stack is: upstream names are qualified against it, cycles found by it. */
export interface StackIdentity {
    organization: string;
    project: string;
    stack: string;
}

/** One promoted service: the upstream release it deploys. */
export interface Promotion {
    /** Fully qualified upstream stack name. */
    fromStack: string;
    release: Release;
}

/** `dev`, `goship/dev` or `org/goship/dev` → `org/goship/dev`, as Pulumi resolves stack references. */
export function qualifiedStackName(name: string, self: StackIdentity): string {
    const parts = name.split("/");
    if (parts.length === 1) return `${self.organization}/${self.project}/${name}`;
    if (parts.length === 2) return `${self.organization}/${name}`;
    return name;
}

export function selfName(self: StackIdentity): string {
    return `${self.organization}/${self.project}/${self.stack}`;
}

/** How many promotion steps a chain may have before goship stops following it. */
const MAX_CHAIN = 10;

/** Each promoted service's upstream release, by service name, or the problems. */
export async function resolvePromotions(
    config: StackConfig,
    self: StackIdentity,
    read: ReadStackOutputs,
    /** The config key naming service INDEX's setting PATH (the override's when it set it). */
    keyOf: (index: number, service: string, path: string) => string,
): Promise<{ promotions: Record<string, Promotion>; problems: string[] }> {
    const promotions: Record<string, Promotion> = {};
    const problems: string[] = [];
    const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();
    const cachedRead = (name: string) => {
        if (!cache.has(name)) cache.set(name, read(name));
        return cache.get(name)!;
    };
    const me = selfName(self);
    for (const [i, spec] of config.services.entries()) {
        if (spec.image.source !== "promote") continue;
        const key = keyOf(i, spec.name, "image.fromStack");
        const upstream = qualifiedStackName(spec.image.fromStack, self);
        if (upstream === me) {
            problems.push(`${key}: stack ${me} promotes ${spec.name} from itself; promote from the stage before it (e.g. dev), or build here with image: {source: build}`);
            continue;
        }
        let outputs: Record<string, unknown> | undefined;
        try {
            outputs = await cachedRead(upstream);
        } catch (err) {
            problems.push(`${key}: cannot read stack ${upstream} (${(err as Error).message}); check the name (org/project/stack) and that the stack has been deployed`);
            continue;
        }
        const found = upstreamRelease(key, upstream, spec.name, outputs);
        if ("problem" in found) {
            problems.push(found.problem);
            continue;
        }
        const missing = spec.platforms.filter((p) => !found.release.platforms.includes(p));
        if (missing.length > 0) {
            problems.push(
                `${key}: ${upstream}'s release of ${spec.name} has platforms ${found.release.platforms.join(", ")}, but this stack's pods need ${missing.join(", ")}; build them upstream or narrow platforms in Pulumi.yaml`,
            );
            continue;
        }
        const cycle = await promotionCycle(spec.name, upstream, found.release, me, cachedRead);
        if (cycle) {
            problems.push(`${key}: promotion cycle for ${spec.name}: ${cycle.join(" → ")}; one stage must build (image: {source: build})`);
            continue;
        }
        promotions[spec.name] = { fromStack: upstream, release: found.release };
    }
    return { promotions, problems };
}

/** The release a promoted service takes from its upstream stack's outputs, or the problem (naming KEY and the fix). */
function upstreamRelease(key: string, upstream: string, serviceName: string, outputs: Record<string, unknown> | undefined): { release: Release } | { problem: string } {
    const releases = releasesOf(outputs);
    const release = releases[serviceName];
    if (!release) {
        const legacy = (outputs?.images as Record<string, unknown> | undefined)?.[serviceName];
        if (typeof legacy === "string") {
            return { problem: `${key}: stack ${upstream} exports images.${serviceName} but no release record (releases.${serviceName}); run pulumi up there once with this goship, then promote` };
        }
        const has = Object.keys(releases).join(", ") || "none";
        return { problem: `${key}: stack ${upstream} has no release of ${serviceName} (its releases: ${has}); deploy ${serviceName} there first (pulumi up --stack ${upstream.split("/").pop()})` };
    }
    if (!isPinnedByDigest(release.ref)) {
        return { problem: `${key}: stack ${upstream} exports "${release.ref}" for ${serviceName}, which is not pinned by digest; promote only repo@sha256:… references` };
    }
    return { release };
}

/**
 * The chain of stacks when following the release's origin upstream leads back to ME
 * (me → upstream → … → me), else undefined. Stacks that cannot be read end the walk: their
 * own preview reports them.
 */
async function promotionCycle(service: string, upstream: string, release: Release, me: string, read: ReadStackOutputs): Promise<string[] | undefined> {
    const chain = [me, upstream];
    let current = release;
    for (let hop = 0; hop < MAX_CHAIN && current.origin === "promoted" && current.fromStack; hop++) {
        const next = current.fromStack;
        chain.push(next);
        if (next === me) return chain;
        if (chain.indexOf(next) < chain.length - 1) return undefined; // a loop upstream, not through this stack
        let outputs: Record<string, unknown> | undefined;
        try {
            outputs = await read(next);
        } catch {
            return undefined;
        }
        const found = releasesOf(outputs)[service];
        if (!found) return undefined;
        current = found;
    }
    return undefined;
}

/**
 * The program's reader: the engine's own stack-outputs function (what a StackReference
 * reads), called as an invoke, so a missing stack is an error the program can name by its
 * config key instead of a failed resource read that ends the run first.
 */
export function engineStackOutputs(): ReadStackOutputs {
    return async (name) => {
        const result = (await pulumi.runtime.invoke(READ_STACK_OUTPUTS, { name }, {})) as { outputs?: Record<string, unknown> };
        return result.outputs;
    };
}

/** The engine's builtin function behind StackReference. */
export const READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs";

/** This stack's own last releases (for `previous` and the preview's digest moves); none for a new stack. */
export async function ownReleases(self: StackIdentity, read: ReadStackOutputs): Promise<Record<string, Release>> {
    try {
        return releasesOf(await read(selfName(self)));
    } catch {
        return {};
    }
}

/**
 * One StackReference per upstream stack, once the check has passed: the state then records
 * where this stack promotes from (`pulumi stack export`, the stack's dependencies).
 */
export function recordPromotionSources(promotions: Record<string, Promotion>): pulumi.StackReference[] {
    const upstreams = [...new Set(Object.values(promotions).map((p) => p.fromStack))].sort();
    return upstreams.map((upstream) => new pulumi.StackReference(`upstream-${upstream.replace(/[^A-Za-z0-9-]/g, "-")}`, { name: upstream }));
}

/** One service's digest move: from what this stack runs to the upstream's release. */
export interface DigestMove {
    service: string;
    /** The digest this stack runs now; undefined for a new stack. */
    from?: string;
    to: string;
    /** The revision of `to`. */
    revision: string;
}

/** `svc: old → new (from stack, revision r)`, `(none) → new` for a new stack, or `new unchanged`. */
export function formatMove(m: DigestMove, fromStack: string): string {
    const from = `from ${fromStack}, revision ${m.revision}`;
    if (m.from === m.to) return `${m.service}: ${m.to} unchanged (${from})`;
    return `${m.service}: ${m.from ?? "(none)"} → ${m.to} (${from})`;
}

/** The preview's line for a promoted service. */
export function promotionLine(service: string, promotion: Promotion, old: Release | undefined): string {
    return formatMove({ service, from: old?.digest, to: promotion.release.digest, revision: promotion.release.revision }, promotion.fromStack);
}
