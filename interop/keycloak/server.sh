# Sourced by interop/run-server.sh: how to install and start Keycloak (the
# contract is described in interop/oidc-provider/server.sh).
#
# ONE Keycloak process serves every configuration: each configuration is a realm
# (rc-<config>, rendered from realm.json + realms.json by render-realms.py and
# imported at start with --import-realm). The first configuration started
# starts the process; the others find it running (run/keycloak.pid) and reuse
# it: server_start then sets `port` (run-server.sh's variable, bash dynamic
# scope) to the running process's port, so every configuration's target names
# the same port. A JVM start costs ~30-60 s of 2 cores and ~500 MB; five would
# cost five times that for nothing, since every setting varied is per realm.
#
# Install: the server distribution org.keycloak:keycloak-quarkus-dist:$KC_VERSION
# (zip) from the Maven registry into interop/.work/m2 (mvn dependency:get),
# unzipped once into interop/.work/keycloak-$KC_VERSION; a second run neither
# downloads nor unzips. Keycloak 26 needs Java 21+: the JDK is $RC_KC_JAVA_HOME
# (default: the Temurin 25 JDK under /usr/lib/jvm). Heap: $RC_KC_HEAP.
CONFIGS="default revoke0 revoke1 offline short dpop"
KC_VERSION="26.7.3"
KC_HOME="$WORK/keycloak-$KC_VERSION"
OURS="$KC_HOME/bin/"   # in kc.sh's command line, and in java's (-Dkc.home.dir=$KC_HOME/bin/..)

server_env() {
  cat <<EOF2
export RC_KC_MAIN_SECRET='rc-kc-main-test-secret-0123456789abcdef'
export RC_KC_POST_SECRET='rc-kc-post-test-secret-0123456789abcdef'
export RC_KC_OTHER_SECRET='rc-kc-other-test-secret-0123456789abcdef'
export RC_KC_ALICE_PASSWORD='alice-test-password'
export RC_KC_PKJWT_KEY_FILE='$WORK/keys/kc-pkjwt.pem'
EOF2
}

kc_java_home() {
  local home="${RC_KC_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}" major
  if [[ ! -x "$home/bin/java" ]]; then
    log "Keycloak $KC_VERSION needs Java 21 or newer: no JDK at $home (install one, e.g. Debian's temurin-25-jdk, or set RC_KC_JAVA_HOME)"
    return 1
  fi
  major="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  if [[ -z "$major" || "${major%%.*}" -lt 21 ]]; then
    log "Keycloak $KC_VERSION needs Java 21 or newer; $home/bin/java is Java ${major:-unknown} (set RC_KC_JAVA_HOME)"
    return 1
  fi
  echo "$home"
}

server_install() {
  local m2="$WORK/m2" zip stamp="$WORK/stamps/keycloak.version" tmp
  kc_java_home >/dev/null
  if [[ -f "$KC_HOME/bin/kc.sh" && -f "$stamp" && "$(cat "$stamp")" == "$KC_VERSION" ]]; then
    ensure_kc_pkjwt_key
    return 0
  fi
  zip="$m2/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.zip"
  if [[ ! -s "$zip" ]]; then
    command -v mvn >/dev/null || { log "installing Keycloak needs Maven (mvn) to fetch org.keycloak:keycloak-quarkus-dist"; return 1; }
    log "fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip (mvn dependency:get into ${m2#"$ROOT/"})"
    timeout 900 mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$m2" dependency:get \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -Dtransitive=false </dev/null >&2
  fi
  log "unzipping Keycloak $KC_VERSION into ${KC_HOME#"$ROOT/"}"
  tmp="$WORK/keycloak-unzip.$$"
  rm -rf "$tmp" "$KC_HOME"
  mkdir -p "$tmp"
  if command -v unzip >/dev/null; then
    unzip -q "$zip" -d "$tmp"
  else
    python3 -m zipfile -e "$zip" "$tmp"
  fi
  mv "$tmp/keycloak-$KC_VERSION" "$KC_HOME"
  rm -rf "$tmp"
  echo "$KC_VERSION" > "$stamp"
  ensure_kc_pkjwt_key
}

# rc-pkjwt's test-only RSA key and its self-signed certificate (the realm
# registers the certificate: Keycloak's jwt.credential.certificate attribute).
ensure_kc_pkjwt_key() {
  local key="$WORK/keys/kc-pkjwt.pem" crt="$WORK/keys/kc-pkjwt.crt"
  [[ -s "$key" && -s "$crt" ]] && return 0
  log "generating test-only RSA key $key"
  (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=rc-pkjwt -days 3650 \
    -keyout "$key.tmp" -out "$crt.tmp" 2>/dev/null && mv -f "$key.tmp" "$key" && mv -f "$crt.tmp" "$crt")
}

# Is PID our Keycloak process?
kc_ours() {
  local cmd
  kill -0 "$1" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$OURS"* ]]
}

server_start() {  # CONFIG PORT LOGFILE
  local shared_pid="$WORK/run/keycloak.pid" shared_port="$WORK/run/keycloak.port"
  local shared_log="$WORK/logs/keycloak.log" realm
  if [[ -f "$shared_pid" && -f "$shared_port" ]] && kc_ours "$(cat "$shared_pid")"; then
    pid="$(cat "$shared_pid")"; port="$(cat "$shared_port")"
    log "keycloak-$1: realm rc-$1 of the running Keycloak (pid $pid, port $port)"
  else
    rm -f "$shared_pid" "$shared_port"
    start_keycloak "$2" "$shared_log"
    pid="$kc_pid"; port="$2"
    echo "$pid" > "$shared_pid"; echo "$port" > "$shared_port"
    # Bounded wait for every realm (the imports run before the listener opens).
    for realm in $CONFIGS; do
      wait_kc_ready "http://127.0.0.1:$port/realms/rc-$realm/.well-known/openid-configuration" || {
        kill -TERM "$pid" 2>/dev/null || true
        rm -f "$shared_pid" "$shared_port"
        return 1
      }
    done
    log "Keycloak $KC_VERSION ready after $((SECONDS - kc_started))s (pid $pid, RSS $(kc_rss "$pid"))"
  fi
  ln -sfn "$(basename "$shared_log")" "$3"
  probe="http://127.0.0.1:$port/realms/rc-$1/.well-known/openid-configuration"
}

start_keycloak() {  # PORT LOGFILE; sets kc_pid and kc_started
  local java_home import="$KC_HOME/data/import"
  java_home="$(kc_java_home)"
  # Fresh realms each start: the database is in memory (dev-mem), and the import
  # directory holds exactly the realms of CONFIGS.
  rm -rf "$import"; mkdir -p "$import"
  RC_KC_PKJWT_CERT="$(grep -v -- '-----' "$WORK/keys/kc-pkjwt.crt" | tr -d '\n')" \
    python3 "$INTEROP/keycloak/render-realms.py" "$import" $CONFIGS
  log "starting Keycloak $KC_VERSION (Java $java_home) on 127.0.0.1:$1 with realms $(echo " $CONFIGS" | sed 's/ / rc-/g')"
  kc_started=$SECONDS
  # start-dev: HTTP on 127.0.0.1 only; no management interface (health and
  # metrics stay off, so nothing listens on 9000); hostname from the request, so
  # the issuer is http://127.0.0.1:PORT/realms/rc-<config>.
  (export JAVA_HOME="$java_home" JAVA_OPTS_KC_HEAP="${RC_KC_HEAP:--Xms64m -Xmx512m}"
   exec bash "$KC_HOME/bin/kc.sh" start-dev --db=dev-mem --import-realm \
     --http-host=127.0.0.1 --http-port="$1" --hostname-strict=false \
     --health-enabled=false --metrics-enabled=false) </dev/null >"$2" 2>&1 &
  kc_pid=$!
}

wait_kc_ready() {  # URL: until it answers 200, the process dies, or RC_KC_START_TIMEOUT
  local deadline=$((kc_started + ${RC_KC_START_TIMEOUT:-600})) code
  until code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null)" && [[ "$code" == 200 ]]; do
    if ! kill -0 "$kc_pid" 2>/dev/null; then
      log "Keycloak exited during start; last log lines:"; tail -n 30 "$WORK/logs/keycloak.log" >&2
      return 1
    fi
    if (( SECONDS >= deadline )); then
      log "Keycloak did not serve $1 within ${RC_KC_START_TIMEOUT:-600}s; stopping it"
      tail -n 30 "$WORK/logs/keycloak.log" >&2
      return 1
    fi
    sleep 1
  done
}

kc_rss() {  # PID -> resident memory of kc.sh and its JVM (a child, or kc.sh itself after exec)
  ps -o rss= -p "$1" --ppid "$1" 2>/dev/null | awk '{ kb += $1 } END { printf "%d MB", kb / 1024 }'
}
