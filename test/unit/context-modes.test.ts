import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { normalizeContextModes } from "../../stack/context-modes";
import { REPO_ROOT } from "../harness/program";

/** Path and permission bits of every file under dir: what docker-build's contextHash sees besides content. */
function modes(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const full = path.join(d, e.name);
            if (e.isDirectory()) walk(full);
            else out.push(`${path.relative(dir, full)} ${(fs.statSync(full).mode & 0o777).toString(8)}`);
        }
    };
    walk(dir);
    return out.sort();
}

function cloneWithUmask(umask: string, into: string): string {
    execFileSync("sh", ["-c", `umask ${umask} && git clone -q "$0" "$1"`, REPO_ROOT, into]);
    return path.join(into, "app");
}

test("a clone under umask 002 ends with the same context file modes as one under 022", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "goship-umask-"));
    try {
        const strict = cloneWithUmask("022", path.join(tmp, "strict"));
        const loose = cloneWithUmask("002", path.join(tmp, "loose"));
        assert.notDeepEqual(modes(strict), modes(loose), "the two clones start out different");
        normalizeContextModes(strict);
        const changed = normalizeContextModes(loose);
        assert.ok(changed.includes("go.mod"), changed.join(", "));
        assert.deepEqual(modes(loose), modes(strict));
        assert.deepEqual(normalizeContextModes(loose), [], "idempotent");
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
});

test("executables stay executable; .git and node_modules are left alone", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-modes-"));
    try {
        fs.writeFileSync(path.join(dir, "run.sh"), "#!/bin/sh\n", { mode: 0o775 });
        fs.writeFileSync(path.join(dir, "main.go"), "package main\n", { mode: 0o600 });
        fs.mkdirSync(path.join(dir, ".git"));
        fs.writeFileSync(path.join(dir, ".git", "config"), "", { mode: 0o664 });
        fs.chmodSync(path.join(dir, "run.sh"), 0o775);
        fs.chmodSync(path.join(dir, ".git", "config"), 0o664);
        assert.deepEqual(normalizeContextModes(dir), ["main.go", "run.sh"]);
        assert.equal(fs.statSync(path.join(dir, "run.sh")).mode & 0o777, 0o755);
        assert.equal(fs.statSync(path.join(dir, "main.go")).mode & 0o777, 0o644);
        assert.equal(fs.statSync(path.join(dir, ".git", "config")).mode & 0o777, 0o664);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
