# Sourced by interop/run-server.sh: how to install and start django-oauth-toolkit
# (the contract is described in interop/oidc-provider/server.sh).
CONFIGS="rotate norotate reuse grace"
OURS="$WORK/venv-dot/bin/python manage.py runserver 127.0.0.1:"

server_env() {
  cat <<EOF2
export RC_DOT_MAIN_SECRET='rc-dot-main-test-secret-0123456789abcdef'
export RC_DOT_OTHER_SECRET='rc-dot-other-test-secret-0123456789abcdef'
export RC_DOT_ALICE_PASSWORD='alice-test-password'
EOF2
}

server_install() {
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

server_start() {  # CONFIG PORT LOGFILE
  export RC_DOT_CONFIG="$1" RC_DOT_WORK="$WORK/dot-$1"
  rm -rf "$RC_DOT_WORK"   # fresh database per start
  timeout 120 "$WORK/venv-dot/bin/python" "$INTEROP/django-oauth-toolkit/setup_dot.py" </dev/null >&2
  probe="http://127.0.0.1:$2/o/token/"
  (cd "$INTEROP/django-oauth-toolkit" && PYTHONUNBUFFERED=1 exec "$WORK/venv-dot/bin/python" manage.py \
    runserver "127.0.0.1:$2" --noreload) </dev/null >"$3" 2>&1 &
  pid=$!
}
