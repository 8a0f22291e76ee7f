import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { CONFIG_NAMESPACE } from "../../stack/config";
import { applyOverrides } from "../../stack/overrides";

/**
 * The repository's stack files as Pulumi reads them: Pulumi.yaml's project-level
 * defaults (`config.<key>.default`) under the stack's own values, which replace a key as
 * a whole.
 */

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** Pulumi.yaml's config defaults, as `goship:key` → value. */
export function projectConfigDefaults(root = REPO_ROOT): Record<string, unknown> {
    const doc = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { config?: Record<string, { default?: unknown }> };
    return Object.fromEntries(
        Object.entries(doc.config ?? {})
            .filter(([, decl]) => decl !== null && typeof decl === "object" && "default" in decl)
            .map(([key, decl]) => [`${CONFIG_NAMESPACE}:${key}`, decl.default]),
    );
}

/** The stack file's own config (no project defaults). */
export function stackFileConfig(stack: string, root = REPO_ROOT): Record<string, unknown> {
    const doc = parseYaml(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
    return { ...(doc.config ?? {}) };
}

/** What the program receives for STACK: project defaults, then the stack's values. */
export function rawStackConfig(stack: string, root = REPO_ROOT): Record<string, unknown> {
    return { ...projectConfigDefaults(root), ...stackFileConfig(stack, root) };
}

/**
 * What parseStackConfig reads of STACK: its settings without the namespace, its secret values
 * (`{secure: …}` in the file, keys such as registryPassword) left out.
 */
export function plainStackSettings(stack: string, root = REPO_ROOT): Record<string, unknown> {
    const isSecret = (v: unknown) => v !== null && typeof v === "object" && "secure" in v;
    return Object.fromEntries(
        Object.entries(rawStackConfig(stack, root))
            .filter(([, v]) => !isSecret(v))
            .map(([k, v]) => [k.replace(new RegExp(`^${CONFIG_NAMESPACE}:`), ""), v]),
    );
}

/**
 * The same config with the stack's overrides merged into `goship:services` and
 * `goship:overrides` emptied: one full service list, which a test can change in place
 * and a stack file can hold (a stack's `goship:services` replaces the project's).
 */
export function effectiveStackConfig(stack: string, root = REPO_ROOT): Record<string, unknown> {
    const raw = rawStackConfig(stack, root);
    const merged = applyOverrides(raw[`${CONFIG_NAMESPACE}:services`], raw[`${CONFIG_NAMESPACE}:overrides`], CONFIG_NAMESPACE);
    if (merged.problems.length > 0) throw new Error(`Pulumi.${stack}.yaml: ${merged.problems.join("; ")}`);
    return { ...raw, [`${CONFIG_NAMESPACE}:services`]: structuredClone(merged.services), [`${CONFIG_NAMESPACE}:overrides`]: {} };
}
