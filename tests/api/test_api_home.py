# SPDX-License-Identifier: MIT
"""The data dir, the single-daemon lock, daemon.log, save/restore across restarts, shutdown."""

import json
import os
import re
import shutil
import stat
import subprocess

from conftest import DEADLINE, alterd_bin, proc_alive, sleeper, wait_for


def read(path):
    with open(path) as f:
        return f.read()


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_data_dir_files_and_token_kept_across_restarts(make_daemon, base_dir):
    home = os.path.join(base_dir, "home")
    d = make_daemon(home)
    assert mode(home) == 0o700
    assert stat.S_ISSOCK(os.lstat(d.sock).st_mode) and mode(d.sock) == 0o600
    auth = os.path.join(home, "auth.json")
    assert mode(auth) == 0o600
    with open(auth) as f:
        token = json.load(f)["master_token"]
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    with open(os.path.join(home, "alterd.pid")) as f:
        assert int(f.read().strip()) == d.pid
    assert "started" in d.daemon_log()
    health = d.get("/system/health").json()
    assert health["pid"] == d.pid and health["data_dir"] == home

    d.stop()
    assert re.search(r"shutting down: SIGTERM", d.daemon_log())
    assert "alterd stopped" in d.daemon_log()
    assert not os.path.exists(os.path.join(home, "alterd.pid"))

    d2 = make_daemon(home)
    with open(auth) as f:
        assert json.load(f)["master_token"] == token
    assert d2.daemon_log().count("started") == 2


def test_second_daemon_on_the_same_dir_refuses_to_start(make_daemon):
    d = make_daemon()
    other = subprocess.run([alterd_bin(), "--home", d.home, "--foreground", "--no-web"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=DEADLINE)
    assert other.returncode == 1
    assert b"already running" in other.stderr and str(d.pid).encode() in other.stderr
    # The detaching form says the same.
    other = subprocess.run([alterd_bin(), "--home", d.home, "--no-web"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=DEADLINE)
    assert other.returncode == 1 and b"already running" in other.stderr
    assert d.healthy()
    with open(os.path.join(d.home, "alterd.pid")) as f:
        assert int(f.read().strip()) == d.pid


def test_save_then_restart_brings_the_apps_back(make_daemon):
    d = make_daemon()
    d.create(sleeper("keep-running"))
    d.create(sleeper("keep-stopped"), start=False)
    d.create(sleeper("was-stopped"))
    assert d.post("/processes/was-stopped/stop").status == 200
    d.wait_status("keep-running", "running")
    d.wait_status("was-stopped", "stopped")
    old_pid = d.instance("keep-running")["pid"]
    r = d.post("/system/save")
    assert r.status == 200 and r.json()["ok"] is True and r.json()["saved"] == 3
    assert r.json()["path"] == os.path.join(d.home, "state.json")
    d.stop()
    assert not proc_alive(old_pid)

    d2 = make_daemon(d.home)
    assert d2.names() == ["keep-running", "keep-stopped", "was-stopped"]
    running = d2.wait_status("keep-running", "running")
    assert running["pid"] != old_pid and proc_alive(running["pid"])
    assert d2.instance("keep-stopped")["status"] == "stopped"
    assert d2.instance("was-stopped")["status"] == "stopped"
    assert d2.app("was-stopped")["desired"] == "stopped"


def test_resurrect_restores_a_saved_state(make_daemon):
    d = make_daemon()
    d.create(sleeper("phoenix"))
    d.wait_status("phoenix", "running")
    assert d.post("/system/save").status == 200
    state = os.path.join(d.home, "state.json")
    shutil.copy(state, state + ".bak")
    assert d.delete("/processes/phoenix").status == 200
    # alterd keeps state.json current on its own: wait until the deletion is saved.
    wait_for(lambda: "phoenix" not in read(state), what="state.json to drop the app")
    os.replace(state + ".bak", state)
    r = d.post("/system/resurrect")
    assert r.status == 200 and r.json() == {"ok": True, "restored": 1}
    assert d.wait_status("phoenix", "running")["pid"] > 0


def test_shutdown_through_the_api(make_daemon):
    d = make_daemon()
    d.create(sleeper("doomed", instances=2))
    insts = wait_for(lambda: (lambda a: a if all(i["status"] == "running" for i in a) else None)(
        d.app("doomed")["instances"]), what="both instances running")
    pids = [i["pid"] for i in insts]
    assert all(proc_alive(p) for p in pids)
    r = d.post("/system/shutdown")
    assert r.status == 202 and r.json()["ok"] is True
    assert d.wait_exit() == 0
    for p in pids:
        assert not proc_alive(p)
    assert not os.path.exists(d.sock) or not _answers(d)
    assert "shutdown requested through the API" in d.daemon_log()


def _answers(d):
    try:
        d.get("/system/health", timeout=2.0)
        return True
    except OSError:
        return False


def test_long_data_dir_path(make_daemon, base_dir):
    # <home>/alterd.sock longer than sun_path (108 bytes) used to be "cannot listen ... File name
    # too long": alterd binds through the directory (/proc/self/fd/N/alterd.sock).
    home = os.path.join(base_dir, "d" * 60, "e" * 60, "home")
    assert len(os.path.join(home, "alterd.sock")) > 108
    os.makedirs(os.path.dirname(home))  # for the daemon's output file, <home>.out
    d = make_daemon(home)
    assert stat.S_ISSOCK(os.lstat(d.sock).st_mode) and mode(d.sock) == 0o600
    assert d.get("/system/health").json()["data_dir"] == home
    d.create(sleeper("far-away"))
    d.wait_status("far-away", "running")
    d.stop()
    assert not os.path.exists(d.sock)  # removed at shutdown, through the long path


def test_health_says_whether_the_dashboard_runs(make_daemon):
    # The test daemons run with --no-web: nothing serves the dashboard's address.
    d = make_daemon()
    assert d.get("/system/health").json()["web"] == {"enabled": False, "running": False, "url": None}
