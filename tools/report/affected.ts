/**
 * Which stacks a change can touch, from the files it changes: a stack's own file, the
 * source of a service the stack builds, or anything every stack runs (the program, the
 * library, Pulumi.yaml, the policy pack, the dependencies). A stack nothing touches must
 * preview with no change; a promoting stack is not touched by source changes (it only
 * moves when its upstream has rolled out a new release and it is promoted).
 */

export interface StackSources {
    stack: string;
    /** Module directories (relative to the project) of the services this stack builds. */
    buildPaths: string[];
}

/** Files every stack runs. */
const SHARED = [/^Pulumi\.yaml$/, /^index\.ts$/, /^components\//, /^stack\//, /^policy\//, /^package(-lock)?\.json$/, /^tsconfig\.json$/];

/** Each stack → why it is affected (empty: it must not change). */
export function affectedStacks(changedFiles: readonly string[], stacks: readonly StackSources[]): Map<string, string[]> {
    const files = changedFiles.map((f) => f.replace(/\\/g, "/").replace(/^\.\//, ""));
    const result = new Map<string, string[]>();
    for (const { stack, buildPaths } of stacks) {
        const reasons = new Set<string>();
        for (const f of files) {
            if (f === `Pulumi.${stack}.yaml`) reasons.add(f);
            else if (SHARED.some((re) => re.test(f))) reasons.add(f.includes("/") ? f.slice(0, f.indexOf("/") + 1) : f);
            else {
                const dir = buildPaths.find((p) => {
                    const root = p.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/$/, "");
                    return root === "." || root === "" || f.startsWith(root + "/");
                });
                if (dir !== undefined) reasons.add(`${dir.replace(/\/$/, "")}/ (built here)`);
            }
        }
        result.set(stack, [...reasons].sort());
    }
    return result;
}
