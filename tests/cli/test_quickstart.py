# SPDX-License-Identifier: MIT
# The Quick Start of docs (alter-readme.md), step by step, with a real alterd: a python
# http.server and a node (or sh) script, list, logs, logs --follow, stop, restart, delete, web.
import os
import select
import shutil
import signal
import socket
import time
import urllib.request

import pytest

from conftest import wait_for

NODE = shutil.which("node")
PYTHON = shutil.which("python3")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_until(proc, pred, timeout=10.0):
    """Read the process's stdout until pred(text) holds; returns the text."""
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    buf = b""
    deadline = time.monotonic() + timeout
    while not pred(buf.decode(errors="replace")):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out; got so far:\n{buf.decode(errors='replace')}")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buf += chunk
    return buf.decode(errors="replace")


TICK_JS = """let i = 0;
setInterval(() => { console.log('tick ' + i); i += 1; }, 100);
"""

TICK_SH = """i=0
while true; do echo "tick $i"; i=$((i+1)); sleep 0.1; done
"""


@pytest.mark.skipif(PYTHON is None, reason="python3 not in PATH")
def test_quick_start(daemon):
    cli = daemon
    # 2. Start processes: a python http.server and a script named 'api'.
    port = free_port()
    p = cli.ok("start", "python3", "--", "-m", "http.server", port, "--bind", "127.0.0.1")
    assert "started app 'http.server' (1 instance)" in p.stdout
    if NODE:
        with open(os.path.join(cli.cwd, "server.js"), "w") as f:
            f.write(TICK_JS)
        p = cli.ok("start", "node", "--", "server.js", "--name", "api")
        assert cli.instance("api")["command"] == NODE
        assert cli.instance("api")["args"] == ["server.js"]
    else:
        with open(os.path.join(cli.cwd, "server.sh"), "w") as f:
            f.write(TICK_SH)
        p = cli.ok("start", "sh", "--", "server.sh", "--name", "api")
    assert "started app 'api'" in p.stdout
    assert "NAME" in p.stdout and "STATUS" in p.stdout
    cli.wait_status("api", "running")
    cli.wait_status("http.server", "running")

    # The http.server answers (its working directory is ours).
    def get():
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/server.js" if NODE else
                                          f"http://127.0.0.1:{port}/server.sh", timeout=2).status == 200
        except OSError:
            return False
    wait_for(get, 10, "http.server to answer")

    # 3. list
    out = cli.ok("list").stdout
    header, *rows = out.splitlines()
    assert header.split()[:5] == ["NAME", "NAMESPACE", "STATUS", "PID", "UPTIME"]
    assert "CPU" in header and "MEM" in header and "\u21ba" in header
    assert [r.split()[0] for r in rows] == ["api", "http.server"]
    assert all(r.split()[2] == "running" for r in rows)
    assert "\x1b[" not in out

    # 4. logs, then logs --follow receiving new lines
    wait_for(lambda: "tick 2" in cli.ok("logs", "api").stdout, 10, "api output")
    out = cli.ok("logs", "api", "-n", "2").stdout.splitlines()
    assert len(out) == 2 and all(" api | tick " in l for l in out)
    wait_for(lambda: "GET /server" in cli.ok("logs", "http.server", "--err").stdout, 10, "access log")
    follow = cli.popen("logs", "api", "--follow", "-n", "0")
    try:
        first = read_until(follow, lambda t: t.count("\n") >= 1)
        n0 = int(first.split("tick ")[1].split()[0])
        text = read_until(follow, lambda t: f"tick {n0 + 3}" in t)
        assert "api | tick" in text
        follow.send_signal(signal.SIGINT)
        assert follow.wait(10) == 0
    finally:
        follow.kill()

    # 5. Control processes
    p = cli.ok("stop", "api")
    assert "stopped api (1 instance)" in p.stdout
    assert cli.status("api") == "stopped"
    p = cli.ok("restart", "api")
    assert "restarted api" in p.stdout
    cli.wait_status("api", "running")
    p = cli.ok("delete", "api")
    assert "deleted api" in p.stdout
    assert cli.instance("api") is None

    # 6. The dashboard's address. This daemon runs with --no-web: nothing serves it.
    p = cli.run("web", check=1)
    assert p.stdout == "" and "the dashboard is off (the daemon was started with --no-web)" in p.stderr
    assert cli.ok("web", env={"ALTER_WEB_URL": "http://example:1/"}).stdout == "http://example:1/\n"


def test_dashboard_url_from_web_json(cli):
    alterd_dir = os.path.dirname(os.environ.get("ALTERD_BIN", ""))
    web = os.path.join(os.path.dirname(alterd_dir), "alter-web", "alter-web")
    if not os.access(web, os.X_OK):
        pytest.skip("alter-web is not built")
    p = cli.ok("daemon", "start", "--web-port", "0")
    try:
        assert "dashboard: http://127.0.0.1:" in p.stdout
        wait_for(lambda: os.path.exists(os.path.join(cli.home, "web.json")), 10, "web.json")
        out = cli.ok("web").stdout
        url = out.splitlines()[0]
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":2999/")
        web = cli.json("daemon", "status")["web"]
        assert web == {"enabled": True, "running": True, "url": url}
        # No password yet: the one-time setup code alter-web wrote is shown too.
        with open(os.path.join(cli.home, "web-setup-code")) as f:
            code = f.read().strip()
        assert code and f"enter the one-time setup code {code}" in out
        assert cli.json("web") == {"url": url, "setup_code": code}
    finally:
        cli.run("daemon", "stop")
