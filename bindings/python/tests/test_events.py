# SPDX-License-Identifier: MIT
"""Events as callbacks (dispatcher thread), as an iterator and with asyncio; live logs."""
from __future__ import annotations

import asyncio
import logging
import threading

import pytest

import alter
from conftest import PY, wait_until

TICKER = [PY, "-c", "import time, sys\ni = 0\nwhile True:\n    print('tick', i, flush=True)\n"
          "    print('warn', i, file=sys.stderr, flush=True)\n    i += 1\n    time.sleep(0.02)"]


def test_callback_runs_on_dispatcher_thread(manager: alter.Manager) -> None:
    got: list[alter.Event] = []
    threads: set[str] = set()
    done = threading.Event()

    @manager.on_event
    def cb(ev: alter.Event) -> None:
        threads.add(threading.current_thread().name)
        got.append(ev)
        if ev.to_state is alter.State.RUNNING:
            done.set()

    manager.start(name="a", cmd=["/bin/sleep", "30"])
    assert done.wait(10)
    assert threads == {"alter-events"}
    kinds = [e.kind for e in got]
    assert kinds[0] is alter.EventKind.ADDED
    assert [(e.from_state, e.to_state) for e in got[1:3]] == [
        (alter.State.STOPPED, alter.State.STARTING), (alter.State.STARTING, alter.State.RUNNING)]
    assert got[2].pid == manager.app("a").pid and got[2].app == "a" and got[2].reason == "start"
    assert manager.off_event(cb) and not manager.off_event(cb)


def test_callback_exception_is_logged_and_delivery_goes_on(manager: alter.Manager, caplog) -> None:
    seen = threading.Event()

    def bad(ev: alter.Event) -> None:
        raise RuntimeError("boom")

    def good(ev: alter.Event) -> None:
        if ev.kind is alter.EventKind.REMOVED:
            seen.set()

    with caplog.at_level(logging.ERROR, logger="alter"):
        manager.on_event(bad)
        manager.on_event(good)
        manager.start(name="b", cmd=["/bin/sleep", "30"])
        manager.delete("b")
        assert seen.wait(10)
    assert any("boom" in (r.exc_text or "") or (r.exc_info and "boom" in str(r.exc_info[1]))
               for r in caplog.records)


def test_slow_callback_does_not_hold_up_the_supervisor(manager: alter.Manager) -> None:
    release = threading.Event()
    manager.on_event(lambda ev: release.wait(10))
    app = manager.start(name="c", cmd=["/bin/sleep", "30"])
    # The callback is stuck, yet the supervisor answers and changes state.
    app.wait("running", timeout=10)
    app.stop()
    app.wait("stopped", timeout=10)
    release.set()


def test_event_iterator_and_filters(manager: alter.Manager) -> None:
    with manager.events(timeout=10, app="d", kinds=[alter.EventKind.STATE]) as events:
        manager.start(name="other", cmd=["/bin/sleep", "30"])
        manager.start(name="d", cmd=["/bin/sh", "-c", "exit 0"], restart="never")
        states = []
        for ev in events:
            assert ev.app == "d" and ev.kind is alter.EventKind.STATE
            states.append(ev.to_state)
            if ev.to_state is alter.State.EXITED:
                assert ev.exit_code == 0
                break
    assert states == [alter.State.STARTING, alter.State.RUNNING, alter.State.EXITED]
    assert events.closed
    # an overall timeout ends the iteration
    with manager.events(timeout=0.2, app="nobody") as quiet:
        assert list(quiet) == []
    s = manager.events()
    assert s.get(timeout=0.05) is None
    s.close()


def test_asyncio_events_do_not_block_the_loop(manager: alter.Manager) -> None:
    async def main() -> tuple[list[alter.State], int]:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.001)

        t = asyncio.create_task(ticker())
        states = []
        async with manager.aevents(timeout=10, app="e") as events:
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: manager.start(name="e", cmd=["/bin/sh", "-c", "exit 0"], restart="never"))
            async for ev in events:
                if ev.to_state is not None:
                    states.append(ev.to_state)
                if ev.to_state is alter.State.EXITED:
                    break
        stop.set()
        await t
        return states, ticks

    states, ticks = asyncio.run(main())
    assert states == [alter.State.STARTING, alter.State.RUNNING, alter.State.EXITED]
    assert ticks > 0


def test_asyncio_follow_and_manager_close_ends_stream(tmp_path) -> None:
    m = alter.Manager(log_dir=tmp_path)
    m.start(name="t", cmd=TICKER)

    async def main() -> list[str]:
        out = []
        async for line in m.afollow("t", stream="out", timeout=10):
            out.append(line.text)
            if len(out) == 3:
                break
        stream = m.aevents(timeout=10)
        loop = asyncio.get_running_loop()
        closing = loop.run_in_executor(None, m.close)
        async for _ in stream:  # ends when the manager closes
            pass
        await closing
        return out

    out = asyncio.run(main())
    assert out[0].startswith("tick ") and all(t.startswith("tick") for t in out)
    assert m.closed


def test_follow_logs_with_stream_filter(manager: alter.Manager) -> None:
    app = manager.start(name="f", cmd=TICKER)
    with app.follow(stream="err", timeout=10) as lines:
        got = []
        for line in lines:
            assert isinstance(line, alter.LogLine) and line.stream is alter.Stream.ERR
            assert line.app == "f" and line.instance == "f"
            got.append(line.text)
            if len(got) == 5:
                break
    assert all(t.startswith("warn ") for t in got)
    with pytest.raises(alter.NotFound):
        manager.follow("no-such-app", lines=5)


def test_no_callback_after_close(tmp_path) -> None:
    m = alter.Manager(log_dir=tmp_path)
    closed = threading.Event()
    late: list[alter.Event] = []
    calls = []
    started = threading.Event()

    def cb(ev: alter.Event) -> None:
        if closed.is_set():
            late.append(ev)
        calls.append(ev)
        started.set()

    m.on_event(cb)
    for i in range(4):
        m.start(name=f"chatty{i}", cmd=["/bin/sh", "-c", "exit 1"], restart_delay=0.001, max_restarts=0)
    assert started.wait(10)
    wait_until(lambda: len(calls) > 20, what="some events")
    m.close()
    closed.set()
    n = len(calls)
    assert not any(t.name == "alter-events" and t.is_alive() for t in threading.enumerate())
    assert late == [] and len(calls) == n
    with pytest.raises(alter.Closed):
        m.on_event(cb)


def test_close_from_a_callback(tmp_path) -> None:
    m = alter.Manager(log_dir=tmp_path)
    done = threading.Event()

    def cb(ev: alter.Event) -> None:
        if ev.to_state is alter.State.RUNNING:
            m.close()
            done.set()

    m.on_event(cb)
    m.start(name="g", cmd=["/bin/sleep", "30"])
    assert done.wait(20)
    assert m.closed
    wait_until(lambda: not any(t.name == "alter-events" for t in threading.enumerate()), what="dispatcher end")
