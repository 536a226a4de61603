#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""alter's benchmark harness: alter against PM2, supervisord and s6, and the machine's limits.

    scripts/bench                 # the full run: writes docs/BENCHMARKS.md + docs/benchmarks.json
    scripts/bench --quick         # seconds: small N, one repetition, checks the results are sane
    bench/bench.py --help

--quick runs alter, the peers that are already installed (it installs nothing) and the harness's
own self-test peers (bench/fakepeer.py, and one that is missing on purpose), so that the peer
adapters, the ratio tables and the skip path run in the test suite on any machine.

Methods follow shared/reference/peer-benchmarks.md (metrics M1-M7) plus M8 (scale). Each daemon
runs in a private temporary directory; everything the harness starts is ended by PID at exit,
also on Ctrl-C or failure, and the run fails if a process is left over.
"""
import argparse
import copy
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import procs, report, scenarios  # noqa: E402
from benchlib.managers import Alter  # noqa: E402
from benchlib.peers import PEERS, SELF_TEST_PEERS, install_peers  # noqa: E402
from benchlib.util import LoadSampler, loadavg, machine_info, mono, run  # noqa: E402

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
    p.add_argument("--quick", action="store_true",
                   help="small N, one repetition; installed peers and the self-test peers only (seconds)")
    p.add_argument("--build", default=os.path.join(REPO, "build-bench"), help="the meson build dir with the binaries")
    for name in ("alterd", "alter", "alter-web", "stamp", "forkexec"):
        p.add_argument(f"--{name}", help=f"path of {name} (default: from --build)")
    p.add_argument("--peers", help="comma-separated peers, or 'none' (default pm2,supervisord,s6; "
                   "with --quick: those already installed, plus fake,fake-missing)")
    p.add_argument("--peers-dir", default=os.path.join(REPO, "bench", ".peers"), help="npm prefix parent for PM2")
    p.add_argument("--pm2-spec", default="pm2@7.0.4", help="what npm installs for PM2")
    p.add_argument("--reps", type=int, help="repetitions (default 3)")
    p.add_argument("-n", type=int, help="apps in M2/M5-M7 (default 100)")
    p.add_argument("--scale", help="comma-separated app counts for M8 (default 1000,10000; '' for none)")
    p.add_argument("--scale-peers-max", type=int, default=10000, help="largest M8 count tried with the peers")
    p.add_argument("--scale-reps", type=int, help="M8 repetitions, alternating the managers (default: --reps)")
    p.add_argument("--scale-limit", type=float,
                   help="M8: seconds a step (start, status, stop) may take before the session gives up (default 300)")
    p.add_argument("--idle-seconds", type=float, help="M6 window (default 30)")
    p.add_argument("--flood-mib", type=int, help="M4 burst size (default 256)")
    p.add_argument("--crash-count", type=int, help="restarts per M3 run (default 20)")
    p.add_argument("--only", help="comma-separated subset of: limits,main,crash,flood,web,api,scale")
    p.add_argument("--output-dir", default=os.path.join(REPO, "docs"),
                   help="where BENCHMARKS.md and benchmarks.json go (full runs)")
    p.add_argument("--json", help="write the raw JSON here (instead of OUTPUT_DIR/benchmarks.json); the Markdown goes "
                   "beside it (same name, .md) unless --markdown says otherwise")
    p.add_argument("--markdown", help="write the Markdown here (instead of OUTPUT_DIR/BENCHMARKS.md)")
    p.add_argument("--no-write", action="store_true", help="write no files")
    p.add_argument("--render", metavar="JSON",
                   help="run nothing: write the Markdown again from a run's raw JSON (to --markdown, else "
                        "OUTPUT_DIR/BENCHMARKS.md), with the current report code")
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
    a.scale = [int(x) for x in (a.scale if a.scale is not None else ("20" if q else "1000,10000")).split(",") if x]
    a.idle_seconds = a.idle_seconds if a.idle_seconds is not None else (1.0 if q else 30.0)
    a.web_idle_seconds = 1.0 if q else 10.0
    a.flood_size = (a.flood_mib or (16 if q else 256)) * MIB
    a.crash_count = a.crash_count or (3 if q else 20)
    a.settle = 0.3 if q else 2.0
    a.status_reps = 2 if q else 10
    a.timeout = 30.0 if q else 120.0
    a.scale_reps = a.scale_reps or a.reps
    a.scale_limit = a.scale_limit or (30.0 if q else 300.0)
    a.forkexec_ns = sorted({a.n, *a.scale})
    if a.peers is None:
        a.peers = "pm2,supervisord,s6" + (",fake,fake-missing" if q else "")
    a.peer_list = [] if a.peers == "none" else [x for x in a.peers.split(",") if x]
    a.only = set(a.only.split(",")) if a.only else {"limits", "main", "crash", "flood", "web", "api", "scale"}
    for x in a.peer_list:
        if x not in PEERS and x not in SELF_TEST_PEERS:
            p.error(f"unknown peer '{x}' (known: {', '.join([*PEERS, *SELF_TEST_PEERS])})")
    return a


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def make(ctx, name, label):
    if name == "alter":
        return Alter(ctx, label)
    return {**PEERS, **SELF_TEST_PEERS}[name](ctx, label)


def check_managers(ctx, doc, log):
    """Asks every manager for its version and how it is driven; a peer that fails is skipped with
    the reason recorded (alter failing is an error of the run)."""
    for g in list(doc["managers"]):
        try:
            m = make(ctx, g, f"{g}-version")
            doc["versions"][g] = m.version()
            doc["how"][g] = m.how()
        except Exception as e:  # noqa: BLE001
            if g == "alter":
                raise
            doc["skipped"][g] = f"unusable: {type(e).__name__}: {e}"[:300]
            doc["managers"].remove(g)
            log(f"skipping {g}: {doc['skipped'][g]}")


def session(ctx, fn, g, label, *args):
    """One session of manager g; an adapter that cannot even be built is recorded as an error."""
    try:
        m = make(ctx, g, label)
    except Exception as e:  # noqa: BLE001
        return {"error": f"{type(e).__name__}: {e}"}
    return fn(m, *args)


def rotate(xs, k):
    k %= max(1, len(xs))
    return xs[k:] + xs[:k]


def run_all(a, ctx, doc):
    raw = doc["raw"]
    mgrs = doc["managers"]
    if "limits" in a.only:
        log("limits: fork+exec, bash loop, crash respawn loop, pipe to file")
        doc["limits"] = scenarios.limits(ctx, a, log)
        ctx.cleanup.kill_all()
    # --quick: the real peers run with the shortest windows (they only have to show that their
    # adapters work; PM2's and supervisord's CLIs cost a good fraction of a second per call).
    light = copy.copy(a)
    light.idle_seconds, light.status_reps = 0.3, 1
    for rep in range(a.reps):
        order = rotate(mgrs, rep)
        log(f"repetition {rep + 1}/{a.reps}: {', '.join(order)}")
        for g in order:
            o = light if a.quick and g in PEERS else a
            if "main" in a.only:
                log(f"  {g}: M1 idle, M2 start {a.n}, M5 status, M6 idle {o.idle_seconds:.1f} s, M7 stop")
                raw["main"].setdefault(g, []).append(session(ctx, scenarios.session_main, g, f"{g}-main", a.n, o, log))
            if "crash" in a.only:
                # --quick: one restart for the real peers (supervisord and s6 pause ~1 s before each).
                count = 1 if a.quick and g in PEERS else a.crash_count
                log(f"  {g}: M3 crash x{count}")
                raw["crash"].setdefault(g, []).append(session(ctx, scenarios.session_crash, g, f"{g}-crash",
                                                              count, a, log))
            if "flood" in a.only:
                log(f"  {g}: M4 log burst {a.flood_size // MIB} MiB")
                raw["flood"].setdefault(g, []).append(session(ctx, scenarios.session_flood, g, f"{g}-flood",
                                                              a.flood_size, a, log))
            ctx.cleanup.kill_all()
        if "web" in a.only:
            log("  alter: idle with the dashboard")
            raw["web"].append(scenarios.session_web(Alter(ctx, "alter-web", web=True), a, log))
        if "api" in a.only:
            log(f"  alter: start {a.n} through POST /api/v1/ecosystem")
            raw["api"].append(scenarios.session_api_start(Alter(ctx, "alter-api"), a.n, a, log))
        ctx.cleanup.kill_all()
    if "scale" in a.only and a.scale:
        run_scale(a, ctx, doc)


def run_scale(a, ctx, doc):
    """M8: every count, alternating the managers' order in each repetition; a peer that gave up
    at a count is not tried at that count again."""
    raw = doc["raw"]["scale"]
    gave_up = {}
    for g in doc["managers"]:
        for n in a.scale:
            if g != "alter" and n > a.scale_peers_max:
                doc["scale_skipped"].setdefault(g, {})[str(n)] = f"not tried (--scale-peers-max {a.scale_peers_max})"
    for rep in range(a.scale_reps):
        order = rotate(doc["managers"], rep)
        log(f"M8 scale, repetition {rep + 1}/{a.scale_reps}: {', '.join(order)}")
        for n in a.scale:
            for g in order:
                if str(n) in doc["scale_skipped"].get(g, {}) or (g, n) in gave_up:
                    continue
                if a.quick and g in PEERS:
                    continue  # --quick: the self-test peer covers M8's peer path; the real ones cost seconds
                log(f"  {g}: M8 scale x{n} (a step may take {a.scale_limit:.0f} s)")
                t0 = mono()
                s = session(ctx, scenarios.session_scale, g, f"{g}-scale{n}", n, a, log, a.scale_limit)
                s["session_s"] = mono() - t0
                raw.setdefault(g, {}).setdefault(str(n), []).append(s)
                if s.get("gave_up"):
                    gave_up[(g, n)] = s["gave_up"]
                    doc["scale_skipped"].setdefault(g, {})[str(n)] = s["gave_up"]
                ctx.cleanup.kill_all()


def alter_errors(doc):
    """Every error of an alter session (alter is the subject: any of them fails the run)."""
    raw = doc["raw"]
    errs = []
    for kind in ("main", "crash", "flood"):
        errs += [f"{kind}: {s['error']}" for s in raw[kind].get("alter", []) if "error" in s]
    for kind in ("web", "api"):
        errs += [f"{kind}: {s['error']}" for s in raw[kind] if "error" in s]
    # M8 (scale) failures of alter are results, shown in the scale table and the errors section,
    # not a broken run: they do not keep docs/ from being written.
    if doc.get("leftover"):
        errs.append(f"processes left over: {doc['leftover']}")
    return errs


def quick_checks(doc, a, md):
    """Sanity of the figures in --quick mode: [(name, ok, detail)]."""
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
    # The peers: every adapter that ran must have run cleanly (a failing one means it rotted).
    for g in doc["managers"]:
        if g == "alter":
            continue
        for kind in ("main", "crash", "flood"):
            if kind in a.only:
                errs = [s["error"] for s in doc["raw"][kind].get(g, []) if "error" in s]
                out.append((f"peer {g}: {kind} session without error", not errs, " | ".join(errs)[:300]))
        for n, sessions in doc["raw"]["scale"].get(g, {}).items():
            errs = [s["error"] for s in sessions if "error" in s]
            out.append((f"peer {g}: scale x{n} without error", not errs, " | ".join(errs)[:300]))
    if "fake" in a.peer_list:
        out.append(("self-test peer ran and has a ratio column", "fake" in doc["managers"] and "| fake |" in md
                    and "## Ratios peer / alter" in md, str(doc["skipped"].get("fake", ""))))
    if "fake-missing" in a.peer_list:
        out.append(("missing peer skipped with a reason", "fake-missing" in doc["skipped"]
                    and "fake-missing" not in doc["managers"], str(doc["skipped"])))
    out.append(("how each manager is driven, and caveats, in the Markdown",
                all(f"**{g}**" in md for g in doc["managers"]) and "## Caveats" in md, ""))
    out.append(("no process left over", doc["leftover"] == [], str(doc["leftover"])))
    return out


def output_paths(a, failed):
    """(markdown, json) paths, or (None, None) when nothing is written. A full run whose alter
    sessions failed does not overwrite docs/: its files go to bench/results/ instead."""
    if a.no_write:
        return None, None
    if a.json or a.markdown:
        j = a.json or os.path.splitext(a.markdown)[0] + ".json"
        md = a.markdown or os.path.splitext(a.json)[0] + ".md"
        return md, j
    if a.quick:
        return None, None
    if failed:
        d = os.path.join(REPO, "bench", "results", "failed-" + time.strftime("%Y%m%d-%H%M%S"))
        return os.path.join(d, "BENCHMARKS.md"), os.path.join(d, "benchmarks.json")
    return os.path.join(a.output_dir, "BENCHMARKS.md"), os.path.join(a.output_dir, "benchmarks.json")


SOURCE_DIRS = ("libalter", "alterd", "alter-cli", "alter-net", "alter-web", "subprojects", "meson.build")


def source_info(binary):
    """What alter was built from: the commit, and the files of the source directories that differ
    from it and were changed before `binary` was linked (so they are in it)."""
    out = {"commit": None, "changed": []}
    try:
        rc, head, _ = run(["git", "-C", REPO, "log", "-1", "--format=%H %s"])
        if rc == 0 and head.strip():
            out["commit"] = head.strip()[:120]
        rc, st, _ = run(["git", "-C", REPO, "status", "--porcelain", "--", *SOURCE_DIRS])
        built = os.stat(binary).st_mtime
        for line in st.splitlines():
            path = line[3:].strip()
            full = os.path.join(REPO, path)
            if os.path.exists(full) and os.stat(full).st_mtime <= built and not path.endswith((".orig", ".rej")):
                out["changed"].append(path)
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def finish(doc):
    """The figures derived from the raw ones (also when re-rendering a stored run)."""
    o = doc["options"]
    doc["agg"] = report.aggregate(doc["raw"])
    doc["scale_agg"] = report.aggregate_scale(doc["raw"]["scale"])
    doc["targets"] = report.check_targets(doc["agg"], doc["limits"], o["n"], o["flood_size"])
    doc["alter_errors"] = alter_errors(doc)
    if doc.get("run_error"):
        doc["alter_errors"].append("run: " + doc["run_error"])
    if doc.get("interrupted"):
        doc["alter_errors"].append("run interrupted: " + doc["interrupted"])


def render(a):
    with open(a.render) as f:
        doc = json.load(f)
    finish(doc)
    md = report.markdown(doc)
    path = a.markdown or os.path.join(a.output_dir, "BENCHMARKS.md")
    report.write_markdown(path, md)
    log(f"wrote {path} from {a.render}")
    return 0


def main(argv):
    a = parse_args(argv)
    if a.render:
        return render(a)
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
                                                  "crash_count", "settle", "status_reps", "scale_peers_max",
                                                  "scale_reps", "scale_limit")},
           "source": source_info(a.alterd),
           "managers": ["alter"], "versions": {}, "how": {}, "skipped": {}, "scale_skipped": {}, "limits": {},
           "raw": {"main": {}, "crash": {}, "flood": {}, "web": [], "api": [], "scale": {}}}
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
            doc["skipped"] = install_peers(ctx, a.peer_list, log, install=not a.quick)
            for g, why in doc["skipped"].items():
                log(f"skipping {g}: {why}")
            doc["managers"] += [g for g in a.peer_list if g not in doc["skipped"]]
        check_managers(ctx, doc, log)
        run_all(a, ctx, doc)
    except KeyboardInterrupt as e:
        interrupted = True
        doc["interrupted"] = str(e)
        log(f"interrupted ({e}): cleaning up")
    except Exception as e:  # noqa: BLE001 - the run's files are still written, and it fails
        doc["run_error"] = f"{type(e).__name__}: {e}"
        log(f"ERROR: {doc['run_error']}")
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
    finish(doc)
    failed = bool(doc["alter_errors"])
    md = report.markdown(doc)
    print(md)
    md_path, json_path = output_paths(a, failed)
    if md_path:
        report.write_json(json_path, doc)
        report.write_markdown(md_path, md)
        log(f"wrote {md_path} and {json_path}")
    if failed:
        log("ERROR: alter had errors: " + " | ".join(doc["alter_errors"])[:1500])
        if not a.quick and not (a.json or a.markdown):
            log(f"{a.output_dir}/BENCHMARKS.md was left as it was")
    if interrupted:
        return 130
    if a.quick:
        checks = quick_checks(doc, a, md)
        for name, ok, detail in checks:
            print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {detail}"))
        failed_checks = sum(1 for _, ok, _ in checks if not ok)
        print(f"bench quick: {len(checks) - failed_checks} passed, {failed_checks} failed")
        return 1 if failed_checks or failed else 0
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
