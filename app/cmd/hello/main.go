// Command hello is goship's sample service: a small HTTP server that reports its version
// and the time in its configured zone, with health endpoints and graceful shutdown.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	// Zone data inside the binary, so TZ works in a scratch or nanoserver image.
	_ "time/tzdata"

	"goship.example/hello/internal/server"
)

// version is set at build time: -ldflags "-X main.version=<revision>".
var version = "dev"

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := server.ConfigFromEnv(os.Getenv)
	if err != nil {
		logger.Error("invalid configuration", "error", err.Error())
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cfg.Version = version

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := server.Run(ctx, cfg, logger); err != nil {
		logger.Error("server failed", "error", err.Error())
		os.Exit(1)
	}
}
