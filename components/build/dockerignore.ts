/**
 * The build-context policy. docker-build hashes the whole context (minus .dockerignore)
 * to decide whether to rebuild, so anything that changes without changing the image —
 * VCS metadata, editor state, local build output — must be excluded, or every `pulumi up`
 * would rebuild.
 */
export const REQUIRED_DOCKERIGNORE_PATTERNS = [
    ".git",
    "**/node_modules",
    "bin",
    "dist",
    "**/*.test",
    "**/*.out",
] as const;

const RECOMMENDED_EXTRA = [".gitignore", ".idea", ".vscode", "**/.DS_Store", ".env*", "coverage*"];

/** A .dockerignore for a Go module directory that satisfies the policy. */
export function renderDockerignore(): string {
    return [
        "# Keep the build context to what changes the binary (goship's context policy).",
        ...REQUIRED_DOCKERIGNORE_PATTERNS,
        ...RECOMMENDED_EXTRA,
        "",
    ].join("\n");
}

/**
 * The required patterns absent from a .dockerignore's content. A pattern also counts as
 * present with a leading `/` or `**\/`, or a trailing `/`.
 */
export function missingDockerignorePatterns(content: string): string[] {
    const normalise = (p: string) => p.trim().replace(/^\/+/, "").replace(/^\*\*\//, "").replace(/\/+$/, "");
    const present = new Set(
        content
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith("!"))
            .map(normalise),
    );
    return REQUIRED_DOCKERIGNORE_PATTERNS.filter((p) => !present.has(normalise(p)));
}
