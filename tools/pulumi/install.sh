#!/usr/bin/env bash
# Build the Pulumi CLI and the two resource providers goship
# uses (docker-build, kubernetes) from their Go modules, at the versions pinned in
# package.json, into a cache outside the repo; then register the providers in the Pulumi
# plugin cache. Nothing is downloaded except Go modules, so this works on machines that
# reach package registries only (npm's `pulumi` package and `pulumi plugin install`
# download release tarballs from the internet, which such machines cannot reach).
#
# Idempotent: a binary already in the cache is reused, a plugin already registered is
# left alone. The Go build cache (go env GOCACHE) is the default one, so rebuilds after a
# version bump reuse every unchanged package.
#
#   tools/pulumi/install.sh > pulumi.env && . pulumi.env   # stdout: only `export` lines
#
# Versions (one place: package.json "dependencies"):
#   @pulumi/pulumi        -> pulumi CLI (no language host: see section 1)
#   @pulumi/kubernetes    -> pulumi-resource-kubernetes
#   @pulumi/docker-build  -> pulumi-resource-docker-build
#   @pulumi/pulumi        -> analyzer policy-nodejs (policy-analyzer.sh: the pack's runner)
#
# Environment:
#   GOSHIP_CACHE  cache root (default ~/.cache/goship): bin/, providers/, build/, logs/
#   PULUMI_HOME   Pulumi's home, where plugins are registered (default ~/.pulumi)
#
# Go module proxy: the modules come from `go env GOPROXY`. Checksums are verified against
# `go env GOSUMDB` as usual (the checksum database answered here, so GOSUMDB is left alone).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/locations.sh
. "$here/../lib/locations.sh"
# shellcheck source=../lib/log.sh
. "$here/../lib/log.sh"
# shellcheck source=../lib/lock.sh
. "$here/../lib/lock.sh"
# shellcheck source=../lib/gowrap.sh
. "$here/../lib/gowrap.sh"
log_setup install.sh: error
repo=$REPO
cache=$CACHE
export PULUMI_HOME="${PULUMI_HOME:-$HOME/.pulumi}"
export PULUMI_SKIP_UPDATE_CHECK=true

# workarounds KIND: the fields after KIND of each KIND line of workarounds.txt.
workarounds() {
  sed 's/#.*//' "$here/workarounds.txt" | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }'
}

command -v go >/dev/null 2>&1 ||
  die "go is not on PATH. Install Go (the Pulumi modules declare go 1.26) and re-run."
command -v node >/dev/null 2>&1 ||
  die "node is not on PATH; it is used to read package.json and go's JSON output."
[ -f "$repo/package.json" ] || die "no package.json at $repo"

mkdir -p "$cache/bin" "$cache/providers" "$cache/build" "$cache/logs"
cache="$(cd "$cache" && pwd)"

# One run at a time per cache (two concurrent builds would race on the same files).
lock_take 9 "$cache/.lock" 3600 install.sh

# Module versions the checksum database here lacks (workarounds.txt): skip its lookup for
# those module paths only.
nosumdb="$(workarounds nosumdb | sed 's/@.*//' | paste -sd, -)"
[ -z "$nosumdb" ] || export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}$nosumdb"

# -mod=mod: the wrapper modules below start with only the top-level requirements and
# let the go command fill in the rest (and go.sum). Keep whatever GOFLAGS go env has.
gowrap_env

# ---------------------------------------------------------------------------------------
# helpers

# dep_version NAME: the exact version package.json pins for dependency NAME.
dep_version() {
  # shellcheck disable=SC2016 # JavaScript in single quotes: ${...} is a template literal, not bash
  node -e '
    const [file, name] = process.argv.slice(1);
    const v = (require(file).dependencies || {})[name];
    if (!v) { console.error(`install.sh: error: package.json has no dependency ${name}`); process.exit(1); }
    if (!/^\d+\.\d+\.\d+$/.test(v)) {
      console.error(`install.sh: error: package.json pins ${name} as "${v}"; an exact x.y.z version is needed`);
      process.exit(1);
    }
    console.log(v);' "$repo/package.json" "$1"
}

# mod_download MODULE@QUERY: download one module version; print go's JSON (Dir, GoMod,
# Version, Origin.Hash, Time ...). On failure print go's reason and return 1.
mod_download() {
  local out
  if out="$(cd "$cache/build" && GOFLAGS='' go mod download -json "$1" 2>/dev/null)"; then
    printf '%s\n' "$out"
    return 0
  fi
  printf '%s\n' "$out" | json_field Error >&2 || true
  printf '%s\n' "$out" | json_field Error >"$cache/logs/last-download-error" || true
  sumdb_hint "$cache/logs/last-download-error"
  return 1
}

# mod_info MODULE@VERSION: like mod_download but only the .info (no zip): Version, Time,
# Origin.Hash. Uses `go list -m -json`, which does not fetch the source.
mod_info() {
  (cd "$cache/build" && GOFLAGS='' go list -m -json "$1" 2>&1)
}

# pseudo_version MAJOR TIME HASH: canonical pseudo-version vMAJOR.0.0-yyyymmddhhmmss-hash12
# for a commit of a module path that has no tags of its own. A query by bare commit hash
# would work on the public Go proxy too, but a caching proxy may only answer canonical names.
pseudo_version() {
  # shellcheck disable=SC2016 # JavaScript in single quotes: ${...} is a template literal, not bash
  node -e '
    const [major, time, hash] = process.argv.slice(1);
    const ts = new Date(time).toISOString().replace(/[-:T]/g, "").slice(0, 14);
    console.log(`v${major}.0.0-${ts}-${hash.slice(0, 12)}`);' "$1" "$2" "$3"
}

# prepare_wrapper DIR GOMOD RELEASE REQUIRE...: a fresh module in DIR that requires
# REQUIRE... (MODULE@VERSION) and repeats GOMOD's version replaces and excludes. A replace
# that points at a directory of the upstream repo (e.g. sdk/v3 => ../sdk) is satisfied by
# requiring that module at the release version RELEASE; it must be one of REQUIRE... or is
# added here.
prepare_wrapper() {
  local dir=$1 gomod=$2 release=$3; shift 3
  local args=() line kind rest mod
  gowrap_new "$dir" goship.local/build
  for mod in "$@"; do args+=("-require=$mod"); done
  while IFS= read -r line; do
    kind=${line%% *}; rest=${line#* }
    case $kind in
      replace) args+=("-replace=$rest"); printf '%s\n' "${rest/=/ => }" >>"$dir/REPLACES" ;;
      exclude) args+=("-exclude=$rest") ;;
      local)
        rest=${rest%% *}
        case " $* " in
          *" $rest@"*) ;;
          *) args+=("-require=$rest@$release") ;;
        esac ;;
    esac
  done < <(gowrap_directives "$gomod")
  # Our own substitutes for versions the proxy does not serve (workarounds.txt), for this
  # wrapper only. OLD@V is also required directly, so that the go command reads the
  # substitute's go.mod (with graph pruning it would not) and selects what it needs.
  while read -r wrapper old new; do
    [ "$wrapper" = "$(basename "$dir")" ] || continue
    case $new in *@*) ;; *) new="$here/$new" ;; esac   # a directory under tools/pulumi
    args+=("-require=$old" "-replace=$old=$new")
    printf '%s => %s (goship substitute, workarounds.txt)\n' "$old" "$new" >>"$dir/REPLACES"
  done < <(workarounds substitute)
  (cd "$dir" && go mod edit "${args[@]}")
  touch "$dir/REPLACES"
}

# go_build DIR OUT PACKAGE LDFLAGS LOG: build PACKAGE in wrapper DIR to OUT (atomically).
# Flags follow upstream release builds: static (CGO_ENABLED=0), -trimpath, stripped.
go_build() {
  local dir=$1 out=$2 pkg=$3 ldflags=$4 log=$5
  if ! gowrap_build "$dir" "$out" "$pkg" -tags osusergo,grpcnotrace -ldflags "-s -w $ldflags" >"$log" 2>&1; then
    explain_failure "$log"
    return 1
  fi
}

explain_failure() {
  log "build failed; last lines of $1:"
  gowrap_tail "$1"
  if grep -q 'This module version is not available' "$1"; then
    log "the Go module proxy ($(go env GOPROXY)) refused a module version listed above;"
    log "nothing in this script can work around that: the module must be served by the proxy."
  fi
  sumdb_hint "$1"
}

# The checksum database is reached through the proxy; a mirror may lack entries (404) for
# module versions it does serve. The script does not turn verification off by itself.
sumdb_hint() {
  local mod
  mod="$(grep -o 'lookup/[^@ ]*@' "$1" 2>/dev/null | head -n 1 | sed 's|^lookup/||; s|@$||')" || true
  [ -n "$mod" ] || return 0
  log "the checksum database ($(go env GOSUMDB)) has no entry for $mod (see above), so go refuses it."
  log "to accept it unverified, re-run with GONOSUMDB=$mod (a comma-separated list of module path prefixes)."
}

size_of() { du -h "$1" 2>/dev/null | cut -f1; }



declare -a report=()
failed=0
record() { report+=("$(printf '%-30s %-10s %-8s %6s %s' "$1" "$2" "$3" "$4" "$5")"); }

# ---------------------------------------------------------------------------------------
# versions

pulumi_ver="$(dep_version @pulumi/pulumi)" || exit 1
k8s_ver="$(dep_version @pulumi/kubernetes)" || exit 1
dbuild_ver="$(dep_version @pulumi/docker-build)" || exit 1
log "package.json: @pulumi/pulumi $pulumi_ver, @pulumi/kubernetes $k8s_ver, @pulumi/docker-build $dbuild_ver"
log "cache: $cache   PULUMI_HOME: $PULUMI_HOME   GOPROXY: $(go env GOPROXY)"

# ---------------------------------------------------------------------------------------
# 1. pulumi CLI
#
# No pulumi-language-nodejs: its Go module has no tags and the Go module proxy serves no
# commit of it, so it cannot be built here. goship runs its program through the Automation
# API's inline mode instead (tools/local/deploy.ts): @pulumi/pulumi itself serves the
# language runtime and the CLI connects to it with --client, so no language host binary is
# involved. A pulumi already on PATH at the pinned version is used as it is.

bindir="$cache/bin/pulumi-$pulumi_ver"
pulumi_bin=""

existing="$(command -v pulumi 2>/dev/null || true)"
if [ -n "$existing" ] && [ "$(dirname "$existing")" != "$bindir" ] &&
   [ "$("$existing" version 2>/dev/null || true)" = "v$pulumi_ver" ]; then
  pulumi_bin="$existing"
  bindir="$(dirname "$existing")"
  record pulumi "$pulumi_ver" "on PATH" "-" "$existing (not built)"
elif [ -x "$bindir/pulumi" ]; then
  pulumi_bin="$bindir/pulumi"
  record pulumi "$pulumi_ver" cached "-" "$(size_of "$bindir/pulumi")"
else
  pkg_mod=github.com/pulumi/pulumi/pkg/v3
  sdk_mod=github.com/pulumi/pulumi/sdk/v3
  if pkg_json="$(mod_download "$pkg_mod@v$pulumi_ver")"; then
    log "building pulumi v$pulumi_ver (takes several minutes on 2 cores) ..."
    start=$SECONDS
    prepare_wrapper "$cache/build/pulumi-$pulumi_ver" "$(printf '%s' "$pkg_json" | json_field GoMod)" \
      "v$pulumi_ver" "$pkg_mod@v$pulumi_ver" "$sdk_mod@v$pulumi_ver"
    if go_build "$cache/build/pulumi-$pulumi_ver" "$bindir/pulumi" "$pkg_mod/cmd/pulumi" \
         "-X $sdk_mod/go/common/version.Version=v$pulumi_ver" "$cache/logs/pulumi-$pulumi_ver.log"; then
      record pulumi "$pulumi_ver" built "$((SECONDS - start))s" "$(size_of "$bindir/pulumi")"
      pulumi_bin="$bindir/pulumi"
    else
      record pulumi "$pulumi_ver" FAILED "$((SECONDS - start))s" "log: $cache/logs/pulumi-$pulumi_ver.log"
      failed=1
    fi
  else
    log "cannot get $pkg_mod@v$pulumi_ver from the Go module proxy (see the reason above)"
    record pulumi "$pulumi_ver" FAILED "-" "module $pkg_mod@v$pulumi_ver not available"
    failed=1
  fi
fi

# Node.js shims the CLI looks for next to itself (plain scripts shipped in the npm packages).
# Only into our own bin directory, never next to a pulumi installed elsewhere.
if [ -d "$bindir" ] && [ "$bindir" = "$cache/bin/pulumi-$pulumi_ver" ]; then
  for shim in "$repo"/node_modules/@pulumi/*/pulumi-resource-pulumi-nodejs \
              "$repo"/node_modules/@pulumi/*/pulumi-analyzer-policy; do
    [ -f "$shim" ] || continue
    cmp -s "$shim" "$bindir/$(basename "$shim")" || install -m 0755 "$shim" "$bindir/"
  done
fi

# ---------------------------------------------------------------------------------------
# 2. providers

# docker-build: a tagged module with its main package inside.
dbuild_mod=github.com/pulumi/pulumi-docker-build
dbuild_bin="$cache/providers/docker-build-$dbuild_ver/pulumi-resource-docker-build"
if [ -x "$dbuild_bin" ]; then
  record pulumi-resource-docker-build "$dbuild_ver" cached "-" "$(size_of "$dbuild_bin")"
elif db_json="$(mod_download "$dbuild_mod@v$dbuild_ver")"; then
  log "building pulumi-resource-docker-build v$dbuild_ver ..."
  start=$SECONDS
  prepare_wrapper "$cache/build/docker-build-$dbuild_ver" "$(printf '%s' "$db_json" | json_field GoMod)" \
    "v$dbuild_ver" "$dbuild_mod@v$dbuild_ver"
  if go_build "$cache/build/docker-build-$dbuild_ver" "$dbuild_bin" \
       "$dbuild_mod/provider/cmd/pulumi-resource-docker-build" \
       "-X $dbuild_mod/provider.Version=v$dbuild_ver" "$cache/logs/docker-build-$dbuild_ver.log"; then
    record pulumi-resource-docker-build "$dbuild_ver" built "$((SECONDS - start))s" "$(size_of "$dbuild_bin")"
  else
    record pulumi-resource-docker-build "$dbuild_ver" FAILED "$((SECONDS - start))s" \
      "log: $cache/logs/docker-build-$dbuild_ver.log"
    failed=1
  fi
else
  log "cannot get $dbuild_mod@v$dbuild_ver from the Go module proxy (see the reason above)"
  record pulumi-resource-docker-build "$dbuild_ver" FAILED "-" "module not available"
  failed=1
fi

# kubernetes: the provider module (provider/v4) has no tags; use the commit of the
# v<ver> release tag. Its main package embeds two gitignored files that `go generate`
# makes, so the cmd directory is copied into the wrapper module and generated there.
k8s_repo=github.com/pulumi/pulumi-kubernetes
k8s_mod=$k8s_repo/provider/v4
k8s_bin="$cache/providers/kubernetes-$k8s_ver/pulumi-resource-kubernetes"
if [ -x "$k8s_bin" ]; then
  record pulumi-resource-kubernetes "$k8s_ver" cached "-" "$(size_of "$k8s_bin")"
else
  k8s_json=""
  # The repository root has no go.mod, so its v<ver> tag is the version v<ver>+incompatible.
  # Fall back to the sdk/v<ver> tag (the "v<ver>" SDK commit made on top of the release commit).
  pinned="$(workarounds commit | awk -v v="$k8s_ver" '$1 == "kubernetes" && $2 == v { print $3 }')"
  if [ -n "$pinned" ]; then
    k8s_json="$(mod_download "$k8s_mod@$pinned")" ||
      log "cannot get $k8s_mod@$pinned (the commit workarounds.txt names for $k8s_ver)"
  fi
  for q in "$k8s_repo@v$k8s_ver+incompatible" "$k8s_repo/sdk/v4@v$k8s_ver"; do
    [ -z "$k8s_json" ] || break
    if ! info="$(mod_info "$q")"; then
      log "cannot resolve $q: $(printf '%s' "$info" | tail -n 1)"
      continue
    fi
    hash="$(printf '%s' "$info" | json_field Origin.Hash)"; [ -n "$hash" ] || continue
    k8s_modver="$(pseudo_version 4 "$(printf '%s' "$info" | json_field Time)" "$hash")"
    k8s_json="$(mod_download "$k8s_mod@$k8s_modver")" || k8s_json="$(mod_download "$k8s_mod@$hash")" ||
      k8s_json=""
    [ -n "$k8s_json" ] && break
    log "cannot get $k8s_mod at commit $hash ($k8s_modver, from $q) from the Go module proxy"
  done
  if [ -n "$k8s_json" ]; then
    k8s_modver="$(printf '%s' "$k8s_json" | json_field Version)"
    log "building pulumi-resource-kubernetes v$k8s_ver ($k8s_mod@$k8s_modver) ..."
    start=$SECONDS
    wd="$cache/build/kubernetes-$k8s_ver"
    log="$cache/logs/kubernetes-$k8s_ver.log"
    prepare_wrapper "$wd" "$(printf '%s' "$k8s_json" | json_field GoMod)" "v$k8s_ver" "$k8s_mod@$k8s_modver"
    cp -R "$(printf '%s' "$k8s_json" | json_field Dir)/cmd/pulumi-resource-kubernetes" "$wd/cmd"
    chmod -R u+w "$wd/cmd"
    if (cd "$wd/cmd" && VERSION="$k8s_ver" go run generate.go) >"$log.generate" 2>&1 &&
       go_build "$wd" "$k8s_bin" ./cmd \
         "-X $k8s_mod/pkg/version.Version=$k8s_ver" "$log"; then
      record pulumi-resource-kubernetes "$k8s_ver" built "$((SECONDS - start))s" "$(size_of "$k8s_bin")"
    else
      [ -s "$log" ] || explain_failure "$log.generate"
      record pulumi-resource-kubernetes "$k8s_ver" FAILED "$((SECONDS - start))s" "log: $log(.generate)"
      failed=1
    fi
  else
    record pulumi-resource-kubernetes "$k8s_ver" FAILED "-" "module $k8s_mod not available"
    failed=1
  fi
fi

# ---------------------------------------------------------------------------------------
# 3. register the providers in the Pulumi plugin cache

# plugin_current NAME VERSION BINARY: the plugin cache already holds exactly BINARY.
plugin_current() {
  cmp -s "$3" "$PULUMI_HOME/plugins/resource-$1-v$2/pulumi-resource-$1"
}

while read -r name ver bin; do
  if [ -z "$pulumi_bin" ]; then
    log "not registering $name $ver: no pulumi CLI"
  elif [ ! -x "$bin" ]; then
    :  # not built; reported above
  elif plugin_current "$name" "$ver" "$bin"; then
    log "plugin resource $name v$ver already in $PULUMI_HOME/plugins"
  else
    "$pulumi_bin" plugin install resource "$name" "$ver" --file "$bin" --reinstall >&2 </dev/null || failed=1
  fi
done <<EOF
docker-build $dbuild_ver $dbuild_bin
kubernetes $k8s_ver $k8s_bin
EOF

# The Node.js policy-pack analyzer goship's CrossGuard pack runs through (policy/): with no
# pulumi-language-nodejs, the CLI falls back to a plugin of this name.
if [ -n "$pulumi_bin" ]; then
  "$here/policy-analyzer.sh" "$pulumi_bin" "$pulumi_ver" || failed=1
fi

# ---------------------------------------------------------------------------------------
# 4. report (on stderr); stdout carries only the environment lines, so that
#    `install.sh > env-file` gives a file to source.

{
  echo
  printf '%-30s %-10s %-8s %6s %s\n' tool version status time size/notes
  for line in "${report[@]}"; do echo "$line"; done
} >&2
if [ "$failed" != 0 ]; then
  log "some tools could not be built; see above"
  exit 1
fi
echo "export PATH=\"$bindir:\$PATH\""
echo "export PULUMI_HOME=\"$PULUMI_HOME\""
echo "export PULUMI_SKIP_UPDATE_CHECK=true"
