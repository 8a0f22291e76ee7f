package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The size limits of golang.org/x/mod/zip, which the go command enforces on download.
const (
	maxZipFile = 500 << 20
	maxGoMod   = 16 << 20
	maxLICENSE = 16 << 20
)

// moduleVersion is one served version, read once at start-up: later edits to the
// directory are not served (a changed tree would be a different version).
type moduleVersion struct {
	Path, Version string
	Time          time.Time // the newest modification time among the zipped files
	Mod, Zip      []byte
	Files         []string // the zipped file names, relative to the module root
	Omitted       []string // "name: reason" for what the go command leaves out
}

// loadModule makes path@version from the source tree dir the way golang.org/x/mod/zip's
// CreateFromDir does: files named "<path>@<version>/<file>"; omitted silently: VCS
// directories (.git .hg .svn .bzr), nested modules (directories with a go.mod), files of
// vendored packages (and vendor/modules.txt for go >= 1.24), .hg_archival.txt, symbolic
// links and other irregular files; refused (an error): file names the go command rejects,
// names that collide when case is folded, a go.mod not spelled "go.mod", and files over the
// size limits. dir must hold a go.mod whose module line is path.
func loadModule(modPath, version, dir string) (*moduleVersion, error) {
	if err := checkModuleVersion(modPath, version); err != nil {
		return nil, err
	}
	goMod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modPath, err)
	}
	if got := moduleLine(goMod); got != modPath {
		return nil, fmt.Errorf("%s: %s/go.mod declares module %q", modPath, dir, got)
	}
	mv := &moduleVersion{Path: modPath, Version: version, Mod: goMod}
	newGo := goVersionAtLeast(goMod, 24)

	type file struct {
		name, osPath string
		size         int64
	}
	var files []file
	var invalid []string
	folded := map[string]string{} // case-folded name → name, for files and their directories
	total := int64(0)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		name := filepath.ToSlash(rel)
		if d.IsDir() {
			switch d.Name() {
			case ".bzr", ".git", ".hg", ".svn":
				mv.Omitted = append(mv.Omitted, name+": version control directory")
				return filepath.SkipDir
			}
			if hasGoMod(p) {
				mv.Omitted = append(mv.Omitted, name+": nested module")
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case isVendored(name, newGo):
			mv.Omitted = append(mv.Omitted, name+": vendored package")
			return nil
		case name == ".hg_archival.txt":
			mv.Omitted = append(mv.Omitted, name+": hg archive marker")
			return nil
		}
		if err := checkFilePath(name); err != nil {
			invalid = append(invalid, fmt.Sprintf("%q: %v", name, err))
			return nil
		}
		if strings.EqualFold(name, "go.mod") && name != "go.mod" {
			invalid = append(invalid, fmt.Sprintf("%q: go.mod spelled in another case", name))
			return nil
		}
		if err := checkCollision(folded, name); err != nil {
			invalid = append(invalid, err.Error())
			return nil
		}
		if !d.Type().IsRegular() {
			mv.Omitted = append(mv.Omitted, name+": not a regular file")
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size := info.Size()
		total += size
		switch {
		case total > maxZipFile:
			return fmt.Errorf("module source tree too large (max %d bytes)", maxZipFile)
		case name == "go.mod" && size > maxGoMod, name == "LICENSE" && size > maxLICENSE:
			invalid = append(invalid, fmt.Sprintf("%q: file too large", name))
			return nil
		}
		if t := info.ModTime().UTC().Truncate(time.Second); t.After(mv.Time) {
			mv.Time = t
		}
		files = append(files, file{name, p, size})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s@%s from %s: %w", modPath, version, dir, err)
	}
	if len(invalid) > 0 {
		return nil, fmt.Errorf("%s@%s from %s: files the go command rejects:\n  %s", modPath, version, dir, strings.Join(invalid, "\n  "))
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	prefix := modPath + "@" + version + "/"
	for _, f := range files { // WalkDir's lexical order, so the zip is the same every start
		data, err := os.ReadFile(f.osPath)
		if err != nil {
			return nil, err
		}
		if int64(len(data)) != f.size {
			return nil, fmt.Errorf("%s changed while it was read", f.osPath)
		}
		w, err := zw.Create(prefix + f.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
		mv.Files = append(mv.Files, f.name)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	mv.Zip = buf.Bytes()
	return mv, nil
}

// moduleLine returns the path of go.mod's module directive ("" if there is none).
func moduleLine(goMod []byte) string {
	for line := range strings.SplitSeq(string(goMod), "\n") {
		line, _, _ = strings.Cut(line, "//")
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], "\"`")
		}
	}
	return ""
}

// goVersionAtLeast reports whether go.mod's go directive is go1.<minor> or later.
func goVersionAtLeast(goMod []byte, minor int) bool {
	for line := range strings.SplitSeq(string(goMod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "go" {
			major, rest, _ := strings.Cut(f[1], ".")
			minorStr, _, _ := strings.Cut(rest, ".")
			m, err1 := strconv.Atoi(major)
			n, err2 := strconv.Atoi(strings.TrimRightFunc(minorStr, func(r rune) bool { return !unicode.IsDigit(r) }))
			return err1 == nil && (m > 1 || m == 1 && err2 == nil && n >= minor)
		}
	}
	return false
}

// isVendored reports whether name is a file of a vendored package, which module zips
// leave out: vendor/<pkg>/<file> at any depth (vendor/modules.txt too from go 1.24).
// Before go 1.24 the nested case keeps x/mod's historic offset (golang.org/issue/37397),
// so checksums of old modules stay what they were.
func isVendored(name string, go124 bool) bool {
	if go124 && name == "vendor/modules.txt" {
		return true
	}
	var i int
	if strings.HasPrefix(name, "vendor/") {
		i = len("vendor/")
	} else if j := strings.Index(name, "/vendor/"); j >= 0 {
		i = len("/vendor/")
		if go124 {
			i += j
		}
	} else {
		return false
	}
	return strings.Contains(name[i:], "/")
}

// checkFilePath applies golang.org/x/mod/module.CheckFilePath: slash-separated elements,
// none empty, all dots or ending in a dot; letters, digits, space and !#$%&()+,-.=@[]^_{}~
// only; no Windows reserved name (CON, NUL, COM1, ...) before the first dot.
func checkFilePath(name string) error {
	if !utf8.ValidString(name) {
		return fmt.Errorf("invalid UTF-8")
	}
	for elem := range strings.SplitSeq(name, "/") {
		if elem == "" || strings.Count(elem, ".") == len(elem) {
			return fmt.Errorf("invalid path element %q", elem)
		}
		if elem[len(elem)-1] == '.' {
			return fmt.Errorf("trailing dot in path element")
		}
		for _, r := range elem {
			if !fileNameOK(r) {
				return fmt.Errorf("invalid char %q", r)
			}
		}
		short, _, _ := strings.Cut(elem, ".")
		for _, bad := range windowsReserved {
			if strings.EqualFold(short, bad) {
				return fmt.Errorf("%q disallowed as path element component on Windows", short)
			}
		}
	}
	return nil
}

var windowsReserved = []string{"CON", "PRN", "AUX", "NUL",
	"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
	"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"}

func fileNameOK(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' ||
			strings.ContainsRune("!#$%&()+,-.=@[]^_{}~ ", r)
	}
	return unicode.IsLetter(r)
}

// hasGoMod reports whether dir is the root of a nested module: it holds a go.mod that is
// not a directory, or a regular file named go.mod in another case (x/mod omits both).
func hasGoMod(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() == "go.mod" && !e.IsDir() || strings.EqualFold(e.Name(), "go.mod") && e.Type().IsRegular() {
			return true
		}
	}
	return false
}

// checkCollision records name (and its parent directories) in folded and fails when a
// different name folds to the same string: such a zip cannot be unpacked on a
// case-insensitive file system, so the go command refuses it.
func checkCollision(folded map[string]string, name string) error {
	key := foldCase(name)
	if other, ok := folded[key]; ok {
		if other != name {
			return fmt.Errorf("case-insensitive file name collision: %q and %q", other, name)
		}
		return nil // a directory seen before
	}
	folded[key] = name
	if parent := path.Dir(name); parent != "." {
		return checkCollision(folded, parent)
	}
	return nil
}

// foldCase maps each rune to the smallest rune of its case-folding orbit, then A-Z to
// a-z, as x/mod does.
func foldCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		lo := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			lo = min(lo, f)
		}
		if 'A' <= lo && lo <= 'Z' {
			lo += 'a' - 'A'
		}
		b.WriteRune(lo)
	}
	return b.String()
}
