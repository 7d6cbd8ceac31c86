# Shared by the bench scripts (sourced, not run): starting the emulator.

# start_emulator BIN PROFILE LOG
#
# Starts `BIN emulate --profile PROFILE --port 0` on 127.0.0.1 in the
# background, its output in LOG, and sets `pid` to its process id and `base`
# to the base URL it prints (waiting 10 s at most). If it prints none, shows
# LOG on stderr and exits 1. `pid` is set before the wait, so the caller's
# EXIT trap, set before the call, stops the emulator on every way out: write
# it with `${pid:-}`.
start_emulator() {
  "$1" emulate --profile "$2" --port 0 >"$3" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    base=$(sed -n 's/^issuer \/ base URL: //p' "$3")
    [ -n "$base" ] && break
    sleep 0.1
  done
  [ -n "$base" ] || { cat "$3" >&2; exit 1; }
}
