// Command dockerfile-check parses and lints Dockerfiles with BuildKit's own
// parser and linter, offline. See README.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

const usage = `usage: dockerfile-check -rules
       dockerfile-check [-lint] [-json] [-experimental=false] [-platform OS/ARCH]
                        [-build-arg KEY=VALUE]... [-base-platform IMAGE=OS/ARCH]... FILE...

Parses each Dockerfile (FILE "-" reads standard input) with BuildKit's parser
and converts every stage to LLB offline, as 'docker build --check' does.

Exit status: 0 clean, 1 a file has an error, 2 lint warnings (with -lint), 64 usage.
`

type buildArgs map[string]string

func (b buildArgs) String() string { return "" }

func (b buildArgs) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	b[k] = v
	return nil
}

type basePlatforms map[string]ocispecs.Platform

func (b basePlatforms) String() string { return "" }

func (b basePlatforms) Set(s string) error {
	ref, p, err := parseBasePlatform(s)
	if err != nil {
		return err
	}
	b[ref] = p
	return nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dockerfile-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage, "\nflags:\n")
		fs.PrintDefaults()
	}
	lint := fs.Bool("lint", false, "report lint warnings (all BuildKit rules; exit 2 if any)")
	asJSON := fs.Bool("json", false, "print one JSON object per file, one per line")
	experimental := fs.Bool("experimental", true, "with -lint, also run BuildKit's experimental rules")
	platform := fs.String("platform", "", "target platform as for 'docker build --platform' (default: implicit, linux/amd64)")
	listRules := fs.Bool("rules", false, "list the rules -lint evaluates and exit")
	bargs := buildArgs{}
	fs.Var(bargs, "build-arg", "KEY=VALUE: a build argument, as for 'docker build --build-arg' (repeatable)")
	bases := basePlatforms{}
	fs.Var(bases, "base-platform", "IMAGE=OS/ARCH: the real platform of a base image, for InvalidBaseImagePlatform (repeatable)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 64
	}
	if *listRules {
		for _, r := range Rules {
			fmt.Fprintf(stdout, "%s\t%s\n", r.Name, r.Kind)
		}
		return 0
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 64
	}
	opts := Options{Lint: *lint, Experimental: *experimental, BasePlatforms: bases, BuildArgs: bargs}
	if *platform != "" {
		p, err := platforms.Parse(*platform)
		if err != nil {
			fmt.Fprintf(stderr, "dockerfile-check: -platform: %v\n", err)
			return 64
		}
		p = platforms.Normalize(p)
		opts.Platform = &p
	}

	ctx := context.Background()
	status := 0
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, name := range fs.Args() {
		var res Result
		display := name
		var dt []byte
		var err error
		if name == "-" {
			display = "<stdin>"
			dt, err = io.ReadAll(stdin)
		} else {
			dt, err = os.ReadFile(name)
		}
		if err != nil {
			msg := err.Error()
			res = Result{File: display, Error: &msg, Warnings: []Warning{}, Stages: []Stage{}}
		} else {
			res = Check(ctx, display, dt, opts)
		}

		if *asJSON {
			if err := enc.Encode(res); err != nil {
				fmt.Fprintf(stderr, "dockerfile-check: %v\n", err)
				return 1
			}
		} else {
			if res.Error != nil {
				fmt.Fprintf(stdout, "%s:%d: error: %s\n", res.File, res.ErrorLine, oneLine(*res.Error))
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(stdout, "%s:%d: warning %s: %s\n", res.File, w.Line, w.Rule, oneLine(w.Message))
			}
		}
		switch {
		case res.Error != nil:
			status = 1
		case len(res.Warnings) > 0 && status == 0:
			status = 2
		}
	}
	return status
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
