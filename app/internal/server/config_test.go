package server

import (
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	cfg := mustConfig(t, nil)
	want := Config{Port: 8080, Zone: time.Local, ServiceName: "hello", StartupDelay: 0,
		ShutdownDrain: 5 * time.Second, ShutdownTimeout: 20 * time.Second, Version: "dev"}
	if cfg != want {
		t.Fatalf("got %+v\nwant %+v", cfg, want)
	}
}

func TestConfigFromEnv(t *testing.T) {
	cfg := mustConfig(t, map[string]string{
		"PORT": "9090", "TZ": "Asia/Tokyo", "SERVICE_NAME": "api",
		"STARTUP_DELAY": "2s", "SHUTDOWN_DRAIN": "0s", "SHUTDOWN_TIMEOUT": "1m",
	})
	if cfg.Port != 9090 || cfg.Zone.String() != "Asia/Tokyo" || cfg.ServiceName != "api" ||
		cfg.StartupDelay != 2*time.Second || cfg.ShutdownDrain != 0 || cfg.ShutdownTimeout != time.Minute {
		t.Fatalf("unexpected config: %+v", cfg)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	for _, tc := range []struct{ key, value string }{
		{"PORT", "http"}, {"PORT", "0"}, {"PORT", "-1"}, {"PORT", "70000"}, {"PORT", " 8080"},
		{"TZ", "Mars/Olympus"}, {"TZ", "JST+9:30junk"},
		{"STARTUP_DELAY", "soon"}, {"STARTUP_DELAY", "-1s"},
		{"SHUTDOWN_DRAIN", "5"}, {"SHUTDOWN_DRAIN", "-1s"},
		{"SHUTDOWN_TIMEOUT", "0s"}, {"SHUTDOWN_TIMEOUT", "twenty"},
	} {
		_, err := LoadConfig(env(map[string]string{tc.key: tc.value}), noFiles)
		if err == nil || !strings.HasPrefix(err.Error(), tc.key+"=") {
			t.Errorf("%s=%q: want an error starting %q, got %v", tc.key, tc.value, tc.key+"=", err)
		}
	}
}

// The zone never comes from time.Local: on Windows Go ignores TZ for time.Local, so
// relying on it would make the same pod spec behave differently per OS.
func TestZoneFallsBackToLocalOnlyWithoutTZ(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	time.Local = tokyo

	if cfg := mustConfig(t, nil); cfg.Zone != tokyo {
		t.Fatalf("TZ unset, no /etc/timezone: zone = %v, want the local zone (%v)", cfg.Zone, tokyo)
	}
	if cfg := mustConfig(t, map[string]string{"TZ": "Europe/Paris"}); cfg.Zone.String() != "Europe/Paris" {
		t.Fatalf("TZ=Europe/Paris: zone = %v", cfg.Zone)
	}
}

// goship's hostPath timezone mode sets no TZ and mounts the node's /etc/timezone.
func TestZoneFromHostFile(t *testing.T) {
	host := files(map[string]string{HostZoneFile: "Europe/Paris\n"})

	loc, err := LoadZone(env(nil), host)
	if err != nil || loc.String() != "Europe/Paris" {
		t.Fatalf("from %s: got %v, %v", HostZoneFile, loc, err)
	}
	loc, err = LoadZone(env(map[string]string{"TZ": "Asia/Tokyo"}), host)
	if err != nil || loc.String() != "Asia/Tokyo" {
		t.Fatalf("TZ must win over %s: got %v, %v", HostZoneFile, loc, err)
	}
	loc, err = LoadZone(env(nil), files(map[string]string{HostZoneFile: "  \n"}))
	if err != nil || loc != time.Local {
		t.Fatalf("empty %s: got %v, %v, want the local zone", HostZoneFile, loc, err)
	}
	_, err = LoadZone(env(nil), files(map[string]string{HostZoneFile: "Nowhere/Special"}))
	if err == nil || !strings.Contains(err.Error(), HostZoneFile) || !strings.Contains(err.Error(), "set TZ") {
		t.Fatalf("bad %s: want an error naming the file and TZ, got %v", HostZoneFile, err)
	}
}
