/**
 * The preview report on engine events recorded from real local previews
 * (test/unit/fixtures/report/*.jsonl, written by `npm run preview:report`'s events/ output:
 * debug diagnostics dropped, the repository path replaced by <repo>).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { affectedStacks } from "../../tools/report/affected";
import { analyseStack } from "../../tools/report/analyse-stack";
import { EngineEvent, parseEventLines } from "../../tools/report/events";
import { REPORT_MARKER } from "../../tools/report/marker";
import { GITHUB_COMMENT_LIMIT, renderReport } from "../../tools/report/markdown";
import { StackReport } from "../../tools/report/model";
import { parseReportArgs } from "../../tools/report/preview-report";
import { lookup, showChange } from "../../tools/report/values";
import { verdictOf } from "../../tools/report/verdict";
import { reportRow } from "../harness/report-table";

const fixtures = path.resolve(__dirname, "..", "..", "..", "test", "unit", "fixtures", "report");
const events = (name: string): EngineEvent[] => parseEventLines(fs.readFileSync(path.join(fixtures, `${name}.jsonl`), "utf8"));
const DIGEST_OLD = "sha256:b41f9cf9db768ba28432e6972f15c63545e3dceccb3657640b9b623c7ee439e7";
const DIGEST_NEW = "sha256:2f2ad16b768a2bda51f7d468bb1bbb4d89971135d2d07ee67e487f3df0ba84b3";

test("a one-line source change in dev: both platforms rebuilt, the Deployment updated, no context hash or build log", () => {
    const report = analyseStack("dev", events("dev-source-change"));
    assert.equal(report.result, "succeeded");
    const hello = report.services.find((s) => s.service === "hello");
    assert.deepEqual(hello?.image, { kind: "rebuilt", reason: "source changed", platforms: ["linux/amd64", "linux/arm64"], from: DIGEST_OLD });
    assert.deepEqual(hello?.objects.map((o) => `${o.op} ${o.label}`), ["update Deployment goship-dev/hello"]);
    const image = report.changes.find((c) => c.label.endsWith("hello-linux-amd64"));
    assert.deepEqual(image?.quieted, ["contextHash"]);
    assert.ok(!image?.properties.some((p) => p.path === "contextHash"));
    const { comment } = renderReport([report], verdictOf([report]));
    const contextHash = events("dev-source-change").map((e) => e.resourcePreEvent?.metadata.old?.outputs?.contextHash).find((h) => typeof h === "string") as string;
    assert.ok(contextHash?.length >= 32, "the fixture's old context hash");
    assert.ok(!comment.includes(contextHash), "context hash printed");
    assert.ok(!/#\d+ \[|DONE \d|exporting to image/.test(comment), "build log in the comment");
    assert.match(reportRow(comment, "dev", "hello"), /rebuilt \(source changed\): linux\/amd64, linux\/arm64 \| ~ Deployment goship-dev\/hello \|/);
    assert.ok(comment.includes("(known after up)"), "the new digest is unknown until up");
    assert.ok(!comment.includes("04da6b54-80e4-46f7-96ec-b56ff0331ba9"), "the engine's unknown sentinel leaked");
});

test("a promotion at preview: the exact old → new digest, from which stack, and the upstream gate", () => {
    const report = analyseStack("local-staging", events("local-staging-promotion"));
    const hello = report.services[0];
    assert.deepEqual(hello.image, { kind: "promoted", from: DIGEST_OLD, to: DIGEST_NEW, fromStack: "organization/goship/dev", revision: "38b881fc3316-dirty", copied: false });
    assert.deepEqual(hello.gates, [{ name: "upstream release", ok: true, detail: "= organization/goship/dev sha256:2f2ad16b" }]);
    assert.deepEqual(report.changes.map((c) => c.label), ["Deployment goship-local-staging/hello"], "the StackReference read is not a change");
    const { comment } = renderReport([report], verdictOf([report]));
    assert.match(reportRow(comment, "local-staging", "hello"), /promoted `sha256:b41f9cf9` → `sha256:2f2ad16b` from `dev`/);
    assert.ok(comment.includes(`hello@${DIGEST_NEW}`), "the full new reference in the details");
});

test("a promoted stack whose image differs from its upstream's release fails the gate", () => {
    const tampered = events("local-staging-promotion").map((e) => JSON.parse(JSON.stringify(e).split(DIGEST_NEW.slice(7)).join("0".repeat(64))) as EngineEvent);
    // Only the upstream's record keeps the real digest: the Deployment moves to another one.
    const upstream = tampered.map((e) =>
        e.resOutputsEvent?.metadata.type === "pulumi:pulumi:StackReference" ? (JSON.parse(JSON.stringify(e).split("0".repeat(64)).join(DIGEST_NEW.slice(7))) as EngineEvent) : e,
    );
    const report = analyseStack("local-staging", upstream);
    assert.equal(report.services[0].gates[0].ok, false);
    assert.equal(verdictOf([report]).ok, false);
});

test("secrets: a changed secret says which key changed, shows neither value", () => {
    const report = analyseStack("local-prod", events("local-prod-secret-change"));
    const secret = report.changes.find((c) => c.label === "Secret goship-local-prod/hello-env");
    assert.equal(secret?.op, "replace");
    assert.deepEqual(secret?.properties, [{ path: "data.API_TOKEN", kind: "update-replace", old: "[secret]", new: "[secret]", secret: true }]);
    const { comment, details } = renderReport([report], verdictOf([report]));
    for (const text of [comment, details]) assert.match(text, /`data\.API_TOKEN` \| \[secret\] \| \[secret\] \(changed\)/);
});

test("secrets: a value plain before and secret now is hidden on both sides (pulumi/pulumi#9330)", () => {
    const plainBefore = lookup({ data: { API_TOKEN: "b2xkLXBsYWluLXRva2Vu" } }, "data.API_TOKEN");
    const secretAfter = lookup({ data: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" } }, "data.API_TOKEN");
    assert.deepEqual(showChange(plainBefore, secretAfter), { old: "[secret]", new: "[secret]", secret: true });
    assert.deepEqual(showChange(secretAfter, plainBefore), { old: "[secret]", new: "[secret]", secret: true });
    // Inside a recorded event: make the old Secret's data plain, as if it had not been secret.
    const recorded = events("local-prod-secret-change").map((e) => {
        const m = e.resourcePreEvent?.metadata;
        if (m?.type === "kubernetes:core/v1:Secret" && m.old) m.old.inputs.data = { API_TOKEN: "b2xkLXBsYWluLXRva2Vu" };
        return e;
    });
    const { details } = renderReport([analyseStack("local-prod", recorded)], { ok: true, problems: [] });
    assert.ok(!details.includes("b2xkLXBsYWluLXRva2Vu"), "the old plain value was printed");
    assert.match(details, /`data\.API_TOKEN` \| \[secret\]/);
});

test("no change: every service unchanged, and a stack that must not change passes its gate", () => {
    for (const [stack, name] of [["dev", "dev-no-change"], ["local-prod", "local-prod-no-change"]]) {
        const report = analyseStack(stack, events(name), { mustNotChange: true });
        assert.deepEqual(report.changes, [], `${name}: ${JSON.stringify(report.changes.map((c) => c.label))}`);
        assert.equal(report.services[0].image.kind, "unchanged");
        assert.deepEqual(report.gates.map((g) => g.ok), [true]);
        assert.ok(verdictOf([report]).ok);
    }
});

test("a stack that must not change but would blocks the merge, naming the stack", () => {
    const report = analyseStack("dev", events("dev-source-change"), { mustNotChange: true });
    const verdict = verdictOf([report]);
    assert.equal(verdict.ok, false);
    assert.deepEqual(verdict.problems, ["`dev`: no changes expected: 5 resources would change"]);
});

test("a refused preview: the stack's row says why, and the merge is blocked", () => {
    const report = analyseStack("dev", events("dev-bad-config"));
    assert.equal(report.result, "failed");
    assert.deepEqual(report.errors, ["goship:overrides.hello.replicas: must be at least 1"]);
    const { comment } = renderReport([report], verdictOf([report]));
    assert.match(reportRow(comment, "dev", "(stack)"), /preview failed\*\*: goship:overrides\.hello\.replicas: must be at least 1/);
    assert.match(comment, /❌ 1 blocking problem/);
});

test("deterministic: the same previews in another event order give the same comment", () => {
    const names: Array<[string, string]> = [["dev", "dev-source-change"], ["local-staging", "local-staging-promotion"], ["local-prod", "local-prod-secret-change"]];
    const render = (shuffle: boolean) => {
        const reports = names.map(([stack, name]) => {
            const ev = events(name);
            // Resource steps arrive in whatever order the engine finishes them.
            const steps = ev.filter((e) => e.resourcePreEvent);
            const rest = ev.filter((e) => !e.resourcePreEvent);
            return analyseStack(stack, shuffle ? [...steps.reverse(), ...rest] : ev);
        });
        return renderReport(reports, verdictOf(reports)).comment;
    };
    assert.equal(render(true), render(false));
    assert.ok(!/\d{4}-\d\d-\d\dT\d\d:\d\d|\d+(\.\d+)? ?s\b/.test(render(false)), "a time or duration in the comment");
});

test("size budget: 80 stacks still fit GitHub's limit, each with its section, overflow only in details.md", () => {
    const base = analyseStack("dev", events("dev-source-change"));
    const many: StackReport[] = Array.from({ length: 80 }, (_, i) => ({ ...base, stack: `stack-${String(i).padStart(2, "0")}` }));
    const { comment, details, cutStacks } = renderReport(many, verdictOf(many));
    assert.ok(comment.length <= GITHUB_COMMENT_LIMIT, `comment is ${comment.length} chars`);
    assert.ok(comment.startsWith(REPORT_MARKER + "\n"));
    assert.ok(details.length > GITHUB_COMMENT_LIMIT, "the full report holds everything");
    assert.equal(cutStacks.length, 80);
    for (const r of many) assert.ok(comment.includes(`<summary><b>${r.stack}</b>`), `${r.stack} has no section`);
    assert.match(comment, /more of \d+ changed properties: see the full report \(details\.md/);
    // Small reports are never cut.
    assert.deepEqual(renderReport([base], verdictOf([base])).cutStacks, []);
});

test("size budget: small sections keep everything, the big one gives way", () => {
    const big = analyseStack("dev", events("dev-source-change"));
    const small = analyseStack("local-staging", events("local-staging-promotion"));
    const limit = renderReport([big, small], { ok: true, problems: [] }).comment.length - 300;
    const { comment, cutStacks } = renderReport([big, small], { ok: true, problems: [] }, limit);
    assert.ok(comment.length <= limit, `${comment.length} > ${limit}`);
    assert.deepEqual(cutStacks, ["dev"]);
    assert.ok(comment.includes(`hello@${DIGEST_NEW}`), "the small section lost its rows");
});

test("affected stacks: the source of a built service, a stack's own file, shared code, or nothing", () => {
    const stacks = [
        { stack: "dev", buildPaths: ["app"] },
        { stack: "local-staging", buildPaths: [] },
        { stack: "local-prod", buildPaths: [] },
    ];
    const reasons = (files: string[]) => Object.fromEntries(affectedStacks(files, stacks));
    assert.deepEqual(reasons(["app/cmd/hello/main.go"]), { dev: ["app/ (built here)"], "local-staging": [], "local-prod": [] });
    assert.deepEqual(reasons(["Pulumi.local-prod.yaml", "README.md"]), { dev: [], "local-staging": [], "local-prod": ["Pulumi.local-prod.yaml"] });
    assert.deepEqual(reasons(["components/deploy/pod.ts"]), { dev: ["components/"], "local-staging": ["components/"], "local-prod": ["components/"] });
    assert.deepEqual(reasons(["docs/x.md", "application/x.go"]), { dev: [], "local-staging": [], "local-prod": [] });
});

test("verdict: a mandatory policy that could not run blocks only a production stack", () => {
    const report = analyseStack("prod", events("local-prod-no-change"));
    const notRun = { policy: "images-by-digest", pack: "goship", level: "mandatory" as const, message: "can't run policy during preview", service: "hello" };
    const withNotRun: StackReport = { ...report, services: report.services.map((s) => ({ ...s, couldNotRun: [notRun] })) };
    assert.equal(verdictOf([withNotRun]).ok, true);
    assert.deepEqual(verdictOf([withNotRun], { productionStacks: new Set(["prod"]) }).problems, ["`prod`: mandatory policy `images-by-digest` (hello) could not run at preview"]);
});

test("report arguments", () => {
    assert.deepEqual(parseReportArgs(["--out", "/x", "--stacks", "dev, prod", "--base", "origin/main"]), { out: "/x", stacks: ["dev", "prod"], base: "origin/main" });
    assert.throws(() => parseReportArgs(["--stacks"]), /--stacks needs a value/);
    assert.throws(() => parseReportArgs(["--bogus"]), /unknown flag --bogus/);
});

test("policy: a production stack's mandatory violation is named in its row, its details and the verdict", () => {
    const report = analyseStack("local-prod", events("local-prod-policy-violation"), { enforcement: "mandatory" });
    assert.equal(report.result, "failed");
    assert.deepEqual(report.errors, [], "the engine's bare 'preview failed' is not a reason");
    assert.deepEqual(report.policyPacks, ["goship@v0.1.0"]);
    const hello = report.services[0];
    assert.deepEqual(hello.violations.map((v) => `${v.level} ${v.policy}`), ["mandatory production-min-replicas"]);
    assert.ok(hello.policiesPassed >= 10, `policies passed: ${hello.policiesPassed}`);
    const verdict = verdictOf([report], { productionStacks: new Set(["local-prod"]) });
    assert.deepEqual(verdict.problems, ["`local-prod`: policy `production-min-replicas` (hello) is violated"]);
    const { comment } = renderReport([report], verdict);
    assert.match(reportRow(comment, "local-prod", "(stack)"), /preview failed\*\*: mandatory policy `production-min-replicas`/);
    assert.match(reportRow(comment, "local-prod", "hello"), /\| ❌ 1 mandatory · \d+ passed \|/);
    assert.match(comment, /- ❌ `production-min-replicas` \(hello\), mandatory: hello-deployment: spec\.replicas 1; a production stack runs at least 2/);
    assert.match(comment, /`spec\.replicas` \| `3` \| `1` \|/);
});

test("policy: policies that could not run at preview are listed, and block only where mandatory in production", () => {
    const recorded = events("dev-source-change-policy");
    const advisory = analyseStack("dev", recorded, { enforcement: "advisory" });
    const names = advisory.services[0].couldNotRun.map((c) => `${c.level} ${c.policy}`).sort();
    assert.deepEqual(names, ["advisory image-no-latest-tag", "advisory image-pinned-by-digest", "advisory image-registry-allowed"]);
    assert.match(advisory.services[0].couldNotRun[0].message, /can't be known during preview/);
    assert.ok(verdictOf([advisory], { productionStacks: new Set(["dev"]) }).ok, "advisory: listed, not blocking");
    const { comment } = renderReport([advisory], verdictOf([advisory]));
    assert.match(reportRow(comment, "dev", "hello"), /⏸ 3 could not run · \d+ passed/);
    assert.match(comment, /⏸ `image-pinned-by-digest` \(hello\), advisory, could not run at preview: string value at \.spec\.template\.spec\.containers\.0\.image can't be known during preview/);
    // The same preview in a production stack whose policies are mandatory blocks the merge.
    const mandatory = analyseStack("dev", recorded, { enforcement: "mandatory" });
    assert.equal(verdictOf([mandatory], { productionStacks: new Set(["dev"]) }).problems.length, 3);
    assert.equal(verdictOf([mandatory]).ok, true, "not a production stack: listed only");
});

test("a stack nothing touches may show its pending promotion (its upstream released since), and nothing else", () => {
    const pending = analyseStack("local-staging", events("local-staging-promotion"), { mustNotChange: true });
    assert.deepEqual(pending.gates, [{ name: "no changes expected", ok: true, detail: "only the pending promotion of hello (its upstream's release, not this change)" }]);
    assert.ok(verdictOf([pending]).ok);
    // A change besides the digest move (a replica count) is the pull request's, and refused.
    const more = events("local-staging-promotion").map((e) => {
        const m = e.resourcePreEvent?.metadata;
        if (m?.type === "kubernetes:apps/v1:Deployment" && m.detailedDiff) m.detailedDiff["spec.replicas"] = { diffKind: "update" as never, inputDiff: false };
        return e;
    });
    const refused = analyseStack("local-staging", more, { mustNotChange: true });
    assert.deepEqual(refused.gates.map((g) => g.ok), [false]);
});

test("supply chain: each image's line (signature, SBOM, provenance, vulnerabilities) reaches the stack's section, once", () => {
    const line = "goship supply chain: hello: signed (key sha256:ecfb62bf3968); linux/amd64: SBOM sha256:a616968914cf (1 components), provenance sha256:6b0fb9af1c8b; vulnerabilities: pass";
    const info = (sequence: number): EngineEvent => ({ sequence, timestamp: 0, diagnosticEvent: { prefix: "", message: `${line}\n`, color: "never", severity: "info" } }) as unknown as EngineEvent;
    const report = analyseStack("local-prod", [...events("local-prod-no-change"), info(100000), info(100001)], {});
    assert.deepEqual(report.supplyChain, [line]);
    const rendered = renderReport([report], verdictOf([report])).details;
    assert.equal(rendered.split(`- 🔏 ${line}`).length - 1, 1, rendered);
    assert.deepEqual(analyseStack("local-prod", events("local-prod-no-change"), {}).supplyChain, [], "no line, no entry");
});
