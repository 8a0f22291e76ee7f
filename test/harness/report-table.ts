import assert from "node:assert/strict";

/** The row of the preview report's summary table for STACK and SERVICE (`(stack)` for the stack's own). */
export function reportRow(comment: string, stack: string, service: string): string {
    const row = comment.split("\n").find((l) => l.startsWith(`| \`${stack}\` | ${service} |`));
    assert.ok(row, `no table row for ${stack}/${service} in the report:\n${comment}`);
    return row;
}
