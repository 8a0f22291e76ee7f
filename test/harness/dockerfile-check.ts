import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./program";

/** What tools/dockerfile-check (BuildKit's parser and linter) reports for one file. */
export interface DockerfileCheck {
    file: string;
    error: string | null;
    warnings: { rule: string; line: number; message: string }[];
    stages: { name: string; base: string; platform: string }[];
    instructions: number;
}

/** The checker binary that test/run.sh builds. */
export const CHECKER = path.join(REPO_ROOT, ".build", "bin", "dockerfile-check");

/** Runs BuildKit's parser (and, with lint, its linter) over named Dockerfile texts. */
export function checkDockerfiles(dockerfiles: Record<string, string>, opts: { lint?: boolean; args?: string[] } = {}): Record<string, DockerfileCheck> {
    if (!fs.existsSync(CHECKER)) {
        throw new Error(`${CHECKER} is missing; run the suite through test/run.sh, which builds it`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-dockerfiles-"));
    try {
        const files = Object.entries(dockerfiles).map(([name, text], i) => {
            const file = path.join(dir, `Dockerfile.${i}`);
            fs.writeFileSync(file, text);
            return { name, file };
        });
        const args = ["-json", ...(opts.lint ? ["-lint"] : []), ...(opts.args ?? []), ...files.map((f) => f.file)];
        const run = spawnSync(CHECKER, args, { encoding: "utf8" });
        if (run.error) throw run.error;
        const reports = run.stdout
            .split("\n")
            .filter((l) => l.trim() !== "")
            .map((l) => JSON.parse(l) as DockerfileCheck);
        const byFile = new Map(reports.map((r) => [r.file, r]));
        return Object.fromEntries(
            files.map(({ name, file }) => {
                const report = byFile.get(file);
                if (!report) throw new Error(`dockerfile-check printed nothing for ${name}:\n${run.stdout}\n${run.stderr}`);
                return [name, report];
            }),
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
