/**
 * The hidden first line of goship's pull-request comment. The workflow finds the one
 * comment of the pull request that starts with exactly this line and edits it, so every
 * push updates one comment for all stacks (never a new one, never another tool's).
 */
export const REPORT_MARKER = "<!-- goship:preview-report v1 -->";
