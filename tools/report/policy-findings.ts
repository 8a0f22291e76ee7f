/**
 * Policy results in a preview's engine events. PROVISIONAL: replaced by the policy
 * pack's own event reader when it lands (tools/local/policy-events.ts).
 */
import { EngineEvent } from "./events";
import { PolicyFinding } from "./model";

export type Finding = Omit<PolicyFinding, "service"> & { kind: "violation" | "could-not-run" };

export function policyFindings(events: readonly EngineEvent[]): Finding[] {
    const out: Finding[] = [];
    for (const e of events) {
        const p = e.policyEvent;
        if (!p) continue;
        const couldNotRun = /can't run policy/i.test(p.message);
        out.push({
            kind: couldNotRun ? "could-not-run" : "violation",
            policy: p.policyName,
            pack: p.policyPackName,
            level: p.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
            message: p.message.trim(),
            urn: p.resourceUrn,
        });
    }
    return out;
}
