// Package server is the sample service's HTTP server.
//
// It never uses os/user: on Windows nanoserver images os/user panics (the user database
// it reads is absent), and nothing here needs the user's name.
package server

import (
	"fmt"
	"strconv"
	"time"
)

// Config is what the service reads from its environment.
type Config struct {
	// Port to listen on (PORT, default 8080).
	Port int
	// Location for the time reported at / (TZ). When TZ is unset, the process's local
	// zone: /etc/localtime on Linux, which the hostPath and configMap modes provide.
	Location *time.Location
	// ServiceName reported at / (SERVICE_NAME, default "hello").
	ServiceName string
	// StartupDelay before /readyz reports ready (STARTUP_DELAY, default 0).
	StartupDelay time.Duration
	// ShutdownDrain: after SIGTERM, /readyz fails this long before the listener closes, so
	// endpoints drop the pod first (SHUTDOWN_DRAIN, default 5s).
	ShutdownDrain time.Duration
	// ShutdownTimeout bounds in-flight requests at shutdown (SHUTDOWN_TIMEOUT, default 20s).
	ShutdownTimeout time.Duration
	// Version of the binary, set by main.
	Version string
}

// ConfigFromEnv reads Config through getenv (os.Getenv in main, a map in tests).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Port: 8080, ServiceName: "hello", ShutdownDrain: 5 * time.Second, ShutdownTimeout: 20 * time.Second, Version: "dev"}
	if v := getenv("PORT"); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil || port < 1 || port > 65535 {
			return Config{}, fmt.Errorf("PORT=%q: want a port number 1-65535", v)
		}
		cfg.Port = port
	}
	// Go ignores TZ for time.Local on Windows, so the zone is always loaded explicitly.
	loc := time.Local
	if tz := getenv("TZ"); tz != "" {
		var err error
		if loc, err = time.LoadLocation(tz); err != nil {
			return Config{}, fmt.Errorf("TZ=%q: not a known IANA time zone (e.g. Europe/Paris)", tz)
		}
	}
	cfg.Location = loc
	if v := getenv("SERVICE_NAME"); v != "" {
		cfg.ServiceName = v
	}
	for _, d := range []struct {
		key    string
		target *time.Duration
	}{{"STARTUP_DELAY", &cfg.StartupDelay}, {"SHUTDOWN_DRAIN", &cfg.ShutdownDrain}, {"SHUTDOWN_TIMEOUT", &cfg.ShutdownTimeout}} {
		if v := getenv(d.key); v != "" {
			parsed, err := time.ParseDuration(v)
			if err != nil || parsed < 0 {
				return Config{}, fmt.Errorf("%s=%q: want a non-negative Go duration such as 5s", d.key, v)
			}
			*d.target = parsed
		}
	}
	return cfg, nil
}
