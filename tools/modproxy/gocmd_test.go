package main

// These tests run the real modproxy binary and the real go command: they pin down how
// cmd/go authenticates to a GOPROXY (netrc over HTTPS only, machine = host:port), which is
// what README.md tells. Only 127.0.0.1 is used: GOPROXY names nothing else.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const privPath, privVersion = "example.test/private/hello", "v1.0.0"

// started is a running modproxy binary.
type started struct {
	cmd            *exec.Cmd
	url, port      string
	stdout, stderr *bytes.Buffer
}

// startProxy builds modproxy and runs it with args; it returns once the ready line is out.
func startProxy(t *testing.T, bin string, args ...string) *started {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdoutPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &started{cmd: cmd, stdout: new(bytes.Buffer), stderr: new(bytes.Buffer)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdoutPipe)
		for sc.Scan() {
			s.stdout.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "listening on ") {
				ready <- sc.Text()
			}
		}
	}()
	select {
	case line := <-ready:
		m := regexp.MustCompile(`listening on (https?://127\.0\.0\.1:(\d+)) `).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("ready line %q", line)
		}
		s.url, s.port = m[1], m[2]
	case <-time.After(20 * time.Second):
		t.Fatalf("modproxy did not get ready; stderr:\n%s", s.stderr)
	}
	return s
}

func buildProxy(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs modproxy and the go command")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	bin := filepath.Join(t.TempDir(), "modproxy")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// goModDownload runs `go mod download -json privPath@privVersion` with a clean module
// cache, GOPATH and HOME, GOPROXY=proxyURL only, and the given extra environment.
func goModDownload(t *testing.T, proxyURL string, extra ...string) (sum, modcache string, out []byte, err error) {
	t.Helper()
	tmp := t.TempDir()
	modcache = filepath.Join(tmp, "modcache")
	// Telemetry off in this HOME, or the go command may leave a sidecar process writing
	// counters into it after the test has removed it.
	telemetry := filepath.Join(tmp, ".config", "go", "telemetry")
	if err := os.MkdirAll(telemetry, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(telemetry, "mode"), "off\n")
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "GO") && k != "NETRC" && k != "HOME" && k != "SSL_CERT_FILE" {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+tmp, "GOENV=off", "GOTOOLCHAIN=local", "GOFLAGS=-modcacherw",
		"GOPATH="+filepath.Join(tmp, "gopath"), "GOMODCACHE="+modcache, "GOCACHE="+filepath.Join(tmp, "gocache"),
		"GOPROXY="+proxyURL, "GONOSUMDB="+privPath)
	cmd := exec.Command("go", "mod", "download", "-json", privPath+"@"+privVersion)
	cmd.Dir, cmd.Env = tmp, append(env, extra...)
	out, err = cmd.CombinedOutput()
	var info struct{ Sum, Error string }
	json.Unmarshal(out, &info)
	return info.Sum, modcache, out, err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func netrc(t *testing.T, machine string) string {
	return writeFile(t, filepath.Join(t.TempDir(), "netrc"), fmt.Sprintf("machine %s\nlogin %s\npassword %s\n", machine, testUser, testPassword))
}

// hash1 is the go.sum hash ("h1:") of a module zip: SHA-256 over the sorted lines
// "<sha256 of file>  <name in zip>\n" (golang.org/x/mod/sumdb/dirhash.Hash1).
func hash1(t *testing.T, data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	h := sha256.New()
	for _, f := range files {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		fh := sha256.New()
		io.Copy(fh, rc)
		rc.Close()
		fmt.Fprintf(h, "%x  %s\n", fh.Sum(nil), f.Name)
	}
	return "h1:" + base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func TestGoCommandThroughProxy(t *testing.T) {
	bin := buildProxy(t)
	tmp := t.TempDir()
	src := writeTree(t, map[string]string{
		"go.mod":                    "module " + privPath + "\n\ngo 1.22\n",
		"hello.go":                  "package hello\n\nconst Hello = \"hello\"\n",
		".git/config":               "[core]\n",
		"vendor/example.com/v/v.go": "package v\n",
	})
	users := writeFile(t, filepath.Join(tmp, "users"), testUser+":"+testPassword+"\n")
	pidFile := filepath.Join(tmp, "modproxy.pid")
	p := startProxy(t, bin, "-port", "0", "-credentials", users, "-tls-dir", filepath.Join(tmp, "tls"),
		"-module", privPath+"@"+privVersion+"="+src, "-pidfile", pidFile)
	if !strings.HasPrefix(p.url, "https://") {
		t.Fatalf("url %s", p.url)
	}
	if pid, _ := os.ReadFile(pidFile); strings.TrimSpace(string(pid)) != strconv.Itoa(p.cmd.Process.Pid) {
		t.Errorf("pid file %q, pid %d", pid, p.cmd.Process.Pid)
	}
	certEnv := "SSL_CERT_FILE=" + filepath.Join(tmp, "tls", "cert.pem")
	want, err := loadModule(privPath, privVersion, src)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("netrc machine with port", func(t *testing.T) {
		sum, modcache, out, err := goModDownload(t, p.url, certEnv, "NETRC="+netrc(t, "127.0.0.1:"+p.port))
		if err != nil {
			t.Fatalf("go mod download: %v\n%s", err, out)
		}
		if sum != hash1(t, want.Zip) {
			t.Errorf("go.sum hash %s, want %s (the zip served)", sum, hash1(t, want.Zip))
		}
		got, err := os.ReadFile(filepath.Join(modcache, privPath+"@"+privVersion, "hello.go"))
		if err != nil || !strings.Contains(string(got), "const Hello") {
			t.Errorf("extracted hello.go: %q, %v", got, err)
		}
		if _, err := os.Stat(filepath.Join(modcache, privPath+"@"+privVersion, ".git")); err == nil {
			t.Error(".git was served")
		}
	})
	for name, extra := range map[string][]string{
		"no netrc":                    {certEnv, "NETRC=" + filepath.Join(tmp, "absent")},
		"netrc machine without port":  {certEnv, "NETRC=" + netrc(t, "127.0.0.1")},
		"netrc but GOAUTH=off":        {certEnv, "NETRC=" + netrc(t, "127.0.0.1:"+p.port), "GOAUTH=off"},
		"netrc with a wrong password": {certEnv, "NETRC=" + writeFile(t, filepath.Join(tmp, "wrong"), "machine 127.0.0.1:"+p.port+" login "+testUser+" password nope\n")},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, out, err := goModDownload(t, p.url, extra...)
			if err == nil || !strings.Contains(string(out), "401 Unauthorized") || !strings.Contains(string(out), "valid credentials are required") {
				t.Errorf("want a 401 failure, got err=%v\n%s", err, out)
			}
		})
	}

	// Plain HTTP: the go command sends no netrc credentials there (GOAUTH is for HTTPS).
	t.Run("plain http with netrc", func(t *testing.T) {
		h := startProxy(t, bin, "-port", "0", "-credentials", users, "-module", privPath+"@"+privVersion+"="+src)
		_, _, out, err := goModDownload(t, h.url, "NETRC="+netrc(t, "127.0.0.1:"+h.port))
		if err == nil || !strings.Contains(string(out), "401 Unauthorized") {
			t.Errorf("want a 401 failure over http, got err=%v\n%s", err, out)
		}
	})

	// SIGTERM: exit 0, pid file gone, and no credential in anything it printed.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v\nstderr:\n%s", err, p.stderr)
	}
	if _, err := os.Stat(pidFile); err == nil {
		t.Error("pid file left behind")
	}
	all := p.stdout.String() + p.stderr.String()
	if strings.Contains(all, testPassword) || !strings.Contains(p.stderr.String(), "auth=ok") {
		t.Errorf("output:\n%s", all)
	}
}

func TestUsage(t *testing.T) {
	bin := buildProxy(t)
	users := writeFile(t, filepath.Join(t.TempDir(), "users"), "# no users\n")
	for _, args := range [][]string{
		{},                                     // no module, no credentials
		{"-module", "example.test/m@v1.0.0=."}, // no credentials
		{"-credentials", users, "-module", "example.test/m@v1.0.0=."}, // no user in the file
		{"-credentials", users, "-module", "example.test/m=."},
	} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err == nil {
			t.Errorf("modproxy %q started:\n%s", args, out)
		}
	}
}
