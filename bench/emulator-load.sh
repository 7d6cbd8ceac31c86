#!/usr/bin/env bash
# Load bench of the emulated IdP's refresh path.
#
#   bench/emulator-load.sh [seconds] [connections] [wrk threads]
#
# Builds the release binary, starts `refresh-conformance emulate` on 127.0.0.1 with
# bench/emulator-load.profile.toml (refreshing one token repeatedly is legal,
# yet each refresh issues a new refresh token, access token and ES256
# id_token), gets one refresh token through the password grant, and drives
# POST /oauth2/token with wrk (Debian: apt-get install -y wrk) replaying that
# refresh. Goal on a 2-core machine: >= 20 000 refreshes/s, 0 errors.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
secs=${1:-10}
conns=${2:-16}
threads=${3:-2}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

cargo build --release --quiet --bin refresh-conformance
log=$(mktemp)
trap 'kill ${pid:-} 2>/dev/null; rm -f "$log"' EXIT
start_emulator ./target/release/refresh-conformance bench/emulator-load.profile.toml "$log"

grant=$(curl -sf -u main:main-secret -d grant_type=password -d username=alice -d password=alice-password \
  --data-urlencode "scope=openid offline_access profile read" "$base/oauth2/token")
RT=$(printf '%s' "$grant" | sed -n 's/.*"refresh_token":"\([^"]*\)".*/\1/p')
[ -n "$RT" ] || { echo "no refresh token in: $grant" >&2; exit 1; }
export RT

# CPU time the emulator spends, to report a per-refresh cost that does not
# depend on what else the machine is running.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
echo "emulator at $base (pid $pid); wrk -t$threads -c$conns -d${secs}s"
before=$(cpu_ticks)
out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s bench/emulator-refresh.lua "$base/oauth2/token")
after=$(cpu_ticks)
echo "$out"
requests=$(printf '%s\n' "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
hz=$(getconf CLK_TCK)
awk -v t=$((after - before)) -v hz="$hz" -v n="$requests" 'BEGIN {
  if (n > 0) printf "emulator CPU: %.1f s for %d refreshes = %.1f us per refresh (%.0f refreshes/s per fully used core)\n", t / hz, n, 1e6 * t / hz / n, n / (t / hz) }'
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share the cores)"
echo "emulator RSS after the run: $(ps -o rss= -p $pid) KiB"
