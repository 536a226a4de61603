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
