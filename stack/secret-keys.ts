import { z } from "zod";

/**
 * The name of a secret stack config key (`pulumi config set --secret KEY VALUE`), as every
 * setting that names one takes it (secretEnv, buildSecrets, moduleCredentials, the pull
 * password); EXAMPLE is the name the message suggests.
 */
export function secretKeyName(example: string) {
    return z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, `must be the name of a secret stack config key, e.g. ${example}`);
}
