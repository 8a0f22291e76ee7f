/** Image references as the policies judge them: `[registry/]path[:tag][@sha256:<64 hex>]`. */
export interface ImageReference {
    /** Everything before the tag and digest, e.g. `127.0.0.1:5000/goship/hello`. */
    name: string;
    tag?: string;
    digest?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Splits REF; a malformed digest stays in `digest` for the caller to reject. */
export function parseImage(ref: string): ImageReference {
    const at = ref.indexOf("@");
    const beforeDigest = at >= 0 ? ref.slice(0, at) : ref;
    const digest = at >= 0 ? ref.slice(at + 1) : undefined;
    // A tag follows the last ':' after the last '/' (a ':' before it is a registry port).
    const colon = beforeDigest.lastIndexOf(":");
    const tagged = colon > beforeDigest.lastIndexOf("/");
    return {
        name: tagged ? beforeDigest.slice(0, colon) : beforeDigest,
        tag: tagged ? beforeDigest.slice(colon + 1) : undefined,
        digest,
    };
}

export function isDigest(value: string | undefined): value is string {
    return value !== undefined && DIGEST.test(value);
}

/**
 * Whether image NAME (`host/path`) is in an allowed registry: a pattern is `host[:port]`
 * or `host[:port]/path`, matched on whole path segments; `*` in the host stands for one
 * DNS label (e.g. `*.dkr.ecr.eu-west-1.amazonaws.com/goship` for any account's ECR).
 */
export function inAllowedRegistry(name: string, patterns: readonly string[]): boolean {
    return patterns.some((pattern) => {
        const [host, ...path] = pattern.split("/");
        const hostRe = new RegExp("^" + host.split("*").map(escapeRegExp).join("[^./:]+") + "$");
        const [nameHost, ...namePath] = withRegistryHost(name).split("/");
        if (!hostRe.test(nameHost)) return false;
        return path.every((segment, i) => namePath[i] === segment) && namePath.length > path.length;
    });
}

/** `nginx` → `docker.io/library/nginx`: a first segment without `.` or `:` is no host (Docker's rule). */
export function withRegistryHost(name: string): string {
    const first = name.split("/")[0];
    if (name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) return name;
    return name.includes("/") ? `docker.io/${name}` : `docker.io/library/${name}`;
}

function escapeRegExp(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
