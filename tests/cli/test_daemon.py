# SPDX-License-Identifier: MIT
# alter daemon start|stop|restart|status|logs, save / resurrect, persistence across restarts.
import json
import os
import signal
import subprocess
import time

from conftest import ALTER, Cli, wait_for
from test_quickstart import read_until


def test_start_status_stop(cli):
    p = cli.ok("daemon", "start", "--no-web")
    assert p.stdout.startswith("alter daemon started (pid ")
    assert f"data dir {cli.home})" in p.stdout
    assert "dashboard" not in p.stdout
    pid = cli.daemon_pid()
    assert pid > 0
    try:
        p = cli.ok("daemon", "start", "--no-web")
        assert f"alter daemon already running (pid {pid}" in p.stdout
        out = cli.ok("daemon", "status").stdout
        assert "alter daemon is running" in out and f"pid       {pid}" in out and cli.home in out
        assert "version" in out and "uptime" in out and "apps" in out
        h = cli.json("daemon", "status")
        assert h["pid"] == pid and h["data_dir"] == cli.home
    finally:
        p = cli.ok("daemon", "stop")
    assert p.stdout == f"alter daemon stopped (pid {pid})\n"
    # gone, not a zombie: the pid file lock is released
    cli.run("daemon", "status", check=3)
    cli.run("daemon", "stop", check=3)


def test_daemon_logs(daemon):
    cli = daemon
    out = cli.ok("daemon", "logs").stdout
    assert "alterd" in out and "started" in out
    assert len(cli.ok("daemon", "logs", "-n", "1").stdout.splitlines()) == 1
    j = cli.json("daemon", "logs", "-n", "1")
    assert j["path"] == os.path.join(cli.home, "daemon.log") and len(j["lines"]) == 1
    # -f prints what alterd logs next (a crash is logged).
    follow = cli.popen("daemon", "logs", "-f", "-n", "0")
    try:
        cli.ok("start", "sh", "--name", "crasher", "--no-autorestart", "--", "-c", "exit 7")
        text = read_until(follow, lambda t: "crasher" in t)
        assert "crashed" in text
        follow.send_signal(signal.SIGINT)
        assert follow.wait(10) == 0
    finally:
        follow.kill()


def test_save_stop_start_restores_apps(daemon):
    cli = daemon
    cli.ok("start", "sleep", "--name", "up", "--", "100")
    cli.ok("start", "sleep", "--name", "down", "--", "100")
    cli.ok("stop", "down")
    cli.wait_status("up", "running")
    old_pid = cli.instance("up")["pid"]
    p = cli.ok("save")
    assert f"saved 2 apps to {os.path.join(cli.home, 'state.json')}" in p.stdout
    cli.ok("daemon", "stop")
    # the apps stopped with the daemon
    wait_for(lambda: not os.path.exists(f"/proc/{old_pid}") or open(f"/proc/{old_pid}/stat").read().split()[2] == "Z",
             10, "the app to stop")
    cli.ok("daemon", "start", "--no-web")
    cli.wait_status("up", "running")
    assert cli.status("down") == "stopped"
    assert cli.instance("up")["pid"] != old_pid


def test_resurrect(daemon):
    cli = daemon
    cli.ok("start", "sleep", "--name", "r1", "--", "100")
    cli.ok("save")
    p = cli.ok("resurrect")
    assert "restored 1 app" in p.stdout and "r1" in p.stdout


def test_daemon_restart(daemon):
    cli = daemon
    cli.ok("start", "sleep", "--name", "keep", "--", "100")
    pid = cli.daemon_pid()
    p = cli.ok("daemon", "restart", "--no-web")
    assert "alter daemon started" in p.stdout
    assert cli.daemon_pid() != pid
    cli.wait_status("keep", "running")


def test_daemon_foreground(cli):
    p = subprocess.Popen([ALTER, "--home", cli.home, "daemon", "start", "--foreground", "--no-web"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli.env)
    try:
        wait_for(lambda: cli.run("daemon", "status").returncode == 0, 10, "alterd in the foreground")
        assert cli.json("daemon", "status")["pid"] == p.pid  # exec'd: the same process
        p.send_signal(signal.SIGTERM)
        assert p.wait(15) == 0
    finally:
        p.kill()
    cli.run("daemon", "status", check=3)


def test_daemon_usage_errors(cli):
    cli.run("daemon", check=2)
    cli.run("daemon", "start", "--bogus", check=2)
    cli.run("daemon", "restart", "--foreground", check=2)
    cli.run("daemon", "start", "--web-port", "70000", check=2)
    cli.run("daemon", "logs", "-n", "x", check=2)
    p = cli.run("--server", "http://127.0.0.1:1", "daemon", "start", check=2)
    assert "remote" in p.stderr


def test_missing_alterd(cli):
    p = cli.run("daemon", "start", env={"ALTERD_BIN": "/nonexistent/alterd"}, check=1)
    assert "cannot find alterd" in p.stderr


def test_stop_waits_as_long_as_the_kill_timeouts_need(daemon):
    # An app that ignores SIGTERM with a 17 s kill timeout: alterd needs 17 s to stop. alter used
    # to give up after 15 s (exit 1) while alterd went on stopping.
    cli = daemon
    cli.ok("start", "sh", "--name", "stubborn", "--kill-timeout", "17000", "--",
           "-c", "trap '' TERM; echo ready; while :; do sleep 1; done")
    wait_for(lambda: "ready" in cli.ok("logs", "stubborn").stdout, 10, "the trap to be set")
    old_pid = cli.daemon_pid()
    t0 = time.monotonic()
    stop = cli.popen("daemon", "stop")

    def stopping():
        p = cli.run("--json", "daemon", "status")
        return p.returncode == 3 and json.loads(p.stdout).get("stopping") is True

    wait_for(stopping, 10, "alterd to be shutting down")
    assert json.loads(cli.run("--json", "daemon", "status", check=3).stdout)["pid"] == old_pid
    p = cli.run("daemon", "status", check=3)
    assert p.stdout.startswith("alter daemon is shutting down (pid %d" % old_pid)
    p = cli.run("list", check=3)
    assert "the alter daemon is shutting down (pid %d" % old_pid in p.stderr
    again = cli.popen("daemon", "stop")  # a second stop waits for the same exit
    # A start meanwhile waits for the old daemon to be gone (it failed at once before: "alterd
    # did not start"), then starts a new one.
    started = cli.run("daemon", "start", "--no-web", timeout=60, check=0)
    assert time.monotonic() - t0 > 15
    assert "waiting for the daemon that is shutting down (pid %d) to exit" % old_pid in started.stderr
    assert started.stdout.startswith("alter daemon started (pid ")
    assert cli.daemon_pid() not in (0, old_pid)
    out, err = stop.communicate(timeout=60)
    assert stop.returncode == 0, err
    assert out.startswith("alter daemon stopped (pid %d" % old_pid)
    out2, err2 = again.communicate(timeout=60)
    assert again.returncode == 0 and out2 == "alter daemon stopped (pid %d)\n" % old_pid, (out2, err2)
    assert cli.json("daemon", "status")["pid"] == cli.daemon_pid()  # the new one still runs
    # It resurrected 'stubborn': kill both rather than wait 17 s again at the teardown.
    app_pid = cli.instance("stubborn")["pid"]
    os.kill(cli.daemon_pid(), signal.SIGKILL)
    os.killpg(app_pid, signal.SIGKILL)
    assert "alterd is still stopping 1 app (the longest kill timeout is 17.0 s; waiting up to 27 s)" in err


def test_long_data_dir_path(cli, workdir):
    # <home>/alterd.sock over sun_path's 108 bytes: "cannot listen ... File name too long" before.
    home = os.path.join(workdir, "h" * 70, "i" * 40)
    assert len(os.path.join(home, "alterd.sock")) > 108
    far = Cli(home, cli.cwd)
    p = far.ok("daemon", "start", "--no-web")
    assert f"data dir {home})" in p.stdout
    try:
        far.ok("start", "sh", "--name", "far", "--", "-c", "echo hello from afar; sleep 100")
        wait_for(lambda: "hello from afar" in far.ok("logs", "far").stdout, 10, "the app's output")
        follow = far.popen("logs", "far", "-f", "-n", "1")
        try:
            assert "hello from afar" in read_until(follow, lambda t: "afar" in t)
        finally:
            follow.kill()
            follow.wait()
        assert far.json("daemon", "status")["data_dir"] == home
    finally:
        far.ok("daemon", "stop")
    far.run("daemon", "status", check=3)
