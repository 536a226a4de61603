# SPDX-License-Identifier: MIT
"""Connections that misbehave: slow, many, pipelined, vanishing, not reading; other users."""

import os
import pwd
import socket
import threading
import time

import pytest

from conftest import raw_connect, read_response, sh, sleeper, wait_for

HEALTH = b"GET /api/v1/system/health HTTP/1.1\r\nHost: x\r\n\r\n"


def served_promptly(daemon, n=10, limit=5.0):
    """n requests, each on a new connection, each answered within `limit` seconds."""
    for _ in range(n):
        t0 = time.monotonic()
        assert daemon.healthy()
        assert time.monotonic() - t0 < limit


def test_slowloris_does_not_hold_up_others_and_is_dropped(daemon):
    s = raw_connect(daemon.sock, timeout=30.0)
    outcome = {}
    request = b"GET /api/v1/system/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 100

    def dribble():
        t0 = time.monotonic()
        try:
            for b in request:  # one byte a second: never completes the headers in time
                s.sendall(bytes([b]))
                s.settimeout(1.0)
                try:
                    data = s.recv(4096)
                except socket.timeout:
                    continue
                outcome["answer"] = data
                break
            else:
                outcome["answer"] = b"(finished the headers?)"
        except OSError as e:
            outcome["error"] = e
        outcome["after"] = time.monotonic() - t0

    t = threading.Thread(target=dribble, daemon=True)
    t.start()
    try:
        wait_for(lambda: daemon.get("/system/health").status == 200)
        served_promptly(daemon, n=20)
        assert t.is_alive()  # still dribbling while the others were served
        t.join(30)
        assert not t.is_alive()
        # The header timeout (10 s) ends it with a 408 (it used to be a silent close), never an
        # answer to the request itself.
        data = outcome.get("answer", b"")
        assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), outcome
        assert b"Connection: close" in data and b'"code":"request_timeout"' in data, outcome
        assert 5.0 < outcome["after"] < 25.0, outcome
    finally:
        s.close()
    assert daemon.healthy()


def test_300_parallel_connections(daemon):
    socks = []
    try:
        for _ in range(300):
            # A full listen backlog answers EAGAIN at once: retry until the daemon accepts.
            socks.append(wait_for(lambda: raw_connect(daemon.sock, timeout=15.0), what="a connection"))
        for s in socks:
            try:
                s.sendall(HEALTH)
            except OSError:
                pass
        answers = {"ok": 0, "busy": 0, "closed": 0}
        for s in socks:
            try:
                r = read_response(s.makefile("rb"))
            except OSError:
                r = None
            if r is None:
                answers["closed"] += 1
            elif r.status == 200:
                answers["ok"] += 1
            else:
                assert r.status == 503 and r.error_code() == "unavailable", r
                answers["busy"] += 1
        assert answers["ok"] >= 1 and answers["busy"] + answers["closed"] >= 1, answers
        assert answers["ok"] + answers["busy"] + answers["closed"] == 300
    finally:
        for s in socks:
            s.close()
    wait_for(lambda: daemon.healthy(), what="the daemon to serve again")
    served_promptly(daemon)
    # Refusals are not logged one by one: a client must not be able to fill daemon.log.
    assert "too many connections" not in daemon.daemon_log()


def test_parallel_clients_all_served(daemon):
    results = []

    def one():
        try:
            results.append(daemon.get("/processes", timeout=20.0).status)
        except OSError as e:
            results.append(repr(e))

    threads = [threading.Thread(target=one) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [200] * 50


def test_pipelined_requests_answered_in_order(daemon):
    daemon.create(sleeper("piped"))
    s = raw_connect(daemon.sock)
    try:
        s.sendall(HEALTH +
                  b"GET /api/v1/processes/no-such HTTP/1.1\r\nHost: x\r\n\r\n" +
                  b"POST /api/v1/processes/piped/stop HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" +
                  b"GET /api/v1/processes/piped HTTP/1.1\r\nHost: x\r\n\r\n" +
                  b"PATCH /api/v1/processes/piped/enabled HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 4\r\n\r\n{oops" +
                  HEALTH)
        f = s.makefile("rb")
        rs = [read_response(f) for _ in range(5)]
        assert [r.status for r in rs] == [200, 404, 200, 200, 400]
        assert rs[0].json()["status"] == "ok"
        assert rs[2].json() == {"ok": True, "affected": 1}
        assert rs[3].json()["desired"] == "stopped"
        # The body was 4 bytes: "{oop" is the bad JSON, "s" + the last request is garbage.
        r = read_response(f)
        assert r is None or r.status == 400
    finally:
        s.close()
    assert daemon.delete("/processes/piped").status == 200


def test_client_disconnects_mid_request(daemon):
    before = daemon.names()
    for data in (b"GET /api/v1/system/hea",
                 b"POST /api/v1/processes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\n\r\n{\"name\":\"half\",\"command\":\"/bin/sleep\"",
                 b"POST /api/v1/processes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n10\r\n{\"name\":\"chunk\""):
        s = raw_connect(daemon.sock)
        s.sendall(data)
        s.close()
    # A client that leaves before its (slow) answer is written.
    s = raw_connect(daemon.sock)
    s.sendall(b"GET /api/v1/processes HTTP/1.1\r\nHost: x\r\n\r\n" * 16)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
    served_promptly(daemon, n=3)
    assert daemon.names() == before


def test_sse_client_that_never_reads_is_dropped(daemon):
    # 4000 lines of 1000 bytes, once: several MiB of SSE for a client that reads nothing.
    daemon.create(sh("spew", "head -c 4000000 /dev/zero | tr '\\0' x | fold -w 1000; exec sleep 600"), start=False)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(30.0)
    s.connect(daemon.sock)
    reader = None
    try:
        s.sendall(b"GET /api/v1/processes/spew/logs/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        # An SSE client that does read, to show it keeps getting its events meanwhile.
        from conftest import SSEReader
        reader = SSEReader(daemon, "/events")
        assert daemon.post("/processes/spew/start").status == 200
        served_promptly(daemon, n=5)
        wait_for(lambda: "dropping a slow stream client" in daemon.daemon_log(), timeout=60,
                 what="the daemon to drop the client that does not read")
        # What it had buffered can still be read, then the stream ends (no final chunk).
        got = 0
        while True:
            data = s.recv(65536)
            if not data:
                break
            got += len(data)
        assert got < 4_000_000
        assert reader.find(lambda e, d: e == "state" and d.get("app") == "spew" and d["to"] == "running")
        served_promptly(daemon, n=5)
    finally:
        s.close()
        if reader:
            reader.close()
    assert daemon.delete("/processes/spew").status == 200


def test_all_targets_every_app(make_daemon):
    d = make_daemon()
    d.create(sleeper("all-a"))
    d.create(sleeper("all-b", namespace="x"))
    for n in ("all-a", "all-b"):
        d.wait_status(n, "running")
    assert d.post("/processes/all/stop").json()["affected"] == 2
    for n in ("all-a", "all-b"):
        d.wait_status(n, "stopped")
    assert d.post("/processes/all/start").json()["affected"] == 2
    assert len(d.get("/processes/all/logs").json()["lines"]) == 0
    assert d.delete("/processes/all").json()["affected"] == 2
    assert d.names() == []


def run_as(uid, gid, fn):
    """Run fn() in a forked child with that uid/gid; returns what fn returned (a short bytes)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            os.write(w, fn())
        except BaseException as e:  # noqa: B902 - report anything to the parent
            os.write(w, b"error: " + repr(e).encode())
        finally:
            os._exit(0)
    os.close(w)
    out = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        out += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return out


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_other_users_get_403(make_daemon):
    d = make_daemon()
    nobody = pwd.getpwnam("nobody")
    # Let `nobody` reach the socket at all (alterd makes it 0600 in a 0700 dir).
    base = os.path.dirname(d.home)
    os.chmod(base, 0o711)
    os.chmod(d.home, 0o711)
    os.chmod(d.sock, 0o666)

    def ask():
        s = raw_connect(d.sock)
        s.sendall(b"POST /api/v1/system/shutdown HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        r = read_response(s.makefile("rb"))
        return b"%d %s" % (r.status, r.body)

    out = run_as(nobody.pw_uid, nobody.pw_gid, ask)
    assert out.startswith(b"403 "), out
    assert b'"code":"forbidden"' in out
    assert d.healthy()
    os.chmod(d.home, 0o700)
