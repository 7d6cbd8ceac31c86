#!/usr/bin/env bash
# Start one interop identity provider on 127.0.0.1 and print its port.
#
#   interop/run-server.sh SERVER CONFIG
#     SERVER: oidc-provider | django-oauth-toolkit (alias: dot)
#     CONFIG: oidc-provider: rotate | norotate | default
#             django-oauth-toolkit: rotate | norotate | reuse | grace
#
# Installs the server if needed (idempotent: npm ci / pip install of the
# committed lock files, redone only when a lock file changes), writes the test
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

usage() { echo "usage: $0 oidc-provider|django-oauth-toolkit CONFIG" >&2; exit 2; }
[[ $# -eq 2 ]] || usage

INTEROP="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$INTEROP")"
WORK="$INTEROP/.work"
START_TIMEOUT="${RC_START_TIMEOUT:-60}"   # seconds to wait for the server to answer

server="$1"; config="$2"
case "$server" in
  oidc-provider) configs="rotate norotate default" ;;
  django-oauth-toolkit|dot) server="django-oauth-toolkit"; configs="rotate norotate reuse grace" ;;
  *) echo "run-server.sh: unknown server '$server'" >&2; usage ;;
esac
[[ " $configs " == *" $config "* ]] || { echo "run-server.sh: unknown $server config '$config' (known: $configs)" >&2; exit 2; }
name="$server-$config"

log() { echo "run-server.sh: $*" >&2; }

mkdir -p "$WORK/run" "$WORK/logs" "$WORK/targets" "$WORK/stamps" "$WORK/keys"

# --- test secrets (fixed TEST VALUES; they protect nothing) -------------------
write_env() {
  local tmp="$WORK/env.tmp.$$"
  cat > "$tmp" <<EOF
# Written by interop/run-server.sh. TEST VALUES for the loopback interop servers.
export RC_OP_MAIN_SECRET='rc-op-main-test-secret-0123456789abcdef'
export RC_OP_OTHER_SECRET='rc-op-other-test-secret-0123456789abcdef'
export RC_OP_ALICE_PASSWORD='alice-test-password'
export RC_OP_PKJWT_KEY_FILE='$WORK/keys/op-pkjwt.pem'
export RC_DOT_MAIN_SECRET='rc-dot-main-test-secret-0123456789abcdef'
export RC_DOT_OTHER_SECRET='rc-dot-other-test-secret-0123456789abcdef'
export RC_DOT_ALICE_PASSWORD='alice-test-password'
EOF
  mv -f "$tmp" "$WORK/env"
}
write_env
# shellcheck source=/dev/null
source "$WORK/env"

sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- install (idempotent) -----------------------------------------------------
install_oidc_provider() {
  local dir="$INTEROP/oidc-provider" stamp="$WORK/stamps/oidc-provider.lock" want
  want="$(sha "$dir/package-lock.json")"
  if [[ -d "$dir/node_modules/oidc-provider" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  log "installing oidc-provider (npm ci)"
  (cd "$dir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error </dev/null >&2)
  echo "$want" > "$stamp"
}

install_dot() {
  local dir="$INTEROP/django-oauth-toolkit" venv="$WORK/venv-dot" stamp="$WORK/stamps/django-oauth-toolkit.lock" want
  want="$(sha "$dir/requirements.lock")"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  log "installing django-oauth-toolkit (venv + pip install -r requirements.lock)"
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  timeout 300 "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
    --no-deps -r "$dir/requirements.lock" </dev/null >&2
  echo "$want" > "$stamp"
}

# private_key_jwt test key pair (generated once into the work dir; test-only)
ensure_pkjwt_key() {
  local key="$WORK/keys/op-pkjwt.pem"
  [[ -s "$key" ]] && return 0
  log "generating test-only RSA key $key"
  (umask 077 && node -e '
    const { generateKeyPairSync } = require("node:crypto");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    process.stdout.write(privateKey.export({ type: "pkcs8", format: "pem" }));
  ' > "$key.tmp" && mv -f "$key.tmp" "$key")
}

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

# --- start --------------------------------------------------------------------
case "$server" in
  oidc-provider)
    install_oidc_provider
    ensure_pkjwt_key
    probe="http://127.0.0.1:$port/.well-known/openid-configuration"
    (cd "$ROOT" && exec node "$INTEROP/oidc-provider/server.mjs" --config "$config" --port "$port") \
      </dev/null >"$logfile" 2>&1 &
    pid=$!
    ;;
  django-oauth-toolkit)
    install_dot
    export RC_DOT_CONFIG="$config" RC_DOT_WORK="$WORK/dot-$config"
    rm -rf "$RC_DOT_WORK"   # fresh database per start
    timeout 120 "$WORK/venv-dot/bin/python" "$INTEROP/django-oauth-toolkit/setup_dot.py" </dev/null >&2
    probe="http://127.0.0.1:$port/o/token/"
    (cd "$INTEROP/django-oauth-toolkit" && PYTHONUNBUFFERED=1 exec "$WORK/venv-dot/bin/python" manage.py \
      runserver "127.0.0.1:$port" --noreload) </dev/null >"$logfile" 2>&1 &
    pid=$!
    ;;
esac
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
  sed -e "s|@PORT@|$port|g" -e "s|@ROOT@|$ROOT|g" -e "s|@WORK@|$WORK|g" "$tpl" > "$out.tmp"
  mv -f "$out.tmp" "$out"
  rendered=$((rendered + 1))
done
log "$name listening on http://127.0.0.1:$port (pid $pid, log ${logfile#"$ROOT/"}, $rendered target file(s) in ${WORK#"$ROOT/"}/targets)"
echo "$port"
