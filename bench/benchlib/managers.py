# SPDX-License-Identifier: MIT
"""What every manager adapter provides, and alter's adapter.

An adapter starts one fresh daemon in its own temporary directory, adds apps the way a user of
that manager would, answers "how many are running" with the manager's own status command, and
tears everything down. Peers are in peers.py.
"""
import json
import os
import resource
import subprocess

from . import procs
from .util import mono, run, unix_request, wait_until


class Manager:
    name = "?"
    # What an app line looks like in the log file, beyond the payload (alter's timestamp).
    log_prefix_bytes = 0

    def __init__(self, ctx, label=None):
        self.ctx = ctx
        self.label = label or self.name
        self.dir = ctx.new_dir(self.label)
        self.daemon_pid = None
        self.popen = None

    # -- lifecycle
    def start(self, expected_apps=100):
        """Starts the daemon; returns the seconds until it answers."""
        raise NotImplementedError

    def teardown(self):
        raise NotImplementedError

    def pids(self):
        """The manager's own processes (memory and CPU are summed over them)."""
        return [self.daemon_pid]

    def root(self):
        return self.daemon_pid

    # -- apps
    def prepare_sleep_apps(self, n):
        """Writes whatever config adds n `sleep 3600` apps; returns the add command's argv."""
        raise NotImplementedError

    def running_count(self):
        raise NotImplementedError

    def status_all(self):
        """A list of argvs: the "status of everything" form (run one after another)."""
        raise NotImplementedError

    def status_one(self, name):
        raise NotImplementedError

    def stop_all(self):
        raise NotImplementedError

    def add_crash(self, stamp_file):
        raise NotImplementedError

    def add_flood(self, shell_cmd):
        """Starts one app running `sh -c shell_cmd`, logging its stdout to files flood_files()."""
        raise NotImplementedError

    def flood_files(self):
        raise NotImplementedError

    def version(self):
        """The version string; raises when the manager is not usable (the peer is then skipped)."""
        return "?"

    def how(self):
        """Markdown lines for docs/BENCHMARKS.md: how the harness drives this manager."""
        return []

    def command_env(self):
        """The environment the manager's commands need (PM2_HOME...)."""
        return getattr(self, "env", None)

    def limits_preexec(self):
        """A preexec_fn for the daemon (or the command that starts it): scale runs need room for a
        few descriptors per app (as root the hard limit may be raised)."""
        nofile = self.ctx.nofile

        def limits():
            if nofile:
                soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
                want = max(soft, nofile)
                try:
                    resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
                except (ValueError, OSError):
                    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return limits

    def _popen(self, argv, env, log_name):
        log = open(os.path.join(self.dir, log_name), "ab")
        p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                             start_new_session=True, cwd=self.dir, preexec_fn=self.limits_preexec())
        log.close()
        self.ctx.cleanup.add(p.pid)
        return p

    def _wait_exit(self, timeout):
        """Waits for the daemon to be gone; True when it is."""
        def gone():
            procs.reap_zombies()
            if self.popen is not None and self.popen.poll() is not None:
                return True
            st = procs.read_stat(self.daemon_pid) if self.daemon_pid else None
            return st is None or st[1] in ("Z", "X")
        ok = wait_until(gone, timeout, 0.01)
        return bool(ok)


def _name(prefix, i, n):
    return f"{prefix}{i:0{max(3, len(str(n)))}d}"


class Alter(Manager):
    name = "alter"
    log_prefix_bytes = 25  # "YYYY-MM-DDTHH:MM:SS.mmmZ "

    def __init__(self, ctx, label=None, web=False, stats_interval_ms=0):
        super().__init__(ctx, label)
        self.web = web
        self.stats_interval_ms = stats_interval_ms
        self.home = os.path.join(self.dir, "home")
        self.sock = os.path.join(self.home, "alterd.sock")
        self.env = dict(ctx.base_env, HOME=self.dir, ALTER_HOME=self.home, ALTER_WEB_BIN=ctx.alter_web)

    def version(self):
        rc, out, _ = run([self.ctx.alterd, "--version"])
        return out.strip().split()[-1] if rc == 0 else "?"

    def how(self):
        app = self._app_spec("s001", {})
        return [
            "Built by `scripts/bench` in `build-bench` (`meson setup -Dbuildtype=release -Dtests=false`).",
            "Daemon: `alterd --home $W/home --foreground --no-web` (the dashboard session adds "
            "`--web-port 0 --web-bind 127.0.0.1` instead of `--no-web`); it is up when "
            "`GET /api/v1/system/health` on `$W/home/alterd.sock` answers 200.",
            f"Apps: `alter --home $W/home start $W/eco-N.json` (over 4096 apps, alter's limit per file: several "
            "files, one `alter start` each, chained with `&&`), one app each: "
            f"`{json.dumps(app).replace(self.dir, '$W')}`. "
            "M3 and M4 add their app with `POST /api/v1/processes` (M3: `restart_delay_ms: 0, "
            "max_restart_delay_ms: 0`; M4: `restart: never`, `log_max_size: 0`, `log_retain_days: 0`, "
            "log file `$W/home/logs/flood/out.log`, each line prefixed with a 25-byte timestamp).",
            "Status: `alter list --json` (all), `alter --json describe NAME` (one); the daemon's own share is "
            "`GET /api/v1/processes` from the harness. Stop: `alter stop all`. Teardown: "
            "`POST /api/v1/system/shutdown`.",
        ]

    def cli(self, *args):
        return [self.ctx.alter, "--home", self.home, *args]

    def start(self, expected_apps=100):
        argv = [self.ctx.alterd, "--home", self.home, "--foreground"]
        argv += ["--web-port", "0", "--web-bind", "127.0.0.1"] if self.web else ["--no-web"]
        if self.stats_interval_ms:
            argv += ["--stats-interval", str(self.stats_interval_ms)]
        t0 = mono()
        self.popen = self._popen(argv, self.env, "alterd.out")
        self.daemon_pid = self.popen.pid

        def up():
            if self.popen.poll() is not None:
                raise RuntimeError(f"alterd exited with {self.popen.returncode} (see {self.dir}/alterd.out)")
            if not os.path.exists(self.sock):
                return False
            try:
                return unix_request(self.sock, "GET", "/api/v1/system/health", timeout=5)[0] == 200
            except OSError:
                return False
        if not wait_until(up, 15, 0.002):
            raise RuntimeError("alterd did not answer within 15 s")
        dt = mono() - t0
        if self.web:
            wait_until(lambda: self.web_pid() and os.path.exists(os.path.join(self.home, "web.json")), 15, 0.01)
        return dt

    def web_pid(self):
        for p in procs.descendants(self.daemon_pid):
            st = procs.read_stat(p)
            if st and st[0] == "alter-web":
                return p
        return None

    def pids(self):
        out = [self.daemon_pid]
        if self.web:
            w = self.web_pid()
            if w:
                out.append(w)
        return out

    def api(self, method, url, body=None, timeout=60):
        return unix_request(self.sock, method, url, body, timeout)

    def teardown(self):
        if self.popen is None or self.popen.poll() is not None:
            return
        try:
            self.api("POST", "/api/v1/system/shutdown", timeout=5)
        except OSError:
            self.popen.terminate()
        if not self._wait_exit(30):
            self.popen.kill()
            self._wait_exit(5)

    def _app_spec(self, name, extra):
        app = {"name": name, "command": "/bin/sleep", "args": ["3600"],
               "cwd": self.dir, "restart": "always", "restart_delay_ms": 0, "max_restarts": 0}
        app.update(extra)
        return app

    MAX_APPS_PER_FILE = 4096  # libalter's config_limits::max_apps (docs/CONFIG.md, ALTER_ELIMIT)

    def _write_eco(self, n, prefix, extra):
        """The ecosystem file(s) for n apps: one, or several of at most 4096 apps each."""
        apps = [self._app_spec(_name(prefix, i, n), extra) for i in range(1, n + 1)]
        paths = []
        for k in range(0, n, self.MAX_APPS_PER_FILE):
            path = os.path.join(self.dir, f"eco-{n}" + (f"-{k // self.MAX_APPS_PER_FILE + 1}" if n > self.MAX_APPS_PER_FILE else "")
                                + ".json")
            with open(path, "w") as f:
                json.dump({"apps": apps[k:k + self.MAX_APPS_PER_FILE]}, f, indent=1)
            paths.append(path)
        return paths

    def prepare_sleep_apps(self, n):
        files = self._write_eco(n, "s", {})
        self.eco_file = files[0]
        if len(files) == 1:
            return self.cli("start", files[0])
        # More apps than one file may hold: one `alter start` per file, one after another.
        return ["/bin/sh", "-c", " && ".join(f'"$0" --home "$1" start "{f}"' for f in files), self.ctx.alter, self.home]

    def running_count(self):
        rc, out, _ = run(self.cli("list", "--json"))
        if rc != 0:
            return 0
        return sum(1 for p in json.loads(out)["processes"] if p["status"] == "running" and p.get("pid"))

    def status_all(self):
        return [self.cli("list", "--json")]

    def status_one(self, name):
        return [self.cli("--json", "describe", name)]

    def api_list(self):
        """GET /api/v1/processes from the harness: the daemon's share of `alter list --json`."""
        st, _ = self.api("GET", "/api/v1/processes")
        if st != 200:
            raise RuntimeError(f"GET /processes answered {st}")

    def api_one(self, name):
        """GET /api/v1/processes/NAME from the harness: the daemon's share of `alter describe`."""
        st, _ = self.api("GET", f"/api/v1/processes/{name}")
        if st != 200:
            raise RuntimeError(f"GET /processes/{name} answered {st}")

    def stop_all(self):
        return self.cli("stop", "all")

    def _add(self, spec):
        st, body = self.api("POST", "/api/v1/processes", spec)
        if st != 201:
            raise RuntimeError(f"alter: POST /processes answered {st}: {body}")

    def add_crash(self, stamp_file):
        self._add({"name": "crash", "command": self.ctx.stamp, "args": [stamp_file, "crash", "100", "1"],
                   "cwd": self.dir, "restart": "always", "restart_delay_ms": 0, "max_restart_delay_ms": 0,
                   "max_restarts": 0})

    def add_flood(self, shell_cmd):
        self._add({"name": "flood", "command": "/bin/sh", "args": ["-c", shell_cmd], "cwd": self.dir,
                   "restart": "never", "log_max_size": 0, "log_retain_days": 0})

    def flood_files(self):
        return [os.path.join(self.home, "logs", "flood", "out.log")]
