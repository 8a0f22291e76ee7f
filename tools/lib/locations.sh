# Where goship's tools keep things. Sourced (not run) by the scripts under tools/:
#   REPO   the repository root
#   CACHE  $GOSHIP_CACHE, default ~/.cache/goship: built binaries and source wrappers,
#          shared by every clone on the machine
#   STATE  $GOSHIP_STATE, default <repo>/.goship (git-ignored): sockets, pids, logs and
#          data of this clone's local platform
# shellcheck shell=bash disable=SC2034 # REPO, CACHE, STATE: read by the scripts that source this file
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${GOSHIP_CACHE:-$HOME/.cache/goship}"
STATE="${GOSHIP_STATE:-$REPO/.goship}"
