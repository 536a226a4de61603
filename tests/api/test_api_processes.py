# SPDX-License-Identifier: MIT
"""/system/health, /system/stats, /processes..., namespaces, /events, /metrics."""

import re

from conftest import SSEReader, proc_alive, sh, sleeper, wait_for

PROCESS_FIELDS = {"name", "namespace", "status", "pid", "restarts", "uptime_ms", "exit_code", "signal",
                  "cpu_percent", "memory_bytes"}


def test_health(daemon):
    r = daemon.get("/system/health")
    assert r.status == 200 and r.headers["content-type"] == "application/json"
    h = r.json()
    assert h["status"] == "ok" and h["version"] and h["pid"] == daemon.pid
    assert h["uptime_ms"] >= 0 and isinstance(h["app_count"], int) and isinstance(h["process_count"], int)


def test_health_counts_apps_and_instances(daemon):
    before = daemon.get("/system/health").json()
    daemon.create(sleeper("count-me", instances=3), start=False)
    h = daemon.get("/system/health").json()
    assert h["app_count"] == before["app_count"] + 1
    assert h["process_count"] == before["process_count"] + 3
    assert daemon.delete("/processes/count-me").status == 200


def test_stats(daemon):
    s = daemon.get("/system/stats").json()
    assert s["host"]["mem_total_bytes"] > 0 and s["host"]["cpus"] >= 1
    assert s["daemon"]["pid"] == daemon.pid and s["daemon"]["rss_bytes"] > 0


def test_paths(daemon):
    p = daemon.get("/system/paths").json()
    assert p["data_dir"] == daemon.home and p["socket"] == daemon.sock


def test_list_shape_and_namespace_filter(daemon):
    daemon.create(sleeper("list-a", namespace="lst"))
    daemon.create(sleeper("list-b", namespace="lst", instances=2), start=False)
    r = daemon.get("/processes")
    assert r.status == 200
    procs = r.json()["processes"]
    assert isinstance(procs, list)
    for p in procs:
        assert PROCESS_FIELDS <= set(p), p
    only = daemon.get("/processes?namespace=lst").json()["processes"]
    assert sorted(p["name"] for p in only) == ["list-a", "list-b-0", "list-b-1"]
    assert daemon.get("/processes?namespace=nothing-here").json() == {"processes": []}
    for n in ("list-a", "list-b"):
        assert daemon.delete(f"/processes/{n}").status == 200


def test_create_answers_201_with_the_resource_and_location(daemon):
    r = daemon.post("/processes", sleeper("created"))
    assert r.status == 201
    assert r.headers["location"] == "/api/v1/processes/created"
    app = r.json()
    assert app["name"] == "created" and app["spec"]["command"] == "/bin/sleep"
    assert PROCESS_FIELDS <= set(app["instances"][0])
    assert daemon.get(r.headers["location"]).status == 200
    # The same name again: 409, and the first one is untouched.
    again = daemon.post("/processes", sleeper("created", args=["1"]))
    assert again.status == 409 and again.error_code() == "conflict"
    assert daemon.app("created")["spec"]["args"] == ["600"]
    assert daemon.delete("/processes/created").status == 200


def test_lifecycle(daemon):
    app = daemon.create(sleeper("life"))
    assert app["desired"] == "running"
    first = daemon.wait_status("life", "running")
    assert proc_alive(first["pid"]) and first["restarts"] == 0

    r = daemon.post("/processes/life/stop")
    assert r.status == 200 and r.json() == {"ok": True, "affected": 1}
    daemon.wait_status("life", "stopped")
    wait_for(lambda: not proc_alive(first["pid"]), what="the process to end")

    assert daemon.post("/processes/life/start").json()["affected"] == 1
    second = daemon.wait_status("life", "running")
    assert second["pid"] != first["pid"]

    assert daemon.post("/processes/life/restart").status == 200
    third = wait_for(lambda: (lambda i: i if i["status"] == "running" and i["pid"] not in (0, second["pid"]) else None)(
        daemon.instance("life")), what="a new pid after restart")
    assert third["restarts"] == second["restarts"] + 1
    wait_for(lambda: not proc_alive(second["pid"]), what="the old process to end")

    r = daemon.post("/processes/life/reset")
    assert r.status == 200 and r.json()["affected"] == 1
    assert daemon.instance("life")["restarts"] == 0

    r = daemon.delete("/processes/life")
    assert r.status == 200 and r.json()["affected"] == 1
    assert daemon.get("/processes/life").status == 404
    wait_for(lambda: not proc_alive(third["pid"]), what="the deleted app's process to end")


def test_actions_on_an_instance_and_all(daemon):
    daemon.create(sleeper("inst", instances=2, namespace="inst-ns"))
    daemon.wait_status("inst-1", "running")
    assert daemon.post("/processes/inst-1/stop").json()["affected"] == 1
    daemon.wait_status("inst-1", "stopped")
    assert daemon.instance("inst-0")["status"] == "running"
    one = daemon.get("/processes/inst-0").json()
    assert one["app"] == "inst" and [i["name"] for i in one["instances"]] == ["inst-0"]
    # An instance cannot be deleted on its own.
    r = daemon.delete("/processes/inst-1")
    assert r.status == 400 and r.error_code() == "bad_request"
    assert daemon.delete("/processes/inst").json()["affected"] == 2


def test_start_of_a_stopped_app_created_without_start(daemon):
    app = daemon.create(sleeper("lazy"), start=False)
    assert app["instances"][0]["status"] == "stopped" and app["desired"] == "stopped"
    assert daemon.post("/processes/lazy/start").status == 200
    daemon.wait_status("lazy", "running")
    assert daemon.delete("/processes/lazy").status == 200


def test_patch_keeps_every_field_it_is_not_given(daemon):
    spec = sleeper("patchy", cwd="/tmp", env={"A": "1", "B": "2"}, max_restarts=7, restart="always",
                   namespace="pns", kill_timeout_ms=1234, restart_delay_ms=250)
    daemon.create(spec)
    before = daemon.app("patchy")["spec"]
    pid = daemon.wait_status("patchy", "running")["pid"]

    r = daemon.patch("/processes/patchy", {"max_restarts": 9})
    assert r.status == 200
    after = r.json()["spec"]
    assert after["max_restarts"] == 9
    assert {k: v for k, v in after.items() if k != "max_restarts"} == \
           {k: v for k, v in before.items() if k != "max_restarts"}
    assert daemon.app("patchy")["spec"] == after
    # Not a field that affects the process: no restart.
    assert daemon.instance("patchy")["pid"] == pid

    # A field that does: the process is restarted with it, everything else kept.
    r = daemon.patch("/processes/patchy", {"args": ["601"]})
    assert r.status == 200 and r.json()["spec"]["env"] == {"A": "1", "B": "2"}
    wait_for(lambda: (lambda i: i["status"] == "running" and i["pid"] != pid)(daemon.instance("patchy")),
             what="the restart after args changed")
    assert daemon.app("patchy")["spec"]["args"] == ["601"]

    # null resets a field to its default; an empty patch changes nothing.
    r = daemon.patch("/processes/patchy", {"kill_timeout_ms": None})
    assert r.json()["spec"]["kill_timeout_ms"] == 5000
    assert daemon.patch("/processes/patchy", {}).json()["spec"] == r.json()["spec"]
    assert daemon.delete("/processes/patchy").status == 200


def test_enabled(daemon):
    daemon.create(sleeper("toggle"))
    pid = daemon.wait_status("toggle", "running")["pid"]
    r = daemon.patch("/processes/toggle/enabled", {"enabled": False})
    assert r.status == 200 and r.json()["spec"]["enabled"] is False
    daemon.wait_status("toggle", ("stopped", "disabled"))
    wait_for(lambda: not proc_alive(pid), what="the disabled app to stop")
    r = daemon.post("/processes/toggle/start")
    assert r.status == 409 and r.error_code() == "conflict"
    assert daemon.post("/processes/toggle/restart").status == 409
    assert daemon.instance("toggle")["pid"] in (0, None)

    r = daemon.patch("/processes/toggle/enabled", {"enabled": True})
    assert r.status == 200 and r.json()["spec"]["enabled"] is True
    assert daemon.post("/processes/toggle/start").status == 200
    daemon.wait_status("toggle", "running")
    assert daemon.delete("/processes/toggle").status == 200


def test_namespace_actions(daemon):
    daemon.create(sleeper("ns-a", namespace="team"))
    daemon.create(sleeper("ns-b", namespace="team", instances=2))
    daemon.create(sleeper("ns-other", namespace="elsewhere"))
    for n in ("ns-a", "ns-b-0", "ns-b-1", "ns-other"):
        daemon.wait_status(n, "running")

    r = daemon.post("/processes/namespace/team/stop")
    assert r.status == 200 and r.json()["affected"] == 3
    for n in ("ns-a", "ns-b-0", "ns-b-1"):
        daemon.wait_status(n, "stopped")
    assert daemon.instance("ns-other")["status"] == "running"

    assert daemon.post("/processes/namespace/team/start").json()["affected"] == 3
    pids = {n: daemon.wait_status(n, "running")["pid"] for n in ("ns-a", "ns-b-0", "ns-b-1")}

    assert daemon.post("/processes/namespace/team/restart").json()["affected"] == 3
    for n, pid in pids.items():
        wait_for(lambda n=n, pid=pid: (lambda i: i["status"] == "running" and i["pid"] != pid)(daemon.instance(n)),
                 what=f"{n} restarted")

    r = daemon.post("/processes/namespace/no-such-ns/start")
    assert r.status == 404 and r.error_code() == "not_found"
    for n in ("ns-a", "ns-b", "ns-other"):
        assert daemon.delete(f"/processes/{n}").status == 200


def test_runs_of_a_once_app(daemon):
    daemon.create(sh("once-job", "exit 4", type="once"))
    daemon.wait_status("once-job", ("crashed", "exited", "errored", "stopped"))
    assert daemon.post("/processes/once-job/run").status == 200
    runs = wait_for(lambda: (lambda r: r if len(r) >= 2 and not any(x["running"] for x in r) else None)(
        daemon.get("/processes/once-job/runs").json()["runs"]), what="two finished runs")
    assert all(x["exit_code"] == 4 for x in runs)
    assert daemon.delete("/processes/once-job").status == 200


# ---- /events --------------------------------------------------------------------------------

def test_events_stream_start_and_crash(daemon):
    ev = SSEReader(daemon, "/events")
    try:
        assert ev.resp.status == 200
        assert ev.resp.getheader("Content-Type") == "text/event-stream"
        daemon.create(sh("crasher", "exit 3", restart="never"))
        crash = wait_for(lambda: ev.find(lambda e, d: e == "state" and d["app"] == "crasher" and d["to"] == "crashed"),
                         what="a crashed state event")[0]
        assert crash["exit_code"] == 3 and crash["reason"] == "crash" and crash["type"] == "state"
        assert ev.find(lambda e, d: e == "added" and d["app"] == "crasher")
        running = ev.find(lambda e, d: e == "state" and d["app"] == "crasher" and d["to"] == "running")
        assert running and running[0]["pid"] > 0 and running[0]["from"] == "starting"
        assert daemon.delete("/processes/crasher").status == 200
        wait_for(lambda: ev.find(lambda e, d: e == "removed" and d["app"] == "crasher"), what="a removed event")
    finally:
        ev.close()


def test_events_stream_ends_cleanly_when_the_client_leaves(daemon):
    for _ in range(5):
        SSEReader(daemon, "/events").close()
    daemon.create(sh("after-leave", "exit 0", restart="never"))
    daemon.wait_status("after-leave", ("exited", "stopped"))
    assert daemon.healthy()
    assert daemon.delete("/processes/after-leave").status == 200


# ---- /metrics -------------------------------------------------------------------------------

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')


def parse_prometheus(text):
    """{metric: {"type":..,"help":..,"samples":[(labels dict, value)]}}; asserts the syntax."""
    metrics = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name, rest = line[2:6], *line[7:].split(" ", 1)
            m = metrics.setdefault(name, {"samples": []})
            assert kind.lower() not in m, f"duplicate {kind} for {name}"
            m[kind.lower()] = rest
            continue
        assert not line.startswith("#") and line, f"unexpected line {line!r}"
        s = SAMPLE.match(line)
        assert s, f"bad sample line {line!r}"
        labels, pos, body = {}, 0, s.group(3) or ""
        while pos < len(body):
            lm = LABEL.match(body, pos)
            assert lm, f"bad labels in {line!r}"
            labels[lm.group(1)] = lm.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
            pos = lm.end()
        assert s.group(1) in metrics, f"sample before its HELP/TYPE: {line!r}"
        metrics[s.group(1)]["samples"].append((labels, float(s.group(4))))
    for name, m in metrics.items():
        assert "help" in m and m.get("type") in ("gauge", "counter"), name
    return metrics


def test_metrics(daemon):
    daemon.create(sleeper("metric-app", instances=2, namespace="metric.ns-1"))
    daemon.wait_status("metric-app-1", "running")
    r = daemon.get("/metrics")
    assert r.status == 200 and r.headers["content-type"].startswith("text/plain; version=0.0.4")
    m = parse_prometheus(r.text)
    names = [p["name"] for p in daemon.get("/processes").json()["processes"]]
    for metric in ("alter_process_up", "alter_process_restarts_total", "alter_process_cpu_percent",
                   "alter_process_memory_bytes", "alter_process_uptime_seconds", "alter_process_state"):
        samples = m[metric]["samples"]
        assert sorted(s[0]["name"] for s in samples) == sorted(names), metric  # one per instance
    mine = [s for s in m["alter_process_up"]["samples"] if s[0]["app"] == "metric-app"]
    assert len(mine) == 2 and all(v == 1 for _, v in mine)
    # Names and namespaces cannot hold '"', '\\' or newlines, so the strict label syntax above is
    # what escaping is checked against.
    assert all(s[0]["namespace"] == "metric.ns-1" for s in mine)
    assert m["alter_process_restarts_total"]["type"] == "counter"
    assert m["alter_daemon_uptime_seconds"]["samples"][0][1] >= 0
    assert m["alter_daemon_apps"]["samples"][0][1] == daemon.get("/system/health").json()["app_count"]
    assert daemon.delete("/processes/metric-app").status == 200
