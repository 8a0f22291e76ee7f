/**
 * Target platforms goship can build. Go cross-compiles to every one of them from the
 * builder's own platform, so none needs QEMU.
 */
export const SUPPORTED_PLATFORMS = [
    "linux/amd64",
    "linux/arm64",
    "linux/arm",
    "linux/386",
    "linux/ppc64le",
    "linux/riscv64",
    "linux/s390x",
    "windows/amd64",
] as const;

/** A platform goship can build, as `os/arch`. */
export type Platform = (typeof SUPPORTED_PLATFORMS)[number];

/** Operating system of a node, and of the final image stage. */
export type NodeOs = "linux" | "windows";

/** The default: the two architectures of nearly every Linux cluster. */
export const DEFAULT_PLATFORMS: Platform[] = ["linux/amd64", "linux/arm64"];

export function platformOs(platform: Platform): NodeOs {
    return platform.startsWith("windows/") ? "windows" : "linux";
}

export function platformArch(platform: Platform): string {
    return platform.split("/")[1];
}

/** `linux/arm64` → `linux-arm64`: safe in resource names and image tags. */
export function platformSlug(platform: Platform): string {
    return platform.replace("/", "-");
}
