package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Run serves until ctx is cancelled (SIGTERM), then drains and shuts down gracefully.
func Run(ctx context.Context, cfg Config, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", cfg.Port))
	if err != nil {
		return err
	}
	return Serve(ctx, ln, cfg, NewHandler(cfg, time.Now), logger)
}

// Serve runs the lifecycle on an existing listener:
// not ready for StartupDelay, ready until ctx ends, then not ready for ShutdownDrain,
// then http.Server.Shutdown bounded by ShutdownTimeout.
func Serve(ctx context.Context, ln net.Listener, cfg Config, h *Handler, logger *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "version", cfg.Version, "zone", cfg.Location.String())

	select {
	case <-time.After(cfg.StartupDelay):
		h.SetReady(true)
		logger.Info("ready")
	case <-ctx.Done():
	case err := <-served:
		return err
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return err
	}
	h.SetReady(false)
	logger.Info("shutting down: draining", "drain", cfg.ShutdownDrain.String())
	time.Sleep(cfg.ShutdownDrain)

	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}
