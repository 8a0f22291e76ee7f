import { parseImageReference } from "../build/image-reference";

/**
 * Windows containers must run on a node of the same Windows build as their base image.
 * The node label `node.kubernetes.io/windows-build` carries it; goship derives it from the
 * base image's LTSC tag.
 */
const WINDOWS_BUILDS: Record<string, string> = {
    ltsc2019: "10.0.17763",
    ltsc2022: "10.0.20348",
    ltsc2025: "10.0.26100",
};

function ltscOf(image: string): string | undefined {
    const tag = parseImageReference(image)?.tag ?? "";
    return Object.keys(WINDOWS_BUILDS).find((name) => tag === name || tag.startsWith(`${name}-`) || tag.endsWith(`-${name}`));
}

/** Why IMAGE's Windows build cannot be told, or undefined when it can (the argument schemas check this). */
export function windowsBuildProblem(image: string): string | undefined {
    if (ltscOf(image)) return undefined;
    return `cannot tell the Windows build of "${image}"; use a tag naming the release (${Object.keys(WINDOWS_BUILDS).join(", ")}), e.g. mcr.microsoft.com/windows/nanoserver:ltsc2022 (a digest may follow the tag)`;
}

/** The windows-build node label value for a nanoserver/servercore image reference. */
export function windowsBuildOf(image: string): string {
    const ltsc = ltscOf(image);
    if (!ltsc) throw new Error(`base.windows: ${windowsBuildProblem(image)}`);
    return WINDOWS_BUILDS[ltsc];
}

/** The taint most Windows node pools carry so that Linux pods stay off them. */
export const WINDOWS_TOLERATION = { key: "os", operator: "Equal", value: "windows", effect: "NoSchedule" } as const;
