#!/bin/sh
# Test grant command: prints a token response that echoes its arguments.
printf 'logging to stderr is fine\n' >&2
printf '{"access_token":"at-%s","token_type":"Bearer","refresh_token":"rt-%s","scope":"%s"}\n' "$1" "$1" "$2"
