#!/usr/bin/env bash
# Soak bench of the emulated IdP: memory must stay flat under sustained refreshes.
#
#   bench/emulator-soak.sh [seconds] [connections] [wrk threads]
#
# Builds the release binary (or uses $BIN), starts `refresh-conformance
# emulate` on 127.0.0.1 with bench/emulator-soak.profile.toml and drives two
# families at once for [seconds] (default 60) with wrk (Debian: apt-get
# install -y wrk):
# - client `main` replays one refresh token ([connections], default 16; every
#   refresh still mints a refresh token, an access token and an id_token);
# - client `other` rotates: two chains, each using every new refresh token
#   for the next refresh (bench/emulator-soak-rotate.lua, one connection each).
# Samples the emulator's RSS and the tokens it holds (`/_emulator/stats`)
# every second, and reports refreshes/s, emulator CPU per refresh, and RSS at
# the start, after about 100 000 refreshes (by the run's mean rate) and at
# the end. Goal: RSS after 5 000 000 refreshes within 1.5x of RSS after
# 100 000. When the run makes fewer than 5 M, it says so and extrapolates the
# RSS growth per million refreshes measured after the 100 000 mark.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
secs=${1:-60}
conns=${2:-16}
threads=${3:-2}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin refresh-conformance
  BIN=./target/release/refresh-conformance
fi
log=$(mktemp)
samples=$(mktemp)
sampler=
trap 'kill ${pid:-} $sampler 2>/dev/null; rm -f "$log" "$log.rot" "$samples"' EXIT
start_emulator "$BIN" bench/emulator-soak.profile.toml "$log"

grant() { # client:secret -> a refresh token of a new family
  curl -sf -u "$1" -d grant_type=password -d username=alice -d password=alice-password \
    --data-urlencode "scope=openid offline_access profile read" "$base/oauth2/token" |
    sed -n 's/.*"refresh_token":"\([^"]*\)".*/\1/p'
}
RT=$(grant main:main-secret)
RT_ROTATE1=$(grant other:other-secret)
RT_ROTATE2=$(grant other:other-secret)
[ -n "$RT" ] && [ -n "$RT_ROTATE1" ] && [ -n "$RT_ROTATE2" ] || { echo "no refresh token from the password grant" >&2; exit 1; }
export RT RT_ROTATE1 RT_ROTATE2

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
held() { curl -sf "$base/_emulator/stats" | sed -n 's/.*"tokens":\([0-9]*\).*/\1/p'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
start_rss=$(rss_kib)
echo "emulator at $base (pid $pid); RSS at the start: $start_rss KiB, tokens held: $(held)"
echo "wrk: $conns connections replaying (client main), 2 rotating chains (client other), ${secs}s"

# One line a second: seconds since the start, RSS KiB, tokens held.
t0=$(date +%s.%N)
( while sleep 1; do
    printf '%s %s %s\n' "$(awk -v t0="$t0" -v t="$(date +%s.%N)" 'BEGIN {printf "%.1f", t - t0}')" "$(rss_kib)" "$(held)"
  done >"$samples" ) &
sampler=$!

before=$(cpu_ticks)
wrk -t2 -c2 -d"${secs}s" -s bench/emulator-soak-rotate.lua "$base/oauth2/token" >"$log.rot" &
rot=$!
out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" -s bench/emulator-refresh.lua "$base/oauth2/token")
wait $rot
after=$(cpu_ticks)
t_end=$(awk -v t0="$t0" -v t="$(date +%s.%N)" 'BEGIN {printf "%.1f", t - t0}')
kill $sampler 2>/dev/null || true
sampler=
end_rss=$(rss_kib)
end_held=$(held)

rot_out=$(cat "$log.rot"); rm -f "$log.rot"
echo "$out" | grep -E 'requests in|refreshes/s|Non-2xx|Socket errors' || true
echo "$rot_out"
replayed=$(printf '%s\n' "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
rotated=$(printf '%s\n' "$rot_out" | sed -n 's/^rotating: \([0-9]*\) refreshes.*/\1/p')
total=$((replayed + rotated))
hz=$(getconf CLK_TCK)
awk -v n="$total" -v r="$replayed" -v o="$rotated" -v s="$t_end" -v t=$((after - before)) -v hz="$hz" 'BEGIN {
  printf "refreshes: %d (%d replayed, %d rotating) in %.1f s = %.0f refreshes/s\n", n, r, o, s, n / s
  printf "emulator CPU: %.1f s = %.1f us per refresh\n", t / hz, 1e6 * t / hz / n }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share the cores)"

# RSS at the sample nearest 100 000 refreshes, by the mean rate.
awk -v n="$total" -v s="$t_end" -v start="$start_rss" -v end="$end_rss" -v held="$end_held" '
  { t[NR] = $1; rss[NR] = $2; h[NR] = $3 }
  END {
    rate = n / s; mark = 100000 / rate; best = 1
    for (i = 1; i <= NR; i++) if ((t[i] - mark)^2 < (t[best] - mark)^2) best = i
    at = t[best] * rate
    printf "RSS: start %d KiB; after ~%d refreshes (t=%.0f s) %d KiB, tokens held %s; end (%d refreshes) %d KiB, tokens held %s\n",
      start, at, t[best], rss[best], h[best], n, end, held
    ratio = end / rss[best]
    if (n >= 5000000) {
      printf "goal (RSS after 5 M within 1.5x of RSS after 100 k): %.2fx -> %s\n", ratio, ratio <= 1.5 ? "met" : "NOT met"
    } else {
      # Least-squares slope of RSS over refreshes, from the 100 k mark on
      # (two points alone would be mostly noise).
      for (i = best; i <= NR; i++) { x = t[i] * rate; k++; sx += x; sy += rss[i]; sxx += x * x; sxy += x * rss[i] }
      slope = (k > 1 && k * sxx - sx * sx > 0) ? (k * sxy - sx * sy) / (k * sxx - sx * sx) : 0
      proj = rss[best] + slope * (5e6 - at)
      printf "only %d refreshes (< 5 M): end/100k = %.2fx; RSS growth from the 100 k mark on (least squares, %d samples) %.0f KiB per million refreshes, extrapolated RSS at 5 M %.0f KiB = %.2fx -> %s\n",
        n, ratio, k, slope * 1e6, proj, proj / rss[best], proj / rss[best] <= 1.5 ? "met (extrapolated)" : "NOT met (extrapolated)"
    }
  }' "$samples"
