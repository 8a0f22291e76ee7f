# shellcheck shell=bash
# Mounts a daemon leaves behind (sourced). Lazy unmounts, deepest first, so that the
# directory can be removed once its daemons are gone.
#
#   umount_under DIR   unmount DIR and everything mounted below it

umount_under() {
    local m
    awk -v r="$1" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" || true; done
}
