#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""alter's benchmark harness: alter against PM2, supervisord and s6, and the machine's limits.

    scripts/bench                 # the full run (10-20 min): writes docs/BENCHMARKS.md + docs/benchmarks.json
    scripts/bench --quick         # seconds: alter only, small N, checks the results are sane
    bench/bench.py --help

Methods follow shared/reference/peer-benchmarks.md (metrics M1-M7) plus M8 (scale). Each daemon
runs in a private temporary directory; everything the harness starts is ended by PID at exit,
also on Ctrl-C or failure, and the run fails if a process is left over.
"""
import argparse
import datetime
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import procs, report, scenarios  # noqa: E402
from benchlib.managers import Alter  # noqa: E402
from benchlib.peers import PEERS, install_peers  # noqa: E402
from benchlib.util import LoadSampler, loadavg, machine_info, mono  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1048576


class Ctx:
    def __init__(self, a, work):
        self.alterd, self.alter, self.alter_web = a.alterd, a.alter, a.alter_web
        self.stamp, self.forkexec = a.stamp, a.forkexec
        self.peers_dir, self.pm2_spec = a.peers_dir, a.pm2_spec
        self.work = work
        self.cleanup = procs.Cleanup()
        self.cleanup.add_marker(work)
        self.nofile = None  # RLIMIT_NOFILE for the next daemon started (scale runs)
        self._n = 0
        path = "/usr/local/bin:/usr/bin:/bin"
        self.base_env = {"PATH": path, "LANG": "C.UTF-8", "TERM": "dumb", "TZ": "UTC", "NO_COLOR": "1"}

    def new_dir(self, label):
        self._n += 1
        d = os.path.join(self.work, f"{self._n:03d}-{label}")
        os.makedirs(d)
        return d


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="alter only, small N, one repetition, no peers (seconds)")
    p.add_argument("--build", default=os.path.join(REPO, "build-bench"), help="the meson build dir with the binaries")
    for name in ("alterd", "alter", "alter-web", "stamp", "forkexec"):
        p.add_argument(f"--{name}", help=f"path of {name} (default: from --build)")
    p.add_argument("--peers", default="pm2,supervisord,s6", help="comma-separated peers, or 'none'")
    p.add_argument("--peers-dir", default=os.path.join(REPO, "bench", ".peers"), help="npm prefix parent for PM2")
    p.add_argument("--pm2-spec", default="pm2@7.0.4", help="what npm installs for PM2")
    p.add_argument("--reps", type=int, help="repetitions (default 3)")
    p.add_argument("-n", type=int, help="apps in M2/M5-M7 (default 100)")
    p.add_argument("--scale", help="comma-separated app counts for M8 (default 1000,10000; '' for none)")
    p.add_argument("--scale-peers-max", type=int, default=1000, help="largest M8 count tried with the peers")
    p.add_argument("--idle-seconds", type=float, help="M6 window (default 30)")
    p.add_argument("--flood-mib", type=int, help="M4 burst size (default 256)")
    p.add_argument("--crash-count", type=int, help="restarts per M3 run (default 20)")
    p.add_argument("--only", help="comma-separated subset of: limits,main,crash,flood,web,api,scale")
    p.add_argument("--output-dir", default=os.path.join(REPO, "docs"),
                   help="where BENCHMARKS.md and benchmarks.json go (full runs)")
    p.add_argument("--json", help="write the raw JSON here (instead of OUTPUT_DIR/benchmarks.json)")
    p.add_argument("--no-write", action="store_true", help="write no files")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    a = p.parse_args(argv)
    b = a.build
    a.alterd = a.alterd or os.path.join(b, "alterd", "alterd")
    a.alter = a.alter or os.path.join(b, "alter-cli", "alter")
    a.alter_web = a.alter_web or os.path.join(b, "alter-web", "alter-web")
    a.stamp = a.stamp or os.path.join(b, "bench", "stamp")
    a.forkexec = a.forkexec or os.path.join(b, "bench", "forkexec")
    for name in ("alterd", "alter", "alter_web", "stamp", "forkexec", "peers_dir", "output_dir"):
        setattr(a, name, os.path.abspath(getattr(a, name)))
    q = a.quick
    a.reps = a.reps or (1 if q else 3)
    a.n = a.n or (10 if q else 100)
    a.scale = [int(x) for x in (a.scale if a.scale is not None else ("" if q else "1000,10000")).split(",") if x]
    a.idle_seconds = a.idle_seconds if a.idle_seconds is not None else (2.0 if q else 30.0)
    a.web_idle_seconds = 1.0 if q else 10.0
    a.flood_size = (a.flood_mib or (16 if q else 256)) * MIB
    a.crash_count = a.crash_count or (5 if q else 20)
    a.settle = 0.3 if q else 2.0
    a.status_reps = 5 if q else 10
    a.timeout = 30.0 if q else 120.0
    a.forkexec_ns = sorted({a.n, *a.scale})
    a.peer_list = [] if q or a.peers == "none" else [x for x in a.peers.split(",") if x]
    a.only = set(a.only.split(",")) if a.only else {"limits", "main", "crash", "flood", "web", "api", "scale"}
    for x in a.peer_list:
        if x not in PEERS:
            p.error(f"unknown peer '{x}' (known: {', '.join(PEERS)})")
    return a


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def make(ctx, name, label):
    if name == "alter":
        return Alter(ctx, label)
    return PEERS[name](ctx, label)


def run_all(a, ctx, doc):
    raw = doc["raw"]
    mgrs = doc["managers"]
    if "limits" in a.only:
        log("limits: fork+exec, bash loop, pipe to file")
        doc["limits"] = scenarios.limits(ctx, a, log)
        ctx.cleanup.kill_all()
    for rep in range(a.reps):
        order = mgrs[rep % len(mgrs):] + mgrs[:rep % len(mgrs)]
        log(f"repetition {rep + 1}/{a.reps}: {', '.join(order)}")
        for g in order:
            if "main" in a.only:
                log(f"  {g}: M1 idle, M2 start {a.n}, M5 status, M6 idle {a.idle_seconds:.0f} s, M7 stop")
                raw["main"].setdefault(g, []).append(scenarios.session_main(make(ctx, g, f"{g}-main"), a.n, a, log))
            if "crash" in a.only:
                log(f"  {g}: M3 crash x{a.crash_count}")
                raw["crash"].setdefault(g, []).append(scenarios.session_crash(make(ctx, g, f"{g}-crash"), a.crash_count, a, log))
            if "flood" in a.only:
                log(f"  {g}: M4 log burst {a.flood_size // MIB} MiB")
                raw["flood"].setdefault(g, []).append(scenarios.session_flood(make(ctx, g, f"{g}-flood"), a.flood_size, a, log))
            ctx.cleanup.kill_all()
        if "web" in a.only:
            log("  alter: idle with the dashboard")
            raw["web"].append(scenarios.session_web(Alter(ctx, "alter-web", web=True), a, log))
        if "api" in a.only:
            log(f"  alter: start {a.n} through POST /api/v1/ecosystem")
            raw["api"].append(scenarios.session_api_start(Alter(ctx, "alter-api"), a.n, a, log))
        ctx.cleanup.kill_all()
    if "scale" in a.only:
        for n in a.scale:
            for g in mgrs:
                if g != "alter" and n > a.scale_peers_max:
                    continue
                log(f"  {g}: M8 scale x{n}")
                doc["scale"].setdefault(g, {})[str(n)] = scenarios.session_scale(make(ctx, g, f"{g}-scale{n}"), n, a, log)
                ctx.cleanup.kill_all()


def quick_checks(doc, a):
    """Sanity of alter's figures in --quick mode: [(name, ok, detail)]."""
    out = []
    main = doc["raw"]["main"].get("alter", [{}])[0]
    crash = doc["raw"]["crash"].get("alter", [{}])[0]
    flood = doc["raw"]["flood"].get("alter", [{}])[0]
    if "main" in a.only:
        out.append(("main session without error", "error" not in main, main.get("error", "")))
        out.append((f"{a.n} apps started and confirmed", (main.get("start") or {}).get("confirmed_s") is not None,
                    str(main.get("start", {}).get("all_s"))))
        out.append(("idle memory measured", (main.get("idle") or {}).get("rss_kb", 0) > 0, str(main.get("idle"))))
        out.append(("status timed", (main.get("status_all") or {}).get("median") is not None, ""))
        out.append((f"{a.n} apps stopped", (main.get("stop") or {}).get("all_s") is not None, ""))
    if "crash" in a.only:
        gaps = crash.get("gaps_ms", [])
        out.append((f"{a.crash_count} crash restarts observed", len(gaps) >= a.crash_count, f"{len(gaps)} gaps"))
        out.append(("restart gap < 500 ms", bool(gaps) and crash.get("median_ms", 1e9) < 500, str(crash.get("median_ms"))))
    if "flood" in a.only:
        out.append(("log burst: 0 bytes lost, content verified", flood.get("ok") is True and flood.get("lost_bytes") == 0,
                    flood.get("error", f"lost {flood.get('lost_bytes')}")))
    if "web" in a.only:
        web = doc["raw"]["web"][0] if doc["raw"]["web"] else {}
        out.append(("alterd + alter-web measured", "error" not in web and (web.get("idle_web") or {}).get("processes") == 1,
                    web.get("error", "")))
    if "limits" in a.only:
        out.append(("fork+exec limit measured", (doc["limits"].get(f"forkexec_{a.n}_s") or {}).get("median") is not None, ""))
    out.append(("no process left over", doc["leftover"] == [], str(doc["leftover"])))
    return out


def main(argv):
    a = parse_args(argv)
    for name in ("alterd", "alter", "alter_web", "stamp", "forkexec"):
        if not os.access(getattr(a, name), os.X_OK):
            print(f"bench: {name} not found at {getattr(a, name)} (build first: scripts/bench builds build-bench)",
                  file=sys.stderr)
            return 2
    if not procs.become_subreaper():
        log("warning: cannot become a child subreaper: detached daemons are found by their temp dir only")
    work = tempfile.mkdtemp(prefix="alter-bench-", dir="/tmp")
    ctx = Ctx(a, work)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    doc = {"command": "bench/bench.py" + (" " + " ".join(argv) if argv else ""),
           "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
           "load_start": loadavg(), "machine": machine_info(),
           "options": {k: getattr(a, k) for k in ("quick", "reps", "n", "scale", "idle_seconds", "flood_size",
                                                  "crash_count", "settle", "status_reps", "scale_peers_max")},
           "managers": ["alter"], "versions": {}, "skipped": {}, "limits": {},
           "raw": {"main": {}, "crash": {}, "flood": {}, "web": [], "api": []}, "scale": {}}
    log(f"work dir {work}; load average {' '.join(map(str, doc['load_start']))}; {os.cpu_count()} CPUs")
    if not a.quick and doc["load_start"][0] > (os.cpu_count() or 1):
        log(f"warning: load average {doc['load_start'][0]} > {os.cpu_count()} CPUs: the machine is busy, "
            "figures will be slower and noisier than on a quiet machine (recorded with the results)")
    sampler = LoadSampler()
    sampler.start()
    t0 = mono()
    interrupted = False
    try:
        if a.peer_list:
            doc["skipped"] = install_peers(ctx, a.peer_list, log)
            doc["managers"] += [g for g in a.peer_list if g not in doc["skipped"]]
        for g in doc["managers"]:
            doc["versions"][g] = make(ctx, g, f"{g}-version").version()
        run_all(a, ctx, doc)
    except KeyboardInterrupt as e:
        interrupted = True
        log(f"interrupted ({e}): cleaning up")
    finally:
        left = ctx.cleanup.kill_all()
        doc["leftover"] = left
        if left:
            log(f"ERROR: processes left over after clean-up: {left}")
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    doc["load"] = sampler.stop()
    doc["finished"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    doc["duration_s"] = mono() - t0
    if interrupted:
        return 130
    doc["agg"] = report.aggregate(doc["raw"])
    doc["targets"] = report.check_targets(doc["agg"], doc["limits"], a.n, a.flood_size)
    md = report.markdown(doc)
    print(md)
    if not a.no_write:
        if a.json:
            report.write_json(a.json, doc)
        elif not a.quick:
            os.makedirs(a.output_dir, exist_ok=True)
            report.write_json(os.path.join(a.output_dir, "benchmarks.json"), doc)
            report.write_markdown(os.path.join(a.output_dir, "BENCHMARKS.md"), md)
            log(f"wrote {a.output_dir}/BENCHMARKS.md and benchmarks.json")
    if a.quick:
        checks = quick_checks(doc, a)
        for name, ok, detail in checks:
            print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {detail}"))
        failed = sum(1 for _, ok, _ in checks if not ok)
        print(f"bench quick: {len(checks) - failed} passed, {failed} failed")
        return 1 if failed else 0
    return 1 if doc["leftover"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
