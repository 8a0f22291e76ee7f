# shellcheck shell=bash
# Daemons by pid file (sourced; needs log.sh). A process is only ever signalled by the pid
# its pid file names, and only while that pid still runs the expected binary (a pid can be
# reused by another program once the daemon is gone).
#
#   pid_read PIDFILE              print the pid PIDFILE holds; fails unless it holds one
#   pid_alive PID                 PID runs (a zombie waiting to be reaped counts as gone)
#   pid_runs PID EXE              PID is alive and runs the binary EXE
#   pid_runs_from PID DIR         PID is alive and runs a binary that lies in DIR
#   pid_ok PIDFILE EXE            PIDFILE names a live process running EXE
#   pid_launch LOG COMMAND...     start a daemon in the background ($! is its pid)
#   pid_await NAME PID LOG SECONDS PIDFILE CHECK...
#                                 wait until CHECK succeeds; dies if PID exits first
#   pid_wait_gone PID SECONDS     wait until PID is gone; fails after SECONDS
#   pid_stop NAME PIDFILE EXE     stop the daemon PIDFILE names (TERM, then KILL after 20 s)

pid_read() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(cat "$1")
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    echo "$pid"
}

pid_alive() {
    [ -r "/proc/$1/stat" ] || return 1
    local st
    st="$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)"
    [ "$st" != Z ] && [ "$st" != X ]
}

pid_runs() {
    pid_alive "$1" && [ "$(readlink -f "/proc/$1/exe" 2>/dev/null)" = "$(readlink -f "$2")" ]
}

pid_runs_from() {
    local exe
    pid_alive "$1" || return 1
    exe="$(readlink "/proc/$1/exe" 2>/dev/null)" || return 1
    [ "${exe%/*}" = "$(cd "$2" && pwd -P)" ]
}

pid_ok() {
    local pid
    pid=$(pid_read "$1") && pid_runs "$pid" "$2"
}

# In its own session (the caller's terminal or job control cannot signal it), output
# appended to LOG, never through a proxy to loopback, without the lock descriptors 8 and 9
# (lock.sh), which it would otherwise hold for as long as it runs.
pid_launch() {
    local logfile=$1
    shift
    NO_PROXY="${NO_PROXY:+$NO_PROXY,}127.0.0.1,localhost" no_proxy="${no_proxy:+$no_proxy,}127.0.0.1,localhost" \
        setsid "$@" </dev/null >>"$logfile" 2>&1 8>&- 9>&- &
}

# Polls CHECK every 0.2 s. Dies with LOG's tail if PID exits first (removing PIDFILE unless
# it is ""), or when SECONDS pass.
pid_await() {
    local name=$1 pid=$2 logfile=$3 seconds=$4 pidfile=$5
    shift 5
    for _ in $(seq 1 $((seconds * 5))); do
        "$@" && return 0
        kill -0 "$pid" 2>/dev/null || { tail -20 "$logfile" >&2; [ -z "$pidfile" ] || rm -f "$pidfile"; die "$name exited"; }
        sleep 0.2
    done
    "$@" || die "$name did not answer within ${seconds}s; see $logfile"
}

pid_wait_gone() {
    local end=$((SECONDS + $2))
    while pid_alive "$1"; do
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.2
    done
}

pid_stop() {
    local name=$1 pidf=$2 exe=$3 pid
    if ! pid_ok "$pidf" "$exe"; then
        [ -e "$pidf" ] && { log "$name: stale pid file removed"; rm -f "$pidf"; }
        log "$name: not running"
        return 0
    fi
    pid=$(cat "$pidf")
    log "$name: stopping pid $pid"
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
        pid_ok "$pidf" "$exe" || break
        sleep 0.2
    done
    if pid_ok "$pidf" "$exe"; then
        log "$name: still running after 20s, sending KILL to pid $pid"
        kill -KILL "$pid"
        sleep 0.5
    fi
    rm -f "$pidf"
}
