/**
 * The pull request's one goship comment (the preview report), created once and edited on
 * every later push (`.github/workflows/preview.yml`, job `comment`):
 *
 *   node .build/tools/github/sticky-comment.js --body-file DIR/comment.md [--pr N] [--author LOGIN]
 *
 * THE comment is the oldest comment of the pull request written by LOGIN (default
 * `github-actions[bot]`, the workflow token's user) whose first line is exactly
 * REPORT_MARKER. It is edited (PATCH) when its body differs, or created (POST) when there is
 * none. Comments by anyone else, with or without the marker, are never touched. A body that
 * does not start with the marker line, or is longer than GitHub's 65,536 characters, is
 * refused before any request.
 *
 * Environment: GITHUB_TOKEN (required), GITHUB_REPOSITORY (owner/name), GITHUB_API_URL
 * (default https://api.github.com), GITHUB_EVENT_PATH (the pull request number when --pr
 * is not given). Uses Node's global fetch; nothing else.
 */
import * as fs from "fs";
import { REPORT_MARKER } from "../report/marker";

/** GitHub refuses a comment body longer than this (characters; counted here as UTF-16 units, never fewer). */
export const MAX_BODY = 65_536;
export const DEFAULT_AUTHOR = "github-actions[bot]";
const PER_PAGE = 100;

export class StickyCommentError extends Error {}

export interface StickyOptions {
    /** API root, e.g. https://api.github.com or https://ghe.example/api/v3. */
    apiUrl: string;
    token: string;
    /** owner/name */
    repository: string;
    pullNumber: number;
    body: string;
    /** Login of the user whose comment is THE comment. */
    author: string;
    /** Injected for tests; the global fetch otherwise. */
    fetch?: typeof fetch;
}

export interface StickyResult {
    action: "created" | "updated" | "unchanged";
    id: number;
    url: string;
    /** Newer comments by the same author that also carry the marker (left alone). */
    duplicates: number[];
}

interface IssueComment {
    id: number;
    body?: string | null;
    html_url: string;
    user?: { login?: string } | null;
}

/** BODY's first line is exactly the marker (GitHub may hand back CRLF line ends). */
export function hasMarker(body: string): boolean {
    return body === REPORT_MARKER || body.startsWith(`${REPORT_MARKER}\n`) || body.startsWith(`${REPORT_MARKER}\r\n`);
}

/** The body as the comment may carry it, or the reason it may not. */
export function checkBody(body: string): void {
    if (!hasMarker(body)) {
        const first = body.split(/\r?\n/, 1)[0] ?? "";
        throw new StickyCommentError(`the comment body must start with the line ${REPORT_MARKER} (it starts with ${JSON.stringify(first.slice(0, 80))}); write it with npm run preview:report`);
    }
    if (body.length > MAX_BODY) {
        throw new StickyCommentError(`the comment body has ${body.length} characters, more than GitHub's ${MAX_BODY}; the report must move the overflow to details.md`);
    }
}

/** The `rel="next"` URL of a Link header, if any. */
export function nextLink(link: string | null): string | undefined {
    for (const part of (link ?? "").split(",")) {
        const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
        if (m) return m[1];
    }
    return undefined;
}

/** Finds and edits (or creates) the pull request's one report comment. */
export async function upsertStickyComment(opts: StickyOptions): Promise<StickyResult> {
    checkBody(opts.body);
    if (!opts.token) throw new StickyCommentError("GITHUB_TOKEN is empty: the job needs a token with pull-requests: write");
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(opts.repository)) {
        throw new StickyCommentError(`GITHUB_REPOSITORY must be owner/name, got ${JSON.stringify(opts.repository)}`);
    }
    if (!Number.isSafeInteger(opts.pullNumber) || opts.pullNumber <= 0) {
        throw new StickyCommentError(`the pull request number must be a positive integer, got ${opts.pullNumber}`);
    }
    const doFetch = opts.fetch ?? fetch;
    const api = opts.apiUrl.replace(/\/+$/, "");
    const repo = `${api}/repos/${opts.repository}`;

    const call = async (method: string, url: string, payload?: unknown): Promise<Response> => {
        let res: Response;
        try {
            res = await doFetch(url, {
                method,
                headers: {
                    accept: "application/vnd.github+json",
                    authorization: `Bearer ${opts.token}`,
                    "x-github-api-version": "2022-11-28",
                    "user-agent": "goship-sticky-comment",
                    ...(payload === undefined ? {} : { "content-type": "application/json" }),
                },
                ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
            });
        } catch (e) {
            throw new StickyCommentError(`${method} ${url}: ${(e as Error).message}`);
        }
        if (!res.ok) {
            let detail = "";
            try {
                const j = (await res.json()) as { message?: string };
                detail = j.message ? `: ${j.message}` : "";
            } catch {
                /* not JSON: the status says enough */
            }
            const hint =
                res.status === 401 ? " (the token is invalid or expired)" :
                res.status === 403 || res.status === 404 ? ` (the token needs pull-requests: write on ${opts.repository}; a pull request from a fork gets a read-only token)` :
                "";
            throw new StickyCommentError(`${method} ${url} answered ${res.status}${detail}${hint}`);
        }
        return res;
    };

    const matches: IssueComment[] = [];
    let url: string | undefined = `${repo}/issues/${opts.pullNumber}/comments?per_page=${PER_PAGE}`;
    for (let pages = 0; url; pages++) {
        if (pages >= 1000) throw new StickyCommentError(`more than 1000 pages of comments at ${repo}/issues/${opts.pullNumber}/comments`);
        const res = await call("GET", url);
        const page = (await res.json()) as IssueComment[];
        if (!Array.isArray(page)) throw new StickyCommentError(`GET ${url} did not answer a list of comments`);
        matches.push(...page.filter((c) => c.user?.login === opts.author && typeof c.body === "string" && hasMarker(c.body)));
        const next = nextLink(res.headers.get("link"));
        // The token goes only to the API it was given for.
        if (next && !next.startsWith(`${api}/`)) throw new StickyCommentError(`GET ${url}: the next page ${next} is not under ${api}; refusing to send the token there`);
        url = next;
    }

    const [found, ...others] = matches.sort((a, b) => a.id - b.id);
    const duplicates = others.map((c) => c.id);
    if (!found) {
        const res = await call("POST", `${repo}/issues/${opts.pullNumber}/comments`, { body: opts.body });
        const c = (await res.json()) as IssueComment;
        return { action: "created", id: c.id, url: c.html_url, duplicates };
    }
    if (found.body === opts.body) return { action: "unchanged", id: found.id, url: found.html_url, duplicates };
    const res = await call("PATCH", `${repo}/issues/comments/${found.id}`, { body: opts.body });
    const c = (await res.json()) as IssueComment;
    return { action: "updated", id: c.id, url: c.html_url, duplicates };
}

export interface CliArgs {
    bodyFile: string;
    pr?: number;
    author: string;
}

const USAGE = "usage: sticky-comment --body-file FILE [--pr NUMBER] [--author LOGIN]";

export function parseArgs(argv: string[]): CliArgs {
    const args: Partial<CliArgs> = { author: DEFAULT_AUTHOR };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = argv[i + 1];
        if (value === undefined || !["--body-file", "--pr", "--author"].includes(flag)) throw new StickyCommentError(USAGE);
        i++;
        if (flag === "--body-file") args.bodyFile = value;
        else if (flag === "--author") args.author = value;
        else {
            if (!/^[1-9][0-9]*$/.test(value)) throw new StickyCommentError(`--pr must be a pull request number, got ${JSON.stringify(value)}`);
            args.pr = Number(value);
        }
    }
    if (!args.bodyFile) throw new StickyCommentError(USAGE);
    return args as CliArgs;
}

/** The pull request number of the event GITHUB_EVENT_PATH describes. */
export function pullNumberFromEvent(eventPath: string | undefined): number {
    if (!eventPath) throw new StickyCommentError("no pull request: pass --pr NUMBER or run in a pull_request workflow (GITHUB_EVENT_PATH)");
    let event: { pull_request?: { number?: unknown }; number?: unknown };
    try {
        event = JSON.parse(fs.readFileSync(eventPath, "utf8"));
    } catch (e) {
        throw new StickyCommentError(`GITHUB_EVENT_PATH ${eventPath}: ${(e as Error).message}`);
    }
    const n = event.pull_request?.number ?? event.number;
    if (typeof n !== "number") throw new StickyCommentError(`GITHUB_EVENT_PATH ${eventPath} is not a pull_request event (no pull_request.number); pass --pr NUMBER`);
    return n;
}

export async function run(argv: string[], env: NodeJS.ProcessEnv, doFetch?: typeof fetch): Promise<StickyResult> {
    const args = parseArgs(argv);
    let body: string;
    try {
        body = fs.readFileSync(args.bodyFile, "utf8");
    } catch (e) {
        throw new StickyCommentError(`--body-file ${args.bodyFile}: ${(e as Error).message}`);
    }
    checkBody(body);
    if (!env.GITHUB_TOKEN) throw new StickyCommentError("GITHUB_TOKEN is not set: pass the job's token (secrets.GITHUB_TOKEN) in the step's env");
    if (!env.GITHUB_REPOSITORY) throw new StickyCommentError("GITHUB_REPOSITORY is not set (owner/name)");
    return upsertStickyComment({
        apiUrl: env.GITHUB_API_URL || "https://api.github.com",
        token: env.GITHUB_TOKEN,
        repository: env.GITHUB_REPOSITORY,
        pullNumber: args.pr ?? pullNumberFromEvent(env.GITHUB_EVENT_PATH),
        body,
        author: args.author,
        ...(doFetch ? { fetch: doFetch } : {}),
    });
}

if (require.main === module) {
    run(process.argv.slice(2), process.env).then(
        (r) => {
            process.stdout.write(`[sticky-comment] ${r.action} comment ${r.id}: ${r.url}\n`);
            if (r.duplicates.length > 0) process.stdout.write(`[sticky-comment] left alone: newer comments by the same author with the marker: ${r.duplicates.join(", ")}\n`);
        },
        (err: unknown) => {
            process.stderr.write(`[sticky-comment] ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(1);
        },
    );
}
