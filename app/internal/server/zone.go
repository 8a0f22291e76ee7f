package server

import (
	"fmt"
	"strings"
	"time"
)

// HostZoneFile names the zone when TZ is unset. goship's hostPath timezone mode mounts
// the node's /etc/localtime and /etc/timezone and sets no TZ, so the pod follows the node.
const HostZoneFile = "/etc/timezone"

// LoadZone returns the zone the service reports time in: TZ if set, else the name in
// /etc/timezone if that file exists, else the process's local zone (/etc/localtime on
// Linux, which the hostPath mode mounts even on nodes without /etc/timezone; UTC in a
// scratch image without one).
//
// A configured zone is always loaded by name with time.LoadLocation rather than through
// time.Local: on Windows Go ignores TZ when it sets up time.Local (it asks the OS
// instead), so the same pod spec would report a different zone on Windows nodes. The binary embeds
// time/tzdata, so names load in scratch and nanoserver images with no zoneinfo files.
func LoadZone(getenv func(string) string, readFile func(string) ([]byte, error)) (*time.Location, error) {
	if tz := getenv("TZ"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return nil, fmt.Errorf("TZ=%q: not a known IANA time zone name; use one such as UTC, Europe/Paris or Asia/Tokyo", tz)
		}
		return loc, nil
	}
	if data, err := readFile(HostZoneFile); err == nil {
		if name := strings.TrimSpace(string(data)); name != "" {
			loc, err := time.LoadLocation(name)
			if err != nil {
				return nil, fmt.Errorf("TZ is unset and %s names %q, which is not a known IANA time zone; set TZ", HostZoneFile, name)
			}
			return loc, nil
		}
	}
	return time.Local, nil
}
