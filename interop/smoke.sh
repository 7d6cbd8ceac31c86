#!/usr/bin/env bash
# Hand-check of one running interop configuration with curl: obtains grants
# through the configuration's grant source, then refreshes (confidential and
# public), replays, checks client binding, widening, introspection and
# revocation, and compares each outcome with what the configuration is
# documented to do. Independent of the refresh-conformance binary: it proves the
# servers, grant sources and target facts before the suite runs against them.
#
#   interop/smoke.sh NAME          (NAME = <server>-<config>, started by run-server.sh)
#   RC_SMOKE_VERBOSE=1 ...         also print each (redacted) response body
# Exit 0 when every check matched, 1 otherwise. Prints one line per check and a
# closing "N passed, N failed" line.
set -euo pipefail

INTEROP="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$INTEROP")"
WORK="$INTEROP/.work"
[[ $# -eq 1 ]] || { echo "usage: $0 <server>-<config>" >&2; exit 2; }
name="$1"
portfile="$WORK/run/$name.port"
[[ -f "$portfile" ]] || { echo "smoke.sh: $name is not running (no $portfile)" >&2; exit 2; }
port="$(cat "$portfile")"
# shellcheck source=/dev/null
source "$WORK/env"
base="http://127.0.0.1:$port"
cd "$ROOT"

passed=0; failed=0
check() {  # check LABEL EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then passed=$((passed + 1)); printf 'ok    %-58s %s\n' "$1" "$3"
  else failed=$((failed + 1)); printf 'FAIL  %-58s expected %s, got %s\n' "$1" "$2" "$3"; fi
}
tok() { [[ -n "${1:-}" ]] && printf '%s…' "${1:0:6}" || printf '-'; }

BODY=""; CODE=""
post() {  # post URL [curl args...] -> sets CODE and BODY
  local url="$1"; shift
  local out
  out="$(curl -sS -m 10 -w '\n%{http_code}' -X POST "$url" "$@")"
  CODE="${out##*$'\n'}"; BODY="${out%$'\n'*}"
  if [[ -n "${RC_SMOKE_VERBOSE:-}" ]]; then
    echo "      HTTP $CODE $(jq -c 'with_entries(if (.key|test("token")) and (.value|type)=="string" then .value=(.value[0:6]+"…") else . end)' <<<"$BODY" 2>/dev/null || echo "$BODY")"
  fi
}
field() { jq -r --arg k "$1" '.[$k] // empty' <<<"$BODY"; }
outcome() { if [[ "$CODE" == 200 ]]; then echo 200; else echo "$CODE $(field error)"; fi; }

case "$name" in
  oidc-provider-*)
    server=op
    token_ep="$base/token"; revoke_ep="$base/token/revocation"; introspect_ep="$base/token/introspection"
    scope="openid offline_access profile"; narrower="openid offline_access"; wider="openid offline_access profile email"
    main=rc-main; main_auth=(-u "rc-main:$RC_OP_MAIN_SECRET")
    other_auth=(-d client_id=rc-other -d "client_secret=$RC_OP_OTHER_SECRET")
    grant() { node interop/oidc-provider/login.mjs "$base" "$1" "$scope"; }
    ;;
  django-oauth-toolkit-*)
    server=dot
    token_ep="$base/o/token/"; revoke_ep="$base/o/revoke_token/"; introspect_ep="$base/o/introspect/"
    scope="read write"; narrower="read"; wider="read write email"
    main=rc-main; main_auth=(-u "rc-main:$RC_DOT_MAIN_SECRET")
    other_auth=(-d client_id=rc-other -d "client_secret=$RC_DOT_OTHER_SECRET")
    grant() {
      local auth=()
      case "$1" in
        rc-main) auth=(-u "rc-main:$RC_DOT_MAIN_SECRET") ;;
        rc-public) auth=(-d client_id=rc-public) ;;
      esac
      curl -sS -m 10 -f -X POST "$token_ep" "${auth[@]}" -d grant_type=password -d username=alice \
        --data-urlencode "password=$RC_DOT_ALICE_PASSWORD" --data-urlencode "scope=$scope"
    }
    ;;
  *) echo "smoke.sh: unknown name $name" >&2; exit 2 ;;
esac
config="${name##*-}"

# Expected outcomes per configuration.
#   rot_conf / rot_pub : does a refresh issue a new refresh token (confidential / public)?
#   replay             : outcome of presenting the pre-rotation token again
#   after_replay       : outcome of then presenting the newest token (reuse detection)
#   rt_introspect      : introspection "active" for a live refresh token
rot_conf=yes; rot_pub=yes; replay="400 invalid_grant"; after_replay="400 invalid_grant"; rt_introspect=true
case "$server-$config" in
  op-rotate) ;;
  op-norotate) rot_conf=no; rot_pub=no; replay=200; after_replay=200 ;;
  op-default) rot_conf=no; replay=200; after_replay=200 ;;   # confidential: no rotation before 70% TTL
  dot-rotate) after_replay=200; rt_introspect=false ;;
  dot-reuse) rt_introspect=false ;;
  dot-grace) replay="200 (same pair)"; after_replay=200; rt_introspect=false ;;
  dot-norotate) rot_conf=no; rot_pub=no; replay=200; after_replay=200; rt_introspect=false ;;
  *) echo "smoke.sh: no expectations for $name" >&2; exit 2 ;;
esac

echo "== $name on $base"

# 1. grant for main
BODY="$(grant "$main")"; CODE=200
rt0="$(field refresh_token)"; at0="$(field access_token)"
check "grant (main): refresh_token present" yes "$([[ -n "$rt0" ]] && echo yes || echo no)"

# 2. refresh, client_secret_basic
post "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=$rt0"
check "refresh (main, basic)" 200 "$(outcome)"
rt1="$(field refresh_token)"; at1="$(field access_token)"
check "  new refresh token issued (old $(tok "$rt0"), new $(tok "$rt1"))" "$rot_conf" "$([[ -n "$rt1" && "$rt1" != "$rt0" ]] && echo yes || echo no)"
check "  cache-control no-store" yes "$(curl -sS -m 10 -o /dev/null -D - -X POST "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=${rt1:-$rt0}" | tr -d '\r' | grep -qi '^cache-control:.*no-store' && echo yes || echo no)"
# the header probe above is itself a refresh: follow its rotation
if [[ "$rot_conf" == yes ]]; then
  # the probe consumed rt1 under rotation; start a fresh chain for the replay checks
  BODY="$(grant "$main")"; rt0="$(field refresh_token)"
  post "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=$rt0"
  rt1="$(field refresh_token)"; at1="$(field access_token)"; first_pair="$at1 $rt1"
fi

# 3. replay of the pre-rotation token, then the newest token
post "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=$rt0"
got="$(outcome)"
if [[ "$replay" == "200 (same pair)" && "$CODE" == 200 ]]; then
  [[ "$(field access_token) $(field refresh_token)" == "$first_pair" ]] && got="200 (same pair)" || got="200 (new pair)"
fi
check "replay previous refresh token" "$replay" "$got"
post "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=${rt1:-$rt0}"
check "then refresh with newest token (reuse detection)" "$after_replay" "$(outcome)"

# 4. binding: another confidential client presents main's token
BODY="$(grant "$main")"; rtb="$(field refresh_token)"
post "$token_ep" "${other_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=$rtb"
check "other client refreshes main's token" "400 invalid_grant" "$(outcome)"

# 5. widening and narrowing
post "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=$rtb" --data-urlencode "scope=$wider"
check "refresh with wider scope" "400 invalid_scope" "$(outcome)"
post "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=$rtb" --data-urlencode "scope=$narrower"
check "refresh with narrower scope" 200 "$(outcome)"
check "  scope returned" "$narrower" "$(field scope)"
rtn="$(field refresh_token)"; rtn="${rtn:-$rtb}"
post "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=$rtn"
echo "info  then refresh without scope: HTTP $CODE, scope \"$(field scope)\" (original was \"$scope\")"

# 6. public client (auth none)
BODY="$(grant rc-public)"; rtp0="$(field refresh_token)"
post "$token_ep" -d client_id=rc-public -d grant_type=refresh_token --data-urlencode "refresh_token=$rtp0"
check "refresh (public, client_id only)" 200 "$(outcome)"
rtp1="$(field refresh_token)"
check "  new refresh token issued (public)" "$rot_pub" "$([[ -n "$rtp1" && "$rtp1" != "$rtp0" ]] && echo yes || echo no)"

# 7. introspection and revocation
BODY="$(grant "$main")"; rtr="$(field refresh_token)"; atr="$(field access_token)"
post "$introspect_ep" "${main_auth[@]}" --data-urlencode "token=$atr"
check "introspect access token" true "$(jq -r '.active' <<<"$BODY")"
post "$introspect_ep" "${main_auth[@]}" --data-urlencode "token=$rtr" -d token_type_hint=refresh_token
check "introspect refresh token" "$rt_introspect" "$(jq -r '.active' <<<"$BODY")"
post "$revoke_ep" "${main_auth[@]}" --data-urlencode "token=$rtr" -d token_type_hint=refresh_token
check "revoke refresh token" 200 "$CODE"
post "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token --data-urlencode "refresh_token=$rtr"
check "refresh with revoked token" "400 invalid_grant" "$(outcome)"
post "$introspect_ep" "${main_auth[@]}" --data-urlencode "token=$atr"
check "introspect its access token after revocation" false "$(jq -r '.active' <<<"$BODY")"
post "$token_ep" "${main_auth[@]}" -d grant_type=refresh_token -d refresh_token=bogus-refresh-token
check "preflight: bogus refresh token" "400 invalid_grant" "$(outcome)"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
