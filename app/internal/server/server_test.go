package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	cfg, err := ConfigFromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 8080 || cfg.ServiceName != "hello" || cfg.ShutdownDrain != 5*time.Second || cfg.ShutdownTimeout != 20*time.Second || cfg.StartupDelay != 0 {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
	if cfg.Location != time.Local {
		t.Fatalf("without TZ the zone is the process's local zone, got %v", cfg.Location)
	}
}

func TestConfigFromEnv(t *testing.T) {
	cfg, err := ConfigFromEnv(env(map[string]string{"PORT": "9090", "TZ": "Asia/Tokyo", "SERVICE_NAME": "api", "STARTUP_DELAY": "2s", "SHUTDOWN_DRAIN": "0s"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 9090 || cfg.Location.String() != "Asia/Tokyo" || cfg.ServiceName != "api" || cfg.StartupDelay != 2*time.Second || cfg.ShutdownDrain != 0 {
		t.Fatalf("unexpected config: %+v", cfg)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	for _, tc := range []struct{ key, value string }{
		{"PORT", "http"}, {"PORT", "0"}, {"PORT", "70000"},
		{"TZ", "Mars/Olympus"},
		{"STARTUP_DELAY", "soon"}, {"SHUTDOWN_DRAIN", "-1s"}, {"SHUTDOWN_TIMEOUT", "5"},
	} {
		_, err := ConfigFromEnv(env(map[string]string{tc.key: tc.value}))
		if err == nil || !strings.HasPrefix(err.Error(), tc.key+"=") {
			t.Errorf("%s=%s: want an error naming %s, got %v", tc.key, tc.value, tc.key, err)
		}
	}
}

func newTestHandler(t *testing.T, zone string) *Handler {
	t.Helper()
	cfg, err := ConfigFromEnv(env(map[string]string{"TZ": zone}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Version = "abc123"
	fixed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return NewHandler(cfg, func() time.Time { return fixed })
}

func get(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestHealthAndReadiness(t *testing.T) {
	h := newTestHandler(t, "UTC")
	if rec := get(h, "/healthz"); rec.Code != http.StatusOK {
		t.Fatalf("/healthz = %d", rec.Code)
	}
	if rec := get(h, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz before start-up = %d, want 503", rec.Code)
	}
	h.SetReady(true)
	if rec := get(h, "/readyz"); rec.Code != http.StatusOK {
		t.Fatalf("/readyz when ready = %d", rec.Code)
	}
	h.SetReady(false)
	if rec := get(h, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz while draining = %d, want 503", rec.Code)
	}
	if rec := get(h, "/nope"); rec.Code != http.StatusNotFound {
		t.Fatalf("/nope = %d, want 404", rec.Code)
	}
}

func TestRootReportsTimeInTheConfiguredZone(t *testing.T) {
	rec := get(newTestHandler(t, "Asia/Tokyo"), "/")
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q", ct)
	}
	var info Info
	if err := json.Unmarshal(rec.Body.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	want := Info{Service: "hello", Version: "abc123", Time: "2026-01-02T12:04:05+09:00", Zone: "Asia/Tokyo"}
	if info != want {
		t.Fatalf("got %+v, want %+v", info, want)
	}
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestServeLifecycle(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg, _ := ConfigFromEnv(env(map[string]string{"STARTUP_DELAY": "300ms", "SHUTDOWN_DRAIN": "500ms"}))
	h := NewHandler(cfg, time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, cfg, h, slog.New(slog.NewJSONHandler(io.Discard, nil))) }()

	if got := status(t, base+"/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz during start-up = %d, want 503", got)
	}
	waitFor(t, func() bool { return status(t, base+"/readyz") == http.StatusOK }, "ready after the start-up delay")

	cancel() // SIGTERM
	waitFor(t, func() bool { return status(t, base+"/readyz") == http.StatusServiceUnavailable }, "not ready while draining")
	if got := status(t, base+"/healthz"); got != http.StatusOK {
		t.Fatalf("/healthz while draining = %d, want 200", got)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop after the drain")
	}
	if got := status(t, base+"/healthz"); got != 0 {
		t.Fatalf("server still answers after shutdown: %d", got)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting: %s", what)
}
