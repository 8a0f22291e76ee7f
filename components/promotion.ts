import * as pulumi from "@pulumi/pulumi";
import { ServiceSpec } from "./config";
import { isPinnedByDigest } from "./image-reference";

/**
 * Reads, before any other resource exists, the image each promoted service takes from its
 * upstream stack (that stack's `images` output), and checks it is pinned by digest. A
 * missing stack, a missing service or a tag instead of a digest fails the preview here.
 */
export async function resolvePromotions(services: ServiceSpec[]): Promise<Record<string, string>> {
    const references = new Map<string, pulumi.StackReference>();
    const refs: Record<string, string> = {};
    for (const [i, spec] of services.entries()) {
        if (spec.image.source !== "promote") continue;
        const key = `goship:services[${i}].image.fromStack`;
        const upstream = spec.image.fromStack;
        let reference = references.get(upstream);
        if (!reference) {
            reference = new pulumi.StackReference(`upstream-${upstream.replace(/[^A-Za-z0-9-]/g, "-")}`, { name: upstream });
            references.set(upstream, reference);
        }
        let images: unknown;
        try {
            images = (await reference.getOutputDetails("images")).value;
        } catch (e) {
            throw unreadableUpstream(key, upstream, (e as Error).message);
        }
        refs[spec.name] = promotedImage(key, upstream, spec.name, images);
    }
    return refs;
}

/**
 * The image a promoted service takes from its upstream stack's `images` output; throws,
 * naming KEY and the fix, when the service is missing there or not pinned by digest.
 */
export function promotedImage(key: string, upstream: string, serviceName: string, images: unknown): string {
    const ref = (images as Record<string, unknown> | undefined)?.[serviceName];
    if (typeof ref !== "string") {
        const has = Object.keys((images as object | undefined) ?? {}).join(", ") || "none";
        throw new Error(`${key}: stack ${upstream} exports no image for ${serviceName} (its images output has: ${has}); deploy ${serviceName} there first`);
    }
    if (!isPinnedByDigest(ref)) {
        throw new Error(`${key}: stack ${upstream} exports "${ref}" for ${serviceName}, which is not pinned by digest; promote only repo@sha256:… references`);
    }
    return ref;
}

/** The error for an upstream stack that cannot be read. */
export function unreadableUpstream(key: string, upstream: string, reason: string): Error {
    return new Error(`${key}: cannot read stack ${upstream} (${reason}); check the name (org/project/stack) and that the stack has been deployed`);
}
