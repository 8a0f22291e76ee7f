import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The source revision an image is built from: tags, labels and the version variable. */
export interface SourceRevision {
    /**
     * Short commit of the last change under the service's path; with local edits,
     * `-dirty-<8 hex of the edits>`, so each edit gets its own tags (the same edits, the same).
     */
    revision: string;
    /** Commit time in seconds since the epoch (SOURCE_DATE_EPOCH), for reproducible layers. */
    commitTime?: string;
}

/** The revision a build is tagged and labelled with: the config's `build.revision` wins over git's. */
export function buildRevision(configured: string | undefined, source: SourceRevision | undefined): string | undefined {
    return configured ?? source?.revision;
}

function git(cwd: string, args: string[]): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}

/**
 * The revision of a service's sources: DIR (the module) and, for a monorepo build, the
 * other PATHS its build context sends (local dependencies, go.work). It is the last commit
 * that touched any of them, not HEAD, so a commit elsewhere in the repository changes
 * neither the tag nor the image. Returns undefined outside a git work tree.
 */
export function sourceRevision(dir: string, paths: string[] = []): SourceRevision | undefined {
    // Relative pathspecs: the module may be reached through a symlink git does not know.
    const spec = [...new Set([".", ...paths.map((p) => path.relative(dir, path.resolve(dir, p)) || ".")])];
    try {
        const line = git(dir, ["log", "-1", "--format=%h %ct", "--abbrev=12", "--", ...spec]);
        if (line === "") return undefined;
        const [commit, commitTime] = line.split(" ");
        const dirty = git(dir, ["status", "--porcelain", "--untracked-files=normal", "--", ...spec]) !== "";
        return { revision: dirty ? `${commit}-dirty-${editsHash(dir, spec)}` : commit, commitTime };
    } catch {
        return undefined;
    }
}

/**
 * 8 hex of the local edits under DIR: the diff against HEAD and every untracked file. A
 * second edit under the same dirty revision must not reuse the first one's tags: a
 * rebuild whose tags are unchanged leaves docker-build's preview with no image reference
 * for the index (`refs[0] value {<nil>} … invalid reference format`).
 */
function editsHash(dir: string, spec: string[]): string {
    const hash = createHash("sha256").update(git(dir, ["diff", "HEAD", "--binary", "--", ...spec]));
    const untracked = git(dir, ["ls-files", "--others", "--exclude-standard", "-z", "--", ...spec]).split("\0").filter(Boolean).sort();
    for (const file of untracked) hash.update(`\0${file}\0`).update(fs.readFileSync(path.join(dir, file)));
    return hash.digest("hex").slice(0, 8);
}
