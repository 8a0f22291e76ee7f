// Helper of lint.sh (not meant to be run by hand):
//
//   node lint.mjs prepare DIR WORK   read every YAML file under DIR into WORK/manifests/
//                                    manifests.yaml, check suppressions.yaml, write the
//                                    tools' configuration into WORK
//   node lint.mjs report WORK        read the tools' JSON reports from WORK, apply the
//                                    per-object suppressions, print the findings and the
//                                    summary; exit 0 (none), 1 (findings), 2 (a tool failed)
//
// Exit 2 from prepare: invalid manifests or an invalid suppression (message names it).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const TOOLS = ["kube-score", "kube-linter", "polaris"];

function fail(msg) {
    process.stderr.write(`lint.sh: error: ${msg}\n`);
    process.exit(2);
}

let YAML;
try {
    YAML = createRequire(path.join(repo, "package.json"))("yaml");
} catch {
    fail(`the "yaml" package is missing from ${repo}/node_modules; run npm ci first`);
}

const readJson = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
const writeJson = (f, v) => fs.writeFileSync(f, JSON.stringify(v, null, 2) + "\n");
const ref = (o) => `${o.kind || "?"} ${o.namespace ? o.namespace + "/" : ""}${o.name || "?"}`;

// ---------------------------------------------------------------------------------------
// prepare

function yamlFiles(dir) {
    const out = [];
    const walk = (d) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (/\.ya?ml$/i.test(e.name) && (e.isFile() || e.isSymbolicLink())) out.push(p);
        }
    };
    walk(dir);
    return out;
}

// Every Kubernetes object in DIR: {kind, namespace, name, file, line, text, annotations}.
// Paths are shown as DIR (as given on the command line) + the path under it.
function readManifests(dir, shownDir) {
    const objects = [];
    for (const file of yamlFiles(dir)) {
        const rel = path.join(shownDir, path.relative(dir, file));
        const src = fs.readFileSync(file, "utf8");
        const lc = new YAML.LineCounter();
        const docs = YAML.parseAllDocuments(src, { lineCounter: lc });
        if (!Array.isArray(docs)) fail(`${rel}: not YAML`);
        for (const doc of docs) {
            const line = lc.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0).line;
            if (doc.errors.length > 0) fail(`${rel}: ${doc.errors[0].message.split("\n")[0].replace(/:$/, "")}`);
            const value = doc.toJS({ maxAliasCount: 1000 });
            if (value === null || value === undefined) continue; // empty document (comments, ---)
            const items = value && value.kind === "List" && Array.isArray(value.items) ? value.items : [value];
            for (const v of items) {
                if (!v || typeof v !== "object" || Array.isArray(v) || !v.apiVersion || !v.kind) {
                    fail(`${rel}:${line}: a document that is not a Kubernetes object (no apiVersion/kind)`);
                }
                const m = v.metadata || {};
                if (!m.name) fail(`${rel}:${line}: ${v.kind} without metadata.name`);
                objects.push({
                    kind: v.kind,
                    namespace: m.namespace || "",
                    name: m.name,
                    file: rel,
                    line,
                    annotations: m.annotations || {},
                    text: items.length === 1 ? doc.toString() : YAML.stringify(v),
                });
            }
        }
    }
    return objects;
}

const ENTRY_KEYS = new Set(["tool", "check", "object", "reason"]);
const OBJECT_KEYS = new Set(["kind", "namespace", "name"]);

// The entries of suppressions.yaml, checked. known: {tool: Set of check ids}.
function readSuppressions(file, known) {
    const rel = path.relative(process.cwd(), file);
    let doc;
    try {
        doc = YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        fail(`${rel}: ${e.message.split("\n")[0]}`);
    }
    const list = doc?.suppressions;
    if (!Array.isArray(list)) fail(`${rel}: needs a "suppressions:" list (may be empty: suppressions: [])`);
    return list.map((e, i) => {
        const at = `${rel}: suppressions[${i}]` + (e && e.tool && e.check ? ` (${e.tool} ${e.check}${e.object?.name ? " " + ref(e.object) : ""})` : "");
        if (!e || typeof e !== "object" || Array.isArray(e)) fail(`${at}: not a mapping`);
        for (const k of Object.keys(e)) if (!ENTRY_KEYS.has(k)) fail(`${at}: unknown key "${k}" (allowed: tool, check, object, reason)`);
        if (typeof e.reason !== "string" || e.reason.trim() === "") fail(`${at}: has no reason; every suppression needs a one-line "reason:"`);
        if (/[\r\n]/.test(e.reason.trim())) fail(`${at}: the reason must be one line`);
        if (!TOOLS.includes(e.tool)) fail(`${at}: tool must be one of ${TOOLS.join(", ")}`);
        if (typeof e.check !== "string" || !known[e.tool].has(e.check)) {
            fail(`${at}: "${e.check}" is not a ${e.tool} check id (see README.md for the lists)`);
        }
        if (e.object !== undefined) {
            if (!e.object || typeof e.object !== "object") fail(`${at}: object must be a mapping with kind, namespace, name`);
            for (const k of Object.keys(e.object)) if (!OBJECT_KEYS.has(k)) fail(`${at}: unknown key object.${k}`);
            if (typeof e.object.name !== "string" || !e.object.name) fail(`${at}: object needs a name`);
        }
        return { index: i, at, tool: e.tool, check: e.check, object: e.object, reason: e.reason.trim() };
    });
}

// The kinds a Polaris check applies to (the "target" of pkg/config/checks/<id>.yaml):
// the RBAC, HPA, PDB, ConfigMap and Ingress checks name their kind, all others apply to
// workloads (Controller, PodSpec, PodTemplate, Container targets).
const WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "ReplicationController", "Pod"];
function polarisTargetKinds(check) {
    if (/^clusterrolebinding/.test(check)) return ["ClusterRoleBinding"];
    if (/^clusterrole/.test(check)) return ["ClusterRole"];
    if (/^rolebinding/.test(check)) return ["RoleBinding"];
    if (/^role/.test(check)) return ["Role"];
    if (/^hpa/.test(check)) return ["HorizontalPodAutoscaler"];
    if (check === "pdbDisruptionsIsZero") return ["PodDisruptionBudget"];
    if (check === "sensitiveConfigmapContent") return ["ConfigMap"];
    if (check === "tlsSettingsMissing") return ["Ingress"];
    return WORKLOADS;
}

function prepare(shownDir, work) {
    const dir = path.resolve(shownDir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`${shownDir} is not a directory`);
    const objects = readManifests(dir, shownDir);
    if (objects.length === 0) fail(`no Kubernetes objects in the YAML files under ${dir}`);
    const files = new Set(objects.map((o) => o.file));

    // One multi-document file: all three tools see exactly the same objects, in one
    // context (kube-linter otherwise matches Services, NetworkPolicies ... per directory).
    fs.mkdirSync(path.join(work, "manifests"), { recursive: true });
    // Each configuration file alone in its directory: kube-linter looks for its --config
    // by name next to other files (it once picked up its own report, kube-linter.json).
    fs.mkdirSync(path.join(work, "config"), { recursive: true });
    fs.writeFileSync(
        path.join(work, "manifests", "manifests.yaml"),
        objects.map((o) => `# ${o.file}:${o.line}\n${o.text.replace(/^---\s*\n/, "").trimEnd()}\n`).join("---\n"),
    );
    writeJson(path.join(work, "objects.json"), objects.map(({ text, ...o }) => o));

    // Check ids each tool knows (written by lint.sh from the binaries and polaris.yaml).
    const known = {
        "kube-score": new Set(fs.readFileSync(path.join(work, "kube-score-checks.csv"), "utf8").split("\n").map((l) => l.split(",")[0]).filter(Boolean)),
        "kube-linter": new Set(readJson(path.join(work, "kube-linter-checks.json")).map((c) => c.name)),
        polaris: new Set(Object.keys(YAML.parse(fs.readFileSync(path.join(here, "polaris.yaml"), "utf8")).checks)),
    };
    const sups = readSuppressions(path.join(here, "suppressions.yaml"), known);

    // kube-score: tool-wide entries become --ignore-test.
    const ksArgs = sups.filter((s) => s.tool === "kube-score" && !s.object).map((s) => `--ignore-test=${s.check}`);
    fs.writeFileSync(path.join(work, "kube-score-suppress.args"), ksArgs.map((a) => a + "\n").join(""));

    // kube-linter: tool-wide entries go to checks.exclude.
    const kl = YAML.parse(fs.readFileSync(path.join(here, "kube-linter.yaml"), "utf8"));
    kl.checks.exclude = [...(kl.checks.exclude || []), ...sups.filter((s) => s.tool === "kube-linter" && !s.object).map((s) => s.check)];
    fs.writeFileSync(path.join(work, "config", "kube-linter.yaml"), YAML.stringify(kl));

    // Polaris: tool-wide entries set the check to "ignore"; per-object ones become exemptions.
    const pol = YAML.parse(fs.readFileSync(path.join(here, "polaris.yaml"), "utf8"));
    pol.exemptions = pol.exemptions || [];
    for (const s of sups.filter((s) => s.tool === "polaris")) {
        if (!s.object) {
            pol.checks[s.check] = "ignore";
            continue;
        }
        // Polaris matches controllerNames by prefix: "web" would also exempt "web-worker"
        // (but not the ConfigMap "web-tz" from a check that only applies to workloads).
        const o = s.object;
        const kinds = polarisTargetKinds(s.check);
        const others = objects.filter(
            (x) => x.name !== o.name && x.name.startsWith(o.name) && (!o.namespace || x.namespace === o.namespace) && kinds.includes(x.kind),
        );
        if (others.length > 0) {
            fail(`${s.at}: Polaris would also exempt ${others.map(ref).join(", ")} (it matches names by prefix); rename, or suppress the check for all objects`);
        }
        pol.exemptions.push({ ...(o.namespace ? { namespace: o.namespace } : {}), controllerNames: [o.name], rules: [s.check] });
    }
    fs.writeFileSync(path.join(work, "config", "polaris.yaml"), YAML.stringify(pol));

    // Per-object entries of kube-score and kube-linter: applied to their JSON reports.
    writeJson(path.join(work, "filters.json"), sups.filter((s) => s.object && s.tool !== "polaris"));
    writeJson(path.join(work, "suppressions.json"), sups);

    process.stderr.write(
        `lint.sh: ${objects.length} objects in ${files.size} file(s) under ${shownDir}; ` +
            `${sups.length} suppression(s) in tools/linters/suppressions.yaml\n`,
    );
}

// ---------------------------------------------------------------------------------------
// report

const KS_GRADE = { 1: "CRITICAL", 5: "WARNING", 7: "ALMOST-OK" };

function report(work) {
    const objects = readJson(path.join(work, "objects.json"));
    const filters = readJson(path.join(work, "filters.json"));
    const versions = readJson(path.join(work, "versions.json"));
    const where = (kind, ns, name) => {
        const o = objects.find((x) => x.kind === kind && x.namespace === (ns || "") && x.name === name);
        return o ? `${o.file}:${o.line}` : "";
    };
    const suppressed = (tool, check, kind, ns, name) =>
        filters.find(
            (s) =>
                s.tool === tool &&
                s.check === check &&
                s.object.name === name &&
                (!s.object.kind || s.object.kind === kind) &&
                (s.object.namespace === undefined || s.object.namespace === (ns || "")),
        );

    const results = {};
    let broken = false;
    const section = (tool, run) => {
        const status = readJson(path.join(work, "out", `${tool}.status.json`));
        console.log(`\n=== ${tool} ${versions[tool]} ===`);
        console.log(`$ ${status.command}`);
        const findings = [];
        let hidden = 0;
        let extra = "";
        let error = "";
        try {
            const out = fs.readFileSync(path.join(work, "out", `${tool}.json`), "utf8");
            ({ extra = "" } = run(out, (f) => {
                const s = suppressed(tool, f.check, f.kind, f.namespace, f.name);
                if (s) hidden++;
                else findings.push(f);
            }) || {});
        } catch (e) {
            error = `cannot read ${tool}'s report: ${e.message.split("\n")[0]}`;
        }
        const stderr = fs.readFileSync(path.join(work, "out", `${tool}.stderr`), "utf8").trim();
        if (!error && status.unexpected) error = status.unexpected;
        // Polaris skips what it cannot parse with a log line, and kube-linter warns when it
        // finds nothing; both would look like a clean run, so any such line is an error.
        if (!error && tool === "polaris" && /level=(warning|error|fatal)/.test(stderr)) error = "Polaris logged a warning or error (see below)";
        if (!error && tool === "kube-linter" && /Warning:|no valid objects/i.test(stderr)) error = "kube-linter logged a warning (see below)";
        for (const f of findings) {
            const loc = where(f.kind, f.namespace, f.name);
            console.log(`${f.level.padEnd(9)} ${ref(f)}  [${f.check}]  ${f.message}${loc ? `  (${loc})` : ""}`);
            if (f.detail) console.log(`          ${f.detail}`);
        }
        if (findings.length === 0 && !error) console.log("no findings");
        const mine = readJson(path.join(work, "suppressions.json")).filter((s) => s.tool === tool);
        if (mine.length > 0) {
            const wide = mine.filter((s) => !s.object).map((s) => s.check);
            const per = mine.filter((s) => s.object).map((s) => `${s.check} on ${ref(s.object)}`);
            console.log(
                `suppressions.yaml: ${wide.length ? `off for all objects: ${wide.join(", ")}` : ""}${wide.length && per.length ? "; " : ""}` +
                    `${per.length ? `per object: ${per.join(", ")}` : ""}` +
                    (tool === "polaris" ? " (applied by Polaris itself)" : hidden ? ` (${hidden} finding(s) hidden)` : ""),
            );
        }
        if (extra) console.log(extra);
        if (error) {
            broken = true;
            console.log(`ERROR: ${error}`);
            if (stderr) console.log(stderr.split("\n").map((l) => "  | " + l).join("\n"));
        }
        results[tool] = { n: findings.length, error };
    };

    section("kube-score", (out, add) => {
        for (const o of JSON.parse(out)) {
            const obj = { kind: o.type_meta.kind, namespace: o.object_meta.namespace || "", name: o.object_meta.name };
            for (const c of o.checks) {
                // Stricter than --exit-one-on-warning: "almost OK" (grade 7) counts too.
                if (c.skipped || c.grade >= 10) continue;
                const level = KS_GRADE[c.grade] || `GRADE-${c.grade}`;
                const comments = c.comments && c.comments.length ? c.comments : [{ summary: c.check.name }];
                for (const cm of comments) {
                    add({ ...obj, check: c.check.id, level, message: `${cm.path ? `(${cm.path}) ` : ""}${cm.summary}`, detail: cm.description || "" });
                }
            }
        }
    });

    section("kube-linter", (out, add) => {
        const j = JSON.parse(out);
        for (const r of j.Reports || []) {
            const k = r.Object.K8sObject;
            add({ kind: k.GroupVersionKind.Kind, namespace: k.Namespace || "", name: k.Name, check: r.Check, level: "ERROR", message: r.Diagnostic.Message, detail: r.Remediation ? `fix: ${r.Remediation.trim().replace(/\s+/g, " ")}` : "" });
        }
        // kube-linter honours ignore-check.kube-linter.io/* annotations and has no switch to
        // turn them off: an object carrying one is a finding of its own.
        for (const o of objects) {
            for (const key of Object.keys(o.annotations)) {
                if (key.startsWith("ignore-check.kube-linter.io/") || key === "kube-linter.io/ignore-all") {
                    add({ ...o, check: "lint.sh/annotation-suppression", level: "ERROR", message: `annotation ${key} hides kube-linter findings`, detail: "fix: remove it; suppress in tools/linters/suppressions.yaml (with a reason) instead" });
                }
            }
        }
    });

    section("polaris", (out, add) => {
        const j = JSON.parse(out);
        const each = (obj, set, container) => {
            for (const [id, r] of Object.entries(set || {})) {
                if (r.Success) continue;
                add({ ...obj, check: id, level: String(r.Severity).toUpperCase(), message: `${container ? `(${container}) ` : ""}${r.Message}`, detail: r.Category ? `category: ${r.Category}` : "" });
            }
        };
        for (const r of j.Results || []) {
            const obj = { kind: r.Kind, namespace: r.Namespace || "", name: r.Name };
            each(obj, r.Results);
            if (r.PodResult) {
                each(obj, r.PodResult.Results);
                for (const c of r.PodResult.ContainerResults || []) each(obj, c.Results, c.Name);
            }
        }
        return { extra: `Polaris score: ${j.Score}` };
    });

    console.log("\n=== summary ===");
    for (const tool of TOOLS) {
        const r = results[tool];
        console.log(`${tool} ${versions[tool]}: ${r.n} findings${r.error ? " (TOOL ERROR: " + r.error + ")" : ""}`);
    }
    if (broken) process.exit(2);
    process.exit(TOOLS.some((t) => results[t].n > 0) ? 1 : 0);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "prepare" && args.length === 2) prepare(args[0], args[1]);
else if (cmd === "report" && args.length === 1) report(args[0]);
else fail("usage: node lint.mjs prepare DIR WORK | report WORK");
