/**
 * Whether the pull request's previews block a merge, and why: a preview that failed, a
 * stack that must not change but would, a mandatory policy violation, a mandatory policy
 * that could not run in a production stack (CrossGuard would otherwise let it pass as an
 * advisory), or a failed promotion gate.
 */
import { StackReport } from "./model";

export interface Verdict {
    ok: boolean;
    problems: string[];
}

export interface VerdictOptions {
    /** Stacks the policy config marks as production. */
    productionStacks?: ReadonlySet<string>;
    /** Require a policy pack to have run on every stack. */
    requirePolicy?: boolean;
}

export function verdictOf(reports: readonly StackReport[], options: VerdictOptions = {}): Verdict {
    const problems: string[] = [];
    for (const r of reports) {
        const s = `\`${r.stack}\``;
        if (r.result === "failed" && (r.errors.length > 0 || !r.services.some((x) => x.violations.some((v) => v.level === "mandatory")))) {
            problems.push(`${s}: the preview failed${r.errors[0] ? `: ${r.errors[0].replace(/\s+/g, " ")}` : ""}`);
        }
        for (const g of [...r.gates, ...r.services.flatMap((x) => x.gates)]) if (!g.ok) problems.push(`${s}: ${g.name}: ${g.detail}`);
        const violations = [...r.stackViolations, ...r.services.flatMap((x) => x.violations)];
        for (const v of violations.filter((v) => v.level === "mandatory")) problems.push(`${s}: policy \`${v.policy}\`${v.service ? ` (${v.service})` : ""} is violated`);
        if (options.productionStacks?.has(r.stack)) {
            const notRun = [...r.stackCouldNotRun, ...r.services.flatMap((x) => x.couldNotRun)];
            for (const v of notRun.filter((v) => v.level === "mandatory")) problems.push(`${s}: mandatory policy \`${v.policy}\`${v.service ? ` (${v.service})` : ""} could not run at preview`);
        }
        if (options.requirePolicy && r.result === "succeeded" && r.policyPacks.length === 0) problems.push(`${s}: no policy pack ran`);
    }
    return { ok: problems.length === 0, problems };
}
