#!/usr/bin/env bash
# Start one interop identity provider on 127.0.0.1 and print its port.
#
#   interop/run-server.sh SERVER CONFIG
#     SERVER: a folder interop/SERVER/ with a server.sh (oidc-provider,
#             django-oauth-toolkit (alias: dot), ...); CONFIG: one of its CONFIGS
#
# SERVER/server.sh says how to install and start it (contract in
# interop/oidc-provider/server.sh). Installs the server if needed (idempotent:
# redone only when a lock file changes), writes the test
# secrets to interop/.work/env, picks a free port (or $RC_PORT), starts the
# server in the background, waits (bounded) until it answers, renders the
# target files interop/.work/targets/<server>-<config>[-variant].toml from
# interop/targets/*.toml.in, and prints the port on stdout (progress goes to
# stderr). If that configuration is already running, prints its port.
#
# Files (all under interop/.work/, gitignored):
#   env                       test secrets and key path; `source` it before a run
#   run/<name>.pid|.port      the server's PID and port (<name> = <server>-<config>)
#   logs/<name>.log           the server's stdout/stderr
#   targets/<name>*.toml      rendered target files
# Stop with interop/stop-all.sh.
set -euo pipefail

usage() { echo "usage: $0 SERVER CONFIG  (SERVER: a folder of interop/ with a server.sh)" >&2; exit 2; }
[[ $# -eq 2 ]] || usage

INTEROP="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$INTEROP")"
WORK="$INTEROP/.work"
START_TIMEOUT="${RC_START_TIMEOUT:-60}"   # seconds to wait for the server to answer

server="$1"; config="$2"
[[ "$server" == dot ]] && server="django-oauth-toolkit"
log() { echo "run-server.sh: $*" >&2; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

[[ -f "$INTEROP/$server/server.sh" ]] || { log "unknown server '$server' (no interop/$server/server.sh)"; usage; }
# shellcheck source=/dev/null
source "$INTEROP/$server/server.sh"
[[ " $CONFIGS " == *" $config "* ]] || { log "unknown $server config '$config' (known: $CONFIGS)"; exit 2; }
name="$server-$config"

mkdir -p "$WORK/run" "$WORK/logs" "$WORK/targets" "$WORK/stamps" "$WORK/keys"

# --- test secrets (fixed TEST VALUES; they protect nothing) -------------------
# Every server's server_env lines, so that one `source .work/env` serves all.
write_env() {
  local tmp="$WORK/env.tmp.$$" s
  {
    echo "# Written by interop/run-server.sh. TEST VALUES for the loopback interop servers."
    for s in "$INTEROP"/*/server.sh; do
      ( WORK="$WORK" INTEROP="$INTEROP" ROOT="$ROOT"; source "$s"; server_env )
    done
  } > "$tmp"
  mv -f "$tmp" "$WORK/env"
}
write_env
# shellcheck source=/dev/null
source "$WORK/env"

# --- already running? ---------------------------------------------------------
pidfile="$WORK/run/$name.pid"; portfile="$WORK/run/$name.port"; logfile="$WORK/logs/$name.log"
if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && [[ -f "$portfile" ]]; then
  log "$name already running (pid $(cat "$pidfile"))"
  cat "$portfile"
  exit 0
fi
rm -f "$pidfile" "$portfile"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
port="${RC_PORT:-$(free_port)}"

# --- install (idempotent) and start ---------------------------------------------
# server_start may set render_vars=("NAME=value" ...): @NAME@ in its target
# templates is replaced by value (e.g. a second port), like @PORT@.
render_vars=()
server_install
server_start "$config" "$port" "$logfile"
echo "$pid" > "$pidfile"

# --- wait until it answers (bounded) --------------------------------------------
deadline=$((SECONDS + START_TIMEOUT))
until code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$probe" 2>/dev/null)" && [[ "$code" != "000" ]]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    log "$name exited during start; last log lines:"; tail -n 20 "$logfile" >&2
    rm -f "$pidfile"; exit 1
  fi
  if (( SECONDS >= deadline )); then
    log "$name did not answer within ${START_TIMEOUT}s; stopping it"; tail -n 20 "$logfile" >&2
    kill "$pid" 2>/dev/null || true
    rm -f "$pidfile"; exit 1
  fi
  sleep 0.3
done
echo "$port" > "$portfile"

# --- render target files --------------------------------------------------------
shopt -s nullglob
rendered=0
for tpl in "$INTEROP/targets/$name.toml.in" "$INTEROP/targets/$name"-*.toml.in; do
  [[ -f "$tpl" ]] || continue
  out="$WORK/targets/$(basename "$tpl" .in)"
  subst=(-e "s|@PORT@|$port|g" -e "s|@ROOT@|$ROOT|g" -e "s|@WORK@|$WORK|g")
  for kv in ${render_vars[@]+"${render_vars[@]}"}; do subst+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
  sed "${subst[@]}" "$tpl" > "$out.tmp"
  mv -f "$out.tmp" "$out"
  rendered=$((rendered + 1))
done
log "$name listening on http://127.0.0.1:$port (pid $pid, log ${logfile#"$ROOT/"}, $rendered target file(s) in ${WORK#"$ROOT/"}/targets)"
echo "$port"
