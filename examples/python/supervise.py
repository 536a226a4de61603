#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Supervise a worker that crashes now and then, print its events and some of its output.

    python3 examples/python/supervise.py [--seconds 4] [--expect-restart]

Needs the `alter` package: installed (pip install ./bindings/python), or from the source tree
with PYTHONPATH=bindings/python ALTER_LIBRARY=build/libalter/libalter.so.0.
With --expect-restart it exits with status 1 unless it saw at least one restart (meson test).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading

import alter

# The worker: prints a numbered line every 50 ms and exits with status 1 at a random line
# (at the latest after 8 lines), so it crashes within half a second of every start.
WORKER = r"""
import os, random, sys, time
limit = random.randint(2, 8)
for i in range(1, 100):
    print(f"[{os.getpid()}] working on item {i}", flush=True)
    if i == limit:
        print(f"[{os.getpid()}] item {i} failed, giving up", file=sys.stderr, flush=True)
        sys.exit(1)
    time.sleep(0.05)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0, help="how long to supervise (default 4)")
    ap.add_argument("--expect-restart", action="store_true", help="fail unless the worker was restarted")
    args = ap.parse_args()

    restarts = 0
    lock = threading.Lock()

    def on_event(ev: alter.Event) -> None:  # runs on the manager's dispatcher thread
        nonlocal restarts
        if ev.kind is not alter.EventKind.STATE:
            print(f"event: {ev.kind.value} {ev.app}")
            return
        extra = ""
        if ev.to_state is alter.State.CRASHED:
            extra = f" (exit code {ev.exit_code})" if ev.exit_code is not None else f" ({ev.signal})"
        elif ev.to_state is alter.State.WAITING and ev.delay is not None:
            extra = f" (restart in {ev.delay.total_seconds():.1f} s)"
        elif ev.to_state is alter.State.RUNNING:
            extra = f" (pid {ev.pid})"
            if ev.reason != "start":
                with lock:
                    restarts += 1
        print(f"event: {ev.instance}: {ev.from_state} -> {ev.to_state}{extra}", flush=True)

    with tempfile.TemporaryDirectory(prefix="alter-example-") as logs:
        with alter.Manager(log_dir=logs) as m:
            m.on_event(on_event)
            worker = m.start(name="worker", cmd=[sys.executable, "-c", WORKER], restart="on-failure",
                             restart_delay=0.1, max_restart_delay=0.8, max_restarts=0)
            worker.wait(alter.State.RUNNING, timeout=10)

            # Follow the output for a while: the loop ends when `seconds` have passed.
            shown = 0
            for line in worker.follow(lines=5, timeout=args.seconds):
                if line.stream is alter.Stream.ERR or shown < 5:
                    print(f"log:   {line.stream.value} {line.text}", flush=True)
                    shown += 1

            p = worker.status().instances[0]
            print(f"status: {p.name} {p.status} pid={p.pid} restarts={p.restarts}")
            errors = worker.logs(lines=3, stream="err")
            print("last errors:", *[f"  {l.time:%H:%M:%S.%f} {l.text}" for l in errors], sep="\n")
        # Leaving the `with` block stopped the worker and ended the manager's threads.

    print(f"done: {restarts} restart(s) seen")
    if args.expect_restart and restarts < 1:
        print("error: expected at least one restart", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
