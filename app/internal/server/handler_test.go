package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func request(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestHealthz(t *testing.T) {
	s := New(mustConfig(t, nil), fixedClock)
	for _, p := range []phase{starting, ready, draining} {
		s.phase.set(p)
		rec := request(s.Handler(), http.MethodGet, "/healthz")
		if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "ok" {
			t.Errorf("/healthz while %s = %d %q, want 200 ok", p, rec.Code, rec.Body.String())
		}
	}
}

func TestReadyzFollowsThePhase(t *testing.T) {
	s := New(mustConfig(t, nil), fixedClock)
	for _, tc := range []struct {
		phase phase
		code  int
		body  string
	}{
		{starting, http.StatusServiceUnavailable, "starting"},
		{ready, http.StatusOK, "ok"},
		{draining, http.StatusServiceUnavailable, "draining"},
	} {
		s.phase.set(tc.phase)
		rec := request(s.Handler(), http.MethodGet, "/readyz")
		if rec.Code != tc.code || strings.TrimSpace(rec.Body.String()) != tc.body {
			t.Errorf("/readyz while %s = %d %q, want %d %q", tc.phase, rec.Code, rec.Body.String(), tc.code, tc.body)
		}
	}
}

func TestInfoRendersTimeInTheConfiguredZone(t *testing.T) {
	for _, tc := range []struct{ zone, time string }{
		{"Asia/Tokyo", "2026-01-02T12:04:05+09:00"},
		{"America/New_York", "2026-01-01T22:04:05-05:00"},
		{"UTC", "2026-01-02T03:04:05Z"},
	} {
		cfg := mustConfig(t, map[string]string{"TZ": tc.zone, "SERVICE_NAME": "api"})
		cfg.Version = "abc123"
		rec := request(New(cfg, fixedClock).Handler(), http.MethodGet, "/")
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: / = %d", tc.zone, rec.Code)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s: Content-Type = %q", tc.zone, ct)
		}
		var got Info
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		want := Info{Service: "api", Version: "abc123", Time: tc.time, Zone: tc.zone}
		if got != want {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	}
}

func TestUnknownPathsAre404(t *testing.T) {
	h := New(mustConfig(t, nil), fixedClock).Handler()
	for _, path := range []string{"/nope", "/healthz/extra", "/index.html"} {
		if rec := request(h, http.MethodGet, path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
		}
	}
	if rec := request(h, http.MethodPost, "/"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", rec.Code)
	}
}
