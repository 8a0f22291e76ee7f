# shellcheck shell=bash
# One run at a time (sourced; needs log.sh).
#
#   lock_take FD FILE SECONDS WHAT   open FILE on descriptor FD (8 or 9: the daemons that
#                                    pid_launch and kwokctl start close those) and wait up to
#                                    SECONDS (0: for ever) for an exclusive flock on it;
#                                    dies with "another WHAT holds FILE" on a timeout;
#                                    without flock on PATH, takes no lock
lock_take() {
    local fd=$1 file=$2 seconds=$3 what=$4
    command -v flock >/dev/null 2>&1 || return 0
    case $fd in 8) exec 8>"$file" ;; 9) exec 9>"$file" ;; *) die "lock_take: descriptor $fd is not 8 or 9" ;; esac
    if [ "$seconds" = 0 ]; then
        flock "$fd"
    else
        flock -w "$seconds" "$fd" || die "another $what holds $file"
    fi
}
