# SPDX-License-Identifier: MIT
# start (every flag family, names, command resolution, update on conflict), list, describe,
# the target forms (name, instance, all, ns:NAME), actions, --json, API errors.
import json
import os
import shutil
import stat

from conftest import wait_for

SLEEP = shutil.which("sleep")


def write_exec(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


def test_empty_list_hint(daemon):
    p = daemon.ok("list")
    assert "No apps yet" in p.stdout and "start" in p.stdout
    assert daemon.json("list") == {"processes": []}
    assert "No apps in namespace 'x'" in daemon.ok("ls", "--namespace", "x").stdout


def test_default_names_and_resolution(daemon):
    cli = daemon
    cli.ok("start", "sleep", "--", "100")
    i = cli.instance("sleep")
    assert i["command"] == SLEEP and i["args"] == ["100"] and i["cwd"] == cli.cwd
    write_exec(os.path.join(cli.cwd, "server.sh"), "#!/bin/sh\nexec sleep 100\n")
    cli.ok("start", "./server.sh")
    assert cli.instance("server")["command"] == os.path.join(cli.cwd, "server.sh")
    with open(os.path.join(cli.cwd, "app.py"), "w") as f:
        f.write("import time\ntime.sleep(100)\n")
    cli.ok("start", "python3", "--", "app.py")
    assert cli.instance("app")["args"] == ["app.py"]
    # A script that is not executable runs with its interpreter.
    with open(os.path.join(cli.cwd, "job.sh"), "w") as f:
        f.write("sleep 100\n")
    cli.ok("start", "job.sh")
    job = cli.instance("job")
    assert os.path.basename(job["command"]) == "bash" and job["args"] == [os.path.join(cli.cwd, "job.sh")]
    # A quoted command line is split; trailing --name after the ARGS is alter's.
    cli.ok("start", "sleep 100", "--name", "quoted")
    assert cli.instance("quoted")["args"] == ["100"]
    cli.ok("start", "sleep", "--", "100", "--name", "tail", "--namespace", "nst")
    assert cli.instance("tail")["namespace"] == "nst" and cli.instance("tail")["args"] == ["100"]
    for n in ("sleep", "server", "app", "job", "quoted", "tail"):
        cli.wait_status(n, "running")


def test_start_errors(daemon):
    cli = daemon
    # Enumerated values are usage errors now, caught before the daemon is asked (test_offline).
    p = cli.run("start", "sleep", "--autorestart", "sometimes", "--", "1", check=2)
    assert "--autorestart: expected always, on-failure or never (got 'sometimes')" in p.stderr
    p = cli.run("start", "./missing.sh", check=1)
    assert "no such file" in p.stderr
    p = cli.run("start", "sleep", "--cwd", "/does/not/exist", check=1)
    assert "no such directory" in p.stderr
    p = cli.run("start", "no-such-command-xyz", check=1)
    assert "not in your PATH" in p.stderr and "command not found" in p.stderr
    assert cli.status("no-such-command-xyz") == "errored"
    p = cli.run("start", "sleep", "--type", "weekly", "--name", "t", check=2)
    assert "--type" in p.stderr
    assert cli.status("t") is None


def test_every_start_flag(daemon):
    cli = daemon
    with open(os.path.join(cli.cwd, ".env"), "w") as f:
        f.write("X=1\n")
    os.mkdir(os.path.join(cli.cwd, "src"))
    for dep in ("db", "cache"):
        cli.ok("start", "sleep", "--name", dep, "--no-start", "--", "100")
    cli.ok("start", "sleep", "--name", "w", "--namespace", "jobs", "-e", "A=1", "--env", "B=two=2",
           "--env-file", ".env", "--instances", "2", "--autorestart", "always", "--restart-delay", "200",
           "--max-restart-delay", "1000", "--max-restarts", "3", "--min-uptime", "500", "--kill-timeout", "700",
           "--stop-signal", "INT", "--watch", "src", "--ignore-watch", "*.tmp", "--deps", "db, cache",
           "--overlap", "replace", "--no-start", "--", "100")
    d = cli.json("describe", "w")
    s = d["spec"]
    assert s["namespace"] == "jobs" and s["env"] == {"A": "1", "B": "two=2"}
    assert s["env_file"] == os.path.join(cli.cwd, ".env")
    assert s["instances"] == 2 and s["restart"] == "always"
    assert (s["restart_delay_ms"], s["max_restart_delay_ms"], s["max_restarts"], s["min_uptime_ms"],
            s["kill_timeout_ms"]) == (200, 1000, 3, 500, 700)
    assert s["stop_signal"] == "SIGINT" and s["watch"] == ["src"] and s["watch_ignore"] == ["*.tmp"]
    assert s["deps"] == ["db", "cache"] and s["overlap"] == "replace"
    assert [i["name"] for i in d["instances"]] == ["w-0", "w-1"]
    assert all(i["status"] == "stopped" for i in d["instances"])
    cli.ok("start", "sleep", "--name", "nr", "--no-autorestart", "--watch", "--no-start", "--", "1")
    s = cli.json("describe", "nr")["spec"]
    assert s["restart"] == "never" and s["watch"] == ["."]
    cli.run("start", "sleep", "--autorestart", "always", "--no-autorestart", check=2)


def test_update_existing_app(daemon):
    cli = daemon
    p = cli.ok("start", "sleep", "--name", "s1", "--", "100")
    assert "started app 's1'" in p.stdout
    pid = cli.instance("s1")["pid"]
    p = cli.ok("start", "sleep", "--name", "s1", "-e", "K=V", "--", "200")
    assert "updated app 's1'" in p.stdout
    d = cli.json("describe", "s1")
    assert d["spec"]["args"] == ["200"] and d["spec"]["env"] == {"K": "V"}
    cli.wait_status("s1", "running")
    assert cli.instance("s1")["pid"] != pid
    # 'alter start NAME' starts an existing app.
    cli.ok("stop", "s1")
    p = cli.ok("start", "s1")
    assert "started s1" in p.stdout
    cli.wait_status("s1", "running")


def test_targets_and_actions(daemon):
    cli = daemon
    cli.ok("start", "sleep", "--name", "web", "--instances", "3", "--namespace", "front", "--", "100")
    cli.ok("start", "sleep", "--name", "db", "--namespace", "back", "--", "100")
    # list: grouped by namespace, then name
    rows = [l.split() for l in cli.ok("list").stdout.splitlines()[1:]]
    assert [(r[0], r[1]) for r in rows] == [("db", "back"), ("web-0", "front"), ("web-1", "front"), ("web-2", "front")]
    assert [r[0] for r in (l.split() for l in cli.ok("ls", "--namespace", "front").stdout.splitlines()[1:])] == \
        ["web-0", "web-1", "web-2"]
    # instance
    p = cli.ok("stop", "web-1")
    assert "stopped web-1 (1 instance)" in p.stdout
    assert [cli.status(n) for n in ("web-0", "web-1", "web-2")] == ["running", "stopped", "running"]
    # ns:NAME
    p = cli.ok("stop", "ns:front")
    assert "(2 instances)" in p.stdout or "(3 instances)" in p.stdout
    assert cli.status("web-0") == "stopped" and cli.status("db") == "running"
    # all
    cli.ok("restart", "all")
    for n in ("web-0", "web-1", "web-2", "db"):
        cli.wait_status(n, "running")
    # disable / enable / reset
    p = cli.ok("disable", "db")
    assert "disabled db" in p.stdout
    assert cli.status("db") == "disabled"
    p = cli.run("start", "db", check=1)
    assert "disabled" in p.stderr
    cli.ok("enable", "db")
    assert cli.status("db") == "stopped"
    cli.ok("reset", "web")
    assert all(i["restarts"] == 0 for i in cli.processes() if i["app"] == "web")
    # unknown targets
    for action in ("stop", "restart", "delete", "reset", "enable", "disable", "run", "describe", "logs"):
        p = cli.run(action, "nope", check=1)
        assert "no such app: 'nope'" in p.stderr
    # delete and rm
    cli.ok("delete", "web")
    cli.ok("rm", "db")
    assert cli.processes() == []


def test_once_and_cron_apps(daemon):
    cli = daemon
    cli.ok("start", "sh", "--name", "once", "--type", "once", "--", "-c", "echo done")
    cli.wait_status("once", "exited")
    cli.ok("start", "sh", "--name", "tick", "--cron", "0 0 1 1 *", "--", "-c", "echo ran")
    out = cli.ok("list").stdout
    assert "NEXT RUN" in out.splitlines()[0]
    tick_row = [l for l in out.splitlines() if l.startswith("tick")][0]
    assert " in " in tick_row
    p = cli.ok("run", "tick")
    assert "started a run of tick" in p.stdout
    wait_for(lambda: cli.json("describe", "tick")["instances"][0]["last_run"], 10, "a run")
    wait_for(lambda: "exit 0" in cli.ok("describe", "tick").stdout, 10, "the run to end")
    d = cli.ok("describe", "tick").stdout
    assert "recent runs:" in d and "manual" in d and "next run" in d
    d = cli.ok("describe", "once").stdout
    assert "last exit" in d and "code 0" in d


def test_describe(daemon):
    cli = daemon
    cli.ok("start", "sh", "--name", "d", "-e", "GREETING=hello world", "--", "-c", "exit 3")
    wait_for(lambda: cli.instance("d")["restarts"] >= 1, 10, "a restart")
    out = cli.ok("describe", "d").stdout
    for key in ("command", "args", "cwd", "env", "restart", "max_restarts", "kill_timeout_ms", "instances:",
                "stdout log", "stderr log", "last exit", "code 3"):
        assert key in out, key
    assert "GREETING='hello world'" in out
    assert os.path.join(cli.home, "logs", "d", "out.log") in out
    assert cli.ok("info", "d").stdout.splitlines()[0] == out.splitlines()[0]
    d = cli.json("describe", "d")
    assert d["app"] == "d" and d["spec"]["command"].endswith("/sh")
    cli.ok("start", "sleep", "--name", "e", "--namespace", "zz", "--", "100")
    out = cli.ok("describe", "all").stdout
    assert out.count("spec:") == 2


def test_json_everywhere(daemon):
    cli = daemon
    started = cli.json("start", "sleep", "--name", "j", "--", "100")
    assert started["app"] == "j" and started["instances"][0]["status"] in ("running", "starting")
    assert cli.json("stop", "j") == {"ok": True, "affected": 1}
    assert cli.json("restart", "j")["affected"] == 1
    assert cli.json("list")["processes"][0]["name"] == "j"
    assert cli.json("describe", "j")["spec"]["name"] == "j"
    assert "lines" in cli.json("logs", "j")
    assert "host" in cli.json("stats") and "daemon" in cli.json("stats")
    assert cli.json("save")["saved"] == 1
    assert cli.json("resurrect")["restored"] == 1
    assert cli.json("flush")["ok"] is True
    assert cli.json("daemon", "status")["status"] == "ok"
    assert cli.json("version")["alterd"]
    p = cli.run("--json", "web", check=1)  # the daemon runs with --no-web
    assert "the dashboard is off" in json.loads(p.stdout)["error"]["message"]
    assert cli.json("disable", "j")["instances"][0]["status"] in ("disabled", "stopping")
    p = cli.run("--json", "stop", "nope", check=1)
    assert json.loads(p.stdout)["error"]["code"] == "not_found"
    assert cli.json("delete", "j")["affected"] == 1


def test_stats_and_version(daemon):
    cli = daemon
    cli.ok("start", "sleep", "--", "100")
    out = cli.ok("stats").stdout
    assert "host" in out and "alterd" in out and "instances 1 (1 running)" in out
    out = cli.ok("version").stdout
    assert out.startswith("alter ") and "alterd " in out and "(pid " in out
