#!/usr/bin/env bash
# Expiry at full speed, measured.
#
#   bench/expiry-overlap.sh [K scenarios] [runs of the emulator catalog]
#
# 1. Live waits overlap: starts `refresh-conformance emulate` on 127.0.0.1 with
#    bench/expiry-overlap.profile.toml (3 s lifetimes) and points a target file
#    at it WITHOUT `emulator_control`, so every wait really sleeps. K expiry
#    scenarios (grant, wait refresh_token_absolute_ttl + skew, probe once) run
#    with the default --test-threads and with --test-threads 1. Reported: wall
#    time, the sum of the waits and the overlap ratio (sum of waits / wall).
# 2. The whole catalog on every built-in profile on the emulator (virtual
#    time, nothing sleeps): `run -q`, median wall time of N runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
K=${1:-8}
N=${2:-5}
SKEW=1   # --clock-skew in seconds
TTL=3    # refresh_token_absolute_ttl in the profile

cargo build --release --quiet --bin refresh-conformance
bin=./target/release/refresh-conformance
work=$(mktemp -d)
log=$work/emulator.log
trap 'kill ${pid:-} 2>/dev/null; rm -rf "$work"' EXIT
start_emulator "$bin" bench/expiry-overlap.profile.toml "$log"

# A live-style target: no emulator_control, so waits sleep for real.
cat >"$work/target.toml" <<TOML
name = "loopback"
profile = "rfc6749"
issuer = "$base"
timeout = "10s"

[grant]
kind = "password"
username = "alice"
password = { env = "BENCH_ALICE_PASSWORD" }

[clients.main]
id = "main"
auth = "client_secret_basic"
secret = { env = "BENCH_MAIN_SECRET" }

[scopes]
granted = "openid offline_access profile read"

[behaviour]
new_refresh_token = "always"
previous_refresh_token = "invalidated"
refresh_token_absolute_ttl = "${TTL}s"
refresh_token_idle_ttl = "0s"
TOML
export BENCH_ALICE_PASSWORD=alice-password BENCH_MAIN_SECRET=main-secret

mkdir -p "$work/scenarios"
for i in $(seq "$K"); do
  cat >"$work/scenarios/k$i.toml" <<TOML
id = "bench/expiry-$i"
title = "bench: refresh token refused after its absolute lifetime ($i)"
refs = ["rfc6749#6"]
level = "must"
when = ["refresh_token_absolute_ttl"]
guarded_by = ["refresh-expiry-ignored"]

[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }

[[step]]
wait = { duration = "{{behaviour.refresh_token_absolute_ttl}}", skew = true }

[[step]]
name = "expired"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 400, error = "invalid_grant" }
TOML
done

now() { date +%s.%N; }
live_run() { # extra args...
  local t0 t1 out
  t0=$(now)
  out=$($bin run --target "$work/target.toml" --no-builtin --scenarios "$work/scenarios" \
        --clock-skew "${SKEW}s" -q "$@" 2>"$work/stderr") || { echo "$out" >&2; cat "$work/stderr" >&2; exit 1; }
  t1=$(now)
  printf '%s\n' "$out" | grep -q "test result: ok. $K passed" || { echo "$out" >&2; cat "$work/stderr" >&2; exit 1; }
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

sum=$((K * (TTL + SKEW)))
echo "live loopback emulator at $base: $K expiry scenarios, each waiting ${TTL}s + ${SKEW}s skew (sum of waits ${sum}s)"
for threads in default 1; do
  if [ "$threads" = default ]; then w=$(live_run); else w=$(live_run --test-threads 1); fi
  awk -v w="$w" -v s="$sum" -v t="$threads" 'BEGIN {
    printf "  --test-threads %-7s wall %6.2f s   overlap ratio (sum of waits / wall) %5.2f\n", t, w, s / w }'
done
echo "  waits announced on stderr (no terminal): $(grep -c '^waiting ' "$work/stderr")"

echo "emulator catalog (run -q, every built-in profile, virtual time), $N runs:"
times=()
for _ in $(seq "$N"); do
  t0=$(now)
  out=$($bin run -q 2>/dev/null) || true
  t1=$(now)
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
done
trials=$(printf '%s\n' "$out" | sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed; \([0-9]*\) errors; \([0-9]*\) warnings; \([0-9]*\) ignored; \([0-9]*\) not run;.*/\1 \2 \3 \4 \5 \6/p' | awk '{print $1 + $2 + $3 + $4 + $5 + $6}')
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END { print a[int((NR + 1) / 2)] }')
echo "  trials: $trials   wall times: ${times[*]} s   median: ${median} s"
