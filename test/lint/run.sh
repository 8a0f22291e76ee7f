#!/usr/bin/env bash
# Shell scripts, workflows and manifests at zero findings (README "Tests"): shellcheck on every
# shell script in the repo (tools/lint-shell.sh), actionlint and zizmor on the GitHub
# workflows (test/workflows/run.sh, docs/workflows.md), then renders what every stack would apply through
# the kubernetes provider itself (tools/local/local.sh render: no cluster, registry or cloud)
# and runs kube-score, kube-linter and Polaris on each stack (tools/linters/lint.sh). Fails
# on any finding, and on a suppression without a reason. Prints one line per stack and tool.
# Each render runs goship's CrossGuard pack (docs/policy.md); a bad fixture must be refused.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${GOSHIP_STATE:-$PWD/.goship}/rendered"
stacks=(dev staging prod local-staging local-prod local-catalog)

echo "=== shell scripts ==="
shell_rc=0
shell_summary=$(tools/lint-shell.sh) || shell_rc=$?
echo "$shell_summary"

echo "=== workflows ==="
workflows_rc=0
workflows_summary=$(bash test/workflows/run.sh) || workflows_rc=$?
echo "$workflows_summary"

mkdir -p "$out"
tools/local/local.sh render "$out" "${stacks[@]}" | tee "$out/render.txt"
# Each stack green under the CrossGuard pack: no violation, no policy that could not run.
green=$(grep -cE '; policy pack: 0 violations, 0 could not run$' "$out/render.txt" || true)
[ "$green" = "${#stacks[@]}" ] || { echo "lint: expected the policy pack green on ${#stacks[@]} stacks, got $green" >&2; exit 1; }
# shellcheck source=/dev/null # install.sh prints export PATH lines, made at run time
. <(tools/linters/install.sh)

status=0
[ "$shell_rc" = 0 ] || status=1
[ "$workflows_rc" = 0 ] || status=1
summary=()
for stack in "${stacks[@]}"; do
  echo "=== $stack ==="
  rc=0
  tools/linters/lint.sh "$out/$stack" > "$out/$stack.lint.txt" 2>&1 || rc=$?
  cat "$out/$stack.lint.txt"
  while read -r line; do summary+=("$(printf '%-14s %s' "$stack" "$line")"); done \
    < <(grep -E '^(kube-score|kube-linter|polaris) [^ ]+: [0-9]+ findings$' "$out/$stack.lint.txt")
  [ "$rc" = 0 ] || status=$rc
done
# Timezone modes, on the dev stack: configMap (the default) and embedded must be clean;
# hostPath, kept for users who ask for it, must draw exactly Polaris' hostPathSet (README).
variants="$out/variants"
mkdir -p "$variants"
for mode in configMap embedded hostPath; do
  node -e '
    const fs = require("fs"), YAML = require("yaml");
    const [mode, file] = process.argv.slice(1);
    const doc = YAML.parse(fs.readFileSync("Pulumi.dev.yaml", "utf8"));
    // A stack override, merged into the service Pulumi.yaml defines (README "Environments").
    doc.config["goship:overrides"].hello.timezone = { mode };
    fs.writeFileSync(file, YAML.stringify(doc));' "$mode" "$variants/tz-$mode.yaml"
done
tools/local/local.sh render "$out" dev="$variants/tz-configMap.yaml" dev="$variants/tz-embedded.yaml" dev="$variants/tz-hostPath.yaml"
for mode in configMap embedded hostPath; do
  rc=0
  tools/linters/lint.sh "$out/tz-$mode" > "$out/tz-$mode.lint.txt" 2>&1 || rc=$?
  found=$(grep -oE '\[[A-Za-z0-9-]+\]' "$out/tz-$mode.lint.txt" | sort -u | paste -sd' ' - || true)
  while read -r line; do summary+=("$(printf '%-14s %s' "tz-$mode" "$line")"); done \
    < <(grep -E '^(kube-score|kube-linter|polaris) [^ ]+: [0-9]+ findings$' "$out/tz-$mode.lint.txt")
  case $mode in
    hostPath) expected_rc=1 expected="[hostPathSet]" ;;
    *)        expected_rc=0 expected="" ;;
  esac
  if [ "$rc" != "$expected_rc" ] || [ "$found" != "$expected" ]; then
    cat "$out/tz-$mode.lint.txt"
    echo "lint: timezone mode $mode: expected exit $expected_rc with findings '${expected:-none}', got exit $rc with '${found:-none}'" >&2
    status=1
  fi
done

# Deploy-side variants (test/lint/deploy-variants.mjs): an HTTPRoute and gRPC probes must be
# clean; prod's Ingress without TLS must draw exactly Polaris' tlsSettingsMissing.
deploy_variants=()
while read -r name stack expected; do deploy_variants+=("$name|$stack|$expected"); done \
  < <(node test/lint/deploy-variants.mjs "$variants")
render_args=()
for v in "${deploy_variants[@]}"; do IFS='|' read -r name stack _ <<<"$v"; render_args+=("$stack=$variants/$name.yaml"); done
tools/local/local.sh render "$out" "${render_args[@]}" | tee "$out/deploy-variants.txt"
green=$(grep -cE '; policy pack: 0 violations, 0 could not run$' "$out/deploy-variants.txt" || true)
[ "$green" = "${#deploy_variants[@]}" ] || { echo "lint: expected the policy pack green on ${#deploy_variants[@]} variants, got $green" >&2; status=1; }
for v in "${deploy_variants[@]}"; do
  IFS='|' read -r name _ expected <<<"$v"
  rc=0
  tools/linters/lint.sh "$out/$name" > "$out/$name.lint.txt" 2>&1 || rc=$?
  found=$(grep -oE '\[[A-Za-z0-9-]+\]' "$out/$name.lint.txt" | sort -u | paste -sd' ' - || true)
  while read -r line; do summary+=("$(printf '%-14s %s' "$name" "$line")"); done \
    < <(grep -E '^(kube-score|kube-linter|polaris) [^ ]+: [0-9]+ findings$' "$out/$name.lint.txt")
  expected_rc=0; [ -z "$expected" ] || expected_rc=1
  if [ "$rc" != "$expected_rc" ] || [ "$found" != "$expected" ]; then
    cat "$out/$name.lint.txt"
    echo "lint: variant $name: expected exit $expected_rc with findings '${expected:-none}', got exit $rc with '${found:-none}'" >&2
    status=1
  fi
done

# The CrossGuard pack ran on every render above (each stack's goship:policy; a mandatory
# violation fails it). A deliberately bad local-prod (production: mandatory) must fail its
# render, changing nothing, with each violation named.
node -e '
  const fs = require("fs"), YAML = require("yaml");
  const doc = YAML.parse(fs.readFileSync("Pulumi.local-prod.yaml", "utf8"));
  // A writable root and one replica: goship allows both, production policy does not.
  Object.assign(doc.config["goship:overrides"].hello, { replicas: 1, readOnlyRootFilesystem: false });
  fs.writeFileSync(process.argv[1], YAML.stringify(doc));' "$variants/policy-bad.yaml"
rc=0
tools/local/local.sh render "$out" local-prod="$variants/policy-bad.yaml" > "$out/policy-bad.txt" 2>&1 || rc=$?
found=$(grep -oE '^  - [a-z-]+ on urn:pulumi:local-prod::[^ ]+Deployment::hello-deployment \(mandatory\)' "$out/policy-bad.txt" | awk '{print $2}' | sort | paste -sd' ' - || true)
expected="container-read-only-root-filesystem production-min-replicas"
if [ "$rc" = 0 ] || [ "$found" != "$expected" ] || [ -e "$out/policy-bad" ]; then
  cat "$out/policy-bad.txt"
  echo "lint: the bad policy fixture: expected a failed render naming '$expected' and no manifests, got exit $rc naming '${found:-none}'" >&2
  status=1
fi
summary+=("$(printf '%-14s %s' policy-bad "CrossGuard: refused, ${found:-nothing} (expected)")")

echo
echo "=== findings per stack and tool ==="
printf '%s\n' "${summary[@]}"
while read -r line; do printf '%-8s %s\n' workflow "$line"; done \
  < <(grep -E '^(actionlint|zizmor) [^ ]+ \(.*\): [0-9]+ findings$' <<<"$workflows_summary")
printf '%-8s %s\n' shell "$(tail -n 1 <<<"$shell_summary")"
[ "$(grep -cE '^(actionlint|zizmor) .*: [0-9]+ findings$' <<<"$workflows_summary")" = 2 ] ||
  { echo "lint: expected a summary from actionlint and zizmor on the workflows" >&2; exit 2; }
[ "${#summary[@]}" = $((3 * (${#stacks[@]} + 3 + ${#deploy_variants[@]}) + 1)) ] || { echo "lint: expected a summary from each tool for each stack" >&2; exit 2; }
exit "$status"
