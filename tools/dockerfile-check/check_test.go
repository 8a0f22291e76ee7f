package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

func lintAll() Options { return Options{Lint: true, Experimental: true} }

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	dt, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return dt
}

// Every good Dockerfile parses, converts and lints clean with all rules on.
func TestGoodDockerfiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "good", "*.Dockerfile"))
	if err != nil || len(files) < 2 {
		t.Fatalf("want good fixtures, got %v (%v)", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			dt, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res := Check(context.Background(), f, dt, lintAll())
			if res.Error != nil {
				t.Fatalf("error at line %d: %s", res.ErrorLine, *res.Error)
			}
			if len(res.Warnings) != 0 {
				t.Fatalf("warnings: %+v", res.Warnings)
			}
		})
	}
}

func TestCrossCompileStructure(t *testing.T) {
	res := Check(context.Background(), "cross-compile.Dockerfile", readTestdata(t, "good/cross-compile.Dockerfile"), lintAll())
	if res.Error != nil {
		t.Fatal(*res.Error)
	}
	want := []Stage{
		{Name: "build", Base: "golang@sha256:9f50e2489f598dad81c2bbb8d6ad16c73d6b1588fc4676fd00b4b32cf2ff7aa4", Platform: "$BUILDPLATFORM"},
		{Name: "", Base: "scratch", Platform: ""},
	}
	if !reflect.DeepEqual(res.Stages, want) {
		t.Fatalf("stages = %+v, want %+v", res.Stages, want)
	}
	if res.Instructions != 20 {
		t.Fatalf("instructions = %d, want 20", res.Instructions)
	}
}

// The Windows stage is also clean when built for Windows, with the base
// image's real platform declared.
func TestWindowsForWindows(t *testing.T) {
	dt := readTestdata(t, "good/windows.Dockerfile")
	nano, p, err := parseBasePlatform("mcr.microsoft.com/windows/nanoserver:ltsc2022=windows/amd64")
	if err != nil {
		t.Fatal(err)
	}
	opts := lintAll()
	opts.BasePlatforms = map[string]ocispecs.Platform{nano: p}

	res := Check(context.Background(), "w", dt, opts)
	if res.Error != nil || len(res.Warnings) != 1 || res.Warnings[0].Rule != "InvalidBaseImagePlatform" || res.Warnings[0].Line != 12 {
		t.Fatalf("implicit linux target: want InvalidBaseImagePlatform at line 12, got %+v", res)
	}

	opts.Platform = &p
	res = Check(context.Background(), "w", dt, opts)
	if res.Error != nil || len(res.Warnings) != 0 {
		t.Fatalf("windows target: %+v", res)
	}
	if got := res.Stages[1]; got.Base != "mcr.microsoft.com/windows/nanoserver:ltsc2022" || got.Platform != "" {
		t.Fatalf("windows stage = %+v", got)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, dockerfile string
		line             int
		want             string
	}{
		{"unknown instruction", "FROM alpine\nFOO bar\n", 2, "unknown instruction: FOO"},
		{"unknown flag", "FROM alpine\nCOPY --frm=build /a /b\n", 2, "unknown flag: --frm"},
		{"flag without value", "FROM alpine\nCOPY --chown /a /b\n", 2, "missing a value on flag: --chown"},
		{"mount key typo", "FROM alpine\nRUN --mount=type=cache,tagret=/go/pkg/mod true\n", 2, "unexpected key 'tagret'"},
		{"mount type typo", "FROM alpine\nRUN --mount=type=cachex,target=/x true\n", 2, `unsupported mount type "cachex"`},
		{"bad chmod", "FROM alpine\nCOPY --chmod=999 a b\n", 2, "invalid chmod parameter"},
		{"bad network", "FROM alpine\nRUN --network=bogus true\n", 2, `invalid network mode "bogus"`},
		{"FROM arity", "FROM alpine AS b c\n", 1, "FROM requires either one or three arguments"},
		{"short digest", "FROM golang@sha256:" + strings.Repeat("a", 63) + " AS build\n", 1, "invalid checksum digest length"},
		{"uppercase image", "FROM ALPINE\n", 1, "must be lowercase"},
		{"empty platform", "FROM --platform=$NOPE alpine\n", 1, "empty platform value"},
		{"instruction before FROM", "RUN x\nFROM alpine\n", 1, "no build stage in current context"},
		{"COPY one argument", "FROM alpine\nCOPY a\n", 2, "COPY requires at least two arguments"},
		{"SHELL not JSON", "FROM alpine\nSHELL /bin/sh -c\n", 2, "SHELL requires the arguments to be in JSON form"},
		{"unterminated heredoc", "FROM alpine\nRUN <<EOF\necho\n", 2, "unterminated heredoc"},
		{"COPY --from itself", "FROM alpine AS a\nCOPY --from=a /a /b\n", 2, "circular dependency detected on stage: a"},
		{"COPY --from bad index", "FROM golang AS build\nFROM scratch\nCOPY --from=5 /a /b\n", 0, "invalid stage index 5"},
		{"COPY --from variable", "FROM alpine\nCOPY --from=$X /a /b\n", 0, "variable expansion is not supported for --from"},
		{"comments only", "# nothing\n", 1, "file with no instructions"},
		{"empty", "\n\n", 0, "cannot be empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, opts := range []Options{{}, lintAll()} {
				res := Check(context.Background(), "Dockerfile", []byte(c.dockerfile), opts)
				if res.Error == nil {
					t.Fatalf("lint=%v: no error", opts.Lint)
				}
				if !strings.Contains(*res.Error, c.want) || res.ErrorLine != c.line {
					t.Fatalf("lint=%v: got line %d %q, want line %d containing %q", opts.Lint, res.ErrorLine, *res.Error, c.line, c.want)
				}
			}
		})
	}
}

// ruleCases holds one Dockerfile per rule that triggers it.
var ruleCases = []struct {
	rule, dockerfile string
	line             int
	opts             func(*Options)
}{
	{rule: "StageNameCasing", dockerfile: "FROM alpine AS Build\n", line: 1},
	{rule: "FromAsCasing", dockerfile: "FROM alpine as build\n", line: 1},
	{rule: "NoEmptyContinuation", dockerfile: "FROM alpine\nRUN echo \\\n\n  hi\n", line: 4},
	{rule: "ConsistentInstructionCasing", dockerfile: "FROM alpine\nRUN a\nrun b\n", line: 3},
	{rule: "DuplicateStageName", dockerfile: "FROM alpine AS a\nFROM alpine AS a\n", line: 2},
	{rule: "ReservedStageName", dockerfile: "FROM alpine AS scratch\n", line: 1},
	{rule: "JSONArgsRecommended", dockerfile: "FROM alpine\nENTRYPOINT /app\n", line: 2},
	{rule: "MaintainerDeprecated", dockerfile: "FROM alpine\nMAINTAINER me\n", line: 2},
	{rule: "UndefinedArgInFrom", dockerfile: "FROM alpine${SUFFIX}\n", line: 1},
	{rule: "WorkdirRelativePath", dockerfile: "FROM alpine\nWORKDIR app\n", line: 2},
	{rule: "UndefinedVar", dockerfile: "FROM alpine\nENV A=$UNDEFINED\n", line: 2},
	{rule: "MultipleInstructionsDisallowed", dockerfile: "FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]\n", line: 2},
	{rule: "LegacyKeyValueFormat", dockerfile: "FROM alpine\nENV A 1\n", line: 2},
	{rule: "InvalidBaseImagePlatform", dockerfile: "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n", line: 1, opts: func(o *Options) {
		o.BasePlatforms = map[string]ocispecs.Platform{"mcr.microsoft.com/windows/nanoserver:ltsc2022": {OS: "windows", Architecture: "amd64"}}
	}},
	{rule: "RedundantTargetPlatform", dockerfile: "FROM --platform=$TARGETPLATFORM alpine\n", line: 1},
	{rule: "SecretsUsedInArgOrEnv", dockerfile: "FROM alpine\nARG GITHUB_TOKEN\n", line: 2},
	{rule: "InvalidDefaultArgInFrom", dockerfile: "ARG TAG\nFROM alpine:${TAG}\n", line: 2, opts: func(o *Options) {
		o.BuildArgs = map[string]string{"TAG": "3.22"}
	}},
	{rule: "FromPlatformFlagConstDisallowed", dockerfile: "FROM --platform=linux/amd64 alpine\n", line: 1},
	{rule: "ExposeProtoCasing", dockerfile: "FROM alpine\nEXPOSE 80/TCP\n", line: 2},
	{rule: "ExposeInvalidFormat", dockerfile: "FROM alpine\nEXPOSE 127.0.0.1:80:80\n", line: 2},
	{rule: "InvalidDefinitionDescription", dockerfile: "# Build stage: compiles.\nFROM alpine AS build\n", line: 2},
	{rule: "CopyFromUnknownStage", dockerfile: "FROM golang AS build\nFROM scratch\nCOPY --from=biuld /a /b\n", line: 3},
	{rule: "ExecFormInvalidJSON", dockerfile: "FROM alpine\nENTRYPOINT [\"C:\\app\\app.exe\"]\n", line: 2},
	{rule: "ExecFormInvalidJSON", dockerfile: "FROM alpine\nRUN [\"a\", \"b\"\n", line: 2},
}

func TestRules(t *testing.T) {
	for _, c := range ruleCases {
		t.Run(c.rule, func(t *testing.T) {
			opts := lintAll()
			if c.opts != nil {
				c.opts(&opts)
			}
			res := Check(context.Background(), "Dockerfile", []byte(c.dockerfile), opts)
			if res.Error != nil {
				t.Fatalf("error: %s", *res.Error)
			}
			found := false
			for _, w := range res.Warnings {
				if w.Rule == c.rule && w.Line == c.line && w.Message != "" {
					found = true
				}
			}
			if !found {
				t.Fatalf("want %s at line %d, got %+v", c.rule, c.line, res.Warnings)
			}

			// Without -lint the same file is accepted silently.
			opts.Lint = false
			if res := Check(context.Background(), "Dockerfile", []byte(c.dockerfile), opts); res.Error != nil || len(res.Warnings) != 0 {
				t.Fatalf("without lint: %+v", res)
			}
		})
	}
}

// Rules (what -rules prints and the README lists) matches what is tested.
func TestRuleListCovered(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range ruleCases {
		tested[c.rule] = true
	}
	for _, r := range Rules {
		if !tested[r.Name] {
			t.Errorf("rule %s has no test case", r.Name)
		}
		delete(tested, r.Name)
	}
	for name := range tested {
		t.Errorf("rule %s is tested but not in Rules", name)
	}
}

func TestExperimentalOff(t *testing.T) {
	dt := []byte("# Build stage: compiles.\nFROM alpine AS build\n")
	opts := lintAll()
	opts.Experimental = false
	if res := Check(context.Background(), "Dockerfile", dt, opts); res.Error != nil || len(res.Warnings) != 0 {
		t.Fatalf("%+v", res)
	}
}

// A `# check=` directive in the file is honoured, as by docker build --check.
func TestCheckDirective(t *testing.T) {
	dt := []byte("# check=skip=JSONArgsRecommended\nFROM alpine\nENTRYPOINT /app\n")
	if res := Check(context.Background(), "Dockerfile", dt, lintAll()); res.Error != nil || len(res.Warnings) != 0 {
		t.Fatalf("%+v", res)
	}
}

// Base images are never looked up: a registry that cannot exist is fine.
func TestOffline(t *testing.T) {
	dt := []byte("FROM registry.invalid/nothing/here:1 AS a\nFROM a\nCOPY --from=registry.invalid/other:2 /x /y\n")
	if res := Check(context.Background(), "Dockerfile", dt, lintAll()); res.Error != nil || len(res.Warnings) != 0 {
		t.Fatalf("%+v", res)
	}
}
