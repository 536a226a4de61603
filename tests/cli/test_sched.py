# SPDX-License-Identifier: MIT
# Ecosystem files, watch mode, cron jobs, overlap policies, dependencies and run-as-user through
# the CLI against a real alterd (issue 4). Conditions are polled with deadlines; the only waits
# are the short "nothing happens" checks after ignored file changes.
import http.client
import json
import os
import socket
import time

import pytest

from conftest import wait_for


class _Unix(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self._path)


def api(cli, method, path, body=None):
    """(status, JSON answer) of an /api/v1 route on the daemon's socket."""
    c = _Unix(os.path.join(cli.home, "alterd.sock"))
    try:
        data = json.dumps(body) if body is not None else None
        c.request(method, "/api/v1" + path, body=data, headers={"Content-Type": "application/json"})
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"{}")
    finally:
        c.close()


def runs(cli, name):
    status, doc = api(cli, "GET", f"/processes/{name}/runs")
    assert status == 200, doc
    return doc["runs"]  # newest first


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def stays(cond, seconds):
    """cond() holds for the whole period (a negative check: something must NOT happen)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not cond():
            return False
        time.sleep(0.05)
    return cond()


def test_reload_no_duplicates_once_not_rerun_batch_deps(daemon):
    cli = daemon
    base = """[[apps]]
name = "migrate"
type = "once"
command = "sh"
args = ["-c", "echo migrated"]
cwd = "."

[[apps]]
name = "exist"
command = "sleep"
args = ["100"]
cwd = "."
"""
    path = os.path.join(cli.cwd, "alter.toml")
    write(path, base)
    cli.ok("start", "alter.toml")
    cli.wait_status("migrate", "exited")
    assert len(runs(cli, "migrate")) == 1
    # The same file again: nothing added, and the task that ran is not run again.
    p = cli.ok("start", "alter.toml")
    assert "0 added; 0 updated; 2 unchanged (migrate, exist)" in p.stdout
    assert len(runs(cli, "migrate")) == 1
    assert sorted(i["name"] for i in cli.processes()) == ["exist", "migrate"]
    # An update may depend on an app that the same file defines later.
    write(path, base.replace('args = ["100"]', 'args = ["100"]\ndeps = ["brandnew"]') +
          '\n[[apps]]\nname = "brandnew"\ncommand = "sleep"\nargs = ["100"]\ncwd = "."\n')
    p = cli.ok("start", "alter.toml")
    assert "1 added (brandnew); 1 updated (exist); 1 unchanged (migrate)" in p.stdout
    assert cli.json("describe", "exist")["spec"]["deps"] == ["brandnew"]
    # A bad file changes nothing, not even the apps listed before the bad one.
    write(path, base.replace('args = ["100"]', 'args = ["200"]') +
          '\n[[apps]]\nname = "broken"\ncommand = "sleep"\ndeps = ["nope"]\n')
    p = cli.run("start", "alter.toml", check=1)
    assert "nope" in p.stderr
    assert cli.json("describe", "exist")["spec"]["args"] == ["100"]
    assert cli.instance("broken") is None
    # A changed task runs again.
    write(path, base.replace("echo migrated", "echo migrated v2"))
    cli.ok("start", "alter.toml")
    wait_for(lambda: len(runs(cli, "migrate")) == 2, 10, "the changed task to run")


def test_watch_restarts(daemon):
    cli = daemon
    src = os.path.join(cli.cwd, "src")
    os.makedirs(os.path.join(src, "node_modules"))
    write(os.path.join(cli.cwd, "alter.toml"), """[[apps]]
name = "w"
command = "sleep"
args = ["100"]
cwd = "src"
watch = true
watch_ignore = ["*.tmp", "cache/"]
watch_debounce_ms = 100
""")
    cli.ok("start", "alter.toml")
    cli.wait_status("w", "running")
    assert cli.instance("w")["watch"] is True

    def restarted_from(pid):
        i = cli.instance("w")
        return i["status"] == "running" and i["pid"] not in (0, pid)

    pid = cli.instance("w")["pid"]
    write(os.path.join(src, "main.py"), "v1\n")
    wait_for(lambda: restarted_from(pid), 10, "a restart after a change")
    # A directory created after the start, then a file in it.
    pid = cli.instance("w")["pid"]
    os.mkdir(os.path.join(src, "pkg"))
    wait_for(lambda: restarted_from(pid), 10, "a restart for the new directory")
    pid = cli.instance("w")["pid"]
    write(os.path.join(src, "pkg", "mod.py"), "x = 1\n")
    wait_for(lambda: restarted_from(pid), 10, "a restart for a file in the new directory")
    # Ignored paths: default globs (node_modules, *.log) and the app's (*.tmp, cache/).
    pid = cli.instance("w")["pid"]
    os.mkdir(os.path.join(src, "cache"))
    for f in ("node_modules/dep.js", "app.log", "scratch.tmp", "cache/blob"):
        write(os.path.join(src, f), "x\n")
    assert stays(lambda: cli.instance("w")["pid"] == pid, 0.6)
    write(os.path.join(src, "main.py"), "v2\n")
    wait_for(lambda: restarted_from(pid), 10, "a restart after the ignored ones")


def test_cron_per_second_with_history(daemon):
    cli = daemon
    cli.ok("start", "sh", "--name", "tick", "--cron", "* * * * * *", "--", "-c", "echo tick")
    wait_for(lambda: len([r for r in runs(cli, "tick") if not r["running"]]) >= 2, 10, "two finished runs")
    history = [r for r in runs(cli, "tick") if not r["running"]]
    assert all(r["trigger"] == "cron" and r["exit_code"] == 0 and r["signal"] is None for r in history)
    starts = [r["start_ms"] for r in history]
    assert all(a - b >= 900 for a, b in zip(starts, starts[1:]))  # one run a tick, never twice
    i = cli.instance("tick")
    assert i["next_run"] > i["last_run"] > 0
    head, *rows = cli.ok("list").stdout.splitlines()
    assert "LAST RUN" in head and "NEXT RUN" in head
    row = [r for r in rows if r.startswith("tick")][0]
    assert " ago" in row or "now" in row
    assert "recent runs:" in cli.ok("describe", "tick").stdout
    cli.ok("stop", "tick")
    assert cli.instance("tick")["next_run"] is None


def test_overlap_policies_and_run_now(daemon):
    cli = daemon
    for name, policy in (("skipper", "skip"), ("stacker", "allow"), ("fresh", "replace")):
        cli.ok("start", "sh", "--name", name, "--cron", "0 0 1 1 *", "--overlap", policy, "--", "-c", "sleep 3")
        cli.ok("run", name)
        cli.wait_status(name, "running")
    # skip: refused while running.
    p = cli.run("run", "skipper", check=1)
    assert "still running" in p.stderr
    status, doc = api(cli, "POST", "/processes/skipper/run")
    assert status == 409, doc
    # allow: a second run next to the first.
    cli.ok("run", "stacker")
    wait_for(lambda: len([i for i in cli.processes() if i["app"] == "stacker" and i["status"] == "running"]) == 2,
             10, "two runs of stacker")
    assert [r["trigger"] for r in runs(cli, "stacker")][:2] == ["manual (overlap)", "manual"]
    # replace: the running one is stopped, a new one starts.
    cli.ok("run", "fresh")
    wait_for(lambda: len(runs(cli, "fresh")) == 2 and runs(cli, "fresh")[0]["running"], 10, "the replacing run")
    first, second = runs(cli, "fresh")[1], runs(cli, "fresh")[0]
    assert first["signal"] == "SIGTERM"
    assert second["trigger"] == "manual (replace)"


def test_deps_start_order_and_ecosystem_stop_order(daemon):
    cli = daemon
    # api takes half a second to stop: its dependency must not be stopped before it has.
    write(os.path.join(cli.cwd, "shop.toml"), """[[apps]]
name = "api"
command = "sh"
args = ["-c", "trap 'sleep 0.5; exit 0' TERM; while :; do sleep 0.1; done"]
deps = ["db", "migrate"]
cwd = "."

[[apps]]
name = "migrate"
type = "once"
command = "sh"
args = ["-c", "sleep 0.3"]
deps = ["db"]
cwd = "."

[[apps]]
name = "db"
command = "sleep"
args = ["100"]
cwd = "."
""")
    cli.ok("start", "shop.toml")
    wait_for(lambda: cli.status("api") == "running", 10, "api running")
    db, api_ = cli.instance("db"), cli.instance("api")
    migrate = runs(cli, "migrate")[0]
    assert db["started_at"] <= migrate["start_ms"]
    assert migrate["exit_code"] == 0 and migrate["end_ms"] <= api_["started_at"]
    p = cli.ok("ecosystem", "stop", "shop.toml")
    assert p.stdout.splitlines() == ["stopped db", "stopped migrate", "stopped api"]
    wait_for(lambda: cli.status("db") == "stopped" and cli.status("api") == "stopped", 10, "both stopped")
    # Dependents first: db ended after api had.
    assert cli.instance("db")["exited_at"] >= cli.instance("api")["exited_at"]


@pytest.mark.skipif(os.geteuid() != 0, reason="run-as-user needs root")
def test_run_as_user(daemon):
    import grp
    import pwd
    cli = daemon
    nobody = pwd.getpwnam("nobody")
    daemon_gid = grp.getgrnam("daemon").gr_gid
    write(os.path.join(cli.cwd, "users.toml"), """[[apps]]
name = "who"
type = "once"
command = "sh"
args = ["-c", "echo uid=$(id -u) gid=$(id -g) groups=$(id -G) home=$HOME user=$USER"]
cwd = "/"
user = "nobody"
group = "daemon"
""")
    cli.ok("start", "users.toml")
    cli.wait_status("who", "exited")
    wait_for(lambda: "uid=" in cli.ok("logs", "who", "--lines", "20").stdout, 10, "the output")
    out = cli.ok("logs", "who", "--lines", "20").stdout
    assert f"uid={nobody.pw_uid} gid={daemon_gid}" in out
    groups = out.split("groups=")[1].split(" home=")[0].split()
    assert str(daemon_gid) in groups
    assert str(nobody.pw_gid) not in groups or nobody.pw_name in grp.getgrgid(nobody.pw_gid).gr_mem
    assert f"home={nobody.pw_dir} user=nobody" in out
    # The log files stay the daemon's.
    assert os.stat(os.path.join(cli.home, "logs", "who", "out.log")).st_uid == 0


def test_nul_bytes_are_refused(daemon):
    cli = daemon
    for key, value, field in (("args", ["1\u00002"], "args[0]"), ("env", {"A": "x\u0000"}, "env.A"),
                              ("cwd", "/tmp\u0000", "cwd"), ("user", "root\u0000", "user")):
        status, doc = api(cli, "POST", "/processes", {"name": "nul", "command": "echo", key: value})
        assert status == 422, doc
        assert doc["error"]["field"] == field and "NUL" in doc["error"]["message"]
    assert cli.instance("nul") is None
