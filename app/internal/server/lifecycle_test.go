package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// The real server on a loopback port: starting -> ready -> (cancel) draining, still
// live -> stopped.
func TestServeLifecycle(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := mustConfig(t, map[string]string{"STARTUP_DELAY": "200ms", "SHUTDOWN_DRAIN": "1s", "SHUTDOWN_TIMEOUT": "2s"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- New(cfg, time.Now).Serve(ctx, ln, slog.New(slog.DiscardHandler)) }()

	if got := status(base + "/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz during start-up = %d, want 503", got)
	}
	if got := status(base + "/healthz"); got != http.StatusOK {
		t.Fatalf("/healthz during start-up = %d, want 200", got)
	}
	waitFor(t, "ready after STARTUP_DELAY", func() bool { return status(base+"/readyz") == http.StatusOK })

	cancel() // what SIGTERM does in main
	waitFor(t, "not ready once draining", func() bool { return status(base+"/readyz") == http.StatusServiceUnavailable })
	if got := status(base + "/healthz"); got != http.StatusOK {
		t.Fatalf("/healthz while draining = %d, want 200 (the server still serves)", got)
	}
	if got := status(base + "/"); got != http.StatusOK {
		t.Fatalf("/ while draining = %d, want 200", got)
	}

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop after SHUTDOWN_DRAIN")
	}
	if got := status(base + "/healthz"); got != 0 {
		t.Fatalf("server still answers after shutdown: %d", got)
	}
}

// A pod stopped before it ever became ready has no traffic to drain: it shuts down at once.
func TestServeSkipsDrainWhenNeverReady(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := mustConfig(t, map[string]string{"STARTUP_DELAY": "1h", "SHUTDOWN_DRAIN": "1h"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() { done <- New(cfg, time.Now).Serve(ctx, ln, slog.New(slog.DiscardHandler)) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server waited for SHUTDOWN_DRAIN although it never was ready")
	}
}

// client opens a new connection per request, so "stopped" means the listener is closed,
// not that a kept-alive connection happened to survive.
var client = &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// status is the response code for GET url, or 0 when the request fails.
func status(url string) int {
	resp, err := client.Get(url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting: %s", what)
}
