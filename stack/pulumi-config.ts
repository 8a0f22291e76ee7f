import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ConfigEntries, requiredSecrets, StackConfig } from "./config";

/**
 * The program's view of the stack's config, in the same shape the runner gets from the
 * Automation API (ConfigEntries): every key with its value and whether it is secret.
 * Nothing else in goship reads Pulumi config.
 */
export function programConfigEntries(): ConfigEntries {
    const all = pulumi.runtime.allConfig();
    return Object.fromEntries(Object.entries(all).map(([key, value]) => [key, { value, secret: isConfigSecret(key) }]));
}

/**
 * Whether KEY is stored encrypted. The SDK knows (the engine sends the secret keys with
 * the config) but marks the function internal; it is the only way a program can tell.
 */
function isConfigSecret(key: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    return runtimeConfig.isConfigSecret(key);
}

/** The secret values the config needs (registry password, secret env), as secret Outputs. */
export function readSecrets(config: StackConfig): Record<string, pulumi.Output<string>> {
    const pulumiConfig = new pulumi.Config(CONFIG_NAMESPACE);
    return Object.fromEntries(requiredSecrets(config).map(({ key }) => [key, pulumiConfig.requireSecret(key)]));
}
