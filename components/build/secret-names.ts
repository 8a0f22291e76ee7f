/**
 * Whether a build arg's name says it carries a secret: the same words BuildKit's
 * SecretsUsedInArgOrEnv lint rule looks for (frontend/dockerfile/dockerfile2llb/
 * validations.go), so goship refuses what BuildKit would warn about. A build arg's value is
 * kept in the image's build metadata and in the Pulumi state in plain text.
 */
const SECRET_WORDS = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
/** Words that make a secret-looking name harmless, e.g. PUBLIC_KEY, TOKEN_FILE, KEY_VERSION. */
const ALLOWED_WORDS = /(?:_|^)(?:public|file|version)(?:_|$)/i;

export function looksSecret(name: string): boolean {
    return SECRET_WORDS.test(name) && !ALLOWED_WORDS.test(name);
}
