#!/bin/sh
# Test grant command: prints JSON that is not an object.
echo '["not", "an", "object"]'
