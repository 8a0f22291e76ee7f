package server

import "sync/atomic"

// phase is where the process is in its life, as /readyz reports it.
type phase int32

const (
	starting phase = iota // warming up: not ready, STARTUP_DELAY not over yet
	ready                 // serving traffic
	draining              // SIGTERM received: not ready, still serving until Shutdown
)

func (p phase) String() string {
	switch p {
	case starting:
		return "starting"
	case ready:
		return "ready"
	default:
		return "draining"
	}
}

// readiness is the phase, shared by the lifecycle (writer) and /readyz (readers).
type readiness struct{ v atomic.Int32 }

func (r *readiness) get() phase  { return phase(r.v.Load()) }
func (r *readiness) set(p phase) { r.v.Store(int32(p)) }
