# SPDX-License-Identifier: MIT
# Fixtures for the `alter` CLI tests: the binaries (ALTER_BIN, ALTERD_BIN from meson), a fresh
# data dir per test, a real alterd started with `alter --home D daemon start --no-web` and
# stopped at the end, and polling helpers (no fixed sleeps: conditions with deadlines).
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _find(env_name, *candidates):
    p = os.environ.get(env_name)
    if p:
        return p
    for c in candidates:
        if os.access(c, os.X_OK):
            return c
    pytest.exit(f"{env_name} is not set (run through meson test)", returncode=2)


ALTER = _find("ALTER_BIN", os.path.join(ROOT, "build", "alter-cli", "alter"))
ALTERD = _find("ALTERD_BIN", os.path.join(ROOT, "build", "alterd", "alterd"))


def base_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("ALTER_HOME", "ALTER_TOKEN", "ALTER_WEB_URL", "NO_COLOR", "ALTER_LOG_DIR",
                        "DISPLAY", "WAYLAND_DISPLAY")}
    env["ALTERD_BIN"] = ALTERD
    env["PATH"] = os.path.dirname(ALTER) + os.pathsep + env.get("PATH", "/usr/bin:/bin")
    env.update(extra)
    return env


def wait_for(cond, timeout=10.0, what="condition"):
    """Poll cond() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.1)


class Cli:
    """Runs `alter --home <home> ...` with a clean environment."""

    def __init__(self, home, cwd):
        self.home = home
        self.cwd = cwd
        self.env = base_env()

    def run(self, *args, home=True, env=None, timeout=30, input=None, cwd=None, check=None):
        argv = [ALTER] + (["--home", self.home] if home else []) + [str(a) for a in args]
        e = dict(self.env)
        if env:
            e.update(env)
        p = subprocess.run(argv, capture_output=True, text=True, env=e, timeout=timeout, input=input,
                           cwd=cwd or self.cwd)
        if check is not None:
            assert p.returncode == check, (
                f"alter {' '.join(map(str, args))}: exit {p.returncode}, expected {check}\n"
                f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        return p

    def ok(self, *args, **kw):
        return self.run(*args, check=0, **kw)

    def json(self, *args, **kw):
        p = self.run("--json", *args, check=0, **kw)
        return json.loads(p.stdout)

    def popen(self, *args, env=None):
        e = dict(self.env)
        if env:
            e.update(env)
        return subprocess.Popen([ALTER, "--home", self.home] + [str(a) for a in args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=e, cwd=self.cwd)

    # --- state helpers ---
    def processes(self):
        return self.json("list")["processes"]

    def instance(self, name):
        for p in self.processes():
            if p["name"] == name:
                return p
        return None

    def status(self, name):
        i = self.instance(name)
        return i["status"] if i else None

    def wait_status(self, name, *states, timeout=10.0):
        return wait_for(lambda: self.status(name) in states, timeout, f"{name} in {states}")

    def daemon_pid(self):
        try:
            with open(os.path.join(self.home, "alterd.pid")) as f:
                return int(f.read().strip() or 0)
        except (OSError, ValueError):
            return 0


@pytest.fixture
def workdir():
    # Short paths: the socket path must fit in sun_path (108 bytes).
    d = tempfile.mkdtemp(prefix="altcli-", dir="/tmp")
    os.makedirs(os.path.join(d, "home"))
    os.makedirs(os.path.join(d, "work"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def cli(workdir):
    """A CLI bound to a fresh data dir, without a daemon."""
    return Cli(os.path.join(workdir, "home"), os.path.join(workdir, "work"))


def _kill_daemon(c):
    pid = c.daemon_pid()
    if c.run("daemon", "status").returncode == 0:
        c.run("daemon", "stop", timeout=30)
    if pid > 0:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


@pytest.fixture
def daemon(cli):
    """A CLI with a running alterd (stopped, or killed, at the end)."""
    p = cli.ok("daemon", "start", "--no-web")
    assert "alter daemon started" in p.stdout
    yield cli
    _kill_daemon(cli)
