/**
 * The policy results of one preview (or up), from the engine events the Automation API's
 * onEvent delivers. Pure: the report tool (tools/report/) and the runner both call it.
 *
 * Each CrossGuard diagnostic is one `policyEvent` (docs/policy.md has recorded examples):
 *   { resourceUrn?, message, color, policyName, policyPackName, policyPackVersion,
 *     policyPackVersionTag, enforcementLevel: "warning" | "mandatory" }
 * The engine reports the pack's "advisory" as "warning". A policy whose input is unknown
 * at preview is not a violation: @pulumi/policy (server.ts) catches the UnknownValueError
 * and reports `can't run policy '<name>' from policy pack '<pack>@v<version>' during
 * preview: <reason>` at level advisory, whatever the policy's configured level. Left alone
 * it would pass silently as a warning, so it is sorted out here, and the level the policy
 * was configured with comes from the caller (the runner's generated config).
 */
import { EngineEvent } from "@pulumi/pulumi/automation";

export type Enforcement = "advisory" | "mandatory";

export interface PolicyFinding {
    policyName: string;
    policyPack: string;
    /** The resource's URN; absent for a stack policy's finding without one. */
    resourceUrn?: string;
    /** The level the engine reported: mandatory fails the operation, advisory only warns. */
    enforcementLevel: Enforcement;
    message: string;
}

export interface CouldNotRun extends PolicyFinding {
    /** The level the policy is configured with (reported as advisory regardless). */
    configuredLevel: Enforcement;
    /** The engine's reason, e.g. `spec.template.spec.containers[0].image` is unknown. */
    reason: string;
}

/**
 * The engine's per-resource (`policyAnalyzeSummaryEvent`) and stack-level
 * (`policyAnalyzeStackSummaryEvent`) summaries: which policies passed and failed (a
 * policy that could not run counts as failed; one not applicable is in neither list).
 * Not in the SDK's EngineEvent type, but in the events it delivers.
 */
export interface PolicySummary {
    /** Absent for the stack-level summary. */
    resourceUrn?: string;
    policyPack: string;
    passed: string[];
    failed: string[];
}

export interface PolicyResults {
    violations: PolicyFinding[];
    couldNotRun: CouldNotRun[];
    summaries: PolicySummary[];
}

interface RawSummary {
    resourceUrn?: string;
    policyPackName: string;
    policyPackVersion: string;
    passed?: string[];
    failed?: string[];
}

const COULD_NOT_RUN = /^can't run policy '([^']+)' from policy pack '([^']+)' during preview: ([\s\S]*)$/;

/**
 * Sorts a preview's policy events into violations and policies that could not run.
 * CONFIGURED gives each policy's configured level (default: what the engine reported).
 * Events are deduplicated (the engine may repeat one per step) and kept in their order.
 */
export function policyResults(events: readonly EngineEvent[], configured: (policyName: string) => Enforcement | undefined = () => undefined): PolicyResults {
    const results: PolicyResults = { violations: [], couldNotRun: [], summaries: [] };
    const seen = new Set<string>();
    for (const e of events) {
        const raw = e as { policyAnalyzeSummaryEvent?: RawSummary; policyAnalyzeStackSummaryEvent?: RawSummary };
        const summary = raw.policyAnalyzeSummaryEvent ?? raw.policyAnalyzeStackSummaryEvent;
        if (summary !== undefined) {
            results.summaries.push({
                ...(summary.resourceUrn ? { resourceUrn: summary.resourceUrn } : {}),
                policyPack: `${summary.policyPackName}@v${summary.policyPackVersion}`,
                passed: summary.passed ?? [],
                failed: summary.failed ?? [],
            });
        }
        const p = e.policyEvent;
        if (p === undefined) continue;
        const message = p.message.trim();
        const key = JSON.stringify([p.policyName, p.resourceUrn, message]);
        if (seen.has(key)) continue;
        seen.add(key);
        const finding: PolicyFinding = {
            policyName: p.policyName,
            policyPack: `${p.policyPackName}@v${p.policyPackVersion}`,
            ...(p.resourceUrn ? { resourceUrn: p.resourceUrn } : {}),
            enforcementLevel: p.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
            message,
        };
        const unknown = COULD_NOT_RUN.exec(message);
        if (unknown) {
            results.couldNotRun.push({ ...finding, configuredLevel: configured(p.policyName) ?? finding.enforcementLevel, reason: unknown[3] });
        } else {
            results.violations.push(finding);
        }
    }
    return results;
}

/** The policies a production preview must fail on: mandatory ones that could not run. */
export function blockingCouldNotRun(results: PolicyResults): CouldNotRun[] {
    return results.couldNotRun.filter((c) => c.configuredLevel === "mandatory");
}

/**
 * One line per finding: `policy on resource (level): message`. A violation's message is
 * the policy's description, a newline, then what is wrong: the last line is kept.
 */
export function formatFinding(f: PolicyFinding | CouldNotRun): string {
    const level = "configuredLevel" in f ? `${f.configuredLevel}, could not run` : f.enforcementLevel;
    return `${f.policyName} on ${f.resourceUrn ?? "the stack"} (${level}): ${f.message.split("\n").pop()}`;
}
