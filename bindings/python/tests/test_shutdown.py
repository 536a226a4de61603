# SPDX-License-Identifier: MIT
"""Close stops the children; no leaked threads or fds; thread safety; forgotten managers; fork."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import threading

import pytest

import alter
from conftest import PKG_DIR, PY, fds, pid_alive, tasks, wait_until


def test_close_stops_every_child(tmp_path) -> None:
    m = alter.Manager(log_dir=tmp_path)
    m.start(name="many", cmd=["/bin/sleep", "60"], instances=3)
    m.start(name="stubborn", cmd=[PY, "-c", "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                                  "print('ready', flush=True)\nwhile True: time.sleep(1)"], kill_timeout=0.3)
    m.wait("all", "running", timeout=10)
    with m.follow("stubborn", lines=5, timeout=10) as f:
        next(iter(f))  # SIGTERM is ignored from here on
    pids = [p.pid for p in m.list()]
    assert len(pids) == 4 and all(p is not None and pid_alive(p) for p in pids)
    with m:
        pass  # __exit__ closes
    assert m.closed
    assert [p for p in pids if p is not None and pid_alive(p)] == []


def _cycle(tmp_path, i: int) -> None:
    with alter.Manager(log_dir=tmp_path / f"c{i}") as m:
        app = m.start(name="w", cmd=["/bin/sh", "-c", "echo hi; exec sleep 60"])
        m.on_event(lambda ev: None)
        ev = m.events(timeout=5)
        lines = m.follow("w", lines=1, timeout=5)
        app.wait("running", timeout=10)
        next(iter(lines))
        if i % 2:
            ev.close()  # the other half is left to close()/GC
            lines.close()


def test_no_leaked_threads_or_fds_after_20_cycles(tmp_path) -> None:
    _cycle(tmp_path, 99)  # warm up (library load, logging, ...)
    gc.collect()  # managers of earlier tests that failed are finalized now, not during the count
    threads, ntasks, fd0 = threading.active_count(), tasks(), fds()
    for i in range(20):
        _cycle(tmp_path, i)
    gc.collect()
    assert threading.active_count() == threads
    assert tasks() == ntasks
    assert fds() == fd0 or sorted(fds() - fd0) == [], f"leaked fds: {sorted(fds() - fd0)}"


def test_calls_from_many_threads_then_close(tmp_path) -> None:
    m = alter.Manager(log_dir=tmp_path)
    errors: list[BaseException] = []
    closed_seen = []
    go = threading.Barrier(9)

    def worker(k: int) -> None:
        go.wait()
        try:
            for j in range(15):
                name = f"t{k}-{j}"
                app = m.start(name=name, cmd=["/bin/sleep", "30"])
                m.list()
                app.status()
                if j % 3 == 0:
                    app.wait("running", timeout=10)
                    app.restart()
                m.stop(name)
                if j % 2:
                    m.delete(name)
        except alter.Closed:
            closed_seen.append(k)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    go.wait()
    wait_until(lambda: len(m.list()) >= 20, what="some apps")
    m.close()  # while the workers are still busy
    for t in threads:
        t.join(30)
        assert not t.is_alive()
    assert errors == []


FORGOTTEN = textwrap.dedent("""
    import sys, alter
    m = alter.Manager()
    app = m.start(name="orphan", cmd=["/bin/sleep", "60"])
    app.wait("running", timeout=10)
    print(app.pid, flush=True)
    # no close(): the finalizer stops the child at interpreter exit
""")


def test_forgotten_manager_stops_children_at_exit() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PKG_DIR, env.get("PYTHONPATH")]))
    r = subprocess.run([sys.executable, "-c", FORGOTTEN], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    pid = int(r.stdout.strip())
    assert not pid_alive(pid)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_fork_child_cannot_use_the_parents_manager(manager: alter.Manager) -> None:
    app = manager.start(name="p", cmd=["/bin/sleep", "30"])
    app.wait("running", timeout=10)
    pid = os.fork()
    if pid == 0:  # the child: any use raises Closed, close() is a no-op, and the parent's app lives on
        code = 0
        try:
            manager.list()
            code = 2
        except alter.Closed:
            pass
        except BaseException:
            code = 3
        try:
            manager.close()
        except BaseException:
            code = 4
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert app.state is alter.State.RUNNING


def test_close_wakes_a_blocked_wait_and_stream(tmp_path) -> None:
    m = alter.Manager(log_dir=tmp_path)
    app = m.start(name="long", cmd=["/bin/sleep", "60"])
    app.wait("running", timeout=10)
    results: list[object] = []
    stream = m.events()  # no timeout: ends only with the manager

    def waiter() -> None:
        try:
            app.wait("exited", timeout=60)
            results.append("returned")
        except alter.Closed:
            results.append("closed")

    def reader() -> None:
        results.append(("events", len(list(stream))))

    threads = [threading.Thread(target=waiter), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    m.close()
    for t in threads:
        t.join(20)
        assert not t.is_alive()
    assert "closed" in results and any(isinstance(r, tuple) for r in results)
