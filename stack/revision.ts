import { execFileSync } from "child_process";

/** The source revision an image is built from: tags, labels and the version variable. */
export interface SourceRevision {
    /** Short commit of the last change under the service's path, `-dirty` if it has local edits. */
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
 * The revision of one directory. It is the last commit that touched that directory, not
 * HEAD, so a commit elsewhere in the repository changes neither the tag nor the image.
 * Returns undefined outside a git work tree.
 */
export function sourceRevision(dir: string): SourceRevision | undefined {
    try {
        const line = git(dir, ["log", "-1", "--format=%h %ct", "--abbrev=12", "--", "."]);
        if (line === "") return undefined;
        const [commit, commitTime] = line.split(" ");
        const dirty = git(dir, ["status", "--porcelain", "--untracked-files=normal", "--", "."]) !== "";
        return { revision: dirty ? `${commit}-dirty` : commit, commitTime };
    } catch {
        return undefined;
    }
}
