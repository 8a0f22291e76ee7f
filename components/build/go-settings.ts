import { z } from "zod";

/**
 * How the Go command inside the build stage finds and builds modules: the settings a
 * company's Go setup needs (its module proxy, private module patterns, checksum database,
 * flags) and the link-time variables a service stamps in. Each becomes an `ENV` of the
 * build stage only (components/build/dockerfile.ts): none reaches the final image.
 */

/** A value that goes into the build stage's shell command line unquoted: no space, quote, `$` or backslash. */
const shellSafe = z.string().regex(/^[^\s"'`$\\]*$/, "must not contain spaces, quotes, $ or backslashes (it goes onto the go build command line)");

/** Glob patterns of module paths, as GOPRIVATE, GONOPROXY and GONOSUMDB take them. */
const modulePatterns = z
    .array(z.string().regex(/^[A-Za-z0-9.*?_~\/[\]-]+$/, "must be a module path glob such as example.com/team/* (GOPRIVATE syntax)"))
    .min(1, "list at least one module path pattern, or remove the key");

/** One GOPROXY entry: a proxy URL without credentials, `direct` or `off`. */
function proxyProblem(entry: string): string | undefined {
    if (entry === "direct" || entry === "off") return undefined;
    let url: URL;
    try {
        url = new URL(entry);
    } catch {
        return `"${entry}" is not a URL, direct or off`;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:" && url.protocol !== "file:") return `"${entry}" must be an https:// (or http://, file://) URL`;
    if (url.username || url.password) return `"${entry}" carries credentials, which would be stored in the image's build history and the state; remove them and give the login in go.netrc (a BuildKit secret)`;
    return undefined;
}

const goProxy = z.string().superRefine((value, ctx) => {
    for (const entry of value.split(/[,|]/)) {
        const problem = proxyProblem(entry.trim());
        if (problem) ctx.addIssue({ code: "custom", message: `${problem}; GOPROXY is a list such as https://goproxy.example.com,https://proxy.golang.org,direct` });
    }
});

/** A `go build -ldflags -X` variable: a package-qualified Go variable. */
const goVariable = z.string().regex(/^[A-Za-z0-9_./-]+\.[A-Za-z_][A-Za-z0-9_]*$/, "must be a Go package-qualified variable such as main.commit or example.com/app/version.Build");

export const goBuildSettingsSchema = z
    .strictObject({
        /** GOPROXY inside the build, e.g. `https://goproxy.example.com,https://proxy.golang.org,direct`. @default the builder image's (proxy.golang.org) */
        proxy: goProxy.optional().describe("GOPROXY inside the build; credentials go in go.netrc, not the URL"),
        /** GOSUMDB, e.g. `off` or `sum.golang.org`. @default the builder image's */
        sumDb: z.string().regex(/^[A-Za-z0-9.:/_+-]+( [A-Za-z0-9.:/_+-]+)?$/, "must be off or a checksum database name [URL], e.g. sum.golang.org").optional().describe("GOSUMDB inside the build (off, or name [url])"),
        /** GONOSUMDB: module patterns not checked against the checksum database. @default none */
        noSumDb: modulePatterns.optional().describe("GONOSUMDB: module patterns the checksum database is not asked about"),
        /** GOPRIVATE: module patterns that are private (no proxy, no checksum database: fetched directly). @default none */
        private: modulePatterns.optional().describe("GOPRIVATE: private module patterns (implies GONOPROXY and GONOSUMDB: fetched directly, e.g. with git)"),
        /** GONOPROXY: module patterns fetched directly rather than through GOPROXY. @default GOPRIVATE */
        noProxy: modulePatterns.optional().describe("GONOPROXY: module patterns fetched directly, not through the proxy"),
        /** Extra GOFLAGS, e.g. `["-mod=readonly"]` (`-buildvcs=false` is always set: the context has no .git). @default none */
        flags: z
            .array(z.string().regex(/^-[A-Za-z][A-Za-z0-9_.-]*(=[^\s"'`$\\]*)?$/, "must be one go flag such as -mod=readonly"))
            .refine((flags) => !flags.some((f) => f.startsWith("-ldflags") || f.startsWith("-tags")), "sets -ldflags or -tags, which goship builds itself; use go.ldflags and go.tags")
            .optional()
            .describe("extra GOFLAGS, e.g. [-mod=readonly]"),
        /** Link-time variables: `-X name=value` pairs added to goship's own (the version variable). @default none */
        ldflags: z.record(goVariable, shellSafe).optional().describe("go build -ldflags -X pairs: {main.commit: abc123}"),
        /** Extra Go build tags (`timetzdata` is always added). @default none */
        tags: z.array(z.string().regex(/^[\w.]+$/, "must be a Go build tag")).optional().describe("extra Go build tags (timetzdata is always added)"),
        /**
         * cgo. Only `false`: goship cross-compiles every platform from the build machine, and
         * cross-compiling C needs a C toolchain per target, which no goship builder has.
         * @default false
         */
        cgo: z
            .literal(false, {
                message:
                    "cgo cannot be turned on: goship cross-compiles every platform from the build machine's own (no QEMU), and compiling C for another platform needs a C cross-toolchain per target, which the builder image does not have; remove the C dependency (e.g. a pure-Go SQLite such as modernc.org/sqlite, netgo/osusergo build tags) or build that image outside goship",
            })
            .default(false),
    });

/** The Go settings of one build, validated. */
export type GoBuildSettings = z.output<typeof goBuildSettingsSchema>;

/** The build stage's environment for SETTINGS: GOFLAGS always, the rest when set, in a fixed order. */
export function goBuildEnv(settings: Partial<GoBuildSettings> = {}): [string, string][] {
    const env: [string, string][] = [
        ["CGO_ENABLED", "0"],
        // The context carries no .git (goship's context policy), so VCS stamping would fail.
        ["GOFLAGS", ["-buildvcs=false", ...(settings.flags ?? [])].join(" ")],
    ];
    if (settings.proxy !== undefined) env.push(["GOPROXY", settings.proxy]);
    if (settings.sumDb !== undefined) env.push(["GOSUMDB", settings.sumDb]);
    if (settings.noSumDb) env.push(["GONOSUMDB", settings.noSumDb.join(",")]);
    if (settings.private) env.push(["GOPRIVATE", settings.private.join(",")]);
    if (settings.noProxy) env.push(["GONOPROXY", settings.noProxy.join(",")]);
    return env;
}

/** The `-X` pairs of the link step: the version variable first, then SETTINGS' own, sorted. */
export function linkVariables(versionVariable: string, settings: Partial<GoBuildSettings> = {}): string[] {
    const own = Object.entries(settings.ldflags ?? {}).sort(([a], [b]) => a.localeCompare(b));
    return [`-X ${versionVariable}=\${VERSION}`, ...own.map(([name, value]) => `-X ${name}=${value}`)];
}
