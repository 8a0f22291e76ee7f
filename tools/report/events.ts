/**
 * The engine events a preview report reads (the Automation API's `onEvent`, the same JSON
 * as `pulumi preview --json` streams with `--event-log`), and how they are stored as
 * fixtures: one JSON object per line, debug diagnostics dropped (they carry RPC traces,
 * not results), the repository's own path replaced by `<repo>`.
 */
import { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

export type { EngineEvent, StepEventMetadata };

/** Engine events from JSON lines (a recorded preview). */
export function parseEventLines(text: string): EngineEvent[] {
    return text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line, i) => {
            try {
                return JSON.parse(line) as EngineEvent;
            } catch (err) {
                throw new Error(`engine event line ${i + 1} is not JSON: ${(err as Error).message}`);
            }
        });
}

/** EVENTS as fixture lines: no debug diagnostics, no machine path. */
export function fixtureLines(events: readonly EngineEvent[], repoRoot: string): string {
    return (
        events
            .filter((e) => (e.diagnosticEvent?.severity as string | undefined) !== "debug")
            .map((e) => JSON.stringify(e).split(repoRoot).join("<repo>"))
            .join("\n") + "\n"
    );
}
