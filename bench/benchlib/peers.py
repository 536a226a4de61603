# SPDX-License-Identifier: MIT
"""The peers: PM2 (npm, local prefix), supervisord and s6 (Debian packages), each started by
hand in a private temporary directory, configured exactly as shared/reference/peer-benchmarks.md
describes, and torn down by PID."""
import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys

from . import procs
from .managers import Manager, _name
from .util import mono, run, wait_until

NPM_PM2_SPEC = "pm2@7.0.4"  # the version of the peers doc; --pm2-spec overrides


DEBS = {  # peer name -> (the executable that shows it is installed, the Debian package)
    "supervisord": ("supervisord", "supervisor"),
    "s6": ("s6-svscan", "s6"),
}
POLICY_RC_D = "/usr/sbin/policy-rc.d"


@contextlib.contextmanager
def no_service_start(log):
    """apt-get install of supervisor would start a system supervisord (invoke-rc.d) on a machine
    without a policy-rc.d: a temporary one that answers 101 ("action forbidden") prevents it.
    An existing policy-rc.d is left alone."""
    if os.path.exists(POLICY_RC_D):
        yield
        return
    with open(POLICY_RC_D, "w") as f:
        f.write("#!/bin/sh\n# Temporary, written by alter's bench/benchlib/peers.py during apt-get install.\nexit 101\n")
    os.chmod(POLICY_RC_D, 0o755)
    log(f"wrote a temporary {POLICY_RC_D} (exit 101) so that apt-get starts no system service")
    try:
        yield
    finally:
        try:
            os.unlink(POLICY_RC_D)
        except OSError:
            pass


def peer_installed(ctx, peer):
    if peer == "pm2":
        return os.path.exists(pm2_bin(ctx))
    if peer in DEBS:
        return shutil.which(DEBS[peer][0]) is not None
    return True  # the harness's own fake peers


def install_pm2(ctx, log):
    """npm install into bench/.peers/pm2. The environment is the caller's (the machine's CA
    certificates and proxy settings: NODE_EXTRA_CA_CERTS and the like), with HOME and PM2_HOME
    in a temporary directory. Returns None or the reason it failed."""
    if not shutil.which("npm"):
        return "npm not found"
    prefix = os.path.join(ctx.peers_dir, "pm2")
    os.makedirs(prefix, exist_ok=True)
    home = ctx.new_dir("npm-home")
    env = dict(os.environ, HOME=home, PM2_HOME=os.path.join(home, ".pm2"),
               npm_config_update_notifier="false", npm_config_fund="false", npm_config_audit="false")
    log(f"installing {ctx.pm2_spec} with npm into {prefix}")
    try:
        rc, out, _ = run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", ctx.pm2_spec],
                         env=env, timeout=600)
    except (OSError, subprocess.SubprocessError) as e:
        return f"npm install failed: {e}"
    if rc != 0 or not os.path.exists(pm2_bin(ctx)):
        return "npm install failed: " + " ".join(out.split())[-300:]
    return None


def install_debs(peers, log):
    """apt-get install of the Debian packages of peers (as root); returns {peer: reason} for the
    ones still missing afterwards."""
    skipped = {}
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        for peer in peers:
            exe, pkg = DEBS[peer]
            skipped[peer] = f"{exe} not installed and not root (apt-get install {pkg})"
        return skipped
    pkgs = [DEBS[p][1] for p in peers]
    log(f"installing {' '.join(pkgs)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    out = ""
    try:
        with no_service_start(log):
            run(["apt-get", "update", "-qq"], env=env, timeout=600)
            rc, out, _ = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *pkgs], env=env, timeout=900)
    except (OSError, subprocess.SubprocessError) as e:
        out = str(e)
    for peer in peers:
        exe, pkg = DEBS[peer]
        if not shutil.which(exe):
            skipped[peer] = f"apt-get install {pkg} failed: " + " ".join(out.split())[-300:]
    return skipped


def install_peers(ctx, wanted, log, install=True):
    """Installs what is missing (unless install is False: then missing peers are skipped);
    returns {peer: reason} for the peers to skip. Never raises."""
    skipped = {}
    missing = [p for p in wanted if not peer_installed(ctx, p)]
    if not install:
        for p in missing:
            skipped[p] = "not installed (--quick installs nothing; a full run installs it)"
        return skipped
    if "pm2" in missing:
        reason = install_pm2(ctx, log)
        if reason:
            skipped["pm2"] = reason
    debs = [p for p in missing if p in DEBS]
    if debs:
        skipped.update(install_debs(debs, log))
    return skipped


def pm2_bin(ctx):
    return os.path.join(ctx.peers_dir, "pm2", "node_modules", ".bin", "pm2")


def deb_version(pkg):
    rc, out, _ = run(["dpkg-query", "-W", "-f", "${Version}", pkg])
    return out.strip() if rc == 0 else "?"


class PM2(Manager):
    name = "pm2"

    def __init__(self, ctx, label=None):
        super().__init__(ctx, label)
        self.bin = pm2_bin(ctx)
        self.pm2_home = os.path.join(self.dir, ".pm2")
        # Never the user's PM2_HOME: the first pm2 command would start a daemon there.
        self.env = dict(ctx.base_env, HOME=self.dir, PM2_HOME=self.pm2_home)

    def version(self):
        with open(os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(self.bin))), "package.json")) as f:
            v = json.load(f)["version"]
        rc, out, _ = run(["node", "--version"])
        return f"{v} (node {out.strip()})"

    def how(self):
        app = self._app("s001", "/bin/sleep", ["3600"])
        return [
            f"Installed with `npm install --prefix bench/.peers/pm2 {self.ctx.pm2_spec}` (never globally); "
            "`HOME` and `PM2_HOME` point into the session's temporary directory `$W`.",
            "Daemon: `pm2 ping` starts the God daemon; its PID is read from `$PM2_HOME/pm2.pid`.",
            f"Apps: `pm2 start $W/eco-N.json`, one app each: `{json.dumps(app)}` (`max_restarts` is raised: "
            "the default stops an app after 16 restarts under `min_uptime`). M4 adds `out_file`, `error_file` "
            "and `merge_logs: true`, with `autorestart: false`. Stock settings otherwise (vizion and pmx on, no `--time`).",
            "Status: `pm2 jlist` (all), `pm2 describe NAME` (one). Stop: `pm2 stop all`. "
            "Teardown: `pm2 delete all`, `pm2 kill`.",
        ]

    def pm2(self, *args):
        return [self.bin, *args]

    def start(self, expected_apps=100):
        t0 = mono()
        # The CLI spawns the God daemon, which inherits the CLI's limits (scale runs).
        run(self.pm2("ping"), env=self.env, check=True, timeout=60, preexec_fn=self.limits_preexec())
        dt = mono() - t0
        pid_file = os.path.join(self.pm2_home, "pm2.pid")
        wait_until(lambda: os.path.exists(pid_file), 10)
        with open(pid_file) as f:
            self.daemon_pid = int(f.read().strip())
        self.ctx.cleanup.add(self.daemon_pid)
        return dt

    def teardown(self):
        if not self.daemon_pid:
            return
        run(self.pm2("delete", "all"), env=self.env, timeout=120)
        run(self.pm2("kill"), env=self.env, timeout=60)
        if not self._wait_exit(10):
            try:
                os.kill(self.daemon_pid, 9)
            except OSError:
                pass
            self._wait_exit(5)

    def _eco(self, apps, tag):
        path = os.path.join(self.dir, f"eco-{tag}.json")
        with open(path, "w") as f:
            json.dump({"apps": apps}, f, indent=1)
        return path

    @staticmethod
    def _app(name, script, args, **extra):
        app = {"name": name, "script": script, "args": args, "interpreter": "none", "exec_mode": "fork",
               "autorestart": True, "restart_delay": 0, "max_restarts": 1000000}
        app.update(extra)
        return app

    def prepare_sleep_apps(self, n):
        path = self._eco([self._app(_name("s", i, n), "/bin/sleep", ["3600"]) for i in range(1, n + 1)], n)
        return self.pm2("start", path)

    def _jlist(self):
        rc, out, _ = run(self.pm2("jlist"), env=self.env, timeout=120)
        i = out.find("[")
        try:
            return json.loads(out[i:]) if i >= 0 else []
        except ValueError:
            return []

    def running_count(self):
        return sum(1 for p in self._jlist() if p.get("pm2_env", {}).get("status") == "online" and p.get("pid"))

    def status_all(self):
        return [self.pm2("jlist")]

    def status_one(self, name):
        return [self.pm2("describe", name)]

    def stop_all(self):
        return self.pm2("stop", "all")

    def add_crash(self, stamp_file):
        path = self._eco([self._app("crash", self.ctx.stamp, [stamp_file, "crash", "100", "1"])], "crash")
        run(self.pm2("start", path), env=self.env, check=True)

    def add_flood(self, shell_cmd):
        logs = os.path.join(self.dir, "logs")
        os.makedirs(logs, exist_ok=True)
        app = self._app("flood", "/bin/sh", ["-c", shell_cmd], autorestart=False,
                        out_file=os.path.join(logs, "flood.out.log"), error_file=os.path.join(logs, "flood.err.log"),
                        merge_logs=True)
        run(self.pm2("start", self._eco([app], "flood")), env=self.env, check=True)

    def flood_files(self):
        return [os.path.join(self.dir, "logs", "flood.out.log")]



SUPERVISORD_CONF = """\
[unix_http_server]
file={d}/supervisor.sock

[supervisord]
logfile={d}/supervisord.log
pidfile={d}/supervisord.pid
childlogdir={d}/childlogs
loglevel=warn
nodaemon=true
minfds={minfds}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{d}/supervisor.sock

[include]
files = {d}/conf.d/*.conf
"""


class Supervisor(Manager):
    name = "supervisord"

    def __init__(self, ctx, label=None):
        super().__init__(ctx, label)
        self.conf = os.path.join(self.dir, "supervisord.conf")
        self.confd = os.path.join(self.dir, "conf.d")
        self.env = dict(ctx.base_env, HOME=self.dir)

    def version(self):
        rc, out, _ = run(["supervisord", "--version"])  # FileNotFoundError when not installed
        return (out.strip() if rc == 0 else "?") + f" (Debian supervisor {deb_version('supervisor')})"

    def how(self):
        conf = SUPERVISORD_CONF.format(d="$W", minfds="max(1024, 4 × apps + 256), at most 19000")
        prog = self._program_lines("s001", "/bin/sleep 3600")
        return [
            "Debian's `supervisor` (apt-get, with a temporary `policy-rc.d` so that no system service starts); "
            "`supervisord -n -c $W/supervisord.conf` started by the harness, with:\n\n```ini\n" + conf + "```",
            "Apps: one file per program in `$W/conf.d/`, then `supervisorctl update`:\n\n```ini\n"
            + "\n".join(prog) + "\n```\n\n  In M4: `command=/bin/sh -c '…'`, `autorestart=false`, "
            "`stdout_logfile=$W/logs/flood.out.log`, `stdout_logfile_maxbytes=0`; in M2 stdout goes to the AUTO log "
            "in `childlogdir`.",
            "Status: `supervisorctl status` (all), `supervisorctl status NAME` (one). Stop: `supervisorctl stop all`. "
            "Teardown: `supervisorctl stop all`, `supervisorctl shutdown`.",
        ]

    def ctl(self, *args):
        return ["supervisorctl", "-c", self.conf, *args]

    def start(self, expected_apps=100):
        os.makedirs(self.confd, exist_ok=True)
        os.makedirs(os.path.join(self.dir, "childlogs"), exist_ok=True)
        with open(self.conf, "w") as f:
            f.write(SUPERVISORD_CONF.format(d=self.dir, minfds=min(19000, max(1024, 4 * expected_apps + 256))))
        t0 = mono()
        self.popen = self._popen(["supervisord", "-n", "-c", self.conf], self.env, "supervisord.out")
        self.daemon_pid = self.popen.pid

        def up():
            if self.popen.poll() is not None:
                raise RuntimeError(f"supervisord exited {self.popen.returncode}")
            rc, out, _ = run(self.ctl("pid"), env=self.env)
            return rc == 0 and out.strip().isdigit()
        if not wait_until(up, 30, 0.01):
            raise RuntimeError("supervisord did not answer")
        return mono() - t0

    def teardown(self):
        if self.popen is None or self.popen.poll() is not None:
            return
        run(self.ctl("stop", "all"), env=self.env, timeout=300)
        run(self.ctl("shutdown"), env=self.env, timeout=60)
        if not self._wait_exit(30):
            self.popen.kill()
            self._wait_exit(5)

    @staticmethod
    def _program_lines(name, command, **extra):
        lines = [f"[program:{name}]", f"command={command}", "autostart=true", "autorestart=true",
                 "startsecs=0", "startretries=1000000", "redirect_stderr=true"]
        lines += [f"{k}={v}" for k, v in extra.items()]
        return lines

    def _program(self, name, command, **extra):
        lines = self._program_lines(name, command, **extra)
        with open(os.path.join(self.confd, f"{name}.conf"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def prepare_sleep_apps(self, n):
        for i in range(1, n + 1):
            self._program(_name("s", i, n), "/bin/sleep 3600")
        return self.ctl("update")

    def running_count(self):
        rc, out, _ = run(self.ctl("status"), env=self.env, timeout=120)
        return sum(1 for line in out.splitlines() if " RUNNING " in line)

    def status_all(self):
        return [self.ctl("status")]

    def status_one(self, name):
        return [self.ctl("status", name)]

    def stop_all(self):
        return self.ctl("stop", "all")

    def add_crash(self, stamp_file):
        self._program("crash", f"{self.ctx.stamp} {stamp_file} crash 100 1")
        run(self.ctl("update"), env=self.env, check=True)

    def add_flood(self, shell_cmd):
        logs = os.path.join(self.dir, "logs")
        os.makedirs(logs, exist_ok=True)
        assert "'" not in shell_cmd and "%" not in shell_cmd
        self._program("flood", f"/bin/sh -c '{shell_cmd}'", autorestart="false",
                      stdout_logfile=os.path.join(logs, "flood.out.log"), stdout_logfile_maxbytes=0)
        run(self.ctl("update"), env=self.env, check=True)

    def flood_files(self):
        return [os.path.join(self.dir, "logs", "flood.out.log")]


class S6(Manager):
    name = "s6"

    def __init__(self, ctx, label=None):
        super().__init__(ctx, label)
        self.scan = os.path.join(self.dir, "scan")
        self.svc = os.path.join(self.dir, "svc")
        self.env = dict(ctx.base_env, HOME=self.dir)
        self.services = []

    def version(self):
        if not shutil.which("s6-svscan"):
            raise FileNotFoundError("s6-svscan")
        return deb_version("s6")

    def how(self):
        return [
            "Debian's `s6` (apt-get); `s6-svscan -c max(1000, apps + 100) $W/scan` started by the harness.",
            "Apps: a service directory `$W/svc/NAME` with `run` = `#!/bin/sh` + `exec /bin/sleep 3600`, symlinked "
            "into `$W/scan/`, then `s6-svscanctl -a $W/scan` (one rescan for all). No logger in M2 (output goes to "
            "s6-svscan's stdout); M4 adds `log/run` = `exec s6-log n100 s67108864 $W/logs/flood` and counts `current` "
            "plus the `@…` archives.",
            "Status: `s6-svstat $W/scan/NAME` for each app (all), or for one. Stop: "
            "`for d in $W/scan/s*; do s6-svc -d $d; done` (s6-svc takes one directory). "
            "Teardown: unlink the symlinks, `s6-svscanctl -an`, `s6-svscanctl -t`.",
        ]

    def start(self, expected_apps=100):
        os.makedirs(self.scan, exist_ok=True)
        os.makedirs(self.svc, exist_ok=True)
        t0 = mono()
        argv = ["s6-svscan", "-c", str(max(1000, expected_apps + 100)), self.scan]
        self.popen = self._popen(argv, self.env, "svscan.out")
        self.daemon_pid = self.popen.pid

        def up():
            if self.popen.poll() is not None:
                raise RuntimeError(f"s6-svscan exited {self.popen.returncode}")
            return run(["s6-svscanctl", "-a", self.scan], env=self.env)[0] == 0
        if not wait_until(up, 15, 0.002):
            raise RuntimeError("s6-svscan did not answer")
        return mono() - t0

    def pids(self):
        out = [self.daemon_pid]
        for p in procs.descendants(self.daemon_pid):
            st = procs.read_stat(p)
            if st and st[0] in ("s6-supervise", "s6-log"):
                out.append(p)
        return out

    def teardown(self):
        if self.popen is None or self.popen.poll() is not None:
            return
        for s in self.services:
            try:
                os.unlink(os.path.join(self.scan, s))
            except OSError:
                pass
        run(["s6-svscanctl", "-an", self.scan], env=self.env)
        run(["s6-svscanctl", "-t", self.scan], env=self.env)
        if not self._wait_exit(30):
            self.popen.kill()
            self._wait_exit(5)

    def _service(self, name, run_script, log_script=None):
        d = os.path.join(self.svc, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "run"), "w") as f:
            f.write("#!/bin/sh\n" + run_script + "\n")
        os.chmod(os.path.join(d, "run"), 0o755)
        if log_script:
            os.makedirs(os.path.join(d, "log"), exist_ok=True)
            with open(os.path.join(d, "log", "run"), "w") as f:
                f.write("#!/bin/sh\n" + log_script + "\n")
            os.chmod(os.path.join(d, "log", "run"), 0o755)
        os.symlink(d, os.path.join(self.scan, name))
        self.services.append(name)

    def prepare_sleep_apps(self, n):
        self.sleepers = [_name("s", i, n) for i in range(1, n + 1)]
        for s in self.sleepers:
            self._service(s, "exec /bin/sleep 3600")
        return ["s6-svscanctl", "-a", self.scan]

    def running_count(self):
        n = 0
        for s in self.sleepers:
            rc, out, _ = run(["s6-svstat", os.path.join(self.scan, s)], env=self.env)
            n += out.startswith("up ")
        return n

    def status_all(self):
        return [["s6-svstat", os.path.join(self.scan, s)] for s in self.sleepers]

    def status_one(self, name):
        return [["s6-svstat", os.path.join(self.scan, name)]]

    def stop_all(self):
        # s6-svc takes one service directory: the shell loop is how "stop all" is done with s6.
        return ["/bin/sh", "-c", 'for d in "$0"/s[0-9]*; do s6-svc -d "$d"; done', self.scan]

    def add_crash(self, stamp_file):
        self._service("crash", f"exec {self.ctx.stamp} {stamp_file} crash 100 1")
        run(["s6-svscanctl", "-a", self.scan], env=self.env, check=True)

    def add_flood(self, shell_cmd):
        logs = os.path.join(self.dir, "logs", "flood")
        os.makedirs(os.path.dirname(logs), exist_ok=True)
        self._service("flood", shell_cmd, f"exec s6-log n100 s67108864 {logs}")
        run(["s6-svscanctl", "-a", self.scan], env=self.env, check=True)

    def flood_files(self):
        d = os.path.join(self.dir, "logs", "flood")
        return [os.path.join(d, "current")] + sorted(glob.glob(os.path.join(d, "@*")))


FAKEPEER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fakepeer.py")


class FakePeer(Manager):
    """bench/fakepeer.py: the harness's self-test peer (--quick), never in a full run's figures."""
    name = "fake"
    exe = FAKEPEER

    def __init__(self, ctx, label=None):
        super().__init__(ctx, label)
        self.env = dict(ctx.base_env, HOME=self.dir)
        self.names = []

    def version(self):
        if not os.path.exists(self.exe):
            raise FileNotFoundError(self.exe)
        return f"harness self-test (bench/fakepeer.py on Python {sys.version.split()[0]})"

    def how(self):
        return ["`bench/fakepeer.py daemon $W` (a small Python process manager, the harness's self-test); apps are "
                "added with `fakepeer.py ctl $W load FILE`, status is `ctl $W status [NAME]`, stop is `ctl $W stop all`."]

    def ctl(self, *args):
        return [sys.executable, self.exe, "ctl", self.dir, *args]

    def start(self, expected_apps=100):
        t0 = mono()
        self.popen = self._popen([sys.executable, self.exe, "daemon", self.dir], self.env, "fakepeer.out")
        self.daemon_pid = self.popen.pid

        def up():
            if self.popen.poll() is not None:
                raise RuntimeError(f"fakepeer exited {self.popen.returncode}")
            return (os.path.exists(os.path.join(self.dir, "ctl.sock"))
                    and run(self.ctl("ping"), env=self.env, timeout=5)[0] == 0)
        if not wait_until(up, 15, 0.005):
            raise RuntimeError("fakepeer did not answer")
        return mono() - t0

    def teardown(self):
        if self.popen is None or self.popen.poll() is not None:
            return
        run(self.ctl("shutdown"), env=self.env, timeout=30)
        if not self._wait_exit(10):
            self.popen.kill()
            self._wait_exit(5)

    def _load(self, specs, tag):
        path = os.path.join(self.dir, f"apps-{tag}.txt")
        with open(path, "w") as f:
            for spec in specs:
                f.write("\0".join(spec) + "\n")
        self.names += [s[0] for s in specs]
        return self.ctl("load", path)

    def prepare_sleep_apps(self, n):
        return self._load([[_name("s", i, n), "-", "restart", "/bin/sleep", "3600"] for i in range(1, n + 1)], n)

    def running_count(self):
        rc, out, _ = run(self.ctl("status"), env=self.env)
        return sum(1 for line in out.splitlines() if " running " in line and line.startswith("s"))

    def status_all(self):
        return [self.ctl("status")]

    def status_one(self, name):
        return [self.ctl("status", name)]

    def stop_all(self):
        return self.ctl("stop", "all")

    def add_crash(self, stamp_file):
        run(self._load([["crash", "-", "restart", self.ctx.stamp, stamp_file, "crash", "100", "1"]], "crash"),
            env=self.env, check=True)

    def add_flood(self, shell_cmd):
        run(self._load([["flood", os.path.join(self.dir, "flood.log"), "once", "/bin/sh", "-c", shell_cmd]], "flood"),
            env=self.env, check=True)

    def flood_files(self):
        return [os.path.join(self.dir, "flood.log")]


class FakeMissing(FakePeer):
    """A peer whose program is missing: exercises the skip path (version() raises)."""
    name = "fake-missing"
    exe = "/nonexistent/alter-bench-fakepeer-missing.py"


PEERS = {"pm2": PM2, "supervisord": Supervisor, "s6": S6}
SELF_TEST_PEERS = {"fake": FakePeer, "fake-missing": FakeMissing}
