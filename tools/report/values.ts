/**
 * Property values as a reviewer may see them: secrets hidden on both sides of a change
 * (the engine already shows a secret as `[secret]`, but a value that was plain before and
 * is secret now, pulumi/pulumi#9330, must not show its old plain text either), values
 * unknown until `up` said so, long values cut to a fixed length so the report stays small
 * and deterministic.
 */
import { digestOf } from "../../components/build/image-reference";

/** The key Pulumi marks a secret value with in serialized properties. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
/** The string Pulumi serializes an unknown (computed) value as. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Lookup = { found: false } | { found: true; secret: boolean; value: unknown };

export function isSecretValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && SECRET_SIGNATURE in value;
}

/** `a.b[0]["x.y"]` → ["a", "b", 0, "x.y"]: the engine's detailed-diff property paths. */
export function parsePropertyPath(path: string): Array<string | number> {
    const segments: Array<string | number> = [];
    const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(path)) !== null) {
        if (m[1] !== undefined) segments.push(Number(m[1]));
        else if (m[2] !== undefined) segments.push(m[2].replace(/\\(.)/g, "$1"));
        else if (m[3] !== undefined) segments.push(m[3]);
    }
    return segments;
}

/** The value at PATH in PROPS; secret when it, or anything it lies inside, is a secret. */
export function lookup(props: unknown, path: string): Lookup {
    let node: unknown = props;
    let secret = false;
    for (const segment of parsePropertyPath(path)) {
        if (isSecretValue(node)) return { found: true, secret: true, value: undefined };
        if (typeof node !== "object" || node === null) return { found: false };
        const next = (node as Record<string | number, unknown>)[segment];
        if (next === undefined) return { found: false };
        node = next;
    }
    if (isSecretValue(node)) secret = true;
    return { found: true, secret, value: secret ? undefined : node };
}

/** Whether VALUE holds a secret anywhere inside it. */
export function containsSecret(value: unknown): boolean {
    if (isSecretValue(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecret);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
    return false;
}

const MAX_VALUE = 160;

/** One side of a property change, as printed. */
export function showValue(l: Lookup): string {
    if (!l.found) return "(none)";
    if (l.secret || containsSecret(l.value)) return "[secret]";
    const v = l.value;
    if (v === UNKNOWN || (typeof v === "string" && v.includes(UNKNOWN))) return "(known after up)";
    const text = typeof v === "string" ? v : JSON.stringify(v).split(JSON.stringify(UNKNOWN)).join('"(known after up)"');
    return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}… (${text.length} chars)` : text;
}

/** Both sides of a change: hidden together when either side is secret. */
export function showChange(before: Lookup, after: Lookup): { old: string; new: string; secret: boolean } {
    const secret = (before.found && (before.secret || containsSecret(before.value))) || (after.found && (after.secret || containsSecret(after.value)));
    if (secret) return { old: before.found ? "[secret]" : "(none)", new: after.found ? "[secret]" : "(none)", secret: true };
    return { old: showValue(before), new: showValue(after), secret: false };
}

/** The digest part of `repo@sha256:…`; "(known after up)" when unknown at preview. */
export function digestOfRef(ref: unknown): string | undefined {
    if (typeof ref !== "string") return undefined;
    if (ref.includes(UNKNOWN)) return "(known after up)";
    return digestOf(ref) || undefined;
}

/** `sha256:b41f9cf9db76…` → `sha256:b41f9cf9` for table cells. */
export function shortDigest(digest: string | undefined): string {
    if (!digest) return "(none)";
    return /^sha256:[0-9a-f]{64}$/.test(digest) ? digest.slice(0, 15) : digest;
}
