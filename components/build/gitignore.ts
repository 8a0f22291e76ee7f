import * as fs from "fs";
import * as path from "path";

/**
 * What git leaves out of a checkout leaves the build context too: a fresh clone never has
 * those files (logs, local builds, editor state), so the context hash of every clone
 * agrees, and a file git ignores can never rebuild an image whose revision is unchanged.
 *
 * The .gitignore patterns are turned into .dockerignore patterns for the context root:
 * - from the .gitignore files of the directories above the context (up to the repository's
 *   root), the patterns that apply at any depth (no `/` but a trailing one);
 * - from the .gitignore at the context root and at the root of each directory sent, every
 *   pattern, anchored ones rebased onto that directory.
 * Deeper .gitignore files are not read (an approximation; goship's own patterns still apply).
 */

/** One .gitignore line as dockerignore patterns rooted at DIR (relative to the context), or none. */
export function fromGitignoreLine(line: string, dir: string, anchoredToo: boolean): string | undefined {
    const trimmed = line.replace(/\s+$/, "");
    if (trimmed === "" || trimmed.startsWith("#")) return undefined;
    const negated = trimmed.startsWith("!");
    const body = (negated ? trimmed.slice(1) : trimmed).replace(/\/+$/, "");
    if (body === "") return undefined;
    const anchored = body.includes("/");
    if (anchored && !anchoredToo) return undefined;
    const rel = anchored ? body.replace(/^\/+/, "") : `**/${body}`;
    return `${negated ? "!" : ""}${dir === "." ? "" : `${dir}/`}${rel}`;
}

function linesOf(file: string): string[] {
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split(/\r?\n/) : [];
}

/** The repository root above DIR (the directory holding .git), or undefined outside one. */
function repositoryRoot(dir: string): string | undefined {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        if (fs.existsSync(path.join(d, ".git"))) return d;
        if (path.dirname(d) === d) return undefined;
    }
}

/** The dockerignore patterns for CONTEXT that git's ignore files imply; INCLUDE_DIRS are relative to it. */
export function gitignorePatterns(context: string, includeDirs: string[]): string[] {
    const root = path.resolve(context);
    const repo = repositoryRoot(root);
    const patterns: string[] = [];
    if (repo !== undefined && repo !== root) {
        for (let d = path.dirname(root); ; d = path.dirname(d)) {
            patterns.unshift(...linesOf(path.join(d, ".gitignore")).flatMap((l) => fromGitignoreLine(l, ".", false) ?? []));
            if (d === repo || path.dirname(d) === d) break;
        }
    }
    for (const dir of [...new Set([".", ...includeDirs])]) {
        patterns.push(...linesOf(path.join(root, dir, ".gitignore")).flatMap((l) => fromGitignoreLine(l, dir, true) ?? []));
    }
    return [...new Set(patterns)];
}
