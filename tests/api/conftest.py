# SPDX-License-Identifier: MIT
"""Fixtures and helpers for the /api/v1 tests: a real alterd in a fresh data dir, spoken to
over its unix socket with http.client (stdlib only) or raw sockets.

Nothing here sleeps for a fixed time: every wait polls a condition until a deadline."""

import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DEADLINE = 20.0  # seconds; generous because CI machines can be very busy


def alterd_bin():
    path = os.environ.get("ALTERD_BIN")
    if path:
        return path
    # Run by hand (python3 -m pytest tests/api): the newest alterd of any build dir.
    found = glob.glob(os.path.join(HERE, "..", "..", "build*", "alterd", "alterd"))
    if not found:
        pytest.exit("set ALTERD_BIN to the alterd binary", returncode=2)
    return max(found, key=os.path.getmtime)


def wait_for(pred, timeout=DEADLINE, what="condition", interval=0.02):
    """Poll pred() until it returns something truthy; return that value or fail."""
    end = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            v = pred()
            if v:
                return v
        except (OSError, http.client.HTTPException, ValueError) as e:
            last_exc = e
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}" + (f" (last error: {last_exc!r})" if last_exc else ""))
        time.sleep(interval)


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over an AF_UNIX stream socket."""

    def __init__(self, path, timeout=10.0):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = raw_connect(self.unix_path, self.timeout)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # {lower-case name: value}
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self):
        return self.body.decode("utf-8")

    def error_code(self):
        return self.json()["error"]["code"]

    def __repr__(self):
        return f"<Response {self.status} {self.body[:300]!r}>"


def read_response(f):
    """Read one HTTP/1.1 response with a Content-Length body from a binary file object."""
    line = f.readline()
    if not line:
        return None
    parts = line.decode("latin-1").split(" ", 2)
    status = int(parts[1])
    headers = {}
    while True:
        h = f.readline().decode("latin-1").rstrip("\r\n")
        if not h:
            break
        k, _, v = h.partition(":")
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    body = f.read(n) if n else b""
    return Response(status, headers, body)


def raw_connect(path, timeout=10.0):
    """Connect to a unix socket; a path over sun_path's 108 bytes goes through its directory
    (/proc/self/fd/N/NAME), as alter-net's clients do."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    dir_fd = None
    try:
        if len(path.encode()) >= 108:
            dir_fd = os.open(os.path.dirname(path), os.O_PATH | os.O_DIRECTORY)
            s.connect(f"/proc/self/fd/{dir_fd}/{os.path.basename(path)}")
        else:
            s.connect(path)
    except OSError:
        s.close()
        raise
    finally:
        if dir_fd is not None:
            os.close(dir_fd)
    return s


def proc_ppid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    return int(data[data.rindex(")") + 2:].split()[1])


def proc_alive(pid):
    """True if pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return False
    return data[data.rindex(")") + 2] != "Z"


def descendants(pid):
    """Every live descendant of pid (children, grandchildren, ...)."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            pp = proc_ppid(int(d))
            if pp is not None:
                children.setdefault(pp, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return [p for p in out if proc_alive(p)]


class Daemon:
    """One alterd --foreground --no-web on `home`."""

    def __init__(self, home):
        self.home = home
        self.sock = os.path.join(home, "alterd.sock")
        self.proc = None
        self.out_path = home + ".out"

    # ---- process ------------------------------------------------------------------------
    def start(self):
        out = open(self.out_path, "ab")
        self.proc = subprocess.Popen([alterd_bin(), "--home", self.home, "--foreground", "--no-web"],
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        out.close()

        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"alterd exited with {self.proc.returncode}: {self.output()}")
            return self.get("/system/health").status == 200

        wait_for(up, what="alterd to answer /system/health")
        return self

    @property
    def pid(self):
        return self.proc.pid

    def output(self):
        try:
            with open(self.out_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def daemon_log(self):
        try:
            with open(os.path.join(self.home, "daemon.log"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_exit(self, timeout=DEADLINE):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("alterd did not exit in time")

    def stop(self):
        """SIGTERM; alterd must exit 0 and leave no process of its apps behind."""
        if self.proc is None or self.proc.poll() is not None:
            return
        kids = descendants(self.pid)
        self.proc.send_signal(signal.SIGTERM)
        rc = self.wait_exit()
        assert rc == 0, f"alterd exited with {rc}: {self.output()}"
        wait_for(lambda: not [p for p in kids if proc_alive(p)], what="the apps' processes to be gone")

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            for p in descendants(self.pid):
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
            self.proc.kill()
            self.proc.wait()

    # ---- HTTP ---------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, timeout=10.0):
        """One request on a new connection. `path` is under /api/v1 unless it starts with /api/.
        `body`: bytes/str sent as is, or any other value sent as JSON."""
        hdrs = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode("utf-8")
        c = UnixHTTPConnection(self.sock, timeout=timeout)
        try:
            c.request(method, path if path.startswith("/api/") else "/api/v1" + path, body=body, headers=hdrs)
            r = c.getresponse()
            with r:
                return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # ---- apps ---------------------------------------------------------------------------
    def create(self, spec, start=True):
        r = self.post("/processes" + ("" if start else "?start=false"), spec)
        assert r.status == 201, r
        return r.json()

    def app(self, name):
        r = self.get(f"/processes/{name}")
        assert r.status == 200, r
        return r.json()

    def instance(self, name):
        """The status of one instance (the app's first if `name` is an app)."""
        return self.app(name)["instances"][0]

    def wait_status(self, name, status, timeout=DEADLINE):
        want = {status} if isinstance(status, str) else set(status)
        return wait_for(lambda: (lambda i: i if i["status"] in want else None)(self.instance(name)),
                        timeout, what=f"{name} to be {status}")

    def names(self):
        return sorted(p["name"] for p in self.get("/processes").json()["processes"])

    def healthy(self):
        r = self.get("/system/health", timeout=5.0)
        return r.status == 200 and r.json()["status"] == "ok"


class SSEReader:
    """Reads an SSE response on a background thread; events are (event, data) pairs."""

    def __init__(self, daemon, path, timeout=30.0):
        self.conn = UnixHTTPConnection(daemon.sock, timeout=timeout)
        self.conn.request("GET", "/api/v1" + path)
        self.resp = self.conn.getresponse()
        self.events = []
        self.comments = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        ev, data = "message", []
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    return
                line = line.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if data:
                        with self.lock:
                            self.events.append((ev, "\n".join(data)))
                    ev, data = "message", []
                elif line.startswith(":"):
                    with self.lock:
                        self.comments.append(line)
                elif line.startswith("event:"):
                    ev = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip(" ") if line.startswith("data: ") else line[5:])
        except (OSError, ValueError, AttributeError):
            return  # the stream ended, or close() shut the socket down under us

    def find(self, pred):
        with self.lock:
            return [json.loads(d) for e, d in self.events if pred(e, json.loads(d))]

    def close(self):
        # Shut the socket down first: that wakes the reader thread, which holds the buffer lock
        # that conn.close() needs.
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.thread.join(10)
        self.conn.close()


def sleeper(name, **kw):
    spec = {"name": name, "command": "/bin/sleep", "args": ["600"]}
    spec.update(kw)
    return spec


def sh(name, script, **kw):
    spec = {"name": name, "command": "/bin/sh", "args": ["-c", script]}
    spec.update(kw)
    return spec


@pytest.fixture
def base_dir():
    """A fresh directory under /tmp (short enough for a socket path, reachable by other
    users when a test opens it up)."""
    d = tempfile.mkdtemp(prefix="alter-api-", dir="/tmp")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def make_daemon(base_dir):
    """Start daemons on <base>/home (or another dir); every one is stopped at the end."""
    started = []

    def make(home=None):
        d = Daemon(home or os.path.join(base_dir, "home"))
        started.append(d)
        return d.start()

    yield make
    errors = []
    for d in started:
        try:
            d.stop()
        except AssertionError as e:
            errors.append(str(e))
            d.kill()
    assert not errors, errors


@pytest.fixture(scope="module")
def daemon():
    """One daemon shared by a module's tests (each test uses its own app names)."""
    base = tempfile.mkdtemp(prefix="alter-api-", dir="/tmp")
    d = Daemon(os.path.join(base, "home"))
    try:
        d.start()
        yield d
        d.stop()
    finally:
        d.kill()
        shutil.rmtree(base, ignore_errors=True)
