#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Supervise a worker that crashes now and then, and print its events and output.

    python3 examples/python/supervise.py [--seconds 15]

alter restarts the worker with a growing delay. The program stops it and exits once it has been
restarted twice, or after --seconds (default 15); the exit status is 1 if no restart was seen.
Needs the `alter` package: installed (see bindings/python/README.md), or from the source tree
with PYTHONPATH=bindings/python ALTER_LIBRARY=build/libalter/libalter.so.0.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time

import alter

# The worker: an item every 100 ms; one item in ten (never the first) fails at random and it
# exits with status 1.
WORKER = r"""
import random, sys, time
for i in range(1, 1_000_000):
    if i > 1 and random.randrange(10) == 0:
        print(f"item {i} failed, giving up", file=sys.stderr, flush=True)
        sys.exit(1)
    time.sleep(0.1)
    print(f"item {i} done", flush=True)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=15.0, help="the longest to supervise (default 15)")
    args = ap.parse_args()

    restarts = 0
    enough = threading.Event()
    stopped = threading.Event()

    def on_event(ev: alter.Event) -> None:  # on the manager's dispatcher thread, one at a time
        nonlocal restarts
        if ev.kind is not alter.EventKind.STATE or ev.from_state is None or ev.to_state is None:
            return
        extra = ""
        if ev.to_state is alter.State.RUNNING:
            extra = f" (pid {ev.pid})"
        elif ev.to_state is alter.State.CRASHED:
            extra = f" (exit code {ev.exit_code})" if ev.exit_code is not None else f" (signal {ev.signal})"
        elif ev.to_state is alter.State.WAITING and ev.delay is not None:
            extra = f" (restart in {round(ev.delay.total_seconds() * 1000)} ms)"
        elif ev.to_state is alter.State.STARTING and ev.from_state in (alter.State.WAITING, alter.State.CRASHED):
            restarts += 1
            extra = f" (restart {restarts})"
        print(f"event: {ev.instance} {ev.from_state.value} -> {ev.to_state.value}{extra}", flush=True)
        if ev.to_state is alter.State.RUNNING and restarts >= 2:
            enough.set()
        if ev.to_state is alter.State.STOPPED:  # only at the end: the stop below
            stopped.set()

    with tempfile.TemporaryDirectory(prefix="alter-example-") as logs:
        with alter.Manager(log_dir=logs) as m:
            m.on_event(on_event)
            # Restart on failure. A run shorter than 5 s is unstable: its restart waits 100 ms,
            # doubling up to 1 s (the backoff); after a longer run the restart is immediate.
            worker = m.start(name="worker", cmd=[sys.executable, "-c", WORKER], restart="on-failure",
                             restart_delay=0.1, backoff_multiplier=2, max_restart_delay=1, min_uptime=5)
            deadline = time.monotonic() + args.seconds
            with worker.follow() as lines:  # the worker's output, live
                while not enough.is_set() and time.monotonic() < deadline:
                    line = lines.get(timeout=0.1)
                    if line is not None:
                        print(f"log:   {line.instance} {line.stream.value}| {line.text}", flush=True)
            worker.stop()  # a stop by the user is never undone by the restart policy
            worker.wait(alter.State.STOPPED, timeout=10)
            stopped.wait(timeout=10)  # and its event printed (callbacks run on their own thread)
            errors = worker.logs(lines=2, stream="err")  # from the log files
            print("last errors:", *[f"  {l.time:%H:%M:%S} {l.text}" for l in errors], sep="\n")
        # Leaving the `with` block ended the manager's threads (and would have stopped the worker).

    print(f"done: {restarts} restarts seen")
    return 0 if restarts > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
