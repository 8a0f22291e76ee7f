import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { REPORT_MARKER } from "../../tools/report/marker";
import { checkBody, DEFAULT_AUTHOR, MAX_BODY, nextLink, parseArgs, run, StickyCommentError, upsertStickyComment } from "../../tools/github/sticky-comment";

// A small fake of GitHub's issue-comments API, served over HTTP on 127.0.0.1 and reached
// with Node's own fetch: list (paginated with Link headers, as GitHub does), create, edit.

const TOKEN = "ghs_fake-token-for-tests";
const REPO = "octo/goship";
const PR = 7;

interface Comment {
    id: number;
    body: string;
    user: { login: string };
}

interface Request {
    method: string;
    url: string;
}

class FakeGitHub {
    comments: Comment[] = [];
    requests: Request[] = [];
    perPageCap = 100;
    /** Answer every request with this status (and a GitHub-like message). */
    failWith?: { status: number; message: string };
    private nextId = 1000;
    private server = http.createServer((req, res) => this.handle(req, res));
    url = "";

    async start(): Promise<this> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }
    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
    add(login: string, body: string): Comment {
        const c = { id: this.nextId++, body, user: { login } };
        this.comments.push(c);
        return c;
    }
    private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
    }
    private view(c: Comment) {
        return { ...c, html_url: `https://github.example/${REPO}/pull/${PR}#issuecomment-${c.id}` };
    }
    private handle(req: http.IncomingMessage, res: http.ServerResponse) {
        let raw = "";
        req.on("data", (d) => (raw += d));
        req.on("end", () => {
            this.requests.push({ method: req.method!, url: req.url! });
            if (this.failWith) return this.send(res, this.failWith.status, { message: this.failWith.message });
            if (req.headers.authorization !== `Bearer ${TOKEN}`) return this.send(res, 401, { message: "Bad credentials" });
            const u = new URL(req.url!, this.url);
            const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(u.pathname);
            const one = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(u.pathname);
            if (list && list[1] === REPO && Number(list[2]) === PR) {
                if (req.method === "GET") {
                    const perPage = Math.min(Number(u.searchParams.get("per_page") ?? 30), this.perPageCap);
                    const page = Number(u.searchParams.get("page") ?? 1);
                    const items = this.comments.slice((page - 1) * perPage, page * perPage).map((c) => this.view(c));
                    const last = Math.max(1, Math.ceil(this.comments.length / perPage));
                    const link: Record<string, string> = page < last ? { link: `<${this.url}${u.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <${this.url}${u.pathname}?per_page=${perPage}&page=${last}>; rel="last"` } : {};
                    return this.send(res, 200, items, link);
                }
                if (req.method === "POST") {
                    const c = this.add(DEFAULT_AUTHOR, JSON.parse(raw).body);
                    return this.send(res, 201, this.view(c));
                }
            }
            if (one && one[1] === REPO && req.method === "PATCH") {
                const c = this.comments.find((x) => x.id === Number(one[2]));
                if (!c) return this.send(res, 404, { message: "Not Found" });
                c.body = JSON.parse(raw).body;
                return this.send(res, 200, this.view(c));
            }
            this.send(res, 404, { message: "Not Found" });
        });
    }
}

const report = (text: string) => `${REPORT_MARKER}\n## goship preview\n\n${text}\n`;
const push = (gh: FakeGitHub, body: string, author = DEFAULT_AUTHOR) =>
    upsertStickyComment({ apiUrl: gh.url, token: TOKEN, repository: REPO, pullNumber: PR, body, author });
const writes = (gh: FakeGitHub) => gh.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.url}`);

async function withGitHub(fn: (gh: FakeGitHub) => Promise<void>) {
    const gh = await new FakeGitHub().start();
    try {
        await fn(gh);
    } finally {
        await gh.stop();
    }
}

test("sticky comment: the first push creates it, the second edits the same one", () =>
    withGitHub(async (gh) => {
        const human = gh.add("alice", "Looks good, but see the prod diff");
        const first = await push(gh, report("first"));
        assert.equal(first.action, "created");
        assert.deepEqual(writes(gh), [`POST /repos/${REPO}/issues/${PR}/comments`]);

        const second = await push(gh, report("second"));
        assert.equal(second.action, "updated");
        assert.equal(second.id, first.id);
        assert.deepEqual(writes(gh).slice(1), [`PATCH /repos/${REPO}/issues/comments/${first.id}`]);

        const ours = gh.comments.filter((c) => c.body.startsWith(REPORT_MARKER));
        assert.equal(ours.length, 1, "exactly one report comment");
        assert.equal(ours[0].body, report("second"));
        assert.equal(gh.comments.find((c) => c.id === human.id)!.body, "Looks good, but see the prod diff");

        // The same body again: nothing is written.
        const third = await push(gh, report("second"));
        assert.equal(third.action, "unchanged");
        assert.equal(writes(gh).length, 2);
    }));

test("sticky comment: another bot's marked comment, a human's quoting the marker and a marker not on the first line are left alone", () =>
    withGitHub(async (gh) => {
        const otherBot = gh.add("pulumi[bot]", report("another tool's copy"));
        const human = gh.add("alice", `${REPORT_MARKER}\nI pasted the report here`);
        const notFirst = gh.add(DEFAULT_AUTHOR, `hello\n${REPORT_MARKER}\n`);
        const longerMarker = gh.add(DEFAULT_AUTHOR, `${REPORT_MARKER.replace(" -->", "x -->")}\n`);
        const before = JSON.stringify([otherBot, human, notFirst, longerMarker]);

        const r = await push(gh, report("ours"));
        assert.equal(r.action, "created");
        assert.ok(![otherBot.id, human.id, notFirst.id, longerMarker.id].includes(r.id));
        assert.equal(JSON.stringify([otherBot, human, notFirst, longerMarker]), before);
        assert.deepEqual(writes(gh), [`POST /repos/${REPO}/issues/${PR}/comments`]);
    }));

test("sticky comment: follows the Link header past the first page to find it", () =>
    withGitHub(async (gh) => {
        gh.perPageCap = 2;
        for (let i = 0; i < 5; i++) gh.add("alice", `comment ${i}`);
        const ours = gh.add(DEFAULT_AUTHOR, report("old"));
        gh.add("bob", "after");

        const r = await push(gh, report("new"));
        assert.equal(r.action, "updated");
        assert.equal(r.id, ours.id);
        assert.equal(gh.requests.filter((q) => q.method === "GET").length, 4, "pages 1..4 of 2 comments each");
        assert.equal(gh.comments.length, 7);
        assert.deepEqual(writes(gh), [`PATCH /repos/${REPO}/issues/comments/${ours.id}`]);
    }));

test("sticky comment: with two marked comments of its own (a past race), edits the oldest, leaves the other", () =>
    withGitHub(async (gh) => {
        const a = gh.add(DEFAULT_AUTHOR, report("a"));
        const b = gh.add(DEFAULT_AUTHOR, report("b"));
        const r = await push(gh, report("c"));
        assert.deepEqual([r.action, r.id, r.duplicates], ["updated", a.id, [b.id]]);
        assert.equal(b.body, report("b"));
    }));

test("sticky comment: the author is configurable", () =>
    withGitHub(async (gh) => {
        const app = gh.add("goship-app[bot]", report("by the app"));
        gh.add(DEFAULT_AUTHOR, report("by actions"));
        const r = await push(gh, report("new"), "goship-app[bot]");
        assert.deepEqual([r.action, r.id], ["updated", app.id]);
    }));

test("sticky comment: a 403 names the permission and the fork case; nothing is written", () =>
    withGitHub(async (gh) => {
        gh.failWith = { status: 403, message: "Resource not accessible by integration" };
        await assert.rejects(push(gh, report("x")), (e: Error) => {
            assert.ok(e instanceof StickyCommentError);
            assert.match(e.message, /answered 403: Resource not accessible by integration/);
            assert.match(e.message, /pull-requests: write/);
            assert.match(e.message, /fork/);
            assert.ok(!e.message.includes(TOKEN), "the token is never printed");
            return true;
        });
        assert.deepEqual(writes(gh), []);
    }));

test("sticky comment: a wrong token is a clear 401", () =>
    withGitHub(async (gh) => {
        await assert.rejects(
            upsertStickyComment({ apiUrl: gh.url, token: "wrong", repository: REPO, pullNumber: PR, body: report("x"), author: DEFAULT_AUTHOR }),
            /answered 401: Bad credentials \(the token is invalid or expired\)/,
        );
    }));

test("sticky comment: refuses a body without the marker line or over 65,536 characters, before any request", () =>
    withGitHub(async (gh) => {
        await assert.rejects(push(gh, "## goship preview\n"), /must start with the line <!-- goship:preview-report v1 -->/);
        await assert.rejects(push(gh, ` ${report("leading space")}`), /must start with the line/);
        await assert.rejects(push(gh, `${REPORT_MARKER}trailing\n`), /must start with the line/);
        const big = report("x".repeat(MAX_BODY));
        await assert.rejects(push(gh, big), new RegExp(`has ${big.length} characters, more than GitHub's 65536`));
        checkBody(REPORT_MARKER.padEnd(MAX_BODY, "\n"));
        assert.deepEqual(gh.requests, []);
    }));

test("sticky comment: a next page on another host is refused (the token stays with the API)", async () => {
    const fakeFetch = (async () =>
        new Response("[]", { status: 200, headers: { link: '<https://evil.example/page2>; rel="next"' } })) as typeof fetch;
    await assert.rejects(
        upsertStickyComment({ apiUrl: "https://api.github.com", token: TOKEN, repository: REPO, pullNumber: PR, body: report("x"), author: DEFAULT_AUTHOR, fetch: fakeFetch }),
        /next page https:\/\/evil\.example\/page2 is not under https:\/\/api\.github\.com/,
    );
});

test("sticky comment CLI: token, repository and pull request from the environment; clear errors when missing", () =>
    withGitHub(async (gh) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sticky-"));
        const bodyFile = path.join(dir, "comment.md");
        const eventFile = path.join(dir, "event.json");
        fs.writeFileSync(bodyFile, report("from a file"));
        fs.writeFileSync(eventFile, JSON.stringify({ action: "synchronize", number: PR, pull_request: { number: PR } }));
        const env = { GITHUB_API_URL: gh.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPO, GITHUB_EVENT_PATH: eventFile };

        const r = await run(["--body-file", bodyFile], env);
        assert.equal(r.action, "created");
        assert.equal(gh.comments[0].body, report("from a file"));

        await assert.rejects(run(["--body-file", bodyFile], { ...env, GITHUB_TOKEN: "" }), /GITHUB_TOKEN is not set/);
        await assert.rejects(run(["--body-file", bodyFile], { ...env, GITHUB_REPOSITORY: undefined }), /GITHUB_REPOSITORY is not set/);
        await assert.rejects(run(["--body-file", bodyFile], { ...env, GITHUB_EVENT_PATH: undefined }), /pass --pr NUMBER/);
        fs.writeFileSync(eventFile, JSON.stringify({ ref: "refs/heads/main" }));
        await assert.rejects(run(["--body-file", bodyFile], env), /is not a pull_request event/);
        await assert.rejects(run(["--body-file", path.join(dir, "missing.md")], env), /--body-file .*missing\.md: ENOENT/);
        assert.equal((await run(["--body-file", bodyFile, "--pr", String(PR)], env)).action, "unchanged");
        fs.rmSync(dir, { recursive: true, force: true });
    }));

test("sticky comment CLI arguments and Link parsing", () => {
    assert.deepEqual(parseArgs(["--body-file", "c.md", "--pr", "12", "--author", "me[bot]"]), { bodyFile: "c.md", pr: 12, author: "me[bot]" });
    assert.deepEqual(parseArgs(["--body-file", "c.md"]), { bodyFile: "c.md", author: DEFAULT_AUTHOR });
    assert.throws(() => parseArgs([]), /usage: sticky-comment/);
    assert.throws(() => parseArgs(["--body-file"]), /usage: sticky-comment/);
    assert.throws(() => parseArgs(["--body-file", "c.md", "--pr", "12x"]), /--pr must be a pull request number/);
    assert.equal(nextLink('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"'), "https://a/x?page=2");
    assert.equal(nextLink('<https://a/x?page=1>; rel="prev"'), undefined);
    assert.equal(nextLink(null), undefined);
});
