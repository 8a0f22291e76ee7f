import * as fs from "fs";
import * as path from "path";
import { renderContextIgnore, UserIgnoreFile } from "./dockerignore";
import { gitignorePatterns } from "./gitignore";
import { crlfFiles } from "./line-endings";
import { moduleLayout, ModuleLayout } from "./module-layout";

/** What a build context sends and how goship keeps the rest out (components/build/dockerignore.ts). */
export interface ContextPlan {
    layout: ModuleLayout;
    /** The `<Dockerfile>.dockerignore` to write beside the generated Dockerfile. */
    ignore: string;
    /** Text files sent with CRLF line endings (a warning: their hash differs between checkouts). */
    crlf: string[];
}

/** The plan for the module at CONTEXT/MODULE: its layout, the ignore file (with the user's own ignore files), the CRLF files. */
export function planContext(context: string, module: string): ContextPlan {
    const layout = moduleLayout(context, module);
    const userIgnores: UserIgnoreFile[] = [...new Set([".", module])]
        .filter((dir) => fs.existsSync(path.join(context, dir, ".dockerignore")))
        .map((dir) => ({ dir, content: fs.readFileSync(path.join(context, dir, ".dockerignore"), "utf8") }));
    const ignore = renderContextIgnore({
        includeDirs: layout.includeDirs,
        includeFiles: layout.includeFiles,
        userIgnores,
        gitIgnored: gitignorePatterns(context, layout.includeDirs),
    });
    return { layout, ignore, crlf: crlfFiles(context, layout.includeDirs) };
}
