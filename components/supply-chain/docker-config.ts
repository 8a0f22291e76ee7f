/**
 * Registry logins for cosign, which reads them the way Docker does: a `config.json` in
 * DOCKER_CONFIG. goship writes one into a private temporary directory for each run and
 * removes it after, so no login lands on the command line or in the user's own Docker config.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RegistryLogin } from "../publish/registry-api";

/** Runs `work` with a DOCKER_CONFIG directory holding these logins (host → login). */
export async function withDockerConfig<T>(logins: Record<string, RegistryLogin | undefined>, work: (env: Record<string, string>) => Promise<T>): Promise<T> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "goship-cosign-"));
    try {
        const auths: Record<string, { auth: string }> = {};
        for (const [host, login] of Object.entries(logins)) {
            if (login) auths[host] = { auth: Buffer.from(`${login.username}:${login.password}`, "utf8").toString("base64") };
        }
        fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ auths }), { mode: 0o600 });
        return await work({ DOCKER_CONFIG: dir });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
