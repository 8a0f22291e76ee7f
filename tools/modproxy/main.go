// Command modproxy is a small private Go module proxy for tests. It serves one or more
// module versions from local source directories over the GOPROXY protocol, behind HTTP
// basic auth, on 127.0.0.1 only, and answers 404 for every module it does not serve so
// that GOPROXY=https://127.0.0.1:PORT,https://proxy.golang.org falls through to the public
// proxy for everything else. See README.md.
//
//	modproxy -port 8443 -credentials users.txt -tls-dir tls \
//	    -module goship.test/private/greeting@v1.0.0=test/fixtures/private/greeting \
//	    -pidfile modproxy.pid
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// moduleFlags collects -module PATH@VERSION=DIR, in order.
type moduleFlags []string

func (m *moduleFlags) String() string     { return strings.Join(*m, " ") }
func (m *moduleFlags) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	var modules moduleFlags
	flag.Var(&modules, "module", "serve `PATH@VERSION=DIR`: the source tree DIR as module PATH at VERSION (repeatable)")
	port := flag.Int("port", 0, "listen on 127.0.0.1:`PORT` (0: any free port; the address is printed)")
	credentials := flag.String("credentials", "", "`FILE` of user:password lines that may download (required)")
	tlsDir := flag.String("tls-dir", "", "serve HTTPS with `DIR`/cert.pem and DIR/key.pem, made (self-signed for 127.0.0.1) when missing; without it, plain HTTP, over which the go command sends no credentials")
	pidFile := flag.String("pidfile", "", "write the process id to `FILE` once listening; removed on exit")
	flag.Parse()
	if flag.NArg() > 0 || len(modules) == 0 || *credentials == "" {
		fmt.Fprintln(os.Stderr, "usage: modproxy -credentials FILE -module PATH@VERSION=DIR [-module ...] [-port N] [-tls-dir DIR] [-pidfile FILE]")
		flag.PrintDefaults()
		os.Exit(2)
	}
	if err := run(modules, *port, *credentials, *tlsDir, *pidFile); err != nil {
		fmt.Fprintln(os.Stderr, "modproxy:", err)
		os.Exit(1)
	}
}

func run(modules []string, port int, credentials, tlsDir, pidFile string) error {
	logger := log.New(os.Stderr, "modproxy: ", log.LstdFlags)
	users, err := readUsers(credentials)
	if err != nil {
		return err
	}
	var versions []*moduleVersion
	for _, spec := range modules {
		modVer, dir, ok := strings.Cut(spec, "=")
		modPath, version, ok2 := strings.Cut(modVer, "@")
		if !ok || !ok2 || dir == "" {
			return fmt.Errorf("-module %q: want PATH@VERSION=DIR", spec)
		}
		mv, err := loadModule(modPath, version, dir)
		if err != nil {
			return err
		}
		for _, o := range mv.Omitted {
			logger.Printf("%s@%s: omitted %s", modPath, version, o)
		}
		versions = append(versions, mv)
	}
	handler, err := newProxy(versions, users, logger)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return err
	}
	scheme := "http"
	if tlsDir != "" {
		cert, err := loadOrMakeCert(tlsDir)
		if err != nil {
			ln.Close()
			return err
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	if pidFile != "" {
		if err := os.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			ln.Close()
			return err
		}
		defer os.Remove(pidFile)
	}

	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: logger}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()

	served := make([]string, len(versions))
	for i, mv := range versions {
		served[i] = mv.Path + "@" + mv.Version
	}
	// The ready signal: scripts wait for this line (the pid file is written before it).
	fmt.Printf("modproxy: listening on %s://%s serving %s\n", scheme, ln.Addr(), strings.Join(served, " "))

	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Print("stopped")
	return nil
}

// readUsers reads user:password lines (blank lines and # comments skipped; the password
// is everything after the first colon). Only password hashes are kept.
func readUsers(file string) (map[string][sha256.Size]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	defer f.Close()
	users := map[string][sha256.Size]byte{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		user, password, ok := strings.Cut(line, ":")
		if !ok || user == "" || password == "" {
			// The line itself is not echoed: it may hold a password.
			return nil, fmt.Errorf("credentials %s:%d: want user:password", file, n)
		}
		users[user] = sha256.Sum256([]byte(password))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("credentials %s: no user:password line", file)
	}
	return users, nil
}
