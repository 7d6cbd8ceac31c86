# Sourced by interop/run-server.sh: how to build and start Ory Hydra (the
# contract is described in interop/oidc-provider/server.sh).
#
# Hydra v2.3.0 is built from the Go module proxy: `go install ...@v2.3.0` is
# refused because its go.mod has replace directives, so the module is
# downloaded, copied to a writable folder and built there with the sqlite tag
# (cgo). The module zip leaves out the nested module internal/httpclient that
# the first replace points at, so that replace is dropped and the published
# github.com/ory/hydra-client-go/v2 v2.2.1 (the version go.mod requires) is
# used instead; it only serves the `hydra` CLI's client commands, never the
# server. The binary is cached under interop/.work/hydra/<version>/ and, unless
# RC_CACHE_DIR=none, in a machine cache (RC_CACHE_DIR, default
# ${XDG_CACHE_HOME:-~/.cache}/refresh-conformance) so that a fresh clone on the
# same machine does not build again. Go's module and build caches are
# interop/.work/go/ (writable, so `rm -rf interop/.work` works).
#
# One Hydra process per configuration (one target each), a fresh sqlite file,
# public and admin APIs on two free 127.0.0.1 ports; the login and consent URLs
# point at an unused port because interop/hydra/login.mjs accepts both through
# the admin API.
# The targets name the admin port as @ADMIN_PORT@ (server_start sets
# `render_vars`, which run-server.sh substitutes).
CONFIGS="rotate pkjwt grace short"
HYDRA_VERSION="v2.3.0"
# Bump when the build recipe below changes, so that cached binaries are rebuilt.
HYDRA_RECIPE="sqlite-dropreplace-2"
HYDRA_BIN="$WORK/hydra/$HYDRA_VERSION/hydra"
OURS="$HYDRA_BIN serve all"
# Hydra's sqlite store (meant for development) does not take concurrent requests:
# with DSN=memory (sqlite's shared cache) most of 8 concurrent trials end in 500
# server_error ("Unable to serialize access due to a concurrent update"); with a
# file in WAL mode, two at once already meet "database is locked" now and then,
# and BEGIN IMMEDIATE deadlocks the connection pool. So its targets run one trial
# in HTTP at a time (run-all.sh reads TEST_THREADS), and one process serves one
# target; the catalog's own concurrent requests (the race scenarios) still race.
TEST_THREADS=1

server_env() {
  cat <<EOF2
export RC_HYDRA_MAIN_SECRET='rc-hydra-main-test-secret-0123456789abcdef'
export RC_HYDRA_OTHER_SECRET='rc-hydra-other-test-secret-0123456789abcdef'
export RC_HYDRA_PKJWT_KEY_FILE='$WORK/keys/hydra-pkjwt.pem'
EOF2
}

hydra_machine_cache() {
  local dir="${RC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/refresh-conformance}"
  [[ "$dir" == none ]] && return 1
  echo "$dir/hydra-$HYDRA_VERSION-$HYDRA_RECIPE-$(uname -s)-$(uname -m)"
}

hydra_ok() {  # BINARY: is it our build of this version?
  [[ -x "$1" ]] && "$1" version 2>/dev/null | grep -q "Version:[[:space:]]*$HYDRA_VERSION\$"
}

server_install() {
  hydra_binary
  ensure_hydra_pkjwt_key
}

# private_key_jwt test key pair (P-256, generated once into the work dir; test-only)
ensure_hydra_pkjwt_key() {
  local key="$WORK/keys/hydra-pkjwt.pem"
  [[ -s "$key" ]] && return 0
  log "generating test-only EC key $key"
  (umask 077 && node -e '
    const { generateKeyPairSync } = require("node:crypto");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    process.stdout.write(privateKey.export({ type: "pkcs8", format: "pem" }));
  ' > "$key.tmp" && mv -f "$key.tmp" "$key")
}

# The binary, from interop/.work/hydra/<version>/, else the machine cache, else built.
hydra_binary() {
  local stamp="$WORK/stamps/hydra.build" want="$HYDRA_VERSION $HYDRA_RECIPE" cache
  cache="$(hydra_machine_cache)" || cache=""
  if ! [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] || ! hydra_ok "$HYDRA_BIN"; then
    mkdir -p "$(dirname "$HYDRA_BIN")"
    if [[ -n "$cache" ]] && hydra_ok "$cache/hydra"; then
      log "hydra $HYDRA_VERSION from the machine cache $cache"
      cp -f "$cache/hydra" "$HYDRA_BIN.tmp" && mv -f "$HYDRA_BIN.tmp" "$HYDRA_BIN"
    else
      hydra_build
    fi
    echo "$want" > "$stamp"
  fi
  if [[ -n "$cache" && ! -x "$cache/hydra" ]]; then
    # Best effort: a read-only home only costs the next fresh clone a build.
    if mkdir -p "$cache" 2>/dev/null && cp -f "$HYDRA_BIN" "$cache/hydra.tmp.$$" 2>/dev/null; then
      mv -f "$cache/hydra.tmp.$$" "$cache/hydra"
    else
      log "could not write the machine cache $cache (the next fresh clone builds again)"
    fi
  fi
}

hydra_build() {
  local c missing=() go="$WORK/go" src="$WORK/hydra/src-$HYDRA_VERSION" dir t0=$SECONDS
  for c in go gcc; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "building hydra needs: ${missing[*]} (Go >= 1.22 and a C compiler for cgo/sqlite)"
    return 1
  fi
  log "building hydra $HYDRA_VERSION from the Go module proxy (cold: several minutes)"
  mkdir -p "$go"
  (
    # Every step checked: set -e does not apply inside a subshell followed by ||.
    export GOMODCACHE="$go/mod" GOCACHE="$go/cache" GOFLAGS="-modcacherw" CGO_ENABLED=1
    export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
    dir="$(timeout 600 go mod download -json "github.com/ory/hydra/v2@$HYDRA_VERSION" </dev/null \
      | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d.get("Dir") or sys.exit("go mod download: " + d.get("Error", "no Dir")))')" \
      && [[ -d "$dir" ]] || exit 1
    rm -rf "$src" && cp -R "$dir" "$src" && chmod -R u+w "$src" && cd "$src" || exit 1
    # The replace target ./internal/httpclient is a nested module, not in the module zip:
    # use the published module at the version go.mod requires, pinned by its checksums
    # (as sum.golang.org lists them), so the build needs no go.mod/go.sum update.
    go mod edit -dropreplace=github.com/ory/hydra-client-go/v2 || exit 1
    cat >> go.sum <<'SUMS' || exit 1
github.com/ory/hydra-client-go/v2 v2.2.1 h1:m1821pIX6ybG/3oSAn2wtrbBKNwe9q5A8fLljYuLpBk=
github.com/ory/hydra-client-go/v2 v2.2.1/go.mod h1:K83R+iK40+5uF2uQ34yRUrf9izRvFsza9pG2Se5qMmk=
SUMS
    timeout 1800 go build -mod=readonly -buildvcs=false -tags sqlite \
      -ldflags "-s -w -X github.com/ory/hydra/v2/driver/config.Version=$HYDRA_VERSION" \
      -o "$HYDRA_BIN.tmp" . </dev/null >&2
  ) || { log "building hydra $HYDRA_VERSION failed (Go's output above)"; return 1; }
  mv -f "$HYDRA_BIN.tmp" "$HYDRA_BIN"
  hydra_ok "$HYDRA_BIN" || { log "the built hydra does not report $HYDRA_VERSION"; return 1; }
  log "built hydra $HYDRA_VERSION in $((SECONDS - t0))s"
}

# The configuration file of one configuration (ports filled in by server_start).
hydra_config() {  # CONFIG PORT ADMIN_PORT DIR
  cat <<EOF2
# Written by interop/hydra/server.sh for configuration "$1". TEST VALUES.
serve:
  public: { host: 127.0.0.1, port: $2 }
  admin: { host: 127.0.0.1, port: $3 }
# A sqlite file, recreated at every start, in WAL mode with a busy timeout (see TEST_THREADS).
dsn: "sqlite://$4/db.sqlite?_fk=true&_journal_mode=WAL&_busy_timeout=10000"
urls:
  self: { issuer: "http://127.0.0.1:$2" }
  login: "http://127.0.0.1:9/login"
  consent: "http://127.0.0.1:9/consent"
secrets:
  system: ["rc-hydra-system-test-secret-0123456789abcdef"]
log: { level: info, format: text }
EOF2
  case "$1" in
    rotate|pkjwt) ;;  # Hydra's defaults: access 1h, refresh 720h, no grace period
    grace) printf 'oauth2:\n  grant:\n    refresh_token:\n      rotation_grace_period: 10s\n' ;;
    short) printf 'ttl:\n  access_token: 20s\n  refresh_token: 30s\n' ;;
  esac
}

# The clients every configuration has, one JSON object per line (admin API,
# fixed test secrets; rc-pkjwt's JWKS is the public half of the generated test key).
hydra_clients() {
  node -e '
    const { createPublicKey } = require("node:crypto");
    const fs = require("node:fs");
    const env = process.env;
    const jwk = createPublicKey(fs.readFileSync(env.RC_HYDRA_PKJWT_KEY_FILE)).export({ format: "jwk" });
    const common = {
      grant_types: ["authorization_code", "refresh_token", "client_credentials"],
      response_types: ["code"],
      redirect_uris: ["http://127.0.0.1/callback"],
      scope: "openid offline_access profile email",
    };
    for (const c of [
      { client_id: "rc-main", client_secret: env.RC_HYDRA_MAIN_SECRET, token_endpoint_auth_method: "client_secret_basic" },
      { client_id: "rc-other", client_secret: env.RC_HYDRA_OTHER_SECRET, token_endpoint_auth_method: "client_secret_post" },
      { client_id: "rc-public", token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"] },
      { client_id: "rc-pkjwt", token_endpoint_auth_method: "private_key_jwt", token_endpoint_auth_signing_alg: "ES256",
        jwks: { keys: [{ ...jwk, kid: "rc-hydra-pkjwt-1", use: "sig", alg: "ES256" }] } },
    ]) console.log(JSON.stringify({ ...common, ...c }));
  '
}

server_start() {  # CONFIG PORT LOGFILE
  local config="$1" port="$2" logfile="$3" admin dir deadline code client
  admin="$(free_port)"
  while [[ "$admin" == "$port" ]]; do admin="$(free_port)"; done
  dir="$WORK/hydra-$config"
  mkdir -p "$dir"
  rm -f "$dir"/db.sqlite*
  hydra_config "$config" "$port" "$admin" "$dir" > "$dir/hydra.yml"
  "$HYDRA_BIN" migrate sql up --read-from-env --yes --config "$dir/hydra.yml" </dev/null >"$logfile" 2>&1 \
    || { log "hydra-$config: migrations failed; last log lines:"; tail -n 20 "$logfile" >&2; return 1; }
  echo "$admin" > "$dir/admin-port"   # for hand runs (smoke checks, curl)
  (exec "$HYDRA_BIN" serve all --dev --sqa-opt-out --config "$dir/hydra.yml") </dev/null >>"$logfile" 2>&1 &
  pid=$!
  probe="http://127.0.0.1:$port/health/ready"
  render_vars=("ADMIN_PORT=$admin")

  # Ready (200, not just answering), then the clients: before run-server.sh renders the targets.
  deadline=$((SECONDS + START_TIMEOUT))
  until code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$admin/health/ready" 2>/dev/null)" \
      && [[ "$code" == 200 ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "hydra-$config exited during start; last log lines:"; tail -n 20 "$logfile" >&2; return 1
    fi
    if (( SECONDS >= deadline )); then
      log "hydra-$config not ready within ${START_TIMEOUT}s"; tail -n 20 "$logfile" >&2
      kill "$pid" 2>/dev/null || true; return 1
    fi
    sleep 0.2
  done
  while IFS= read -r client; do
    [[ -n "$client" ]] || continue
    code="$(curl -s -o "$dir/client.out" -m 10 -w '%{http_code}' -H 'content-type: application/json' \
      --data-binary "$client" "http://127.0.0.1:$admin/admin/clients")" || code=000
    if [[ "$code" != 201 ]]; then
      log "hydra-$config: creating a client answered HTTP $code: $(head -c 400 "$dir/client.out")"
      kill "$pid" 2>/dev/null || true; return 1
    fi
  done < <(hydra_clients)
  # Hydra creates its id_token signing key (RSA 4096) on first use, discovery included:
  # seconds of CPU that would otherwise land on the first trial's 10 s request timeout.
  code="$(curl -s -o /dev/null -m "$START_TIMEOUT" -w '%{http_code}' "http://127.0.0.1:$port/.well-known/openid-configuration")" || code=000
  if [[ "$code" != 200 ]]; then
    log "hydra-$config: discovery answered HTTP $code"; kill "$pid" 2>/dev/null || true; return 1
  fi
}
