#!/bin/sh
# Test grant command: fails like a login script whose password was refused.
echo "login failed: invalid credentials for $1" >&2
exit 3
