# Sourced by interop/run-server.sh: how to install and start oidc-provider.
# Contract (every interop/<server>/server.sh): CONFIGS; server_env (export
# lines of test secrets); server_install; server_start CONFIG PORT LOGFILE,
# which starts the server in the background and sets `pid` and `probe` (a URL
# that answers once the server is up); OURS (a pattern of the server's command
# line, so that stop-all.sh never signals a stranger).
CONFIGS="rotate norotate default dpop"
OURS="$INTEROP/oidc-provider/server.mjs"

server_env() {
  cat <<EOF2
export RC_OP_MAIN_SECRET='rc-op-main-test-secret-0123456789abcdef'
export RC_OP_OTHER_SECRET='rc-op-other-test-secret-0123456789abcdef'
export RC_OP_ALICE_PASSWORD='alice-test-password'
export RC_OP_PKJWT_KEY_FILE='$WORK/keys/op-pkjwt.pem'
EOF2
}

server_install() {
  local dir="$INTEROP/oidc-provider" stamp="$WORK/stamps/oidc-provider.lock" want
  want="$(sha "$dir/package-lock.json")"
  if [[ ! ( -d "$dir/node_modules/oidc-provider" && -f "$stamp" && "$(cat "$stamp")" == "$want" ) ]]; then
    log "installing oidc-provider (npm ci)"
    (cd "$dir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error </dev/null >&2)
    echo "$want" > "$stamp"
  fi
  ensure_pkjwt_key
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

server_start() {  # CONFIG PORT LOGFILE
  probe="http://127.0.0.1:$2/.well-known/openid-configuration"
  (cd "$ROOT" && exec node "$INTEROP/oidc-provider/server.mjs" --config "$1" --port "$2") \
    </dev/null >"$3" 2>&1 &
  pid=$!
}
