import * as fs from "fs";
import * as path from "path";

/**
 * Calls VISIT with the path of every regular file under DIR, depth first, not descending
 * into directories named in SKIPPED. Symbolic links are neither followed nor visited: a
 * link's target is the target's business.
 */
export function walkFiles(dir: string, skipped: ReadonlySet<string>, visit: (file: string) => void): void {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            if (!skipped.has(entry.name)) walkFiles(full, skipped, visit);
        } else if (entry.isFile()) {
            visit(full);
        }
    }
}
