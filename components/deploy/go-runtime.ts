import * as k8s from "@pulumi/kubernetes";
import type { GoMemLimit } from "./args";
import { parseQuantity } from "./quantity";

type EnvVar = k8s.types.input.core.v1.EnvVar;

/**
 * The Go runtime's memory budget, from the container's memory limit.
 *
 * GOMEMLIMIT must be a number, optionally with B, KiB, MiB, GiB or TiB (runtime
 * `parseByteCount`); the downward API gives the limit only divided by 1, 1k … 1E or
 * 1Ki … 1Ei (rounded up); and Kubernetes' `$(VAR)` expansion only substitutes text, it
 * does no arithmetic. So a fraction of the limit can reach GOMEMLIMIT in two ways:
 * - `config` (the default): goship computes `percent` of the configured limit and writes
 *   it as a literal, in MiB (`GOMEMLIMIT=115MiB` for 90% of 128Mi).
 * - `downwardAPI`: the limit the pod was admitted with, in MiB, with six zeros and `B`
 *   appended (`$(GOSHIP_MEMORY_LIMIT_MIB)000000B`): n·10⁶ bytes of an n·2²⁰-byte limit,
 *   95.37%, the one fraction text can make from a MiB count (10³/2¹⁰ = 97.66% from KiB is
 *   too little headroom). It follows a limit changed at admission (a VPA), which a literal
 *   cannot.
 * Either way GOSHIP_MEMORY_LIMIT_MIB carries the admitted limit (downward API, MiB,
 * rounded up), and a GOMEMLIMIT the service sets itself wins: goship then sets none.
 */

/** The env var holding the container's memory limit in MiB, from the downward API. */
export const MEMORY_LIMIT_ENV = "GOSHIP_MEMORY_LIMIT_MIB";

const MIB = 2 ** 20;

/** GOMEMLIMIT as `percent` of a memory limit, in whole MiB (bytes when below 1 MiB). */
export function goMemLimitValue(memoryLimit: string, percent: number): string {
    const bytes = Math.floor((parseQuantity(memoryLimit) * percent) / 100);
    return bytes >= MIB ? `${Math.floor(bytes / MIB)}MiB` : `${bytes}B`;
}

/**
 * The env goship adds for the Go runtime: the memory limit (always), then GOMEMLIMIT
 * unless USER_ENV (the service's own env and secretEnv names) sets it. The limit comes
 * first: `$(VAR)` expands only variables defined earlier in the list.
 */
export function renderGoRuntimeEnv(o: { memoryLimit: string; goMemLimit: GoMemLimit; userEnv: readonly string[] }): EnvVar[] {
    const env: EnvVar[] = [{ name: MEMORY_LIMIT_ENV, valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } }];
    if (o.userEnv.includes("GOMEMLIMIT")) return env;
    const value = o.goMemLimit.source === "config" ? goMemLimitValue(o.memoryLimit, o.goMemLimit.percent) : `$(${MEMORY_LIMIT_ENV})000000B`;
    return [...env, { name: "GOMEMLIMIT", value }];
}

/** Whether Go's runtime accepts VALUE as GOMEMLIMIT (a port of runtime.parseByteCount, plus "off"). */
export function isGoMemLimit(value: string): boolean {
    if (value === "off") return true;
    const match = /^\+?([0-9]+)(B|KiB|MiB|GiB|TiB)?$/.exec(value);
    if (!match) return false;
    const factor = { B: 1n, KiB: 1n << 10n, MiB: 1n << 20n, GiB: 1n << 30n, TiB: 1n << 40n }[match[2] ?? "B"] ?? 1n;
    return BigInt(match[1]) * factor <= 2n ** 63n - 1n;
}

/** Whether Go's runtime uses VALUE as GOMAXPROCS: a whole number ≥ 1 (it ignores anything else). */
export function isGoMaxProcs(value: string): boolean {
    return /^\+?[0-9]+$/.test(value) && Number(value) >= 1 && Number(value) <= 2 ** 31 - 1;
}
