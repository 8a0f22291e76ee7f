# shellcheck shell=bash
# Logging for goship's scripts (sourced): every line goes to stderr and starts with the
# script's tag, so that stdout stays free for what a script prints on purpose.
#
#   log_setup PREFIX WORD   PREFIX starts each line; a %T in it becomes the time (HH:MM:SS);
#                           WORD marks a fatal error ("ERROR" or "error")
#   log MESSAGE...          "PREFIX MESSAGE"
#   die MESSAGE...          "PREFIX WORD: MESSAGE", then exit 1
#   now                     seconds since the epoch, with nanoseconds (a T0 for since)
#   since T0                the time since T0 as "12.3s"
#   step NAME COMMAND...    "NAME ...", run COMMAND, "NAME: done in N s"; dies if it fails
LOG_PREFIX="[${0##*/}]"
LOG_ERROR=error

log_setup() { LOG_PREFIX=$1; LOG_ERROR=$2; }

log() {
    local prefix=$LOG_PREFIX
    case $prefix in *%T*) prefix=${prefix//%T/$(date +%H:%M:%S)} ;; esac
    printf '%s %s\n' "$prefix" "$*" >&2
}

die() { log "$LOG_ERROR: $*"; exit 1; }

now() { date +%s.%N; }

since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1fs", b-a}'; }

step() {
    local name=$1 start=$SECONDS
    shift
    log "$name ..."
    "$@" || die "$name failed (exit $?); its output is above"
    log "$name: done in $((SECONDS - start)) s"
}
