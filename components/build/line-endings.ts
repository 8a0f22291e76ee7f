import * as fs from "fs";
import * as path from "path";
import { walkFiles } from "./walk-files";

/** Directories never sent in a build context (goship's policy) and not worth reading. */
const SKIPPED = new Set([".git", "node_modules", "bin", "dist"]);
/** Bytes read to tell text from binary, and to find a CRLF. */
const SAMPLE = 64 * 1024;

/**
 * Text files under DIRS (relative to ROOT) with CRLF line endings. docker-build hashes the
 * bytes, so a checkout that turns LF into CRLF (git's core.autocrlf on Windows) hashes
 * differently from every other clone and rebuilds. Returns paths relative to ROOT, sorted.
 */
export function crlfFiles(root: string, dirs: string[]): string[] {
    const found: string[] = [];
    for (const dir of dirs) {
        const full = path.resolve(root, dir);
        if (!fs.existsSync(full)) continue;
        walkFiles(full, SKIPPED, (file) => {
            if (hasCrlf(file)) found.push(path.relative(root, file));
        });
    }
    return [...new Set(found)].sort();
}

function hasCrlf(file: string): boolean {
    const fd = fs.openSync(file, "r");
    try {
        const buf = Buffer.alloc(SAMPLE);
        const n = fs.readSync(fd, buf, 0, SAMPLE, 0);
        const sample = buf.subarray(0, n);
        return !sample.includes(0) && sample.includes("\r\n");
    } finally {
        fs.closeSync(fd);
    }
}

/** The warning for FILES in SERVICE's build context, with the fix. */
export function crlfWarning(service: string, files: string[]): string {
    const shown = files.slice(0, 5).join(", ") + (files.length > 5 ? `, and ${files.length - 5} more` : "");
    return (
        `${service}: ${files.length} text file(s) in the build context have CRLF line endings (${shown}). The build context hash covers the bytes, ` +
        `so a clone with LF endings hashes differently and rebuilds the same commit. Pin the line endings in the repository: add "* text=auto eol=lf" to .gitattributes, then run git add --renormalize . and commit`
    );
}
