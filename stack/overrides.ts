/**
 * A service is defined once; a stack says only what differs.
 *
 * The project's `goship:services` (Pulumi.yaml, `config.services.default`) holds each
 * service's identity: what the image is built from and how it answers (module path, main,
 * port, probes, platforms, base images, build args) plus the settings every environment
 * shares. A stack's `goship:overrides` (Pulumi.<stack>.yaml) maps a service name to the
 * settings that differ in that environment: image source, replicas, resources,
 * autoscaling, timezone, env, config files...
 *
 * Merge rules (Pulumi itself replaces a whole key, so goship merges these two keys):
 * - objects merge key by key, recursively (`resources.limits.memory` alone keeps the
 *   project's cpu);
 * - lists and scalars replace (`platforms` is identity anyway);
 * - `image` replaces as a whole (build, promote and pinned carry different fields);
 * - `null` removes the project's value, so the default applies again.
 * Identity keys are refused in overrides: a promoting stack deploys bytes built from the
 * identity, so changing it per stack would describe an image nobody built.
 */

/** Keys that make up a service's identity; only Pulumi.yaml sets them. */
export const IDENTITY_KEYS = ["name", "path", "main", "port", "probes", "platforms", "base", "versionVariable", "buildArgs", "context", "assets", "go", "buildSecrets", "moduleCredentials"] as const;

/** Keys an override replaces whole instead of merging into. */
const REPLACED_KEYS = new Set(["image"]);

/** One service's raw config: whatever YAML gave, checked by the schema after merging. */
type RawService = Record<string, unknown>;

export interface MergedServices {
    /** The services with each stack override applied (raw, for the schema to check). */
    services: unknown;
    /** Problems of the overrides themselves (unknown service, identity key, wrong shape). */
    problems: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * BASE with OVERRIDE merged in: objects key by key, everything else replaced, null
 * removes. Keys in REPLACED (at this level only) are replaced whole.
 */
export function mergeSettings(base: unknown, override: unknown, replaced: ReadonlySet<string> = new Set()): unknown {
    if (!isObject(base) || !isObject(override)) return override;
    const out: RawService = { ...base };
    for (const [key, value] of Object.entries(override)) {
        if (value === null) delete out[key];
        else out[key] = replaced.has(key) ? value : mergeSettings(out[key], value);
    }
    return out;
}

/**
 * Applies `goship:overrides` (OVERRIDES, raw) to `goship:services` (SERVICES, raw). The
 * result goes through the service schema as one list, so every default and check stays
 * the schema's; problems with the overrides themselves are returned by key.
 */
export function applyOverrides(services: unknown, overrides: unknown, namespace: string): MergedServices {
    if (overrides === undefined) return { services, problems: [] };
    if (!isObject(overrides)) {
        return { services, problems: [`${namespace}:overrides: must be a map of service name → settings, e.g. {hello: {replicas: 3}}`] };
    }
    if (!Array.isArray(services)) return { services, problems: [] };
    const names = services.map((s) => (isObject(s) && typeof s.name === "string" ? s.name : undefined));
    const problems: string[] = [];
    for (const [name, override] of Object.entries(overrides)) {
        const key = `${namespace}:overrides.${name}`;
        if (!names.includes(name)) {
            const known = names.filter((n): n is string => n !== undefined).join(", ") || "none";
            problems.push(`${key}: no service named ${name} in ${namespace}:services (services: ${known}); define it in Pulumi.yaml, or fix the name`);
            continue;
        }
        if (!isObject(override)) {
            problems.push(`${key}: must be a map of settings, e.g. {replicas: 3}`);
            continue;
        }
        for (const identity of IDENTITY_KEYS.filter((k) => k in override)) {
            problems.push(
                `${key}.${identity}: part of the service's identity, the same in every stack (a promoted image was built from it); set it in ${namespace}:services in Pulumi.yaml`,
            );
        }
    }
    const merged = services.map((service, i) => {
        const name = names[i];
        const override = name !== undefined ? overrides[name] : undefined;
        if (!isObject(service) || !isObject(override)) return service;
        return mergeSettings(service, override, REPLACED_KEYS);
    });
    return { services: merged, problems };
}

/** Whether the stack's OVERRIDES (raw) set the top-level setting KEY of service NAME. */
export function overrideSets(overrides: unknown, name: string | undefined, key: string): boolean {
    const override = isObject(overrides) && name !== undefined ? overrides[name] : undefined;
    return isObject(override) && key in override;
}

/**
 * The path a problem should name: `overrides.<name>.<key>…` when the stack's override set
 * that key, else the service's own path (`services[i].<key>…`). SERVICES and OVERRIDES
 * are the raw config values.
 */
export function overriddenPath(path: readonly PropertyKey[], services: unknown, overrides: unknown): PropertyKey[] {
    if (path[0] !== "services" || typeof path[1] !== "number" || path.length < 3) return [...path];
    const service = Array.isArray(services) ? services[path[1]] : undefined;
    const name = isObject(service) && typeof service.name === "string" ? service.name : undefined;
    if (!overrideSets(overrides, name, String(path[2]))) return [...path];
    return ["overrides", name!, ...path.slice(2)];
}
