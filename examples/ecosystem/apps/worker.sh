#!/bin/sh
# SPDX-License-Identifier: MIT
# The demo worker: prints a line every second and crashes now and then (exit 3, about one tick
# in $CRASH_ONE_IN, default 20), so you can watch alter restart it with backoff.
set -eu
one_in=${CRASH_ONE_IN:-20}
n=0
trap 'echo "worker: stopping after $n ticks"; exit 0' TERM INT
echo "worker: started (pid $$)"
while :; do
    n=$((n + 1))
    echo "worker: tick $n"
    roll=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    if [ "$one_in" -gt 0 ] && [ $((roll % one_in)) -eq 0 ]; then
        echo "worker: simulated crash at tick $n" >&2
        exit 3
    fi
    sleep 1
done
