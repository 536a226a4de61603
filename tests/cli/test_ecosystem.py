# SPDX-License-Identifier: MIT
# alter start <file> and alter ecosystem start|stop|restart|delete with a real alterd.
import json
import os

ECO = """[[apps]]
name = "api"
command = "sleep"
args = ["100"]
cwd = "."
namespace = "eco"

[[apps]]
name = "worker"
command = "sleep"
args = ["100"]
cwd = "."
namespace = "eco"
"""


def write(cli, name, text):
    path = os.path.join(cli.cwd, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def test_start_file_add_update_unchanged(daemon):
    cli = daemon
    write(cli, "alter.toml", ECO)
    p = cli.ok("start", "alter.toml")
    assert "alter.toml: 2 added (api, worker); 0 updated; 0 unchanged" in p.stdout
    assert "api" in p.stdout and "NAME" in p.stdout
    cli.wait_status("api", "running")
    assert cli.instance("api")["cwd"].rstrip("/.") == cli.cwd
    p = cli.ok("ecosystem", "start", "alter.toml")
    assert "0 added; 0 updated; 2 unchanged (api, worker)" in p.stdout
    write(cli, "alter.toml", ECO.replace('args = ["100"]', 'args = ["200"]', 1))
    out = cli.json("start", "alter.toml")
    assert out["updated"] == ["api"] and out["unchanged"] == ["worker"]


def test_stop_restart_delete(daemon):
    cli = daemon
    write(cli, "alter.toml", ECO)
    cli.ok("start", "alter.toml")
    p = cli.ok("ecosystem", "stop", "alter.toml")
    assert p.stdout.splitlines() == ["stopped worker", "stopped api"]
    assert cli.status("api") == "stopped"
    # starting the file again starts unchanged, stopped apps too
    cli.ok("ecosystem", "start", "alter.toml")
    cli.wait_status("api", "running")
    p = cli.ok("ecosystem", "restart", "alter.toml")
    assert "restarted api" in p.stdout
    assert cli.json("ecosystem", "stop", "alter.toml")["affected"] == 2
    p = cli.ok("ecosystem", "delete", "alter.toml")
    assert p.stdout.splitlines() == ["deleted worker", "deleted api"]
    assert cli.processes() == []
    p = cli.run("ecosystem", "delete", "alter.toml", check=1)
    assert "no such app" in p.stderr


def test_invalid_file(daemon):
    cli = daemon
    write(cli, "bad.toml", ECO.replace('namespace = "eco"', 'restat = "always"', 1))
    p = cli.run("start", "bad.toml", check=1)
    assert "bad.toml:6:" in p.stderr and "restat: unknown field" in p.stderr
    assert "did you mean 'restart'" in p.stderr
    p = cli.run("--json", "ecosystem", "start", "bad.toml", check=1)
    assert json.loads(p.stdout)["error"]["line"] == 6
    p = cli.run("start", "bad.toml", "--name", "x", check=2)
    assert "do not apply to an ecosystem file" in p.stderr
    cli.run("ecosystem", "start", "missing.toml", check=1)


def test_other_formats_and_warnings(daemon):
    cli = daemon
    write(cli, "Procfile", "web: sleep 100\nworker: sleep 100\n")
    p = cli.ok("start", "Procfile")
    assert "2 added (web, worker)" in p.stdout
    write(cli, "ecosystem.config.json", json.dumps(
        {"apps": [{"name": "pm2app", "script": "sleep", "args": "100"}], "deploy": {}}))
    p = cli.ok("start", "ecosystem.config.json")
    assert "1 added (pm2app)" in p.stdout
    assert "warning:" in p.stderr and "deploy" in p.stderr
    cli.wait_status("pm2app", "running")


def test_start_missing_ecosystem_file_adds_nothing(daemon):
    # "alter start nosuch.toml" used to add (and save) an errored app named "nosuch".
    cli = daemon
    for name in ("nosuch.toml", "nosuch.json", "sub/nosuch.yaml", "x.yml", "Procfile", "ecosystem.config.js"):
        p = cli.run("start", name, check=1)
        assert f"error: no such file: {name}" in p.stderr, p.stderr
    os.mkdir(os.path.join(cli.cwd, "dir.toml"))
    assert "dir.toml is not a file" in cli.run("start", "dir.toml", check=1).stderr
    p = cli.run("--json", "start", "nosuch.toml", check=1)
    assert json.loads(p.stdout)["error"]["message"] == "no such file: nosuch.toml"
    assert cli.processes() == []
    cli.ok("save")
    with open(os.path.join(cli.home, "state.json")) as f:
        assert "nosuch" not in f.read()
    # An app whose name looks like a file is still started by its name.
    cli.ok("start", "sleep", "--name", "jobs.json", "--no-start", "--", "100")
    cli.ok("start", "jobs.json")
    cli.wait_status("jobs.json", "running")


def test_update_that_moves_an_app_to_another_namespace_says_so(daemon):
    # README's quick start once replaced the user's 3-instance 'worker' (namespace default) with
    # the demo's 'worker' (namespace demo) without a word. Apps are matched by name, as PM2 does;
    # the move is reported.
    cli = daemon
    cli.ok("start", "sleep", "--name", "worker", "--instances", "3", "--", "100")
    write(cli, "alter.toml", ECO)
    p = cli.ok("start", "alter.toml")
    assert "1 added (api); 1 updated (worker); 0 unchanged" in p.stdout
    assert "updated worker (namespace default \u2192 eco)" in p.stderr and "warning:" in p.stderr
    assert {i["name"]: i["namespace"] for i in cli.processes()} == {"api": "eco", "worker": "eco"}
    p = cli.ok("start", "alter.toml")
    assert "namespace" not in p.stderr
