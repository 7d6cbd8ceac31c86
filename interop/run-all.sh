#!/usr/bin/env bash
# Run the whole catalog against every interop configuration (interop/README.md)
# and compare the verdicts with interop/expectations/<name>.toml.
#
#   interop/run-all.sh
#
# Starts every server (start-all.sh), runs
#   refresh-conformance run --strict -q --max-wait $RC_MAX_WAIT \
#     --target interop/.work/targets/<name>.toml --junit target/interop/<name>.xml
# for each rendered target (a few at a time), always stops the servers, prints
# one summary line per configuration and "N passed, N failed" (N counts
# configurations). Exit 0 when every configuration's verdicts are exactly its
# expectations (--strict: an unlisted fail/warn/error, or a listed deviation no
# longer seen, fails); otherwise 1, after printing each failing run's output.
#
# Knobs: RC_SERVERS (space-separated servers to run, default all of
# interop/configurations), RC_MAX_WAIT (default 45s: the longest configured wait is DOT's idle
# lifetime, 35 s + 5 s clock skew), RC_JOBS (configurations run at once,
# default 4), RC_TEST_THREADS (--test-threads of each run, default 8; a server.sh
# may set TEST_THREADS for its own targets). Logs: target/interop/<name>.log, servers' in interop/.work/logs/.
set -euo pipefail
exec </dev/null

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
INTEROP="$ROOT/interop"
WORK="$INTEROP/.work"
OUT="$ROOT/target/interop"
BIN="$ROOT/target/release/refresh-conformance"
MAX_WAIT="${RC_MAX_WAIT:-45s}"
JOBS="${RC_JOBS:-4}"
THREADS="${RC_TEST_THREADS:-8}"
start=$SECONDS

log() { echo "run-all.sh: $*" >&2; }

if [[ ! -x "$BIN" ]]; then
  log "building the release binary"
  cargo build --locked --release -q
fi

mkdir -p "$OUT"
rm -f "$OUT"/*.xml "$OUT"/*.log "$OUT"/*.rc

# Every expectation id must name a scenario of the catalog (the runner does not
# check baseline ids: a misspelt id would silently expect nothing).
"$BIN" list --format json > "$OUT/catalog.json"
unknown="$(python3 - "$OUT/catalog.json" "$INTEROP"/expectations/*.toml <<'EOF'
import json, sys, tomllib
def ids(x):
    if isinstance(x, dict):
        if isinstance(x.get("id"), str) and "/" in x["id"]:
            yield x["id"]
        for v in x.values():
            yield from ids(v)
    elif isinstance(x, list):
        for v in x:
            yield from ids(v)
known = set(ids(json.load(open(sys.argv[1]))))
if not known:
    sys.exit("run-all.sh: no scenario ids in `refresh-conformance list --format json`")
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        for sid in tomllib.load(f).get("expect", {}):
            if sid not in known:
                print(f"{path}: [expect.\"{sid}\"] is not a scenario of the catalog")
EOF
)"
if [[ -n "$unknown" ]]; then
  echo "$unknown" >&2
  exit 2
fi

cleanup() { "$INTEROP/stop-all.sh" 2>>"$OUT/stop.log" || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting the servers"
if ! "$INTEROP/start-all.sh" > "$OUT/ports" 2> "$OUT/start.log"; then
  cat "$OUT/start.log" >&2
  log "a server failed to start (logs in interop/.work/logs/)"
  exit 1
fi
log "servers up after $((SECONDS - start))s: $(cut -d' ' -f1 "$OUT/ports" | tr '\n' ' ')"
# shellcheck source=/dev/null
source "$WORK/env"

shopt -s nullglob
# A server.sh may set TEST_THREADS: the --test-threads of its targets, for a store
# that cannot take the default concurrency (interop/hydra/server.sh).
declare -A threads_of=()
while read -r server config; do
  [[ -z "$server" || "$server" == \#* ]] && continue
  n="$(WORK="$WORK" INTEROP="$INTEROP" ROOT="$ROOT"; TEST_THREADS=""; source "$INTEROP/$server/server.sh"; echo "$TEST_THREADS")"
  [[ -n "$n" ]] && threads_of["$server-$config"]="$n"
done < "$INTEROP/configurations"
# The rendered targets of the configurations started now (not stale ones).
targets=()
declare -A threads_for=()
while read -r started _; do
  for t in "$WORK/targets/$started.toml" "$WORK"/targets/"$started"-*.toml; do
    targets+=("$t")
    threads_for["$(basename "$t" .toml)"]="${threads_of[$started]:-$THREADS}"
  done
done < "$OUT/ports"
existing=(); for t in "${targets[@]}"; do [[ -f "$t" ]] && existing+=("$t"); done
targets=("${existing[@]}")
[[ ${#targets[@]} -gt 0 ]] || { log "no rendered targets in $WORK/targets"; exit 1; }

run_one() {  # name
  local name="$1" rc=0
  "$BIN" run --strict -q --color never --max-wait "$MAX_WAIT" --test-threads "${threads_for[$name]:-$THREADS}" \
    --target "$WORK/targets/$name.toml" --junit "$OUT/$name.xml" \
    > "$OUT/$name.log" 2>&1 || rc=$?
  echo "$rc" > "$OUT/$name.rc"
}

names=()
for t in "${targets[@]}"; do names+=("$(basename "$t" .toml)"); done
log "running ${#names[@]} configurations, $JOBS at a time (--max-wait $MAX_WAIT)"
running=0
for name in "${names[@]}"; do
  run_one "$name" &
  running=$((running + 1))
  if (( running >= JOBS )); then wait -n || true; running=$((running - 1)); fi
done
wait || true

# One line per configuration, counted from its JUnit file.
summary() {  # name rc
  python3 - "$OUT/$1.xml" "$1" "$2" <<'EOF'
import sys, xml.etree.ElementTree as ET
path, name, rc = sys.argv[1:]
n = dict(passed=0, failed=0, warned=0, skipped=0, known=0, errored=0)
try:
    cases = ET.parse(path).getroot().iter("testcase")
except (OSError, ET.ParseError):
    cases = []
for c in cases:
    f, e, s = c.find("failure"), c.find("error"), c.find("skipped")
    out = c.findtext("system-out") or ""
    if f is not None:
        n["warned" if f.get("message", "").startswith("WARN") else "failed"] += 1
    elif e is not None:
        n["errored"] += 1
    elif s is not None:
        n["known" if s.get("message", "").startswith("known deviation") else "skipped"] += 1
    elif out.startswith("WARN"):
        n["warned"] += 1
    else:
        n["passed"] += 1
verdict = "ok    " if rc == "0" else "FAILED"
print(f"{verdict} {name:<32} exit {rc}: {n['passed']} pass, {n['failed']} fail, {n['warned']} warn, "
      f"{n['errored']} error, {n['skipped']} skip, {n['known']} known deviation")
EOF
}

passed=0; failed=0; lines=()
for name in "${names[@]}"; do
  rc="$(cat "$OUT/$name.rc" 2>/dev/null || echo '?')"
  if [[ "$rc" == 0 ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo
    echo "=============== $name: exit $rc -- verdicts differ from interop/expectations/$name.toml ==============="
    cat "$OUT/$name.log"
  fi
  lines+=("$(summary "$name" "$rc")")
done

echo
echo "interop summary (JUnit in target/interop/, $((SECONDS - start))s):"
printf '%s\n' "${lines[@]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
