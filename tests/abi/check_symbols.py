#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The exported symbols of libalter.so against the committed list (libalter/alter.symbols).

Fails when a listed symbol is gone (the ABI only grows), when a symbol outside alter_* is
exported, or when a new alter_* symbol is not in the list yet (add it to the list in the same
change, so that its removal is caught later).
"""
import subprocess
import sys

lib, listed = sys.argv[1], sys.argv[2]
out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
exported = set()
for line in out.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] not in ("A",):
        exported.add(parts[2])
expected = {s.strip() for s in open(listed) if s.strip() and not s.startswith("#")}

failed = False
for s in sorted(expected - exported):
    print(f"removed from the ABI: {s}")
    failed = True
for s in sorted(exported - expected):
    if not s.startswith("alter_"):
        print(f"exported but not part of the C ABI: {s}")
    else:
        print(f"new symbol not yet in {listed}: {s}")
    failed = True
print(f"{len(exported)} symbols exported, {len(expected)} listed")
sys.exit(1 if failed else 0)
