# SPDX-License-Identifier: MIT
"""Crash and restart with backoff: the delays grow (100 ms, then 200 ms); giving up."""
from __future__ import annotations

import threading
import time

import alter


def test_crash_restart_backoff_grows(manager: alter.Manager) -> None:
    events = manager.events(timeout=20, app="crasher", kinds=["state"])
    manager.start(name="crasher", cmd=["/bin/sh", "-c", "exit 3"])
    crashed_at = []
    delays = []
    gaps = []
    running_pid = None
    for ev in events:
        if ev.to_state is alter.State.RUNNING:
            running_pid = ev.pid
        elif ev.to_state is alter.State.CRASHED:
            assert ev.exit_code == 3 and ev.reason == "crash"
            assert ev.pid is not None and ev.pid == running_pid  # the process that ended
            crashed_at.append(ev.time)
        elif ev.to_state is alter.State.WAITING:
            assert ev.delay is not None
            delays.append(ev.delay.total_seconds())
        elif ev.to_state is alter.State.STARTING and ev.from_state is alter.State.WAITING:
            gaps.append((ev.time - crashed_at[-1]).total_seconds())
            if len(gaps) == 3:
                break
    events.close()
    assert delays[:3] == [0.1, 0.2, 0.4]
    # Measured between the crash and the next start (ms timestamps from the library): generous bounds.
    assert 0.08 <= gaps[0] < 1.0
    assert 0.18 <= gaps[1] < 1.5 and gaps[1] > gaps[0]
    assert 0.38 <= gaps[2] < 2.5 and gaps[2] > gaps[1]
    assert manager.status("crasher").instances[0].restarts >= 3


def test_gives_up_after_max_restarts(manager: alter.Manager) -> None:
    app = manager.start(name="hopeless", cmd=["/bin/false"], max_restarts=2, restart_delay=0.01)
    ev = app.wait("errored", timeout=15)
    assert ev is not None and ev.error
    p = app.status().instances[0]
    assert p.status is alter.State.ERRORED and p.restarts == 2 and p.error
    app.reset()
    assert app.state is alter.State.STOPPED


def test_clean_exit_is_not_restarted_on_failure_policy(manager: alter.Manager) -> None:
    app = manager.start(name="done", cmd=["/bin/true"])
    app.wait("exited", timeout=10)
    p = app.status().instances[0]
    assert p.exit_code == 0 and p.restarts == 0


def test_spawn_failure_is_errored(manager: alter.Manager) -> None:
    app = manager.start(name="ghost", cmd=["/nonexistent/program"])
    ev = app.wait("errored", timeout=10)
    assert ev is None or "not found" in (ev.error or "")
    assert "not found" in (app.status().instances[0].error or "")


def test_wait_sees_short_lived_crashed_state(manager: alter.Manager) -> None:
    app = manager.start(name="c", cmd=["/bin/sh", "-c", "sleep 0.2; exit 1"], restart_delay=1)
    ev = app.wait("crashed", timeout=3)
    assert ev is not None and ev.to_state is alter.State.CRASHED and ev.exit_code == 1


def test_wait_every_instance_seen_not_at_the_same_moment(manager: alter.Manager) -> None:
    # pool-0 crashes after 0.1 s and waits 2 s for its restart; pool-1 crashes after 0.6 s, by
    # when pool-0 is long "waiting": still, each has been "crashed" since the call.
    manager.start(name="pool", cmd=["/bin/sh", "-c", "sleep 0.$((1 + ALTER_INSTANCE * 5)); exit 2"],
                  instances=2, restart_delay=2)
    ev = manager.wait("pool", ["crashed", "errored"], timeout=1.9)
    assert ev is not None and ev.instance == "pool-1" and ev.exit_code == 2


def _wait_in_thread(manager: alter.Manager, target: str, state: str) -> "tuple[threading.Thread, dict]":
    out: dict = {}

    def run() -> None:
        try:
            out["event"] = manager.wait(target, state, timeout=10)
        except alter.Error as e:
            out["error"] = e

    t = threading.Thread(target=run)
    t.start()
    return t, out


def test_wait_for_stopped_then_deleted_returns(manager: alter.Manager) -> None:
    # A removal is announced before its instances report "stopped": the wait follows them there.
    manager.start(name="gone", cmd=["sleep", "60"])
    manager.wait("gone", "running", timeout=10)
    t, out = _wait_in_thread(manager, "gone", "stopped")
    time.sleep(0.05)
    manager.delete("gone")
    t.join(15)
    assert "error" not in out, out
    assert out["event"].instance == "gone" and out["event"].to_state is alter.State.STOPPED


def test_wait_for_running_then_deleted_raises_not_found(manager: alter.Manager) -> None:
    manager.add({"name": "never", "cmd": "sleep", "args": ["60"]}, start=False)
    t, out = _wait_in_thread(manager, "never", "running")
    time.sleep(0.05)
    manager.delete("never")
    t.join(15)
    assert isinstance(out.get("error"), alter.NotFound), out
