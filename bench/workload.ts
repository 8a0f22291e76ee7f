/**
 * The two Go programs every build suite builds: the sample service (app/, copied so the
 * one-line change never touches the repo) and a larger generated service, standard
 * library only so it builds offline, the same bytes on every run of the generator.
 */
import * as fs from "fs";
import * as path from "path";

export interface Workload {
    /** "sample" or "generated". */
    name: string;
    /** Module root (holds go.mod). */
    dir: string;
    /** Main package, relative to dir ("./cmd/hello"). */
    main: string;
    packages: number;
    /** Lines of Go in the module, tests excluded. */
    lines: number;
    /** The one-line change to one package that a warm build follows; each call differs. */
    touch(): void;
}

/** Size of the generated service: layers of packages, each importing the layer below. */
export interface GeneratedShape {
    layers: number;
    perLayer: number;
    filesPerPackage: number;
    funcsPerFile: number;
}

/** ~50k lines over 121 packages: tens of seconds cold on two cores. */
export const FULL_SHAPE: GeneratedShape = { layers: 8, perLayer: 15, filesPerPackage: 4, funcsPerFile: 6 };
/** A few packages, for --smoke. */
export const SMOKE_SHAPE: GeneratedShape = { layers: 2, perLayer: 3, filesPerPackage: 2, funcsPerFile: 4 };

const MODULE = "goship.bench/generated";

function pkgName(layer: number, index: number): string {
    return `l${layer}p${String(index).padStart(2, "0")}`;
}

/** One function: deterministic, varied standard-library work, so the compiler has real code to chew. */
function goFunc(pkg: string, file: number, fn: number): string {
    const n = `F${file}x${fn}`;
    const k = (file * 31 + fn * 7) % 13 + 2;
    switch (fn % 4) {
        case 0:
            return [
                `// ${n} folds a string through a map and a sort.`,
                `func ${n}(in string) string {`,
                `\tcounts := map[rune]int{}`,
                `\tfor _, r := range strings.ToLower(in + "${pkg}") {`,
                `\t\tcounts[r] += ${k}`,
                `\t}`,
                `\tkeys := make([]string, 0, len(counts))`,
                `\tfor r, c := range counts {`,
                `\t\tkeys = append(keys, string(r)+strconv.Itoa(c))`,
                `\t}`,
                `\tsort.Strings(keys)`,
                `\treturn strings.Join(keys, ",")`,
                `}`,
            ].join("\n");
        case 1:
            return [
                `// ${n} sums a small series with integer and float arithmetic.`,
                `func ${n}(seed int) int {`,
                `\ttotal := seed`,
                `\tfor i := 0; i < ${k * 3}; i++ {`,
                `\t\tswitch {`,
                `\t\tcase i%3 == 0:`,
                `\t\t\ttotal += i * ${k}`,
                `\t\tcase i%3 == 1:`,
                `\t\t\ttotal ^= int(math.Sqrt(float64(i + ${k})))`,
                `\t\tdefault:`,
                `\t\t\ttotal -= i / ${k}`,
                `\t\t}`,
                `\t}`,
                `\treturn total`,
                `}`,
            ].join("\n");
        case 2:
            return [
                `// ${n}Record is what ${n} encodes.`,
                `type ${n}Record struct {`,
                `\tName  string   \`json:"name"\``,
                `\tCount int      \`json:"count"\``,
                `\tTags  []string \`json:"tags"\``,
                `}`,
                ``,
                `// ${n} round-trips a record through JSON.`,
                `func ${n}(name string) (${n}Record, error) {`,
                `\trec := ${n}Record{Name: name, Count: ${k}, Tags: []string{"${pkg}", fmt.Sprint(${k})}}`,
                `\tb, err := json.Marshal(rec)`,
                `\tif err != nil {`,
                `\t\treturn rec, err`,
                `\t}`,
                `\tvar out ${n}Record`,
                `\terr = json.Unmarshal(b, &out)`,
                `\treturn out, err`,
                `}`,
            ].join("\n");
        default:
            return [
                `// ${n} formats a table of values into a buffer.`,
                `func ${n}(rows int) string {`,
                `\tvar b bytes.Buffer`,
                `\tfor i := 0; i < rows%${k + 5}; i++ {`,
                `\t\tfmt.Fprintf(&b, "%s-%03d-%x\\n", "${pkg}", i, i*${k})`,
                `\t}`,
                `\tif b.Len() > ${k * 40} {`,
                `\t\tb.Truncate(${k * 40})`,
                `\t}`,
                `\treturn b.String()`,
                `}`,
            ].join("\n");
    }
}

const IMPORTS = ["bytes", "encoding/json", "fmt", "math", "sort", "strconv", "strings"];

function goFile(shape: GeneratedShape, layer: number, index: number, file: number): string {
    const pkg = pkgName(layer, index);
    const deps = layer === 0 ? [] : [pkgName(layer - 1, index), pkgName(layer - 1, (index + 1) % shape.perLayer)];
    const imports = [...IMPORTS.map((i) => `\t"${i}"`)];
    if (file === 0) imports.push(...deps.map((d) => `\t"${MODULE}/internal/${d}"`));
    const funcs = Array.from({ length: shape.funcsPerFile }, (_, fn) => goFunc(pkg, file, fn));
    const uses = ["var _ = bytes.MinRead", "var _ = json.Valid", "var _ = fmt.Sprint", "var _ = math.Pi", "var _ = sort.Ints", "var _ = strconv.Itoa", "var _ = strings.ToLower"];
    const parts = [`// Code generated by goship's benchmark (bench/workload.ts). DO NOT EDIT.`, ``, `package ${pkg}`, ``, `import (`, ...imports, `)`, ``, ...uses, ``, funcs.join("\n\n")];
    if (file === 0) {
        const calls = [...deps.map((d) => `\tn += len(${d}.Entry(name))`)];
        for (let f = 0; f < shape.filesPerPackage; f++) {
            calls.push(`\tn += len(F${f}x0(name)) + F${f}x1(n)`);
        }
        parts.push("", `// Touch is the line the benchmark's one-line change rewrites.`, `const Touch = 0`, "", `// Entry reaches every file of the package and the packages below it, so the linker keeps them.`, `func Entry(name string) string {`, `\tn := Touch`, ...calls, `\treturn strconv.Itoa(n)`, `}`);
    }
    return parts.join("\n") + "\n";
}

function mainFile(shape: GeneratedShape): string {
    const top = Array.from({ length: shape.perLayer }, (_, i) => pkgName(shape.layers - 1, i));
    return [
        `// Code generated by goship's benchmark (bench/workload.ts). DO NOT EDIT.`,
        ``,
        `// Command server answers every request with a digest of its whole package tree.`,
        `package main`,
        ``,
        `import (`,
        `\t"fmt"`,
        `\t"net/http"`,
        `\t"os"`,
        ``,
        ...top.map((p) => `\t"${MODULE}/internal/${p}"`),
        `)`,
        ``,
        `func main() {`,
        `\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {`,
        ...top.map((p) => `\t\tfmt.Fprintln(w, ${p}.Entry(r.URL.Path))`),
        `\t})`,
        `\tif err := http.ListenAndServe(":8080", nil); err != nil {`,
        `\t\tfmt.Fprintln(os.Stderr, err)`,
        `\t\tos.Exit(1)`,
        `\t}`,
        `}`,
        ``,
    ].join("\n");
}

/** Every file of the generated module, by relative path: a pure function of the shape. */
export function generatedFiles(shape: GeneratedShape, goVersion: string): Map<string, string> {
    const files = new Map<string, string>();
    files.set("go.mod", `module ${MODULE}\n\ngo ${goVersion}\n`);
    files.set("cmd/server/main.go", mainFile(shape));
    for (let layer = 0; layer < shape.layers; layer++) {
        for (let index = 0; index < shape.perLayer; index++) {
            for (let file = 0; file < shape.filesPerPackage; file++) {
                files.set(`internal/${pkgName(layer, index)}/f${file}.go`, goFile(shape, layer, index, file));
            }
        }
    }
    return files;
}

function countLines(dir: string): number {
    let lines = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (!entry.isFile() || !entry.name.endsWith(".go") || entry.name.endsWith("_test.go")) continue;
        lines += fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8").split("\n").length - 1;
    }
    return lines;
}

/** Rewrites `const Touch = <n>` in FILE to the next value: one line, one package. */
function toucher(file: string): () => void {
    let n = 0;
    return () => {
        n++;
        const text = fs.readFileSync(file, "utf8");
        const next = text.replace(/^const Touch = \d+$/m, `const Touch = ${n}`);
        if (next === text) throw new Error(`${file} has no "const Touch = N" line to change`);
        fs.writeFileSync(file, next);
    };
}

/** Writes the generated service under DIR/generated. */
export function generatedWorkload(dir: string, shape: GeneratedShape, goVersion: string): Workload {
    const root = path.join(dir, "generated");
    fs.rmSync(root, { recursive: true, force: true });
    for (const [rel, text] of generatedFiles(shape, goVersion)) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
    }
    return {
        name: "generated",
        dir: root,
        main: "./cmd/server",
        packages: shape.layers * shape.perLayer + 1,
        lines: countLines(root),
        touch: toucher(path.join(root, "internal", pkgName(0, 0), "f0.go")),
    };
}

/** The sample service, copied under DIR/sample; the change appends a line to its server package. */
export function sampleWorkload(repo: string, dir: string): Workload {
    const root = path.join(dir, "sample");
    fs.rmSync(root, { recursive: true, force: true });
    fs.cpSync(path.join(repo, "app"), root, { recursive: true });
    const target = path.join(root, "internal", "server", "bench_touch.go");
    fs.writeFileSync(target, "package server\n\n// Touch is the line the benchmark's one-line change rewrites.\nconst Touch = 0\n");
    const packages = new Set<string>();
    for (const e of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
        if (e.isFile() && e.name.endsWith(".go") && !e.name.endsWith("_test.go")) packages.add(e.parentPath);
    }
    return { name: "sample", dir: root, main: "./cmd/hello", packages: packages.size, lines: countLines(root), touch: toucher(target) };
}
