# SPDX-License-Identifier: MIT
"""Start, running, stop, restart (new pid), delete, instances, env/cwd, typed records."""
from __future__ import annotations

from datetime import timedelta

import pytest

import alter
from conftest import PY, pid_alive, wait_until

SLEEPER = [PY, "-c", "import time\nwhile True: time.sleep(1)"]


def test_start_running_stop_restart_delete(manager: alter.Manager) -> None:
    app = manager.start(name="sleeper", cmd=SLEEPER)
    assert isinstance(app, alter.App) and app.name == "sleeper"
    app.wait(alter.State.RUNNING, timeout=10)
    pid = app.pid
    assert pid is not None and pid_alive(pid)

    (p,) = manager.list()
    assert isinstance(p, alter.Process)
    assert p.name == "sleeper" and p.app == "sleeper" and p.namespace == "default"
    assert p.status is alter.State.RUNNING and p.status == "running"
    assert p.pid == pid and p.restarts == 0 and p.instance == 0
    assert isinstance(p.uptime, timedelta) and isinstance(p.cpu_percent, float)
    assert isinstance(p.memory_bytes, int) and p.exit_code is None and p.signal is None
    assert p.command == PY and p.args == tuple(SLEEPER[1:])

    assert app.restart() == 1
    ev = app.wait("running", timeout=10)
    assert ev is not None and ev.to_state is alter.State.RUNNING
    new_pid = app.pid
    assert new_pid is not None and new_pid != pid and ev.pid == new_pid
    assert not pid_alive(pid)

    assert manager.stop("sleeper") == 1
    app.wait(alter.State.STOPPED, timeout=10)
    assert app.pid is None and not pid_alive(new_pid)
    assert app.status().desired == "stopped"

    manager.start("sleeper")
    app.wait("running", timeout=10)
    last = app.pid
    assert last is not None
    assert app.delete() == 1
    assert "sleeper" not in manager
    assert manager.list() == []
    wait_until(lambda: not pid_alive(last), what="the deleted app's process to end")  # remove does not wait
    with pytest.raises(alter.NotFound):
        app.status()


def test_instances_env_cwd(manager: alter.Manager, tmp_path) -> None:
    script = "import os, sys\nprint(os.environ['GREETING'], os.environ['ALTER_INSTANCE'], os.getcwd(), flush=True)\n" \
             "import time\nwhile True: time.sleep(1)"
    app = manager.start(name="multi", cmd=[PY, "-c", script], instances=3, env={"GREETING": "hello"},
                        cwd=tmp_path, namespace="grp")
    manager.wait("ns:grp", "running", timeout=10)
    procs = manager.list(namespace="grp")
    assert [p.name for p in procs] == ["multi-0", "multi-1", "multi-2"]
    assert len({p.pid for p in procs}) == 3 and all(p.app == "multi" for p in procs)
    assert manager.list(namespace="other") == []
    st = app.status()
    assert st.state is alter.State.RUNNING and len(st.pids) == 3 and st.spec["instances"] == 3
    with manager.follow("multi", lines=10, timeout=10) as lines:
        seen = set()
        for line in lines:
            seen.add(line.text)
            if len(seen) == 3:
                break
    assert seen == {f"hello {i} {tmp_path}" for i in range(3)}
    everything = manager.logs("all")
    assert {l.instance for l in everything} == {"multi-0", "multi-1", "multi-2"}
    assert {l.app for l in everything} == {"multi"}
    assert manager.stop("ns:grp") == 3


def test_shell_and_string_commands(manager: alter.Manager) -> None:
    a = manager.start(name="sh", cmd="echo from-shell $((40+2))", shell=True, restart="never")
    b = manager.start(name="split", cmd="/bin/echo 'two words' plain", restart="never")
    a.wait("exited", timeout=10)
    b.wait("exited", timeout=10)
    assert [l.text for l in a.logs()] == ["from-shell 42"]
    assert [l.text for l in b.logs()] == ["two words plain"]
    assert a.status().instances[0].exit_code == 0


def test_add_without_start_update_and_app_handle(manager: alter.Manager) -> None:
    app = manager.add({"name": "later", "command": "/bin/sleep", "args": ["30"]}, start=False)
    assert app.state is alter.State.STOPPED and app.pid is None
    assert manager.app("later") == app and manager["later"].name == "later"
    app.start()
    app.wait("running", timeout=10)
    first = app.pid
    assert app.update(args=["31"]) == 1  # a process field changed: it restarts
    ev = app.wait("running", timeout=10)
    assert app.spec()["args"] == ["31"]
    assert ev is None or ev.pid != first
    app.update(kill_timeout=1.5)
    assert app.spec()["kill_timeout_ms"] == 1500
    app.disable()
    app.wait("disabled", timeout=10)
    app.enable()


def test_stop_all_and_ignore_sigterm_is_killed(manager: alter.Manager) -> None:
    stubborn = manager.start(name="stubborn", cmd=[PY, "-c", "import signal, time\n"
                             "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready', flush=True)\n"
                             "while True: time.sleep(1)"], kill_timeout=0.3)
    with stubborn.follow(timeout=10) as f:
        assert next(iter(f)).text == "ready"
    pid = stubborn.pid
    assert pid is not None
    assert manager.stop("all") == 1
    stubborn.wait("stopped", timeout=10)
    assert not pid_alive(pid)
    assert stubborn.status().instances[0].signal == "SIGKILL"


def test_children_get_default_signal_dispositions(manager: alter.Manager) -> None:
    # Python ignores SIGPIPE; alter's children must not inherit that (or any other ignore).
    app = manager.start(name="sig", cmd=["/bin/grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"], restart="never")
    app.wait("exited", timeout=10)
    fields = dict(l.text.split(":\t") for l in app.logs())
    assert int(fields["SigIgn"], 16) == 0 and int(fields["SigBlk"], 16) == 0
