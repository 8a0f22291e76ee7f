import * as fs from "fs";
import * as path from "path";

/**
 * Where a Go module's local dependencies are, so that a build context above the module (a
 * monorepo root) sends exactly them: the targets of `replace … => ../lib` in go.mod, and
 * the `use` directories of a go.work at the context root.
 */
export interface ModuleLayout {
    /** Directories to send, relative to the context root and sorted: the module, then each local dependency. */
    includeDirs: string[];
    /** Files at the context root to send (go.work, go.work.sum). */
    includeFiles: string[];
    /** Local dependencies outside the context: each would be missing from the build. */
    outside: { from: string; dir: string }[];
}

/**
 * The lines of every VERB directive of a go.mod or go.work (comments dropped): the
 * one-line form `verb x` and each line of the block form `verb ( … )`.
 */
function directiveLines(text: string, verb: "replace" | "use"): string[] {
    const withoutComments = text.replace(/\/\/.*$/gm, "");
    return [...withoutComments.matchAll(new RegExp(`^\\s*${verb}\\s+(?:\\(\\s*([\\s\\S]*?)\\)|(.+))$`, "gm"))].flatMap((m) => (m[1] ?? m[2]).split("\n"));
}

/** The local-path targets of go.mod's replace directives (`=> ../lib`, `=> ./x`). */
export function localReplaceTargets(goMod: string): string[] {
    const targets: string[] = [];
    for (const line of directiveLines(goMod, "replace")) {
        const target = line.split("=>")[1]?.trim().split(/\s+/)[0];
        if (target && (target.startsWith("./") || target.startsWith("../") || target === "." || target === "..")) targets.push(target);
    }
    return targets;
}

/** The `use` directories of a go.work. */
export function workspaceDirs(goWork: string): string[] {
    return directiveLines(goWork, "use")
        .map((l) => l.trim().replace(/^"|"$/g, ""))
        .filter((l) => l !== "");
}

function isInside(root: string, dir: string): boolean {
    const rel = path.relative(root, dir);
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The layout of the module at CONTEXT/MODULE_DIR: what the build context must hold. */
export function moduleLayout(context: string, moduleDir: string): ModuleLayout {
    const root = path.resolve(context);
    const include = new Set<string>();
    const outside: ModuleLayout["outside"] = [];
    const includeFiles: string[] = [];
    const visit = (dir: string, from: string) => {
        const rel = path.relative(root, dir) || ".";
        if (!isInside(root, dir)) {
            outside.push({ from, dir: rel });
            return;
        }
        if (include.has(rel)) return;
        include.add(rel);
        const goMod = path.join(dir, "go.mod");
        if (!fs.existsSync(goMod)) return;
        // A replaced module may replace others in turn.
        for (const target of localReplaceTargets(fs.readFileSync(goMod, "utf8"))) visit(path.resolve(dir, target), `${path.relative(root, goMod)} (replace => ${target})`);
    };
    visit(path.resolve(root, moduleDir), "module");
    const goWork = path.join(root, "go.work");
    if (moduleDir !== "." && fs.existsSync(goWork)) {
        includeFiles.push("go.work", ...(fs.existsSync(path.join(root, "go.work.sum")) ? ["go.work.sum"] : []));
        for (const use of workspaceDirs(fs.readFileSync(goWork, "utf8"))) visit(path.resolve(root, use), `go.work (use ${use})`);
    }
    // A directory inside another one that is sent anyway adds nothing.
    const dirs = [...include].sort();
    const includeDirs = dirs.includes(".") ? ["."] : dirs.filter((d) => !dirs.some((other) => other !== d && d.startsWith(`${other}/`)));
    return { includeDirs, includeFiles, outside };
}
