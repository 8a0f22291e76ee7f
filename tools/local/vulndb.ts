/**
 * Builds an offline Go vulnerability database in govulncheck's v1 layout from the OSV
 * entries of the golang.org/x/vulndb module (data/osv/*.json), which the Go module proxy
 * serves like any module: no network beyond the proxy.
 *
 *   node .build/tools/local/vulndb.js <vulndb module dir> <output dir>
 *
 * Writes index/db.json (the newest `modified`), index/modules.json (per module: each ID,
 * its `modified` and the newest fixed version) and ID/<id>.json, sorted, so the same module
 * version always gives the same bytes. The layout is x/vuln's internal/client/schema.go.
 */
import * as fs from "fs";
import * as path from "path";

interface OsvEntry {
    id: string;
    modified: string;
    published?: string;
    affected?: { package?: { name?: string }; ranges?: { type?: string; events?: { introduced?: string; fixed?: string }[] }[] }[];
}

function compareSemver(a: string, b: string): number {
    const pa = a.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
    const pb = b.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const x = pa[i] ?? -1;
        const y = pb[i] ?? -1;
        if (x === y) continue;
        if (typeof x === "number" && typeof y === "number") return x - y;
        return String(x) < String(y) ? -1 : 1;
    }
    return 0;
}

/** The database files for these entries, path → content. */
export function buildDatabase(entries: OsvEntry[]): Map<string, string> {
    const files = new Map<string, string>();
    const modules = new Map<string, { id: string; modified: string; fixed?: string }[]>();
    let newest = "1970-01-01T00:00:00Z";
    for (const e of [...entries].sort((a, b) => a.id.localeCompare(b.id))) {
        // x/vulndb's files carry a zero `modified` (it is set when the database is served), so
        // the database's date is the newest of either.
        for (const t of [e.modified, e.published ?? ""]) if (t > newest) newest = t;
        files.set(`ID/${e.id}.json`, JSON.stringify(e));
        for (const a of e.affected ?? []) {
            const name = a.package?.name;
            if (!name) continue;
            const fixes = (a.ranges ?? []).flatMap((r) => (r.events ?? []).map((ev) => ev.fixed).filter((f): f is string => typeof f === "string"));
            const fixed = fixes.sort(compareSemver).pop();
            const list = modules.get(name) ?? [];
            if (!list.some((v) => v.id === e.id)) list.push(fixed ? { id: e.id, modified: e.modified, fixed } : { id: e.id, modified: e.modified });
            modules.set(name, list);
        }
    }
    const index = [...modules.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, vulns]) => ({ path: p, vulns }));
    files.set("index/modules.json", JSON.stringify(index));
    files.set("index/db.json", JSON.stringify({ modified: newest }));
    return files;
}

function main(): void {
    const [moduleDir, out] = process.argv.slice(2);
    if (!moduleDir || !out) throw new Error("usage: vulndb.js <golang.org/x/vulndb module dir> <output dir>");
    const osvDir = path.join(moduleDir, "data", "osv");
    const entries = fs
        .readdirSync(osvDir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => JSON.parse(fs.readFileSync(path.join(osvDir, f), "utf8")) as OsvEntry);
    const tmp = `${out}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const [file, content] of buildDatabase(entries)) {
        fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
        fs.writeFileSync(path.join(tmp, file), content);
    }
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
    console.log(`vulndb: ${entries.length} entries from ${osvDir} → ${out}`);
}

if (require.main === module) main();
