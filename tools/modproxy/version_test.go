package main

import (
	"slices"
	"testing"
)

func TestCheckModuleVersion(t *testing.T) {
	for _, c := range []struct {
		path, version string
		ok            bool
	}{
		{"goship.test/private/greeting", "v1.0.0", true},
		{"goship.test/private/greeting", "v0.3.1-rc.1", true},
		{"goship.test/private/greeting/v2", "v2.1.0", true},
		{"goship.test/private/greeting", "v2.0.0", false},    // needs /v2
		{"goship.test/private/greeting/v2", "v3.0.0", false}, // wrong suffix
		{"goship.test/private/greeting/v2", "v1.0.0", false},
		{"goship.test/private/greeting", "1.0.0", false},
		{"goship.test/private/greeting", "v1.0", false},
		{"goship.test/private/greeting", "v1.0.0+build", false},
		{"goship.test/private/greeting", "v01.0.0", false},
		{"greeting", "v1.0.0", false}, // no domain
		{"goship.test//greeting", "v1.0.0", false},
	} {
		if err := checkModuleVersion(c.path, c.version); (err == nil) != c.ok {
			t.Errorf("checkModuleVersion(%q, %q) = %v, want ok=%v", c.path, c.version, err, c.ok)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	want := []string{"v0.9.0", "v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta",
		"v1.0.0-beta.2", "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0", "v1.2.0", "v1.10.0", "v10.0.0"}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortFunc(got, compareVersions)
	if !slices.Equal(got, want) {
		t.Errorf("sorted = %v\nwant     %v", got, want)
	}
}

func TestUnescapePath(t *testing.T) {
	for in, want := range map[string]string{
		"goship.test/private/greeting": "goship.test/private/greeting",
		"github.com/!azure/go":         "github.com/Azure/go",
		"v1.0.0-!r!c1":                 "v1.0.0-RC1",
		"github.com/Azure/go":          "", // upper case must be escaped
		"bad!":                         "",
		"bad!1":                        "",
	} {
		got, ok := unescapePath(in)
		if ok != (want != "") || got != want {
			t.Errorf("unescapePath(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
