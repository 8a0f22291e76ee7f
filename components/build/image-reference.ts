/**
 * Container image references, after the grammar of distribution/reference:
 * `[host[:port]/]path[:tag][@sha256:<64 hex>]`.
 */
const DOMAIN = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)`;
const COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const TAG = String.raw`[\w][\w.-]{0,127}`;
const DIGEST = String.raw`sha256:[a-f0-9]{64}`;
const REFERENCE = new RegExp(`^(${DOMAIN}?${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** The parts of an image reference. */
export interface ImageReference {
    /** Registry host and repository path, e.g. `127.0.0.1:5000/goship/hello`. */
    name: string;
    tag?: string;
    digest?: string;
}

export function parseImageReference(ref: string): ImageReference | undefined {
    const m = REFERENCE.exec(ref);
    if (!m) return undefined;
    return { name: m[1], tag: m[2], digest: m[3] };
}

export function isImageReference(ref: string): boolean {
    return parseImageReference(ref) !== undefined;
}

/** `host/repo:tag@sha256:abc` → `sha256:abc`; "" when REF carries no digest. */
export function digestOf(ref: string): string {
    return parseImageReference(ref)?.digest ?? "";
}

/** Whether the reference is pinned to content (`@sha256:`), so a rebuild cannot change it. */
export function isPinnedByDigest(ref: string): boolean {
    return parseImageReference(ref)?.digest !== undefined;
}
