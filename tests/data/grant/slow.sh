#!/bin/sh
# Test grant command: hangs; records its child's pid in $1 so the test can check it was killed.
sleep 30 &
echo $! > "$1"
wait
