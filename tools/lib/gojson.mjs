// Reads the go command's JSON output on stdin, for the wrapper-module builds of
// tools/lib/gowrap.sh (bash cannot parse JSON).
//
//   go mod download -json MOD@V | node gojson.mjs field PATH.TO.FIELD
//       print one field (nothing if absent or if stdin is not JSON)
//   go mod edit -json GOMOD | node gojson.mjs directives
//       print the directives of an upstream go.mod that a wrapper module repeats, one a line:
//         replace OLD[@V]=NEW@V   a replace that points at a module version
//         local OLD NEW           a replace that points at a directory (../sdk ...)
//         exclude MOD@V
//         godebug KEY=VALUE
//         go VERSION              the go line
let input = "";
process.stdin.on("data", (chunk) => (input += chunk)).on("end", () => {
    const [command, arg] = process.argv.slice(2);
    if (command === "field") {
        let v;
        try { v = JSON.parse(input); } catch { return; }
        for (const k of arg.split(".")) v = v == null ? undefined : v[k];
        if (v != null) console.log(v);
    } else if (command === "directives") {
        const mod = JSON.parse(input);
        for (const r of mod.Replace || []) {
            const old = r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "");
            if (r.New.Version) console.log(`replace ${old}=${r.New.Path}@${r.New.Version}`);
            else console.log(`local ${r.Old.Path} ${r.New.Path}`);
        }
        for (const e of mod.Exclude || []) console.log(`exclude ${e.Path}@${e.Version}`);
        for (const g of mod.GoDebug || []) console.log(`godebug ${g.Key}=${g.Value}`);
        if (mod.Go) console.log(`go ${mod.Go}`);
    } else {
        console.error("usage: gojson.mjs field PATH | directives");
        process.exit(2);
    }
});
