package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTree makes files (name → content) under a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tricky is a module tree with one of each thing a module zip leaves out.
func tricky(goVersion string) map[string]string {
	return map[string]string{
		"go.mod":                    "module example.test/m\n\ngo " + goVersion + "\n",
		"m.go":                      "package m\n",
		".gitignore":                "*.out\n",
		"docs/Read Me (v1).txt":     "spaces and parentheses are allowed\n",
		"pkg/vendor/vendor.go":      "package vendor\n", // a package named vendor
		".git/HEAD":                 "ref: refs/heads/main\n",
		"sub/go.mod":                "module example.test/m/sub\n",
		"sub/sub.go":                "package sub\n",
		"vendor/modules.txt":        "# example.com/v v1.0.0\n",
		"vendor/example.com/v/v.go": "package v\n",
		".hg_archival.txt":          "repo: 0\n",
	}
}

func TestLoadModuleOmits(t *testing.T) {
	for _, c := range []struct {
		goVersion string
		want      []string
	}{
		// go 1.24 and later: vendor/modules.txt is left out, pkg/vendor/vendor.go kept.
		{"1.24", []string{".gitignore", "docs/Read Me (v1).txt", "go.mod", "m.go", "pkg/vendor/vendor.go"}},
		// Before: the historic rule (golang.org/issue/37397) the other way round.
		{"1.22", []string{".gitignore", "docs/Read Me (v1).txt", "go.mod", "m.go", "vendor/modules.txt"}},
	} {
		dir := writeTree(t, tricky(c.goVersion))
		if err := os.Symlink("m.go", filepath.Join(dir, "link.go")); err != nil {
			t.Fatal(err)
		}
		mv, err := loadModule("example.test/m", "v1.2.3", dir)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(mv.Files, c.want) {
			t.Errorf("go %s: files %q\nwant %q\nomitted %q", c.goVersion, mv.Files, c.want, mv.Omitted)
		}
		for _, o := range []string{".git: ", "sub: ", "vendor/example.com/v/v.go: ", ".hg_archival.txt: ", "link.go: "} {
			if !slices.ContainsFunc(mv.Omitted, func(s string) bool { return strings.HasPrefix(s, o) }) {
				t.Errorf("go %s: %q not reported as omitted: %q", c.goVersion, o, mv.Omitted)
			}
		}

		// The zip: every name under example.test/m@v1.2.3/, the bytes of the source file.
		zr, err := zip.NewReader(bytes.NewReader(mv.Zip), int64(len(mv.Zip)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
			rel := strings.TrimPrefix(f.Name, "example.test/m@v1.2.3/")
			rc, _ := f.Open()
			got, _ := io.ReadAll(rc)
			rc.Close()
			if want := tricky(c.goVersion)[rel]; string(got) != want {
				t.Errorf("zip %s = %q, want %q", f.Name, got, want)
			}
		}
		if len(names) != len(c.want) || !strings.HasPrefix(names[0], "example.test/m@v1.2.3/") {
			t.Errorf("zip names %q", names)
		}
		if string(mv.Mod) != tricky(c.goVersion)["go.mod"] || mv.Time.IsZero() {
			t.Errorf("mod %q, time %v", mv.Mod, mv.Time)
		}
	}
}

func TestLoadModuleRefuses(t *testing.T) {
	goMod := "module example.test/m\n\ngo 1.24\n"
	for name, c := range map[string]struct {
		files map[string]string
		want  string
	}{
		"shell character":    {map[string]string{"go.mod": goMod, "bad*.go": ""}, "invalid char '*'"},
		"quote":              {map[string]string{"go.mod": goMod, "it's.txt": ""}, "invalid char"},
		"windows name":       {map[string]string{"go.mod": goMod, "docs/CON.txt": ""}, "disallowed as path element"},
		"trailing dot":       {map[string]string{"go.mod": goMod, "notes.": ""}, "trailing dot"},
		"case collision":     {map[string]string{"go.mod": goMod, "Doc.go": "", "doc.go": ""}, "collision"},
		"directory case":     {map[string]string{"go.mod": goMod, "A/x.go": "", "a/y.go": ""}, "collision"},
		"no go.mod":          {map[string]string{"m.go": ""}, "go.mod"},
		"other module":       {map[string]string{"go.mod": "module example.test/other\n"}, `declares module "example.test/other"`},
		"non-canonical vers": {map[string]string{"go.mod": goMod}, "canonical"},
	} {
		version := "v1.0.0"
		if name == "non-canonical vers" {
			version = "v1.0"
		}
		_, err := loadModule("example.test/m", version, writeTree(t, c.files))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, c.want)
		}
	}
}

func TestFoldCase(t *testing.T) {
	// U+212A KELVIN SIGN folds with K and k, as in x/mod.
	if foldCase("K.go") != foldCase("\u212a.go") || foldCase("K.go") != "k.go" {
		t.Errorf("foldCase: %q %q", foldCase("K.go"), foldCase("\u212a.go"))
	}
}
