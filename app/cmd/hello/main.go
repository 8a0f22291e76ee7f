// Command hello is goship's sample service: a small HTTP server that reports its version
// and the time in its configured zone, with liveness and readiness endpoints and a
// graceful shutdown. See internal/server and README.md.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	// Zone data inside the binary, so TZ loads in scratch and nanoserver images,
	// which ship no zoneinfo.
	_ "time/tzdata"

	"goship.example/hello/internal/server"
)

// version is set at build time: go build -ldflags "-X main.version=<revision>".
var version = "dev"

func main() { os.Exit(run()) }

func run() int {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := server.LoadConfig(os.Getenv, os.ReadFile)
	if err != nil {
		logger.Error("invalid configuration", "error", err)
		return 1
	}
	cfg.Version = version

	// SIGTERM is what the kubelet sends; SIGINT is Ctrl-C when run by hand.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	// After the first signal, restore the default handling so a second one kills at once.
	context.AfterFunc(ctx, stop)

	if err := server.New(cfg, time.Now).ListenAndServe(ctx, logger); err != nil {
		logger.Error("server failed", "error", err)
		return 1
	}
	return 0
}
