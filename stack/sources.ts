import * as fs from "fs";
import * as path from "path";
import { missingDockerignorePatterns, renderDockerignore } from "../components/build/dockerignore";
import { CONFIG_NAMESPACE, ServiceSpec } from "./config";

/** checkGoSource for every service that builds its image, paths relative to PROJECT_DIR; every problem. */
export function checkGoSources(services: ServiceSpec[], projectDir: string): string[] {
    return services.flatMap((s, i) =>
        s.image.source === "build" ? checkGoSource({ key: `${CONFIG_NAMESPACE}:services[${i}]`, moduleDir: path.resolve(projectDir, s.path), main: s.main }) : [],
    );
}

/**
 * Checks of a service's source tree that must pass before anything is built or deployed.
 * Each failure names the config key and the fix. Returns the problems found (empty = ok).
 */
function checkGoSource(o: { key: string; moduleDir: string; main: string }): string[] {
    const problems: string[] = [];
    if (!fs.existsSync(path.join(o.moduleDir, "go.mod"))) {
        return [`${o.key}.path: no go.mod in ${o.moduleDir}; point path at the Go module's directory (the one holding go.mod)`];
    }
    const mainDir = path.join(o.moduleDir, o.main);
    const goFiles = fs.existsSync(mainDir) && fs.statSync(mainDir).isDirectory()
        ? fs.readdirSync(mainDir).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))
        : [];
    const isMain = goFiles.some((f) => /^package\s+main\b/m.test(fs.readFileSync(path.join(mainDir, f), "utf8")));
    if (!isMain) {
        problems.push(`${o.key}.main: ${o.main} is not a main package in ${o.moduleDir} (no .go file with "package main" in ${mainDir}); set main to the package of your command, e.g. ./cmd/server`);
    }
    const ignoreFile = path.join(o.moduleDir, ".dockerignore");
    const missing = fs.existsSync(ignoreFile) ? missingDockerignorePatterns(fs.readFileSync(ignoreFile, "utf8")) : ["(file missing)"];
    if (missing.length > 0) {
        problems.push(
            `${o.key}.path: ${ignoreFile} must exclude ${missing.join(", ")} so unrelated files never change the build context hash; write this file:\n${renderDockerignore()}`,
        );
    }
    return problems;
}
