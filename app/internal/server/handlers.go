package server

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"
)

// Handler serves the service's endpoints. Readiness is a flag the lifecycle flips.
type Handler struct {
	cfg   Config
	now   func() time.Time
	ready atomic.Bool
}

// NewHandler returns a handler that is not ready yet; clock is time.Now outside tests.
func NewHandler(cfg Config, clock func() time.Time) *Handler {
	return &Handler{cfg: cfg, now: clock}
}

// SetReady marks the service ready (true) or draining/starting (false).
func (h *Handler) SetReady(ready bool) { h.ready.Store(ready) }

// Info is the JSON document served at /.
type Info struct {
	Service string `json:"service"`
	Version string `json:"version"`
	Time    string `json:"time"`
	Zone    string `json:"zone"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		// Liveness: the process serves requests, also while draining.
		writeText(w, http.StatusOK, "ok")
	case "/readyz":
		if h.ready.Load() {
			writeText(w, http.StatusOK, "ready")
		} else {
			writeText(w, http.StatusServiceUnavailable, "not ready")
		}
	case "/":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(Info{
			Service: h.cfg.ServiceName,
			Version: h.cfg.Version,
			Time:    h.now().In(h.cfg.Location).Format(time.RFC3339),
			Zone:    h.cfg.Location.String(),
		})
	default:
		http.NotFound(w, r)
	}
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body + "\n"))
}
