# SPDX-License-Identifier: MIT
"""Bad input gets the right status and error code, changes nothing, and the daemon keeps
serving. Every test ends by checking /system/health and that no app appeared."""

import os
import socket

import pytest

from conftest import raw_connect, read_response, sleeper

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def victim(daemon):
    """An existing app; after the test the daemon is healthy and has exactly the apps it had."""
    if "victim" not in daemon.names():
        daemon.create(sleeper("victim", env={"KEEP": "1"}))
    before_names = daemon.names()
    before_spec = daemon.app("victim")["spec"]
    yield daemon
    assert daemon.healthy()
    assert daemon.names() == before_names
    assert daemon.app("victim")["spec"] == before_spec


def assert_error(r, status, code):
    assert r.status == status, r
    assert r.headers["content-type"] == "application/json", r
    err = r.json()["error"]
    assert err["code"] == code and isinstance(err["message"], str) and err["message"], r
    return err


@pytest.mark.parametrize("method,path", [
    ("POST", "/processes"), ("PATCH", "/processes/victim"), ("PATCH", "/processes/victim/enabled"),
    ("POST", "/ecosystem"), ("POST", "/config/validate"), ("PUT", "/system/settings"),
])
@pytest.mark.parametrize("body", [b"{", b'{"name": "x",}', b"nul\x00l", b"\xff\xfe", b'{"a":1}{"b":2}'])
def test_malformed_json(victim, method, path, body):
    assert_error(victim.request(method, path, body, headers=JSON), 400, "invalid_json")


@pytest.mark.parametrize("method,path", [("POST", "/processes"), ("PATCH", "/processes/victim"),
                                         ("PATCH", "/processes/victim/enabled"), ("POST", "/ecosystem")])
def test_json_that_is_not_an_object(victim, method, path):
    for body in (b"[]", b"42", b'"x"', b"null"):
        assert_error(victim.request(method, path, body, headers=JSON), 400, "bad_request")


@pytest.mark.parametrize("spec,field", [
    ({"name": 5, "command": "/bin/true"}, "name"),
    ({"name": "t", "command": ["/bin/true"]}, "command"),
    ({"name": "t", "command": "/bin/true", "args": 5}, "args"),
    ({"name": "t", "command": "/bin/true", "env": ["A=1"]}, "env"),
    ({"name": "t", "command": "/bin/true", "instances": "many"}, "instances"),
    ({"name": "t", "command": "/bin/true", "instances": 0}, "instances"),
    ({"name": "t", "command": "/bin/true", "instances": 5000}, "instances"),
    ({"name": "t", "command": "/bin/true", "enabled": "perhaps"}, "enabled"),
    ({"name": "t", "command": "/bin/true", "restart": "sometimes"}, "restart"),
    ({"name": "t", "command": "/bin/true", "max_restarts": -1}, "max_restarts"),
    ({"name": "t", "command": "/bin/true", "cron": "not a cron"}, "cron"),
    ({"name": "t"}, "command"),
    ({"command": "/bin/true"}, "name"),
])
def test_create_with_wrong_types(victim, spec, field):
    err = assert_error(victim.post("/processes", spec), 422, "invalid")
    assert err["field"] == field, err


def test_patch_with_wrong_types(victim):
    for patch, field in (({"args": 5}, "args"), ({"env": "A=1"}, "env"), ({"max_restarts": "x"}, "max_restarts"),
                         ({"name": "renamed"}, "name"), ({"enabled": 3}, "enabled")):
        err = assert_error(victim.patch("/processes/victim", patch), 422, "invalid")
        assert err["field"] == field, err
    err = assert_error(victim.patch("/processes/victim/enabled", {"enabled": "yes"}), 422, "invalid")
    assert err["field"] == "enabled"
    err = assert_error(victim.patch("/processes/victim/enabled", {}), 422, "invalid")
    assert err["field"] == "enabled"


def test_unknown_fields(victim):
    err = assert_error(victim.post("/processes", {"name": "u", "comand": "/bin/true"}), 422, "invalid")
    assert err["field"] == "comand" and err["hint"] == "did you mean 'command'?"
    err = assert_error(victim.patch("/processes/victim", {"max_restart": 3}), 422, "invalid")
    assert err["field"] == "max_restart" and err["hint"].startswith("did you mean 'max_restart")
    err = assert_error(victim.patch("/processes/victim/enabled", {"enabled": True, "enable": 1}), 422, "invalid")
    assert err["field"] == "enable" and err["hint"] == "did you mean 'enabled'?"
    err = assert_error(victim.patch("/processes/victim/enabled", {"enabled": True, "zzz": 1}), 422, "invalid")
    assert err["field"] == "zzz" and "enabled" in err["hint"]
    err = assert_error(victim.post("/processes", {"name": "u", "command": "/bin/true", "zzzzzz": 1}), 422, "invalid")
    assert err["field"] == "zzzzzz"


ROUTES_BY_NAME = [
    ("GET", "/processes/{}"), ("PATCH", "/processes/{}"), ("DELETE", "/processes/{}"),
    ("POST", "/processes/{}/start"), ("POST", "/processes/{}/stop"), ("POST", "/processes/{}/restart"),
    ("POST", "/processes/{}/reset"), ("PATCH", "/processes/{}/enabled"), ("GET", "/processes/{}/logs"),
    ("GET", "/processes/{}/logs/dates"), ("DELETE", "/processes/{}/logs"), ("GET", "/processes/{}/logs/stream"),
    ("GET", "/processes/{}/runs"),
]


@pytest.mark.parametrize("name", ["no-such-app", "a%2Fb", "..", "%2E%2E", "..%2F..%2Fetc%2Fpasswd", "x" * 65,
                                  "a%01b", "a%0Ab", "%FF%FE", "ns:no-such-namespace", "a%20b"])
def test_unknown_or_impossible_names_in_the_path(victim, name):
    for method, route in ROUTES_BY_NAME:
        body = {"enabled": True} if route.endswith("enabled") else ({} if method == "PATCH" else None)
        r = victim.request(method, route.format(name), body)
        assert_error(r, 404, "not_found")


def test_get_all_is_not_an_app(victim):
    # GET and PATCH take one app; the actions, enabled, logs and runs also take all / ns:NAME.
    assert_error(victim.get("/processes/all"), 404, "not_found")
    assert_error(victim.get("/processes/ns:default"), 404, "not_found")
    assert_error(victim.patch("/processes/all", {"max_restarts": 1}), 404, "not_found")
    r = victim.patch("/processes/ns:default/enabled", {"enabled": True})
    assert r.status == 200 and r.json()["affected"] >= 1
    assert victim.instance("victim")["status"] == "running"


@pytest.mark.parametrize("name", ["a/b", "..", "../escape", "", "x" * 65, "a\x01b", "a\nb", "a b", ".hidden",
                                  "-dash", "all", "ns:x", "\u00e9t\u00e9"])
def test_impossible_names_in_a_new_app(victim, base_dir, name):
    listing = sorted(os.listdir(os.path.dirname(victim.home)))
    logs = sorted(os.listdir(os.path.join(victim.home, "logs")))
    err = assert_error(victim.post("/processes", {"name": name, "command": "/bin/true"}), 422, "invalid")
    assert err["field"] == "name"
    # Nothing was created anywhere: not in the data dir, not next to it.
    assert sorted(os.listdir(os.path.dirname(victim.home))) == listing
    assert sorted(os.listdir(os.path.join(victim.home, "logs"))) == logs
    assert not os.path.exists(os.path.join(os.path.dirname(victim.home), "escape"))


def test_unknown_routes_and_methods(victim):
    assert_error(victim.get("/nothing/here"), 404, "not_found")
    assert_error(victim.get("/processes/victim/logs/nothing"), 404, "not_found")
    assert_error(victim.get("/api/v2/processes"), 404, "not_found")
    for method, path, allow in (("PUT", "/processes", "GET, HEAD, POST"),
                                ("POST", "/processes/victim", "DELETE, GET, HEAD, PATCH"),
                                ("GET", "/processes/victim/start", "POST"),
                                ("DELETE", "/system/health", "GET, HEAD"),
                                ("GET", "/system/shutdown", "POST")):
        r = victim.request(method, path)
        assert_error(r, 405, "method_not_allowed")
        assert sorted(r.headers["allow"].split(", ")) == sorted(allow.split(", ")), (method, path, r.headers)


def test_wrong_content_type(victim):
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data"):
        r = victim.post("/processes", b'{"name":"ct","command":"/bin/true"}', headers={"Content-Type": ctype})
        assert_error(r, 415, "unsupported_media_type")
    r = victim.post("/processes", b'{"name":"ct","command":"/bin/true"}')  # no Content-Type at all
    assert_error(r, 415, "unsupported_media_type")
    # Parameters are fine.
    r = victim.post("/processes", b'{"name":"ct","command":"/bin/true"}',
                    headers={"Content-Type": "Application/JSON; charset=utf-8"}, )
    assert r.status == 201
    assert victim.delete("/processes/ct").status == 200


def raw_exchange(daemon, data, timeout=10.0):
    """Send `data` on a new connection (ignoring a reset once the server answered) and read
    one response."""
    s = raw_connect(daemon.sock, timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        f = s.makefile("rb")
        return read_response(f)
    finally:
        s.close()


def test_oversized_body(victim):
    body = b'{"name":"big","command":"/bin/true","args":["' + b"x" * (2 * 1024 * 1024) + b'"]}'
    head = (b"POST /api/v1/processes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    r = raw_exchange(victim, head + body)
    assert_error(r, 413, "payload_too_large")
    # Announced but never sent: refused from the headers alone.
    r = raw_exchange(victim, b"PUT /api/v1/system/settings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 3000000\r\n\r\n")
    assert_error(r, 413, "payload_too_large")
    # Chunked, growing past the limit.
    chunk = b"%x\r\n%s\r\n" % (512 * 1024, b"x" * 512 * 1024)
    r = raw_exchange(victim, b"POST /api/v1/processes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n" + chunk * 4 + b"0\r\n\r\n")
    assert_error(r, 413, "payload_too_large")


def test_huge_headers(victim):
    r = raw_exchange(victim, b"GET /api/v1/system/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    assert_error(r, 431, "headers_too_large")
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(3000))
    r = raw_exchange(victim, b"GET /api/v1/system/health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert_error(r, 431, "headers_too_large")
    r = raw_exchange(victim, b"GET /api/v1/" + b"p" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert r.status in (414, 431)


def test_garbage_instead_of_http(victim):
    for data in (b"HELLO\r\n\r\n", b"GET\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
                 b"GET / HTTP/9.9\r\n\r\n", b"POST /api/v1/processes HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                 b"POST /api/v1/processes HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"):
        r = raw_exchange(victim, data)
        assert r is None or 400 <= r.status < 500, (data, r)


def test_control_characters_in_a_query(victim):
    r = victim.get("/processes/victim/logs?grep=%01%02&lines=5")
    assert r.status == 200 and r.json() == {"lines": []}
    r = victim.get("/processes?namespace=%01")
    assert r.status == 200 and r.json() == {"processes": []}


def test_nul_bytes_never_shorten_a_name_or_a_query(victim):
    # At the C ABI "victim%00x" would be "victim", "namespace=%00" no filter at all.
    for method, route in ROUTES_BY_NAME:
        body = {"enabled": True} if route.endswith("enabled") else ({} if method == "PATCH" else None)
        assert_error(victim.request(method, route.format("victim%00x"), body), 404, "not_found")
    assert_error(victim.post("/processes/namespace/default%00x/stop"), 404, "not_found")
    for q in ("/processes?namespace=%00", "/processes/victim/logs?grep=%00", "/cron/next?expr=*+*+*+*+*%00x",
              "/processes/victim/logs?date=2026-01-01%00"):
        assert_error(victim.get(q), 400, "bad_request")
    err = assert_error(victim.post("/ecosystem", {"path": "/etc/passwd\u0000.toml"}), 422, "invalid")
    assert err["field"] == "path" and "NUL" in err["message"]
    assert victim.instance("victim")["status"] == "running"


def test_bad_escapes_in_the_path(victim):
    r = raw_exchange(victim, b"GET /api/v1/processes/%zz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_error(r, 400, "bad_request")
    r = raw_exchange(victim, b"GET /api/v1/processes/%4 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_error(r, 400, "bad_request")


def test_half_closed_client_still_gets_its_answer(victim):
    s = raw_connect(victim.sock)
    try:
        s.sendall(b"GET /api/v1/system/health HTTP/1.1\r\nHost: x\r\n\r\n")
        s.shutdown(socket.SHUT_WR)
        r = read_response(s.makefile("rb"))
        assert r.status == 200
    finally:
        s.close()


def test_bad_query_values(victim):
    assert_error(victim.post("/processes?start=maybe", sleeper("q")), 400, "bad_request")
    assert_error(victim.get("/events?stats=perhaps"), 400, "bad_request")
    assert_error(victim.get("/processes/victim/logs/stream?backlog=5000"), 400, "bad_request")
    assert_error(victim.get("/processes/victim/logs/stream?stream=x"), 400, "bad_request")
    assert_error(victim.get("/processes/victim/logs/download?stream=all"), 400, "bad_request")


def test_head_requests(victim):
    for path in ("/system/health", "/processes", "/events", "/processes/victim/logs/stream"):
        r = victim.request("HEAD", path)
        assert r.status == 200 and r.body == b"", (path, r)
    assert victim.request("HEAD", "/processes/nope").status == 404



def test_deeply_nested_input(victim):
    deep = "[" * 5000 + "]" * 5000
    r = victim.post("/processes", '{"name":"deep","command":"/bin/true","args":' + deep + "}", headers=JSON)
    assert_error(r, 400, "invalid_json")
    for fmt, text in (("json", deep), ("toml", "a = " + deep), ("yaml", "a: " + "{b: " * 5000 + "}" * 5000)):
        assert_error(victim.post("/ecosystem", {"content": text, "format": fmt}), 422, "invalid")


def test_a_field_given_twice(victim):
    # The library would keep the last "name", a naive reader the first: refuse instead.
    r = victim.post("/processes", b'{"name":"twice-a","name":"twice-b","command":"/bin/true"}', headers=JSON)
    assert assert_error(r, 422, "invalid")["field"] == "name"
    r = victim.patch("/processes/victim", b'{"max_restarts":1,"max_restarts":2}', headers=JSON)
    assert assert_error(r, 422, "invalid")["field"] == "max_restarts"
    r = victim.post("/ecosystem", b'{"content":"x","content":"y"}', headers=JSON)
    assert assert_error(r, 422, "invalid")["field"] == "content"
