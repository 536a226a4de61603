# SPDX-License-Identifier: MIT
"""/processes/{name}/logs, /logs/dates, DELETE /logs, /logs/stream (SSE)."""

import datetime
import os
import time

from conftest import SSEReader, sh, wait_for

SCRIPT = ("for i in 1 2 3 4 5; do echo out-$i; echo err-$i >&2; done; "
          "echo 'Mixed Case'; echo DONE; exec sleep 600")


def texts(r):
    assert r.status == 200, r
    return [line["text"] for line in r.json()["lines"]]


def start_logger(daemon, name):
    daemon.create(sh(name, SCRIPT))
    wait_for(lambda: "DONE" in texts(daemon.get(f"/processes/{name}/logs?lines=100")), what="the app's output")


def test_logs_query_parameters(daemon):
    start_logger(daemon, "talker")
    everything = daemon.get("/processes/talker/logs").json()["lines"]
    assert {"time_ms", "stream", "instance", "text"} <= set(everything[0])
    assert [line["text"] for line in everything if line["stream"] == "out"] == \
           ["out-1", "out-2", "out-3", "out-4", "out-5", "Mixed Case", "DONE"]
    assert all(line["instance"] == "talker" for line in everything)

    # out and err come through two pipes: their relative order is the order of arrival.
    assert len(texts(daemon.get("/processes/talker/logs?lines=2"))) == 2
    assert texts(daemon.get("/processes/talker/logs?lines=2&stream=out")) == ["Mixed Case", "DONE"]
    assert texts(daemon.get("/processes/talker/logs?stream=err")) == [f"err-{i}" for i in range(1, 6)]
    assert texts(daemon.get("/processes/talker/logs?stream=out&lines=1")) == ["DONE"]
    assert sorted(texts(daemon.get("/processes/talker/logs?stream=all&grep=-3"))) == ["err-3", "out-3"]
    assert texts(daemon.get("/processes/talker/logs?grep=%5Eout-%5B24%5D%24&regex=1")) == ["out-2", "out-4"]
    assert texts(daemon.get("/processes/talker/logs?grep=mixed")) == []
    assert texts(daemon.get("/processes/talker/logs?grep=mixed&icase=1")) == ["Mixed Case"]


def test_logs_bad_parameters(daemon):
    start_logger(daemon, "picky")
    for query, code in (("lines=abc", "bad_request"), ("lines=-1", "bad_request"), ("lines=0", "bad_request"),
                        ("lines=100001", "bad_request"), ("stream=both", "bad_request"),
                        ("date=2026-13-45", "bad_request"), ("date=..%2F..%2Fetc", "bad_request"),
                        ("grep=(&regex=1", "bad_request"), ("regex=maybe", "bad_request")):
        r = daemon.get(f"/processes/picky/logs?{query}")
        assert r.status == 400 and r.error_code() == code, (query, r)
    r = daemon.get("/processes/nobody-here/logs")
    assert r.status == 404 and r.error_code() == "not_found"
    assert daemon.get("/processes/nobody-here/logs/dates").status == 404
    assert daemon.delete("/processes/nobody-here/logs").status == 404
    assert daemon.get("/processes/nobody-here/logs/stream").status == 404
    assert daemon.healthy()


def test_logs_by_date_and_dates(daemon):
    start_logger(daemon, "dated")
    r = daemon.get("/processes/dated/logs/dates")
    assert r.status == 200 and r.json() == {"dates": [], "has_current": True}
    # An archived day, as rotation leaves it: out.log.YYYY-MM-DD in the instance's log dir.
    logdir = os.path.join(daemon.home, "logs", "dated")
    with open(os.path.join(logdir, "out.log.2026-01-02"), "w") as f:
        f.write("2026-01-02T10:00:00.000Z old line one\n2026-01-02T10:00:01.000Z old line two\n")
    with open(os.path.join(logdir, "err.log.2025-12-31"), "w") as f:
        f.write("2025-12-31T23:59:59.000Z last of the year\n")
    assert daemon.get("/processes/dated/logs/dates").json() == \
           {"dates": ["2026-01-02", "2025-12-31"], "has_current": True}
    r = daemon.get("/processes/dated/logs?date=2026-01-02")
    lines = r.json()["lines"]
    assert [line["text"] for line in lines] == ["old line one", "old line two"]
    assert lines[0]["time_ms"] == int(datetime.datetime(2026, 1, 2, 10, tzinfo=datetime.timezone.utc).timestamp() * 1000)
    assert texts(daemon.get("/processes/dated/logs?date=2026-01-02&lines=1")) == ["old line two"]
    assert texts(daemon.get("/processes/dated/logs?date=2025-12-31&stream=out")) == []
    assert texts(daemon.get("/processes/dated/logs?date=2025-12-31&stream=err")) == ["last of the year"]
    assert texts(daemon.get("/processes/dated/logs?date=2020-01-01")) == []


def test_delete_logs(daemon):
    start_logger(daemon, "forgetful")
    r = daemon.delete("/processes/forgetful/logs")
    assert r.status == 200 and r.json() == {"ok": True, "affected": 1}
    assert texts(daemon.get("/processes/forgetful/logs")) == []
    assert daemon.instance("forgetful")["status"] == "running"


def test_download(daemon):
    start_logger(daemon, "downloader")
    r = daemon.get("/processes/downloader/logs/download?stream=err")
    assert r.status == 200 and r.headers["content-type"].startswith("text/plain")
    assert 'filename="downloader-err.log"' in r.headers["content-disposition"]
    lines = r.text.splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == [f"err-{i}" for i in range(1, 6)]


TICKER = "i=0; while :; do echo tick-$i; i=$((i+1)); sleep 0.1; done"


def test_log_stream_backlog_then_live_lines(daemon):
    daemon.create(sh("ticker", TICKER))
    wait_for(lambda: len(texts(daemon.get("/processes/ticker/logs"))) >= 3, what="a few ticks")
    connected_ms = time.time() * 1000
    s = SSEReader(daemon, "/processes/ticker/logs/stream?backlog=3")
    try:
        assert s.resp.status == 200 and s.resp.getheader("Content-Type") == "text/event-stream"
        lines = wait_for(lambda: (lambda l: l if len(l) >= 6 else None)(s.find(lambda e, d: e == "log")),
                         what="backlog and live lines")
        numbers = [int(line["text"].split("-")[1]) for line in lines]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), numbers  # in order, none lost
        assert all(line["stream"] == "out" and line["instance"] == "ticker" for line in lines)
        assert lines[0]["time_ms"] < connected_ms        # from the backlog
        assert lines[-1]["time_ms"] > connected_ms       # written after we connected
    finally:
        s.close()
    assert daemon.delete("/processes/ticker").status == 200


def test_log_stream_filters_the_stream(daemon):
    daemon.create(sh("two-streams", "while :; do echo to-out; echo to-err >&2; sleep 0.1; done"))
    s = SSEReader(daemon, "/processes/two-streams/logs/stream?stream=err")
    try:
        wait_for(lambda: len(s.find(lambda e, d: True)) >= 3, what="err lines")
        assert {d["text"] for d in s.find(lambda e, d: True)} == {"to-err"}
    finally:
        s.close()
    assert daemon.delete("/processes/two-streams").status == 200


LINE_KEYS = ["app", "instance", "namespace", "stream", "time_ms", "text"]


def test_log_lines_have_one_shape_everywhere(daemon):
    # GET logs, the stream's backlog and its live events: the same members, in the same order
    # (the backlog used to have "app" and the live events not).
    daemon.create(sh("shaped", TICKER, namespace="shapes", instances=2))
    wait_for(lambda: len(texts(daemon.get("/processes/shaped/logs"))) >= 4, what="a few ticks")
    stored = daemon.get("/processes/shaped/logs?lines=4").json()["lines"]
    connected_ms = time.time() * 1000
    s = SSEReader(daemon, "/processes/shaped/logs/stream?backlog=4")
    try:
        events = wait_for(lambda: (lambda l: l if len(l) >= 10 else None)(s.find(lambda e, d: e == "log")),
                          what="backlog and live lines")
    finally:
        s.close()
    assert events[0]["time_ms"] < connected_ms < events[-1]["time_ms"]  # both kinds are there
    for line in stored + events:
        assert list(line) == LINE_KEYS, line
        assert line["app"] == "shaped" and line["namespace"] == "shapes" and line["stream"] == "out"
        assert line["instance"] in ("shaped-0", "shaped-1")
    assert daemon.delete("/processes/shaped").status == 200
