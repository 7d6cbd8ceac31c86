#!/bin/sh
# Test grant command for the DPoP command-grant test: the password grant
# against a `refresh-conformance emulate` server, sending the suite's proof
# (RC_DPOP_PROOF) as the DPoP header, as a DPoP client's login script does
# (RFC 9449 §5). GRANT_SEND_DPOP=no leaves the header out.
# Usage: dpop-password-grant.sh TOKEN_ENDPOINT CLIENT_ID SCOPE [none]
# Secrets come from the environment: GRANT_CLIENT_SECRET (client_secret_post;
# not sent with `none`, a public client), GRANT_PASSWORD.
set -eu
endpoint=$1 client=$2 scope=$3
auth=${4:-post}
set -- --data-urlencode "client_id=$client"
if [ "$auth" != none ]; then
  set -- "$@" --data-urlencode "client_secret=$GRANT_CLIENT_SECRET"
fi
if [ "${GRANT_SEND_DPOP:-yes}" = yes ] && [ -n "${RC_DPOP_PROOF:-}" ]; then
  set -- "$@" -H "DPoP: $RC_DPOP_PROOF"
fi
exec curl -sS --fail-with-body --noproxy '*' -X POST "$endpoint" "$@" \
  --data-urlencode grant_type=password \
  --data-urlencode "username=alice" \
  --data-urlencode "password=$GRANT_PASSWORD" \
  --data-urlencode "scope=$scope"
