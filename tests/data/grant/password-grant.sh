#!/bin/sh
# Test grant command for the emulate-as-live and canary tests: the password
# grant with client_secret_post against a `refresh-conformance emulate`
# server, printing the token endpoint's JSON response on stdout.
# Usage: password-grant.sh TOKEN_ENDPOINT CLIENT_ID SCOPE
# Secrets come from the environment, never from arguments (a process list
# shows arguments): GRANT_CLIENT_SECRET, GRANT_PASSWORD; GRANT_USERNAME
# defaults to alice.
set -eu
exec curl -sS --fail-with-body --noproxy '*' -X POST "$1" \
  --data-urlencode grant_type=password \
  --data-urlencode "client_id=$2" \
  --data-urlencode "client_secret=$GRANT_CLIENT_SECRET" \
  --data-urlencode "username=${GRANT_USERNAME:-alice}" \
  --data-urlencode "password=$GRANT_PASSWORD" \
  --data-urlencode "scope=$3"
