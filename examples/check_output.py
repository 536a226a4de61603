#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run an embedding example and check what it printed.

    check_output.py [--deadline SECONDS] -- COMMAND [ARGS...]

Every example (C, C++, Python, Node) prints the same lines: "event: INSTANCE FROM -> TO (detail)"
for each state change and "log:   INSTANCE STREAM| TEXT" for each line of the worker, then
"done: N restarts seen". This passes when the example ended by itself within the deadline with
status 0, and its events show the worker started, crashed, waited for its restart (backoff),
was restarted and ran again, and was stopped at the end.
"""
import argparse
import os
import re
import signal
import subprocess
import sys

EVENT = re.compile(r"^event: (\S+) (\w+) -> (\w+)(?: \((.*)\))?$")


def check(out: str) -> list[str]:
    problems = []
    events = [m.groups() for m in map(EVENT.match, out.splitlines()) if m]
    moves = [(f, t) for _, f, t, _ in events]
    if not events:
        return ["no event lines"]
    if moves[:2] != [("stopped", "starting"), ("starting", "running")]:
        problems.append(f"does not begin with the start (stopped -> starting -> running): {moves[:2]}")
    # The stop at the end: running -> stopping -> stopped, or waiting -> stopped when it came while
    # the worker waited for a restart.
    if moves[-1][1] != "stopped":
        problems.append(f"does not end with the stop (-> stopped): {moves[-2:]}")
    # Each crash: crashed (exit code), then either waiting (restart in N ms, the backoff) and
    # restarted, or (after a run longer than min_uptime) restarted at once; then running again.
    crashes = [i for i, m in enumerate(moves) if m == ("running", "crashed")]
    if not crashes:
        problems.append("no crash (running -> crashed)")
    pids = [d for _, _, t, d in events if t == "running"]
    if len(set(pids)) != len(pids):
        problems.append(f"a restart did not get a new process: {pids}")
    for i in crashes:
        if not re.fullmatch(r"exit code [1-9]\d*|signal \w+", events[i][3] or ""):
            problems.append(f"crash without its exit code or signal: {events[i]}")
        after = []
        for m in moves[i + 1:i + 4]:
            if m[1] in ("stopping", "stopped"):
                break  # the stop at the end
            after.append(m)
        backoff = [("crashed", "waiting"), ("waiting", "starting"), ("starting", "running")]
        at_once = [("crashed", "starting"), ("starting", "running")]
        if after[:2] != at_once[:len(after[:2])] and after != backoff[:len(after)]:
            problems.append(f"after a crash, neither a backoff nor an immediate restart: {after}")
    delays = [int(m.group(1)) for _, _, t, d in events if t == "waiting" for m in [re.fullmatch(r"restart in (\d+) ms", d or "")] if m]
    if len(delays) != moves.count(("crashed", "waiting")):
        problems.append("a backoff (crashed -> waiting) without its delay ('restart in N ms')")
    if not delays or not all(100 <= d <= 1000 for d in delays):  # restart_delay_ms .. max_restart_delay_ms
        problems.append(f"backoff delays not within 100..1000 ms: {delays}")
    restarts = [d for _, f, t, d in events if t == "starting" and f in ("waiting", "crashed")]
    if not restarts or restarts != [f"restart {n}" for n in range(1, len(restarts) + 1)]:
        problems.append(f"restarts not counted 1, 2, ...: {restarts}")
    done = re.search(r"^done: (\d+) restarts seen$", out, re.M)
    if not done or int(done.group(1)) != len(restarts):
        problems.append(f"no 'done: {len(restarts)} restarts seen' line")
    if not re.search(r"^log: +\S+ out\| item \d+ done$", out, re.M):
        problems.append("none of the worker's output ('log: ... out| item N done')")
    if not re.search(r"^log: +\S+ err\| item \d+ failed", out, re.M):
        problems.append("none of the worker's errors ('log: ... err| item N failed')")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deadline", type=float, default=40.0)
    ap.add_argument("command", nargs="+")
    args = ap.parse_args()
    p = subprocess.Popen(args.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=args.deadline)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        print(out, err, f"FAIL: still running after {args.deadline} s", sep="\n")
        return 1
    problems = check(out) if p.returncode == 0 else [f"exit status {p.returncode}"]
    summary = [line for line in out.splitlines() if not line.startswith("log:")]
    print("\n".join(summary))
    if err:
        print("stderr:", err, sep="\n")
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
