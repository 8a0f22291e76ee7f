package main

import (
	"bytes"
	"crypto/sha256"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const testUser, testPassword = "tester", "pa:ss-word" // a colon in a password is allowed

// newTestProxy serves example.test/m at v1.0.0 and v1.1.0-rc.1, and example.test/Upper at
// v1.0.0, and returns the handler and its log.
func newTestProxy(t *testing.T) (*proxy, *bytes.Buffer) {
	t.Helper()
	var versions []*moduleVersion
	for _, m := range []struct{ path, version string }{
		{"example.test/m", "v1.0.0"}, {"example.test/m", "v1.1.0-rc.1"}, {"example.test/Upper", "v1.0.0"},
	} {
		dir := writeTree(t, map[string]string{"go.mod": "module " + m.path + "\n", "x.go": "package x // " + m.version + "\n"})
		mv, err := loadModule(m.path, m.version, dir)
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, mv)
	}
	var logs bytes.Buffer
	p, err := newProxy(versions, map[string][sha256.Size]byte{testUser: sha256.Sum256([]byte(testPassword))}, log.New(&logs, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	return p, &logs
}

func get(t *testing.T, h http.Handler, path, user, password string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(r *http.Response) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func TestNotServedIs404WithOrWithoutCredentials(t *testing.T) {
	p, _ := newTestProxy(t)
	for _, path := range []string{
		"/golang.org/x/text/@v/list", "/golang.org/x/text/@v/v0.3.0.info", "/golang.org/x/text/@latest",
		"/example.test/@v/list",       // a prefix of a served module is another module
		"/example.test/m/sub/@v/list", // and so is a longer path
		"/example.test/upper/@v/list", // the escaped form of Upper is !upper
		"/example.test/Upper/@v/list", // unescaped upper case is invalid
		"/sumdb/sum.golang.org/supported", "/", "/example.test/m", "/example.test/m/@v/",
	} {
		for _, creds := range [][2]string{{"", ""}, {testUser, testPassword}, {testUser, "wrong"}} {
			res := get(t, p, path, creds[0], creds[1])
			if res.StatusCode != http.StatusNotFound || res.Header.Get("WWW-Authenticate") != "" {
				t.Errorf("GET %s (user %q): %d %q, want 404 without a challenge", path, creds[0], res.StatusCode, res.Header.Get("WWW-Authenticate"))
			}
		}
	}
}

func TestServedNeedsCredentials(t *testing.T) {
	p, _ := newTestProxy(t)
	for _, path := range []string{"/example.test/m/@v/list", "/example.test/m/@latest", "/example.test/m/@v/v1.0.0.zip",
		"/example.test/m/@v/v9.9.9.info", "/example.test/!upper/@v/v1.0.0.mod"} {
		for _, creds := range [][2]string{{"", ""}, {testUser, "wrong"}, {"nobody", testPassword}, {testUser, ""}} {
			res := get(t, p, path, creds[0], creds[1])
			if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("GET %s (user %q): %d, challenge %q; want 401 with a Basic challenge", path, creds[0], res.StatusCode, res.Header.Get("WWW-Authenticate"))
			}
		}
	}
}

func TestServedWithCredentials(t *testing.T) {
	p, logs := newTestProxy(t)
	for _, c := range []struct{ path, want string }{
		{"/example.test/m/@v/list", "v1.0.0\nv1.1.0-rc.1\n"},
		{"/example.test/m/@latest", `"Version":"v1.0.0"`}, // a release wins over a newer pre-release
		{"/example.test/m/@v/v1.1.0-rc.1.info", `"Version":"v1.1.0-rc.1"`},
		{"/example.test/m/@v/v1.0.0.mod", "module example.test/m\n"},
		{"/example.test/m/@v/v1.0.0.zip", "example.test/m@v1.0.0/x.go"},
		{"/example.test/!upper/@v/v1.0.0.mod", "module example.test/Upper\n"},
	} {
		res := get(t, p, c.path, testUser, testPassword)
		if b := body(res); res.StatusCode != http.StatusOK || !strings.Contains(b, c.want) {
			t.Errorf("GET %s: %d %q, want 200 containing %q", c.path, res.StatusCode, b, c.want)
		}
	}
	for _, path := range []string{"/example.test/m/@v/v9.9.9.info", "/example.test/m/@v/v1.0.0.txt", "/example.test/m/@v/v1.0.0"} {
		if res := get(t, p, path, testUser, testPassword); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	if strings.Contains(logs.String(), testPassword) || strings.Contains(logs.String(), testUser) {
		t.Errorf("the log names a credential:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "GET /example.test/m/@v/v1.0.0.zip 200 auth=ok") {
		t.Errorf("log:\n%s", logs)
	}
}

func TestNewProxyRefusesDuplicates(t *testing.T) {
	mv := &moduleVersion{Path: "example.test/m", Version: "v1.0.0"}
	if _, err := newProxy([]*moduleVersion{mv, mv}, nil, log.New(io.Discard, "", 0)); err == nil {
		t.Error("the same version twice was accepted")
	}
}
