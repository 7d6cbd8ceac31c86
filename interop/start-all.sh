#!/usr/bin/env bash
# Start every interop configuration (see interop/README.md) and print
# "<name> <port>" per line. Stops at the first one that fails to start.
#   interop/start-all.sh            then: interop/stop-all.sh
set -euo pipefail
INTEROP="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for sc in oidc-provider:rotate oidc-provider:norotate oidc-provider:default \
          django-oauth-toolkit:rotate django-oauth-toolkit:norotate \
          django-oauth-toolkit:reuse django-oauth-toolkit:grace; do
  server="${sc%%:*}"; config="${sc#*:}"
  port="$("$INTEROP/run-server.sh" "$server" "$config")"
  echo "$server-$config $port"
done
