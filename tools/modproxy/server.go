package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"slices"
	"strings"
	"time"
)

// proxy answers the GOPROXY protocol for the module versions it was given, and 404 for
// every other path, so that the go command moves on to the next proxy in GOPROXY.
type proxy struct {
	modules map[string]map[string]*moduleVersion // path → version → content
	users   map[string][sha256.Size]byte         // user name → SHA-256 of the password
	log     *log.Logger                          // never given a credential
}

func newProxy(versions []*moduleVersion, users map[string][sha256.Size]byte, logger *log.Logger) (*proxy, error) {
	p := &proxy{modules: map[string]map[string]*moduleVersion{}, users: users, log: logger}
	for _, mv := range versions {
		if p.modules[mv.Path] == nil {
			p.modules[mv.Path] = map[string]*moduleVersion{}
		}
		if p.modules[mv.Path][mv.Version] != nil {
			return nil, fmt.Errorf("%s@%s given twice", mv.Path, mv.Version)
		}
		p.modules[mv.Path][mv.Version] = mv
	}
	return p, nil
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status, auth := p.serve(w, r)
	p.log.Printf("%s %s %d auth=%s", r.Method, r.URL.Path, status, auth)
}

// serve answers one request and returns its status and how it was authenticated
// (none, bad, ok, or "-" where no credentials were looked at).
func (p *proxy) serve(w http.ResponseWriter, r *http.Request) (int, string) {
	modPath, file, ok := splitRequest(r.URL.Path)
	versions := p.modules[modPath]
	if !ok || versions == nil {
		// Not ours, with or without credentials: 404 lets the go command fall through.
		http.Error(w, "not served here", http.StatusNotFound)
		return http.StatusNotFound, "-"
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed, "-"
	}
	if auth := p.authenticate(r); auth != "ok" {
		w.Header().Set("WWW-Authenticate", `Basic realm="modproxy", charset="UTF-8"`)
		http.Error(w, "modproxy: valid credentials are required for "+modPath, http.StatusUnauthorized)
		return http.StatusUnauthorized, auth
	}

	if file == "list" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, strings.Join(sortedVersions(versions), "\n")+"\n")
		return http.StatusOK, "ok"
	}
	if file == "@latest" {
		all := sortedVersions(versions)
		latest := all[len(all)-1]
		for _, v := range slices.Backward(all) { // the newest release, else the newest pre-release
			if !strings.Contains(v, "-") {
				latest = v
				break
			}
		}
		writeInfo(w, versions[latest])
		return http.StatusOK, "ok"
	}
	escaped, ext, _ := cutLast(file, ".")
	version, ok := unescapePath(escaped)
	mv := versions[version]
	if !ok || mv == nil {
		http.Error(w, "unknown version of "+modPath, http.StatusNotFound)
		return http.StatusNotFound, "ok"
	}
	switch ext {
	case "info":
		writeInfo(w, mv)
	case "mod":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(mv.Mod)
	case "zip":
		w.Header().Set("Content-Type", "application/zip")
		w.Write(mv.Zip)
	default:
		http.Error(w, "not found", http.StatusNotFound)
		return http.StatusNotFound, "ok"
	}
	return http.StatusOK, "ok"
}

// authenticate checks HTTP basic credentials against the users file, in constant time
// for the password.
func (p *proxy) authenticate(r *http.Request) string {
	user, password, ok := r.BasicAuth()
	if !ok {
		return "none"
	}
	want, known := p.users[user]
	got := sha256.Sum256([]byte(password))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 || !known {
		return "bad"
	}
	return "ok"
}

// splitRequest parses /<escaped module>/@v/<file> or /<escaped module>/@latest.
func splitRequest(urlPath string) (modPath, file string, ok bool) {
	p := strings.TrimPrefix(urlPath, "/")
	if mod, found := strings.CutSuffix(p, "/@latest"); found {
		modPath, file = mod, "@latest"
	} else if mod, rest, found := cutLast(p, "/@v/"); found && rest != "" && !strings.Contains(rest, "/") {
		modPath, file = mod, rest
	} else {
		return "", "", false
	}
	modPath, ok = unescapePath(modPath)
	return modPath, file, ok
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

func sortedVersions(versions map[string]*moduleVersion) []string {
	all := make([]string, 0, len(versions))
	for v := range versions {
		all = append(all, v)
	}
	slices.SortFunc(all, compareVersions)
	return all
}

func writeInfo(w http.ResponseWriter, mv *moduleVersion) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(struct {
		Version string
		Time    time.Time
	}{mv.Version, mv.Time})
}
