#!/bin/sh
# Test grant command: prints logs on stdout instead of the token response.
echo "Opening browser..."
echo '{"access_token":"x"}'
