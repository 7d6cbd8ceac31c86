#!/usr/bin/env bash
# Start every interop configuration (see interop/README.md) and print
# "<name> <port>" per line. Stops at the first one that fails to start.
#   interop/start-all.sh            then: interop/stop-all.sh
set -euo pipefail
INTEROP="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# interop/configurations lists them; RC_SERVERS="a b" keeps only those servers.
while read -r server config; do
  [[ -z "$server" || "$server" == \#* ]] && continue
  if [[ -n "${RC_SERVERS:-}" && " $RC_SERVERS " != *" $server "* ]]; then continue; fi
  port="$("$INTEROP/run-server.sh" "$server" "$config" </dev/null)"
  echo "$server-$config $port"
done < "$INTEROP/configurations"
