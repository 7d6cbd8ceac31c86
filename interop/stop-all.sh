#!/usr/bin/env bash
# Stop every interop server started by interop/run-server.sh, by the PIDs it
# recorded under interop/.work/run/. Only a PID whose command line is one of
# our servers is signalled (a stale PID file never kills a stranger).
#   interop/stop-all.sh [NAME...]     (NAME = <server>-<config>; default: all)
set -euo pipefail

INTEROP="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="$INTEROP/.work/run"
STOP_TIMEOUT="${RC_STOP_TIMEOUT:-10}"

log() { echo "stop-all.sh: $*" >&2; }

[[ -d "$RUN" ]] || exit 0
if [[ $# -gt 0 ]]; then
  pidfiles=(); for n in "$@"; do pidfiles+=("$RUN/$n.pid"); done
else
  shopt -s nullglob; pidfiles=("$RUN"/*.pid)
fi

ours() {  # is PID one of our servers? (each server.sh's OURS pattern)
  local cmd s
  cmd="$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null)" || return 1
  for s in "$INTEROP"/*/server.sh; do
    # shellcheck source=/dev/null
    pattern="$(WORK="$INTEROP/.work" INTEROP="$INTEROP" ROOT="$(dirname "$INTEROP")"; source "$s"; echo "$OURS")"
    [[ -n "$pattern" && "$cmd" == *"$pattern"* ]] && return 0
  done
  return 1
}

for pf in "${pidfiles[@]}"; do
  [[ -f "$pf" ]] || { log "no $pf"; continue; }
  name="$(basename "$pf" .pid)"; pid="$(cat "$pf")"
  if kill -0 "$pid" 2>/dev/null && ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored TERM; sending KILL"; kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  else
    log "$name (pid $pid) was not running"
  fi
  rm -f "$pf" "$RUN/$name.port"
done
