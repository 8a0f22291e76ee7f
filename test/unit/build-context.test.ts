import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { goBuildSettingsSchema } from "../../components/build/go-settings";
import { buildArgsField } from "../../components/build/args";
import { REQUIRED_DOCKERIGNORE_PATTERNS, renderContextIgnore } from "../../components/build/dockerignore";
import { crlfFiles } from "../../components/build/line-endings";
import { fromGitignoreLine, gitignorePatterns } from "../../components/build/gitignore";
import { localReplaceTargets, moduleLayout, workspaceDirs } from "../../components/build/module-layout";
import { looksSecret } from "../../components/build/secret-names";

function tree(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "goship-ctx-"));
    for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), content);
    }
    return root;
}

test("context policy: the user's .dockerignore counts, goship's required patterns come last so no ! line brings them back", () => {
    const ignore = renderContextIgnore({ includeDirs: ["."], userIgnores: [{ dir: ".", content: "# mine\ndocs/\n!.git\n" }] });
    const lines = ignore.split("\n").filter((l) => l && !l.startsWith("#"));
    assert.ok(lines.includes("docs/"), "the user's pattern is kept");
    const negation = lines.indexOf("!.git");
    assert.ok(negation >= 0);
    for (const p of REQUIRED_DOCKERIGNORE_PATTERNS) assert.ok(lines.lastIndexOf(p) > negation, `${p} after the user's lines`);
});

test("context policy for a monorepo: everything out, the module and its local dependencies in, patterns rebased", () => {
    const ignore = renderContextIgnore({
        includeDirs: ["services/api", "libs/text"],
        includeFiles: ["go.work"],
        userIgnores: [{ dir: "services/api", content: "testdata\n!keep.out\n" }],
    });
    const lines = ignore.split("\n").filter((l) => l && !l.startsWith("#"));
    assert.deepEqual(lines.slice(0, 4), ["*", "!libs/text", "!services/api", "!go.work"]);
    assert.ok(lines.includes("services/api/testdata") && lines.includes("!services/api/keep.out"));
    assert.ok(lines.includes("libs/text/bin") && lines.includes("services/api/**/node_modules"));
    assert.equal(lines.at(-1), ".git");
});

test("module layout: replace targets and go.work use dirs are sent; a dependency outside the context is reported", () => {
    assert.deepEqual(localReplaceTargets("module a\nreplace example.com/lib => ../lib\nreplace (\n\texample.com/x v1.0.0 => ./x // local\n\texample.com/y => example.com/y v1.2.0\n)\n"), ["../lib", "./x"]);
    assert.deepEqual(workspaceDirs("go 1.26\nuse (\n\t./services/api\n\t\"./libs/text\"\n)\nuse ./tools\n"), ["./services/api", "./libs/text", "./tools"]);
    const root = tree({
        "go.work": "go 1.26\nuse ./services/api\n",
        "services/api/go.mod": "module example.com/api\nreplace example.com/text => ../../libs/text\n",
        "libs/text/go.mod": "module example.com/text\nreplace example.com/deep => ../deep\n",
        "libs/deep/go.mod": "module example.com/deep\n",
        "unrelated/big.bin": "x",
    });
    assert.deepEqual(moduleLayout(root, "services/api"), { includeDirs: ["libs/deep", "libs/text", "services/api"], includeFiles: ["go.work"], outside: [] });
    const outside = moduleLayout(path.join(root, "services/api"), ".");
    assert.deepEqual(outside.outside.map((o) => o.dir), ["../../libs/text"]);
});

test("CRLF: text files with CRLF are found, binaries and LF files are not, ignored directories are skipped", () => {
    const root = tree({ "main.go": "package main\r\n", "static/a.css": "a {}\n", "static/logo.bin": "\0\r\n", "node_modules/x.js": "x\r\n" });
    assert.deepEqual(crlfFiles(root, ["."]), ["main.go"]);
});

test("secret-looking build arg names are refused with the fix; harmless ones pass", () => {
    for (const name of ["GITHUB_TOKEN", "API_KEY", "db_password", "AUTH", "NPM_AUTH_TOKEN", "SECRET"]) assert.ok(looksSecret(name), name);
    for (const name of ["PUBLIC_KEY", "TOKEN_FILE", "KEYBOARD", "MONKEY", "REGION", "KEY_VERSION"]) assert.ok(!looksSecret(name), name);
    const refused = buildArgsField.safeParse({ GITHUB_TOKEN: "ghp_x", REGION: "eu" });
    assert.ok(!refused.success);
    assert.equal(refused.error.issues.length, 1);
    assert.match(refused.error.issues[0].message, /GITHUB_TOKEN looks like a secret.*move it to buildSecrets/);
    assert.match(buildArgsField.safeParse({ GOPROXY: "x" }).error?.issues[0].message ?? "", /use the service's go settings/);
});

test("Go settings: credentials in GOPROXY, cgo and goship's own flags are refused with the reason", () => {
    const problems = (v: unknown) => goBuildSettingsSchema.safeParse(v).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    assert.deepEqual(problems({ proxy: "https://goproxy.example.com,direct", noSumDb: ["goship.test/*"], flags: ["-mod=readonly"], ldflags: { "main.commit": "abc" } }), []);
    assert.match(problems({ proxy: "https://ci:hunter2@goproxy.example.com" })[0], /carries credentials.*go\.netrc/);
    assert.match(problems({ proxy: "ftp://x" })[0], /must be an https/);
    assert.match(problems({ cgo: true })[0], /^cgo: cgo cannot be turned on: goship cross-compiles/);
    assert.match(problems({ flags: ["-ldflags=-s"] })[0], /use go\.ldflags and go\.tags/);
    assert.match(problems({ ldflags: { "main.commit": "a b" } })[0], /must not contain spaces/);
});

test("what git ignores leaves the context: unanchored patterns of the directories above, every pattern of the context's own", () => {
    const root = tree({ ".git/HEAD": "ref\n", ".gitignore": "*.log\n/build/\ncoverage/\n", "svc/.gitignore": "/tmp-data\n!keep.log\n", "svc/go.mod": "module x\n" });
    assert.deepEqual(gitignorePatterns(path.join(root, "svc"), ["."]), ["**/*.log", "**/coverage", "tmp-data", "!**/keep.log"]);
    assert.deepEqual(gitignorePatterns(root, ["svc"]), ["**/*.log", "build", "**/coverage", "svc/tmp-data", "!svc/**/keep.log"]);
    assert.equal(fromGitignoreLine("# comment", ".", true), undefined);
});
