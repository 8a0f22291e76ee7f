package main

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
)

// Canonical semantic versions as the go command writes them: vMAJOR.MINOR.PATCH with an
// optional pre-release; no build metadata (+incompatible is not served: every module here
// has a go.mod).
var semverRE = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// Module paths: a first element with a dot (a domain), then path elements.
var modPathRE = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+(/[A-Za-z0-9_.~+-]+)*$`)

var majorSuffixRE = regexp.MustCompile(`/v([2-9]|[1-9][0-9]+)$`)

// checkModuleVersion reports whether path@version is a module version the go command
// accepts: a well-formed path, a canonical version, and a major version that agrees
// with the path's /vN suffix (v0 and v1 have none).
func checkModuleVersion(path, version string) error {
	if !modPathRE.MatchString(path) || strings.Contains(path, "//") {
		return fmt.Errorf("malformed module path %q", path)
	}
	m := semverRE.FindStringSubmatch(version)
	if m == nil {
		return fmt.Errorf("%s: version %q is not a canonical semantic version (like v1.0.0)", path, version)
	}
	major := m[1]
	if strings.HasPrefix(path, "gopkg.in/") {
		return nil // gopkg.in's .vN convention; not checked here
	}
	if s := majorSuffixRE.FindStringSubmatch(path); s != nil {
		if s[1] != major {
			return fmt.Errorf("%s: version %s does not match the path's major version v%s", path, version, s[1])
		}
	} else if major != "0" && major != "1" {
		return fmt.Errorf("%s: version %s needs the path suffix /v%s", path, version, major)
	}
	return nil
}

// compareVersions orders canonical versions as semver does: -1, 0 or +1.
func compareVersions(a, b string) int {
	ma, mb := semverRE.FindStringSubmatch(a), semverRE.FindStringSubmatch(b)
	for i := 1; i <= 3; i++ {
		if c := compareNumeric(ma[i], mb[i]); c != 0 {
			return c
		}
	}
	pa, pb := strings.TrimPrefix(ma[4], "-"), strings.TrimPrefix(mb[4], "-")
	switch {
	case pa == pb:
		return 0
	case pa == "": // a release sorts after its pre-releases
		return 1
	case pb == "":
		return -1
	}
	ia, ib := strings.Split(pa, "."), strings.Split(pb, ".")
	for i := 0; i < len(ia) && i < len(ib); i++ {
		na, nb := isNumeric(ia[i]), isNumeric(ib[i])
		var c int
		switch {
		case na && nb:
			c = compareNumeric(ia[i], ib[i])
		case na: // numeric identifiers sort before alphanumeric ones
			c = -1
		case nb:
			c = 1
		default:
			c = strings.Compare(ia[i], ib[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(ia), len(ib)) // with equal leading identifiers, more of them sort later
}

func isNumeric(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// compareNumeric compares decimal strings without leading zeros, of any length.
func compareNumeric(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// unescapePath undoes the go command's case encoding of module paths and versions in
// proxy URLs: "!x" stands for "X", and a bare upper-case letter is invalid.
func unescapePath(s string) (string, bool) {
	var b strings.Builder
	bang := false
	for _, r := range s {
		switch {
		case bang:
			if r < 'a' || r > 'z' {
				return "", false
			}
			b.WriteRune(r - 'a' + 'A')
			bang = false
		case r == '!':
			bang = true
		case r >= 'A' && r <= 'Z':
			return "", false
		default:
			b.WriteRune(r)
		}
	}
	if bang {
		return "", false
	}
	return b.String(), true
}
