package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCLIGood(t *testing.T) {
	code, out, errOut := runCLI(t, "", "-lint", "testdata/good/cross-compile.Dockerfile", "testdata/good/windows.Dockerfile")
	if code != 0 || out != "" || errOut != "" {
		t.Fatalf("code=%d out=%q err=%q", code, out, errOut)
	}
}

func TestCLIParseError(t *testing.T) {
	p := writeFile(t, "Dockerfile", "FROM alpine\nFOO bar\n")
	code, out, _ := runCLI(t, "", p)
	want := p + ":2: error: dockerfile parse error on line 2: unknown instruction: FOO (did you mean FROM?)\n"
	if code != 1 || out != want {
		t.Fatalf("code=%d out=%q, want %q", code, out, want)
	}
}

func TestCLIWarnings(t *testing.T) {
	df := "FROM alpine as y\nMAINTAINER me\nENTRYPOINT /app\n"
	code, out, _ := runCLI(t, df, "-lint", "-")
	want := "<stdin>:1: warning FromAsCasing: 'as' and 'FROM' keywords' casing do not match\n" +
		"<stdin>:2: warning MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label\n" +
		"<stdin>:3: warning JSONArgsRecommended: JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals\n"
	if code != 2 || out != want {
		t.Fatalf("code=%d out=\n%s\nwant\n%s", code, out, want)
	}
	// Without -lint, warnings neither print nor fail.
	if code, out, _ := runCLI(t, df, "-"); code != 0 || out != "" {
		t.Fatalf("no -lint: code=%d out=%q", code, out)
	}
}

// An error in one file wins over warnings in another.
func TestCLIExitStatus(t *testing.T) {
	bad := writeFile(t, "bad", "FROM alpine\nCOPY --chown /a /b\n")
	warn := writeFile(t, "warn", "FROM alpine\nMAINTAINER me\n")
	if code, _, _ := runCLI(t, "", "-lint", warn, bad); code != 1 {
		t.Fatalf("code=%d, want 1", code)
	}
	if code, _, _ := runCLI(t, "", "-lint", bad, warn); code != 1 {
		t.Fatalf("code=%d, want 1", code)
	}
	if code, out, _ := runCLI(t, "", filepath.Join(t.TempDir(), "missing")); code != 1 || !strings.Contains(out, ":0: error: open ") {
		t.Fatalf("missing file: code=%d out=%q", code, out)
	}
	if code, _, _ := runCLI(t, ""); code != 64 {
		t.Fatalf("no files: code=%d, want 64", code)
	}
	if code, _, _ := runCLI(t, "", "-nope", "x"); code != 64 {
		t.Fatalf("bad flag: code=%d, want 64", code)
	}
	if code, _, _ := runCLI(t, "", "-platform", "not/a/valid/platform", "x"); code != 64 {
		t.Fatalf("bad platform: code=%d, want 64", code)
	}
}

func TestCLIJSON(t *testing.T) {
	bad := writeFile(t, "bad", "FROM alpine\nFOO\n")
	code, out, _ := runCLI(t, "", "-lint", "-json", "testdata/good/cross-compile.Dockerfile", bad, "testdata/good/windows.Dockerfile")
	if code != 1 {
		t.Fatalf("code=%d", code)
	}
	var results []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		results = append(results, m)
	}
	if len(results) != 3 {
		t.Fatalf("want 3 JSON lines, got %d:\n%s", len(results), out)
	}
	good := results[0]
	if good["error"] != nil || good["instructions"] != float64(20) || len(good["warnings"].([]any)) != 0 {
		t.Fatalf("good: %v", good)
	}
	stage0 := good["stages"].([]any)[0].(map[string]any)
	if stage0["name"] != "build" || stage0["platform"] != "$BUILDPLATFORM" || !strings.HasPrefix(stage0["base"].(string), "golang@sha256:") {
		t.Fatalf("stage 0: %v", stage0)
	}
	if e, _ := results[1]["error"].(string); !strings.Contains(e, "unknown instruction: FOO") || results[1]["error_line"] != float64(2) {
		t.Fatalf("bad: %v", results[1])
	}
	win := results[2]["stages"].([]any)[1].(map[string]any)
	if win["base"] != "mcr.microsoft.com/windows/nanoserver:ltsc2022" {
		t.Fatalf("windows: %v", win)
	}

	code, out, _ = runCLI(t, "FROM alpine\nWORKDIR app\n", "-lint", "-json", "-")
	var res Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 2 {
		t.Fatalf("code=%d err=%v out=%s", code, err, out)
	}
	if res.File != "<stdin>" || len(res.Warnings) != 1 || res.Warnings[0].Rule != "WorkdirRelativePath" || res.Warnings[0].Line != 2 {
		t.Fatalf("%+v", res)
	}
}

func TestCLIPlatformFlags(t *testing.T) {
	args := []string{"-lint", "-base-platform", "mcr.microsoft.com/windows/nanoserver:ltsc2022=windows/amd64"}
	code, out, _ := runCLI(t, "", append(args, "testdata/good/windows.Dockerfile")...)
	if code != 2 || !strings.Contains(out, ":12: warning InvalidBaseImagePlatform: ") {
		t.Fatalf("code=%d out=%q", code, out)
	}
	code, out, _ = runCLI(t, "", append(args, "-platform", "windows/amd64", "testdata/good/windows.Dockerfile")...)
	if code != 0 || out != "" {
		t.Fatalf("code=%d out=%q", code, out)
	}
	code, out, _ = runCLI(t, "ARG TAG\nFROM alpine:${TAG}\n", "-build-arg", "TAG=3.22", "-")
	if code != 0 || out != "" {
		t.Fatalf("code=%d out=%q", code, out)
	}
}

func TestCLIRules(t *testing.T) {
	code, out, _ := runCLI(t, "", "-rules")
	if code != 0 || strings.Count(out, "\n") != len(Rules) || !strings.Contains(out, "UndefinedVar\tbuildkit\n") {
		t.Fatalf("code=%d out=%q", code, out)
	}
}
