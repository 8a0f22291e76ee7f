# shellcheck shell=bash
# Debian packages a script needs, installed with apt-get when missing (sourced; needs log.sh).
#
#   pkg_installed PACKAGE      dpkg has PACKAGE installed
#   apt_ensure PACKAGE...      apt-get install those of PACKAGE... that are missing (as root);
#                              dies if that fails. apt-get's output goes to stderr.
pkg_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

apt_ensure() {
    local missing=() p
    for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
    [ "${#missing[@]}" = 0 ] && return 0
    log "apt-get install ${missing[*]}"
    # docker-registry's maintainer script starts its own service (Debian config: every
    # interface, :5000); docker.io's and containerd's start dockerd and containerd on the
    # system paths. Keep services from starting while installing, like Docker images do.
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 0755 "$policy"; made_policy=1
    fi
    local rc=0
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 || rc=$?
    [ "$made_policy" = 1 ] && rm -f "$policy"
    [ "$rc" = 0 ] || die "apt-get install failed"
}
