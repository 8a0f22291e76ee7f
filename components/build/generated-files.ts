import * as fs from "fs";
import * as path from "path";

/**
 * Writes FILES (relative path → content) under DIR, each only when its content differs,
 * so a preview leaves unchanged files (and their mtimes) alone. Returns the paths written,
 * relative to the project as given.
 */
export function writeGeneratedFiles(dir: string, files: Record<string, string>): Record<string, string> {
    const written: Record<string, string> = {};
    for (const [name, content] of Object.entries(files)) {
        const file = path.join(dir, name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== content) fs.writeFileSync(file, content);
        // docker-build hashes a named context's file modes: the same whatever the umask.
        fs.chmodSync(file, 0o644);
        written[name] = file;
    }
    return written;
}
