import * as pulumi from "@pulumi/pulumi";
import { isPinnedByDigest } from "../components/build/image-reference";
import { CONFIG_NAMESPACE, StackConfig } from "./config";

/**
 * Promotion: a service with `image: {source: promote, fromStack}` deploys the image its
 * upstream stack exports (`images.<service>`), pinned by digest. Read before any other
 * resource exists, so a missing stack, a missing service or a tag instead of a digest
 * fails the preview with the key to fix.
 */

/** Reads another stack's `images` output; rejects with an Error whose message says why it cannot. */
export type UpstreamImages = (stackName: string) => Promise<unknown>;

/** Each promoted service's image, by service name, or the problems. */
export async function resolvePromotions(config: StackConfig, readImages: UpstreamImages): Promise<{ refs: Record<string, string>; problems: string[] }> {
    const refs: Record<string, string> = {};
    const problems: string[] = [];
    for (const [i, spec] of config.services.entries()) {
        if (spec.image.source !== "promote") continue;
        const key = `${CONFIG_NAMESPACE}:services[${i}].image.fromStack`;
        const upstream = spec.image.fromStack;
        let images: unknown;
        try {
            images = await readImages(upstream);
        } catch (err) {
            problems.push(unreadableUpstream(key, upstream, (err as Error).message));
            continue;
        }
        const ref = promotedImage(key, upstream, spec.name, images);
        if ("problem" in ref) problems.push(ref.problem);
        else refs[spec.name] = ref.ref;
    }
    return { refs, problems };
}

/** The image a promoted service takes from its upstream stack's `images` output, or the problem (naming KEY and the fix). */
function promotedImage(key: string, upstream: string, serviceName: string, images: unknown): { ref: string } | { problem: string } {
    const ref = (images as Record<string, unknown> | undefined)?.[serviceName];
    if (typeof ref !== "string") {
        const has = Object.keys((images as object | undefined) ?? {}).join(", ") || "none";
        return { problem: `${key}: stack ${upstream} exports no image for ${serviceName} (its images output has: ${has}); deploy ${serviceName} there first` };
    }
    if (!isPinnedByDigest(ref)) {
        return { problem: `${key}: stack ${upstream} exports "${ref}" for ${serviceName}, which is not pinned by digest; promote only repo@sha256:… references` };
    }
    return { ref };
}

/** The problem for an upstream stack that cannot be read. */
function unreadableUpstream(key: string, upstream: string, reason: string): string {
    return `${key}: cannot read stack ${upstream} (${reason}); check the name (org/project/stack) and that the stack has been deployed`;
}

/**
 * The program's reader: the engine's own stack-outputs function (what a StackReference
 * reads), called as an invoke, so a missing stack is an error the program can name by its
 * config key instead of a failed resource read that ends the run first.
 */
export function engineStackImages(): UpstreamImages {
    return async (upstream) => {
        const result = (await pulumi.runtime.invoke(READ_STACK_OUTPUTS, { name: upstream }, {})) as { outputs?: Record<string, unknown> };
        return result.outputs?.images;
    };
}

/** The engine's builtin function behind StackReference. */
export const READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs";

/**
 * One StackReference per upstream stack, once the check has passed: the state then records
 * where this stack promotes from (`pulumi stack export`, the stack's dependencies).
 */
export function recordPromotionSources(config: StackConfig): pulumi.StackReference[] {
    const upstreams = [...new Set(config.services.flatMap((s) => (s.image.source === "promote" ? [s.image.fromStack] : [])))];
    return upstreams.map((upstream) => new pulumi.StackReference(`upstream-${upstream.replace(/[^A-Za-z0-9-]/g, "-")}`, { name: upstream }));
}
