package server

import (
	"io/fs"
	"testing"
	"time"
)

// env is a getenv over a map.
func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// noFiles is a readFile for a machine without /etc/timezone.
func noFiles(string) ([]byte, error) { return nil, fs.ErrNotExist }

// files is a readFile over a map of path to content.
func files(m map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if v, ok := m[name]; ok {
			return []byte(v), nil
		}
		return nil, fs.ErrNotExist
	}
}

func mustConfig(t *testing.T, vars map[string]string) Config {
	t.Helper()
	cfg, err := LoadConfig(env(vars), noFiles)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// fixedClock always returns 2026-01-02 03:04:05 UTC.
func fixedClock() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
