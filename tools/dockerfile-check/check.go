package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/util/suggest"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Options tune one check.
type Options struct {
	// Lint reports the linter's warnings; without it only errors count.
	Lint bool
	// Experimental also evaluates BuildKit's experimental rules (off by
	// default in BuildKit itself).
	Experimental bool
	// Platform is the target platform, as `docker build --platform`. Nil
	// means implicit: the build platform, linux/amd64.
	Platform *ocispecs.Platform
	// BasePlatforms tells the offline image resolver which platform a base
	// image really has (normalized reference -> platform). Images not listed
	// are assumed to match whatever platform is asked for.
	BasePlatforms map[string]ocispecs.Platform
	// BuildArgs are as `docker build --build-arg KEY=VALUE`.
	BuildArgs map[string]string
}

// Warning is one lint finding.
type Warning struct {
	Rule    string `json:"rule"`
	Line    int    `json:"line"`
	Message string `json:"message"`
	URL     string `json:"url,omitempty"`
}

// Stage describes one FROM, as written (ARGs not expanded).
type Stage struct {
	Name     string `json:"name"`
	Base     string `json:"base"`
	Platform string `json:"platform"`
}

// Result is the outcome for one Dockerfile.
type Result struct {
	File         string    `json:"file"`
	Error        *string   `json:"error"`
	ErrorLine    int       `json:"error_line,omitempty"`
	Warnings     []Warning `json:"warnings"`
	Stages       []Stage   `json:"stages"`
	Instructions int       `json:"instructions"`
}

// buildPlatform is fixed so that results do not depend on the host.
var buildPlatform = ocispecs.Platform{OS: "linux", Architecture: "amd64"}

// RuleCopyFromUnknownStage is this tool's own check, not BuildKit's: BuildKit
// takes `COPY --from=NAME` with an unknown NAME for an image reference, so a
// typo in a stage name only fails when the image cannot be pulled.
var RuleCopyFromUnknownStage = linter.LinterRule[func(from, stage string) string]{
	Name:        "CopyFromUnknownStage",
	Description: "COPY --from names no stage but is close to one; it would be pulled as an image",
	Format: func(from, stage string) string {
		return fmt.Sprintf("COPY --from=%s names no stage and would be pulled as an image (did you mean %s?)", from, stage)
	},
}

// RuleExecFormInvalidJSON is this tool's own check, not BuildKit's: an
// exec-form argument that is not valid JSON (a stray backslash, a missing
// bracket) is silently taken as a shell command by BuildKit.
var RuleExecFormInvalidJSON = linter.LinterRule[func(instr string) string]{
	Name:        "ExecFormInvalidJSON",
	Description: "Argument starts with [ but is not a valid JSON array, so it runs as a shell command",
	Format: func(instr string) string {
		return fmt.Sprintf("%s argument starts with [ but is not a valid JSON array of strings; it would run as a shell command", instr)
	},
}

// Check parses and optionally lints one Dockerfile with BuildKit's own
// parser, instruction parser and Dockerfile-to-LLB conversion (offline).
func Check(ctx context.Context, file string, dt []byte, opts Options) Result {
	res := Result{File: file, Warnings: []Warning{}, Stages: []Stage{}}
	var warnings []Warning
	warn := func(rulename, _, url, msg string, loc []parser.Range) {
		warnings = append(warnings, Warning{Rule: rulename, Line: firstLine(loc), Message: msg, URL: url})
	}
	// An error ends the check; warnings found before it are still reported.
	fail := func(err error, line int) Result {
		msg := err.Error()
		res.Error = &msg
		res.ErrorLine = line
		if opts.Lint {
			res.Warnings = dedupe(warnings)
		}
		return res
	}
	if len(bytes.TrimSpace(dt)) == 0 {
		return fail(errors.New("the Dockerfile cannot be empty"), 0)
	}

	// 1. Syntax: the same parser BuildKit's frontend uses.
	ast, err := parser.Parse(bytes.NewReader(dt))
	if err != nil {
		return fail(err, errorLine(err))
	}
	res.Instructions = len(ast.AST.Children)

	// 2. Instructions and their flags. The linter passed here only runs the
	// experimental rules; the default ones run in step 3.
	var expLint *linter.Linter
	if opts.Lint && opts.Experimental {
		expLint = linter.New(&linter.Config{SkipAll: true, ExperimentalAll: true, Warn: warn})
	}
	stages, _, err := instructions.Parse(ast.AST, expLint)
	if err != nil {
		return fail(err, errorLine(err))
	}
	for _, st := range stages {
		res.Stages = append(res.Stages, Stage{Name: st.Name, Base: st.BaseName, Platform: st.Platform})
	}

	// 3. The full lint BuildKit runs for `docker build --check`: conversion
	// of every stage to LLB, with base images "resolved" by an offline stub.
	sm := llb.NewSourceMap(nil, file, "Dockerfile", dt)
	def, err := llb.Scratch().Marshal(ctx)
	if err != nil {
		return fail(err, 0)
	}
	sm.Definition = def
	lr, err := dockerfile2llb.DockerfileLint(ctx, dt, dockerfile2llb.ConvertOpt{
		Config: dockerui.Config{
			BuildArgs:      opts.BuildArgs,
			BuildPlatforms: []ocispecs.Platform{buildPlatform},
		},
		SourceMap:      sm,
		TargetPlatform: opts.Platform,
		MetaResolver:   &offlineResolver{platforms: opts.BasePlatforms},
	})
	if err != nil {
		return fail(err, 0)
	}
	for _, w := range lr.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].GetStart().GetLine())
		}
		warnings = append(warnings, Warning{Rule: w.RuleName, Line: line, Message: w.Detail, URL: w.URL})
	}
	if lr.Error != nil {
		line := 0
		if len(lr.Error.Location.Ranges) > 0 {
			line = int(lr.Error.Location.Ranges[0].GetStart().GetLine())
		}
		return fail(errors.New(lr.Error.Message), line)
	}

	// 4. This tool's own checks: mistyped stage names in COPY --from, and
	// exec forms that are not JSON.
	names := make([]string, 0, len(stages))
	for _, st := range stages {
		if st.Name != "" {
			names = append(names, st.Name)
		}
	}
	for _, st := range stages {
		for _, cmd := range st.Commands {
			c, ok := cmd.(*instructions.CopyCommand)
			if !ok || c.From == "" || strings.ContainsAny(c.From, "/:@.$") {
				continue
			}
			if match, ok := suggest.Search(c.From, names, false); ok {
				warn(RuleCopyFromUnknownStage.Name, RuleCopyFromUnknownStage.Description, "",
					RuleCopyFromUnknownStage.Format(c.From, match), c.Location())
			}
		}
	}

	for _, node := range ast.AST.Children {
		switch strings.ToLower(node.Value) {
		case "run", "cmd", "entrypoint":
		default:
			continue
		}
		if node.Attributes["json"] || len(node.Heredocs) > 0 || node.Next == nil {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(node.Next.Value), "[") {
			instr := strings.ToUpper(node.Value)
			warn(RuleExecFormInvalidJSON.Name, RuleExecFormInvalidJSON.Description, "",
				RuleExecFormInvalidJSON.Format(instr), node.Location())
		}
	}

	if opts.Lint {
		res.Warnings = dedupe(warnings)
	}
	return res
}

func firstLine(loc []parser.Range) int {
	if len(loc) == 0 {
		return 0
	}
	return loc[0].Start.Line
}

func errorLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, locs := range le.Locations {
			if l := firstLine(locs); l > 0 {
				return l
			}
		}
	}
	return 0
}

func dedupe(ws []Warning) []Warning {
	sort.SliceStable(ws, func(i, j int) bool {
		if ws[i].Line != ws[j].Line {
			return ws[i].Line < ws[j].Line
		}
		return ws[i].Rule < ws[j].Rule
	})
	out := []Warning{}
	seen := map[Warning]bool{}
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// offlineResolver stands in for the registry: every image exists, has one
// layer, and has the platform it is asked for unless BasePlatforms says
// otherwise. It never touches the network.
type offlineResolver struct {
	platforms map[string]ocispecs.Platform
}

func (r *offlineResolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	p := buildPlatform
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		p = *opt.ImageOpt.Platform
	}
	if known, ok := r.platforms[normalizeRef(ref)]; ok {
		p = known
	}
	img := ocispecs.Image{
		Platform: p,
		RootFS: ocispecs.RootFS{
			Type:    "layers",
			DiffIDs: []digest.Digest{digest.FromString(ref)},
		},
	}
	dt, err := json.Marshal(img)
	return ref, "", dt, err
}

// normalizeRef spells a reference the way BuildKit asks the resolver for it
// (docker.io/library/golang:latest for golang).
func normalizeRef(ref string) string {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ref
	}
	return reference.TagNameOnly(named).String()
}

// parseBasePlatform parses REF=OS/ARCH[/VARIANT].
func parseBasePlatform(s string) (string, ocispecs.Platform, error) {
	ref, plat, ok := strings.Cut(s, "=")
	if !ok || ref == "" || plat == "" {
		return "", ocispecs.Platform{}, fmt.Errorf("want IMAGE=OS/ARCH, got %q", s)
	}
	p, err := platforms.Parse(plat)
	if err != nil {
		return "", ocispecs.Platform{}, err
	}
	return normalizeRef(ref), platforms.Normalize(p), nil
}
