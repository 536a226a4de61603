# SPDX-License-Identifier: MIT
"""/ecosystem (path and content), /ecosystem/{start,stop,restart,delete}, /config/validate,
/cron/next, /system/settings."""

import json
import os
import threading

from conftest import wait_for

TOML = """
[[apps]]
name = "eco-web"
command = "/bin/sleep"
args = ["600"]
namespace = "eco"
cwd = "."

[[apps]]
name = "eco-worker"
command = "/bin/sleep"
args = ["600"]
namespace = "eco"
instances = 2
"""


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def eco_names(daemon):
    return [n for n in daemon.names() if n.startswith("eco-")]


def test_load_a_toml_file_twice_then_changed(daemon, base_dir):
    path = write(os.path.join(base_dir, "alter.toml"), TOML)
    r = daemon.post("/ecosystem", {"path": path})
    assert r.status == 200, r
    assert r.json() == {"added": ["eco-web", "eco-worker"], "updated": [], "unchanged": [], "moved": [], "warnings": []}
    assert eco_names(daemon) == ["eco-web", "eco-worker-0", "eco-worker-1"]
    web = daemon.wait_status("eco-web", "running")
    assert os.path.normpath(daemon.app("eco-web")["spec"]["cwd"]) == base_dir  # "." is the file's directory

    r = daemon.post("/ecosystem", {"path": path})
    assert r.json() == {"added": [], "updated": [], "unchanged": ["eco-web", "eco-worker"], "moved": [], "warnings": []}
    assert eco_names(daemon) == ["eco-web", "eco-worker-0", "eco-worker-1"]  # no duplicates
    assert daemon.instance("eco-web")["pid"] == web["pid"]

    write(path, TOML.replace('args = ["600"]\nnamespace = "eco"\ncwd', 'args = ["601"]\nnamespace = "eco"\ncwd'))
    r = daemon.post("/ecosystem", {"path": path})
    assert r.json()["updated"] == ["eco-web"] and r.json()["unchanged"] == ["eco-worker"]
    assert daemon.app("eco-web")["spec"]["args"] == ["601"]
    wait_for(lambda: (lambda i: i["status"] == "running" and i["pid"] != web["pid"])(daemon.instance("eco-web")),
             what="eco-web restarted with its new args")
    assert eco_names(daemon) == ["eco-web", "eco-worker-0", "eco-worker-1"]

    # /ecosystem/stop, /start, /restart, /delete act on the apps the file names.
    r = daemon.post("/ecosystem/stop", {"path": path})
    assert r.status == 200 and r.json()["affected"] == 3
    assert [a["name"] for a in r.json()["apps"]] == ["eco-worker", "eco-web"]  # reverse file order
    for n in eco_names(daemon):
        daemon.wait_status(n, "stopped")
    assert daemon.post("/ecosystem/start", {"path": path}).json()["affected"] == 3
    pids = {n: daemon.wait_status(n, "running")["pid"] for n in eco_names(daemon)}
    assert daemon.post("/ecosystem/restart", {"path": path}).json()["affected"] == 3
    for n, pid in pids.items():
        wait_for(lambda n=n, pid=pid: (lambda i: i["status"] == "running" and i["pid"] != pid)(daemon.instance(n)),
                 what=f"{n} restarted")
    r = daemon.post("/ecosystem/delete", {"path": path})
    assert r.status == 200 and all(a["ok"] for a in r.json()["apps"])
    assert eco_names(daemon) == []
    # Deleting again: each app reports its error, the request itself succeeds.
    r = daemon.post("/ecosystem/delete", {"path": path})
    assert r.status == 200 and r.json()["affected"] == 0 and not any(a["ok"] for a in r.json()["apps"])


def test_load_a_json_file_and_content(daemon, base_dir):
    doc = {"apps": [{"name": "eco-json", "command": "/bin/sleep", "args": ["600"]}]}
    path = write(os.path.join(base_dir, "apps.json"), json.dumps(doc))
    assert daemon.post("/ecosystem", {"path": path}).json()["added"] == ["eco-json"]
    assert daemon.app("eco-json")["spec"]["cwd"] == base_dir  # an app's cwd defaults to the file's dir
    # The same apps as content have no directory: the cwd changes, the app is updated in place.
    r = daemon.post("/ecosystem", {"content": json.dumps(doc), "filename": "apps.json"})
    assert r.status == 200 and r.json()["updated"] == ["eco-json"]
    r = daemon.post("/ecosystem", {"content": json.dumps(doc), "filename": "apps.json"})
    assert r.status == 200 and r.json()["unchanged"] == ["eco-json"]
    assert [n for n in daemon.names() if n == "eco-json"] == ["eco-json"]
    r = daemon.post("/ecosystem", {"content": TOML.replace("eco-web", "eco-content").split("[[apps]]\nname = \"eco-worker\"")[0],
                                   "format": "toml"})
    assert r.status == 200 and r.json()["added"] == ["eco-content"]
    assert daemon.wait_status("eco-content", "running")
    for n in ("eco-json", "eco-content"):
        assert daemon.delete(f"/processes/{n}").status == 200


def test_ecosystem_errors(daemon, base_dir):
    before = daemon.names()
    fifo = os.path.join(base_dir, "fifo.toml")
    os.mkfifo(fifo)
    cases = [
        ({"path": "relative/alter.toml"}, "invalid", "path"),
        ({"path": os.path.join(base_dir, "missing.toml")}, "invalid", "path"),
        ({"path": base_dir}, "invalid", "path"),
        ({"path": fifo}, "invalid", "path"),               # would block a naive reader forever
        ({"path": "/dev/zero"}, "invalid", "path"),
        ({}, "invalid", None),
        ({"path": "/x.toml", "content": "x"}, "invalid", None),
        ({"content": "[[apps]]\nname = 5\ncommand = \"x\""}, "invalid", "apps[0].name"),
        ({"content": "[[apps]]\nname = \"x\"\ncomand = \"x\""}, "invalid", "apps[0].comand"),
        ({"content": "[[apps\n"}, "invalid", None),
        ({"content": "x", "format": "ini"}, "invalid", "format"),
        ({"content": 5}, "invalid", "content"),
        ({"pth": "/x.toml"}, "invalid", "pth"),
    ]
    for body, code, field in cases:
        r = daemon.post("/ecosystem", body)
        assert r.status == 422 and r.error_code() == code, (body, r)
        if field:
            assert r.json()["error"].get("field") == field, (body, r)
    hinted = daemon.post("/ecosystem", {"content": "[[apps]]\nname = \"x\"\ncomand = \"x\""}).json()["error"]
    assert hinted["hint"] == "did you mean 'command'?" and hinted["line"] == 3
    assert daemon.post("/ecosystem", {"pth": "/x.toml"}).json()["error"]["hint"] == "did you mean 'path'?"
    assert daemon.post("/ecosystem", b"{", headers={"Content-Type": "application/json"}).error_code() == "invalid_json"
    assert daemon.names() == before
    assert daemon.healthy()


def test_fifo_path_does_not_block_the_daemon(daemon, base_dir):
    fifo = os.path.join(base_dir, "block.toml")
    os.mkfifo(fifo)
    result = {}
    t = threading.Thread(target=lambda: result.update(r=daemon.post("/ecosystem", {"path": fifo})))
    t.start()
    t.join(10)
    assert not t.is_alive() and result["r"].status == 422
    assert daemon.healthy()


def test_config_validate(daemon):
    r = daemon.post("/config/validate", {"content": TOML, "filename": "alter.toml"})
    assert r.status == 200
    apps = r.json()["apps"]
    assert [a["name"] for a in apps] == ["eco-web", "eco-worker"] and apps[1]["instances"] == 2
    assert r.json()["warnings"] == []
    assert "eco-web" not in daemon.names()  # nothing applied
    r = daemon.post("/config/validate", {"content": "[[apps]]\nname = \"v\"\nrestart = \"sometimes\"\ncommand = \"x\""})
    assert r.status == 422 and r.json()["error"]["field"] == "apps[0].restart"
    r = daemon.post("/config/validate", {"content": TOML, "bogus": 1})
    assert r.status == 422 and r.json()["error"]["field"] == "bogus" and "hint" in r.json()["error"]


def test_cron_next(daemon):
    r = daemon.get("/cron/next?expr=0+12+*+*+*&n=3&from=0")
    assert r.status == 200
    body = r.json()
    assert body["expr"] == "0 12 * * *" and len(body["next"]) == 3
    assert body["next"][1] - body["next"][0] == 86_400_000
    assert len(daemon.get("/cron/next?expr=*/5+*+*+*+*").json()["next"]) == 5
    assert daemon.get("/cron/next?expr=61+*+*+*+*").status == 422
    for q in ("", "expr=", "expr=*+*+*+*+*&n=0", "expr=*+*+*+*+*&n=1001", "expr=*+*+*+*+*&n=x",
              "expr=*+*+*+*+*&from=-5", "expr=*+*+*+*+*&from=99999999999999999999"):
        r = daemon.get("/cron/next?" + q)
        assert r.status == 400 and r.error_code() == "bad_request", (q, r)


def test_settings_round_trip(daemon):
    assert daemon.get("/system/settings").json() == {}
    settings = {"theme": "dark", "tail": 200, "columns": ["name", "cpu"], "nested": {"a": None}}
    r = daemon.put("/system/settings", settings)
    assert r.status == 200 and r.json() == settings
    assert daemon.get("/system/settings").json() == settings
    path = os.path.join(daemon.home, "settings.json")
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert daemon.put("/system/settings", [1, 2]).status == 400
    assert daemon.put("/system/settings", {"x": "y" * 70000}).status == 413
    assert daemon.put("/system/settings", "theme=dark",
                      headers={"Content-Type": "application/x-www-form-urlencoded"}).status == 415
    assert daemon.get("/system/settings").json() == settings
