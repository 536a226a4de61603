#!/bin/sh
# SPDX-License-Identifier: MIT
# The demo one-shot migration: "applies" numbered migrations once and records the schema
# version in $DEMO_DATA_DIR (default: $TMPDIR/alter-demo). Running it again is a no-op.
set -eu
dir=${DEMO_DATA_DIR:-${TMPDIR:-/tmp}/alter-demo}
mkdir -p "$dir"
current=$(cat "$dir/schema_version" 2>/dev/null || echo 0)
target=3
if [ "$current" -ge "$target" ]; then
    echo "migrate: schema already at version $current"
    exit 0
fi
v=$current
while [ "$v" -lt "$target" ]; do
    v=$((v + 1))
    echo "migrate: applying migration $(printf '%03d' "$v")"
    sleep 1
    echo "$v" >"$dir/schema_version.tmp" && mv "$dir/schema_version.tmp" "$dir/schema_version"
done
echo "migrate: schema at version $v"
