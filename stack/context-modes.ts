import * as fs from "fs";
import * as path from "path";
import { walkFiles } from "../components/build/walk-files";

/**
 * docker-build hashes each context file's full permission string into `contextHash`
 * (`-rw-rw-r--` is not `-rw-r--r--`), so the same commit checked out under umask 002 and
 * under umask 022 would look like a change and rebuild. Git itself records only "exec or
 * not", so goship brings every file in a build context to what git records: 0755 for
 * executables, 0644 for the rest. Directories are not hashed and stay as they are.
 */
const CANONICAL_EXEC = 0o755;
const CANONICAL_FILE = 0o644;

/** Directories that never belong to a build context and must not be touched. */
const SKIPPED_DIRS = new Set([".git", "node_modules"]);

/** Normalises permission bits under `dir`; returns the files it changed, relative to `dir`. */
export function normalizeContextModes(dir: string): string[] {
    const changed: string[] = [];
    // Symlinks are not visited: their target's mode is the target's business.
    walkFiles(dir, SKIPPED_DIRS, (file) => {
        const mode = fs.statSync(file).mode & 0o7777;
        const canonical = mode & 0o100 ? CANONICAL_EXEC : CANONICAL_FILE;
        if (mode !== canonical) {
            fs.chmodSync(file, canonical);
            changed.push(path.relative(dir, file));
        }
    });
    return changed.sort();
}
