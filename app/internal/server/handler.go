package server

import (
	"encoding/json"
	"net/http"
	"time"
)

// Server holds the configuration, the clock and the readiness phase behind the endpoints.
type Server struct {
	cfg   Config
	now   func() time.Time
	phase readiness
}

// New returns a Server in the starting phase. clock is time.Now outside tests; tests pass
// a fixed instant so the zone conversion can be asserted exactly.
func New(cfg Config, clock func() time.Time) *Server {
	return &Server{cfg: cfg, now: clock}
}

// Info is the JSON document served at /.
type Info struct {
	Service string `json:"service"`
	Version string `json:"version"`
	Time    string `json:"time"` // RFC 3339, in Zone
	Zone    string `json:"zone"`
}

// Handler routes the three endpoints; anything else is 404.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /{$}", s.info) // {$}: exactly "/", not every unmatched path
	return mux
}

// healthz is liveness: 200 whenever the process can answer, draining included, so the
// kubelet never restarts a pod that is merely shutting down or warming up.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, "ok")
}

// readyz is readiness: 200 only in the ready phase, so the pod receives traffic only
// after warm-up and stops receiving it as soon as SIGTERM arrives.
func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	p := s.phase.get()
	if p == ready {
		writeText(w, http.StatusOK, "ok")
		return
	}
	writeText(w, http.StatusServiceUnavailable, p.String())
}

func (s *Server) info(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(Info{
		Service: s.cfg.ServiceName,
		Version: s.cfg.Version,
		Time:    s.now().In(s.cfg.Zone).Format(time.RFC3339),
		Zone:    s.cfg.Zone.String(),
	})
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body + "\n"))
}
