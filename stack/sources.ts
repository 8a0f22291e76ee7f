import * as fs from "fs";
import * as path from "path";
import { caCertificatesPath, readCaCertificates } from "../components/build/ca-certificates";
import { moduleLayout } from "../components/build/module-layout";
import { BuildConfig, CONFIG_NAMESPACE, ServiceSpec } from "./config";

/** Where a service's build context and module are, relative to the project. */
export interface BuildPlace {
    /** The build context, relative to the project (`path` unless `context` is set). */
    context: string;
    /** The module's directory inside the context (`.` unless `context` is set). */
    module: string;
}

/** The build context and module of SPEC, relative to PROJECT_DIR (the same in every clone). */
export function buildPlace(spec: ServiceSpec, projectDir: string): BuildPlace {
    const moduleDir = path.resolve(projectDir, spec.path);
    const contextDir = path.resolve(projectDir, spec.context ?? spec.path);
    return { context: path.relative(projectDir, contextDir) || ".", module: path.relative(contextDir, moduleDir) || "." };
}

/** What SPEC's build sends, relative to PROJECT_DIR: the module, its local dependencies and go.work in a monorepo. */
export function sentPaths(spec: ServiceSpec, projectDir: string): { dirs: string[]; files: string[] } {
    const place = buildPlace(spec, projectDir);
    const contextDir = path.resolve(projectDir, place.context);
    const layout = moduleLayout(contextDir, place.module);
    const rel = (p: string) => path.relative(projectDir, path.resolve(contextDir, p)) || ".";
    return { dirs: layout.includeDirs.map(rel), files: layout.includeFiles.map(rel) };
}

/**
 * checkGoSource for every service that builds its image, paths relative to PROJECT_DIR;
 * every problem. RENDER builds nothing, so the CA certificates (which may be made by the
 * platform, e.g. a local proxy's) are not needed then.
 */
export function checkGoSources(services: ServiceSpec[], build: BuildConfig, projectDir: string, render = false): string[] {
    const problems = services.flatMap((s, i) => (s.image.source === "build" ? checkGoSource(`${CONFIG_NAMESPACE}:services[${i}]`, s, projectDir) : []));
    if (!render && build.caCertificates && services.some((s) => s.image.source === "build")) {
        try {
            readCaCertificates(caCertificatesPath(build.caCertificates.file, projectDir));
        } catch (err) {
            problems.push(`${CONFIG_NAMESPACE}:build.caCertificates.file: ${(err as Error).message}`);
        }
    }
    return problems;
}

/**
 * Checks of a service's source tree that must pass before anything is built or deployed.
 * Each failure names the config key and the fix. Returns the problems found (empty = ok).
 */
function checkGoSource(key: string, spec: ServiceSpec, projectDir: string): string[] {
    const moduleDir = path.resolve(projectDir, spec.path);
    if (!fs.existsSync(path.join(moduleDir, "go.mod"))) {
        return [`${key}.path: no go.mod in ${moduleDir}; point path at the Go module's directory (the one holding go.mod)`];
    }
    const problems: string[] = [];
    const mainDir = path.join(moduleDir, spec.main);
    const goFiles = fs.existsSync(mainDir) && fs.statSync(mainDir).isDirectory() ? fs.readdirSync(mainDir).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go")) : [];
    const isMain = goFiles.some((f) => /^package\s+main\b/m.test(fs.readFileSync(path.join(mainDir, f), "utf8")));
    if (!isMain) {
        problems.push(`${key}.main: ${spec.main} is not a main package in ${moduleDir} (no .go file with "package main" in ${mainDir}); set main to the package of your command, e.g. ./cmd/server`);
    }
    const place = buildPlace(spec, projectDir);
    if (place.module.startsWith("..")) {
        problems.push(`${key}.context: ${spec.context} does not hold the module ${spec.path}; set context to a directory above it (e.g. the repository root, ".")`);
        return problems;
    }
    for (const outside of moduleLayout(path.resolve(projectDir, place.context), place.module).outside) {
        const fix = spec.context === undefined ? "set context to a directory holding both (e.g. the repository root, \".\")" : "set context to a directory holding both";
        problems.push(`${key}.${spec.context === undefined ? "path" : "context"}: ${outside.from} needs ${path.resolve(projectDir, place.context, outside.dir)}, outside the build context ${place.context}; ${fix}`);
    }
    spec.assets.forEach((dir, j) => {
        const full = path.join(moduleDir, dir);
        if (!fs.existsSync(full) || !fs.statSync(full).isDirectory()) problems.push(`${key}.assets[${j}]: ${dir} is not a directory of the module ${spec.path}; list directories inside the module, e.g. static`);
        else if (fs.readdirSync(full).length === 0) problems.push(`${key}.assets[${j}]: ${dir} is empty; an empty directory is not kept by git, so other clones could not build it`);
    });
    return problems;
}
