package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"
)

// ListenAndServe listens on ":"+PORT and runs Serve.
func (s *Server) ListenAndServe(ctx context.Context, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(s.cfg.Port))
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln, logger)
}

// Serve serves on ln until ctx ends (SIGTERM or SIGINT in main), then shuts down:
//
//  1. starting for STARTUP_DELAY, then ready;
//  2. when ctx ends: draining — /readyz fails but requests are still served, for
//     SHUTDOWN_DRAIN, so endpoints controllers and load balancers drop the pod first;
//  3. http.Server.Shutdown, which waits up to SHUTDOWN_TIMEOUT for in-flight requests.
//
// It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second, // slow-header clients cannot hold connections open
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening",
		"service", s.cfg.ServiceName, "version", s.cfg.Version, "port", s.cfg.Port,
		"addr", ln.Addr().String(), "zone", s.cfg.Zone.String())

	warmUp := time.NewTimer(s.cfg.StartupDelay)
	defer warmUp.Stop()
	wasReady := false
	for stop := false; !stop; {
		select {
		case <-warmUp.C:
			s.phase.set(ready)
			wasReady = true
			logger.Info("ready")
		case <-ctx.Done():
			stop = true
		case err := <-served:
			return err // the listener failed; nothing to drain
		}
	}

	s.phase.set(draining)
	if wasReady {
		logger.Info("draining", "drain", s.cfg.ShutdownDrain.String())
		time.Sleep(s.cfg.ShutdownDrain)
	} // else the pod never was a ready endpoint: there is no traffic to drain.

	logger.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close() // cut whatever is still running; the process is leaving anyway
		return fmt.Errorf("shutdown: requests still running after SHUTDOWN_TIMEOUT=%s: %w", s.cfg.ShutdownTimeout, err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}
