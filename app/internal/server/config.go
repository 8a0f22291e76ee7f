package server

import (
	"fmt"
	"strconv"
	"time"
)

// Config is everything the service reads from its environment.
type Config struct {
	// Port to listen on (PORT, default 8080).
	Port int
	// Zone for the time reported at / (TZ; see LoadZone for the fallbacks).
	Zone *time.Location
	// ServiceName reported at / (SERVICE_NAME, default "hello").
	ServiceName string
	// StartupDelay before /readyz turns ready, simulating warm-up (STARTUP_DELAY, default 0).
	StartupDelay time.Duration
	// ShutdownDrain: after SIGTERM, /readyz fails for this long while the server keeps
	// serving, so the pod leaves the Service's endpoints before connections close
	// (SHUTDOWN_DRAIN, default 5s).
	ShutdownDrain time.Duration
	// ShutdownTimeout bounds http.Server.Shutdown, i.e. how long in-flight requests may
	// take to finish (SHUTDOWN_TIMEOUT, default 20s).
	ShutdownTimeout time.Duration
	// Version of the binary; set by main from its -ldflags variable, not from the environment.
	Version string
}

// LoadConfig reads Config through getenv and readFile (os.Getenv and os.ReadFile in main,
// fakes in tests). Every error names the variable and says what a valid value looks like.
func LoadConfig(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	cfg := Config{
		Port:            8080,
		ServiceName:     "hello",
		ShutdownDrain:   5 * time.Second,
		ShutdownTimeout: 20 * time.Second,
		Version:         "dev",
	}
	if v := getenv("PORT"); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil || port < 1 || port > 65535 {
			return Config{}, fmt.Errorf("PORT=%q: want a port number from 1 to 65535, e.g. 8080", v)
		}
		cfg.Port = port
	}
	zone, err := LoadZone(getenv, readFile)
	if err != nil {
		return Config{}, err
	}
	cfg.Zone = zone
	if v := getenv("SERVICE_NAME"); v != "" {
		cfg.ServiceName = v
	}
	durations := []struct {
		key      string
		target   *time.Duration
		positive bool // Shutdown with a zero timeout would cut every request at once.
	}{
		{"STARTUP_DELAY", &cfg.StartupDelay, false},
		{"SHUTDOWN_DRAIN", &cfg.ShutdownDrain, false},
		{"SHUTDOWN_TIMEOUT", &cfg.ShutdownTimeout, true},
	}
	for _, d := range durations {
		v := getenv(d.key)
		if v == "" {
			continue
		}
		parsed, err := time.ParseDuration(v)
		if err != nil || parsed < 0 || (d.positive && parsed == 0) {
			want := "a non-negative Go duration such as 0s, 500ms or 5s"
			if d.positive {
				want = "a positive Go duration such as 20s"
			}
			return Config{}, fmt.Errorf("%s=%q: want %s", d.key, v, want)
		}
		*d.target = parsed
	}
	return cfg, nil
}
