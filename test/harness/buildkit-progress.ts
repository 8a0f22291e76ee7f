/**
 * Reading BuildKit's plain progress output (`--progress=plain`, and the provider's build log
 * in `pulumi up`'s output): how each step was served. A step BuildKit finds in its local
 * cache prints `#N CACHED`; a step found in an imported registry cache whose result a later
 * step needs prints no CACHED line but pulls and unpacks the cached layers under its own
 * number (`#N sha256:… done`, `#N extracting sha256:…`) and runs nothing; a step that ran
 * prints its process output as `#N <seconds> <text>` (or nothing at all).
 */

/** How one step's result was obtained. */
export type StepSource = "ran" | "local cache" | "registry cache";

/** Every line of each vertex, by its number, in order (any prefix before `#N ` is ignored). */
export function vertexLines(log: string): Map<number, string[]> {
    const byVertex = new Map<number, string[]>();
    for (const line of log.split("\n")) {
        const m = /(?:^|\s)#(\d+) (.*)$/.exec(line);
        if (!m) continue;
        const n = Number(m[1]);
        byVertex.set(n, [...(byVertex.get(n) ?? []), m[2]]);
    }
    return byVertex;
}

function sourceOf(lines: string[]): StepSource {
    if (lines.some((l) => l === "CACHED")) return "local cache";
    const ranOutput = lines.some((l) => /^\d+\.\d+ /.test(l));
    const pulledLayers = lines.some((l) => /^(extracting )?sha256:[0-9a-f]{64} /.test(l));
    return pulledLayers && !ranOutput ? "registry cache" : "ran";
}

/** How each step whose header (`[stage i/n] INSTRUCTION`) matches STEP was served, one per vertex. */
export function stepSources(log: string, step: RegExp): StepSource[] {
    const sources: StepSource[] = [];
    for (const lines of vertexLines(log).values()) {
        if (lines.some((l) => /^\[[^\]]+\] /.test(l) && step.test(l))) sources.push(sourceOf(lines));
    }
    return sources;
}

/** The header of goship's module-download step (components/build/build-stage.ts). */
export const GO_MOD_DOWNLOAD_STEP = /^\[build \d+\/\d+\] RUN (?:--mount=\S+ )+go mod download$/;
