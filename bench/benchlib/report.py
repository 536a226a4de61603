# SPDX-License-Identifier: MIT
"""Aggregates the raw sessions (medians, min/max), checks alter's targets, and writes the
Markdown tables of docs/BENCHMARKS.md (between its markers) and the raw JSON."""
import json
import os

from .util import summary, percentile

BEGIN = "<!-- bench:results:begin (written by scripts/bench; edit outside the markers) -->"
END = "<!-- bench:results:end -->"
MIB = 1048576


def _get(d, path):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _ms(s):
    return None if s is None else s * 1000.0


def aggregate(raw):
    """raw = {"main": {mgr: [session...]}, "crash": ..., "flood": ..., "web": [...], "api": [...],
    "scale": {mgr: {n: session}}, "limits": {...}}"""
    agg = {}
    for mgr, sessions in raw.get("main", {}).items():
        a = agg.setdefault(mgr, {})
        ok = [s for s in sessions if "error" not in s] or sessions

        def col(path, scale=1.0, src=ok):
            return summary([None if _get(s, path) is None else _get(s, path) * scale for s in src])
        a["cold_start_s"] = col("cold_start_s")
        a["idle_rss_kb"] = col("idle.rss_kb")
        a["idle_pss_kb"] = col("idle.pss_kb")
        a["idle_threads"] = col("idle.threads")
        a["start_exec_s"] = col("start.exec_s")
        a["start_returned_s"] = col("start.returned_s")
        a["start_all_s"] = col("start.all_s")
        a["start_confirmed_s"] = col("start.confirmed_s")
        a["start_manager_cpu_ms"] = col("start.manager_cpu_ms")
        a["with_rss_kb"] = col("with_apps.rss_kb")
        a["with_pss_kb"] = col("with_apps.pss_kb")
        a["with_processes"] = col("with_apps.processes")
        a["growth_rss_kb"] = col("mem_growth_kb.rss")
        a["growth_pss_kb"] = col("mem_growth_kb.pss")
        a["status_all_ms"] = col("status_all.median", 1000.0)
        a["status_one_ms"] = col("status_one.median", 1000.0)
        a["idle_cpu_ms"] = col("idle_cpu.cpu_ms")
        a["idle_wakeups"] = col("idle_cpu.wakeups_voluntary")
        a["stop_s"] = col("stop.all_s")
        a["status_api_ms"] = col("status_api.median", 1000.0)
        a["idle_window_s"] = next((_get(x, "idle_cpu.seconds") for x in ok if _get(x, "idle_cpu.seconds")), None)
        a["errors"] = [s["error"] for s in sessions if "error" in s]
    for mgr, sessions in raw.get("crash", {}).items():
        a = agg.setdefault(mgr, {})
        gaps = [g for s in sessions for g in s.get("gaps_ms", [])]
        a["crash_ms"] = summary([s.get("median_ms") for s in sessions])
        if gaps:
            a["crash_pooled"] = {"median": percentile(gaps, 0.5), "p10": percentile(gaps, 0.1),
                                 "p90": percentile(gaps, 0.9), "n": len(gaps)}
        a.setdefault("errors", []).extend(s["error"] for s in sessions if "error" in s)
    for mgr, sessions in raw.get("flood", {}).items():
        a = agg.setdefault(mgr, {})
        a["flood_payload_mib_s"] = summary([s.get("payload_mib_s") for s in sessions])
        a["flood_file_mib_s"] = summary([s.get("file_mib_s") for s in sessions])
        a["flood_writer_s"] = summary([s.get("writer_seconds") for s in sessions])
        a["flood_peak_rss_kb"] = summary([s.get("peak_rss_kb") for s in sessions])
        a["flood_cpu_s_per_gib"] = summary([s.get("manager_cpu_s_per_gib") for s in sessions])
        a["flood_user_s_per_gib"] = summary([None if s.get("manager_user_s") is None else
                                             s["manager_user_s"] * (1 << 30) / s["size"] for s in sessions])
        lost = [s.get("lost_bytes") for s in sessions]
        a["flood_lost_bytes"] = None if any(x is None for x in lost) else max(abs(x) for x in lost)
        a["flood_lines"] = sum(s.get("lines", 0) for s in sessions)
        a.setdefault("errors", []).extend(s["error"] for s in sessions if "error" in s)
    web = raw.get("web", [])
    if web:
        a = agg.setdefault("alter", {})
        a["web_idle_rss_kb"] = summary([_get(s, "idle.rss_kb") for s in web])
        a["web_idle_pss_kb"] = summary([_get(s, "idle.pss_kb") for s in web])
        a["web_only_rss_kb"] = summary([_get(s, "idle_web.rss_kb") for s in web])
        a["web_only_pss_kb"] = summary([_get(s, "idle_web.pss_kb") for s in web])
        a["web_alterd_wakeups"] = summary([_get(s, "idle_cpu_alterd.wakeups_voluntary") for s in web])
        a["web_web_wakeups"] = summary([_get(s, "idle_cpu_web.wakeups_voluntary") for s in web])
        a["web_window_s"] = _get(web[0], "idle_cpu_web.seconds")
    api = raw.get("api", [])
    if api:
        a = agg.setdefault("alter", {})
        a["api_start_all_s"] = summary([s.get("all_s") for s in api])
        a["api_start_returned_s"] = summary([s.get("returned_s") for s in api])
    return agg


def check_targets(agg, limits, n, flood_size=256 * MIB):
    """alter's issue targets: [(target, alter's figure, met)]."""
    a = agg.get("alter", {})
    med = lambda k: (a.get(k) or {}).get("median")  # noqa: E731
    fe = (limits.get(f"forkexec_{n}_s") or {}).get("median")
    cat = (limits.get("yes_head_cat_mib_s") or {}).get("median")
    out = []

    def add(name, figure, met):
        out.append({"target": name, "figure": figure, "met": met})
    s = med("start_all_s")
    add(f"start {n} sleep apps within 2x of {n} raw fork+execs",
        f"{_f(s, 3)} s vs 2 x {_f(fe, 3)} s = {_f(fe * 2 if fe else None, 3)} s ({_f(s / fe if s and fe else None, 1)}x)",
        s is not None and fe is not None and s <= 2 * fe)
    c = med("crash_ms")
    rs = (limits.get("respawn_ms") or {}).get("median")
    add("crash -> replacement child running <= 1 ms (restart delay 0)",
        f"{_f(c, 2)} ms median (a C respawn loop on this machine: {_f(rs, 2)} ms)",
        c is not None and c <= 1.0)
    t = med("flood_payload_mib_s")
    lost = a.get("flood_lost_bytes")
    add(f"{flood_size // MIB} MiB log burst >= 0.75x `cat` into a file, with timestamps, 0 lost",
        f"{_f(t, 0)} MiB/s payload = {_f(t / cat if t and cat else None, 2)}x of {_f(cat, 0)} MiB/s; lost {lost} bytes",
        t is not None and cat is not None and t >= 0.75 * cat and lost == 0)
    g = med("growth_rss_kb")
    gp = med("growth_pss_kb")
    add(f"library memory with {n} apps <= 2 MB above idle", f"RSS +{_f(g, 0)} kB, PSS +{_f(gp, 0)} kB",
        g is not None and g <= 2048)
    ls = med("status_all_ms")
    tr = (limits.get("true_s") or {}).get("median")
    add(f"`alter list --json` with {n} apps <= 2 ms median",
        f"{_f(ls, 2)} ms (the daemon's share, `GET /processes`: {_f(med('status_api_ms'), 2)} ms; "
        f"fork+exec of `/bin/true`: {_f(tr * 1000 if tr else None, 2)} ms)", ls is not None and ls <= 2.0)
    r = med("idle_rss_kb")
    add("alterd RSS idle <= 4 MB", f"{_f(r, 0)} kB", r is not None and r <= 4096)
    p = med("with_pss_kb")
    add(f"alterd PSS with {n} apps <= 6 MB", f"{_f(p, 0)} kB", p is not None and p <= 6144)
    add(f"start {n} apps from one ecosystem file until all running <= 0.1 s",
        f"{_f(s, 3)} s (all exec'd and `alter start` returned); confirmed by `alter list`: {_f(med('start_confirmed_s'), 3)} s",
        s is not None and s <= 0.1)
    st = med("stop_s")
    add(f"stop {n} apps that exit on SIGTERM <= 0.1 s", f"{_f(st, 3)} s", st is not None and st <= 0.1)
    w = (a.get("idle_wakeups") or {}).get("max")
    w = None if w is None else int(w)
    add("no wake-ups while idle (stats sampling off)",
        f"{w} voluntary context switches (max over runs) in {a.get('idle_window_s', '?')} s, CPU {_f(med('idle_cpu_ms'), 0)} ms",
        w == 0)
    return out


def _f(v, digits):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.{digits}f}"


def _cell(s, digits, scale=1.0):
    if not s:
        return "–"
    m, lo, hi = s["median"] * scale, s["min"] * scale, s["max"] * scale
    if s["n"] > 1 and _f(lo, digits) != _f(hi, digits):
        return f"{_f(m, digits)} ({_f(lo, digits)}–{_f(hi, digits)})"
    return _f(m, digits)


ROWS = [
    # key, label, digits, scale, lower is better
    ("idle_rss_kb", "M1 daemon idle RSS, kB", 0, 1, True),
    ("idle_pss_kb", "M1 daemon idle PSS, kB", 0, 1, True),
    ("start_all_s", "M2 start {n} × `sleep 3600`, s (all exec'd and the add command returned)", 3, 1, True),
    ("start_exec_s", "M2 … of which all exec'd, s", 3, 1, True),
    ("start_returned_s", "M2 … add command returned, s", 3, 1, True),
    ("start_confirmed_s", "M2 until the status CLI confirms all {n}, s", 3, 1, True),
    ("start_manager_cpu_ms", "M2 manager CPU during the start, ms (10 ms ticks)", 0, 1, True),
    ("with_rss_kb", "M2 manager RSS with {n} apps, kB", 0, 1, True),
    ("with_pss_kb", "M2 manager PSS with {n} apps, kB", 0, 1, True),
    ("growth_rss_kb", "M2 RSS growth idle → {n} apps, kB", 0, 1, True),
    ("growth_pss_kb", "M2 PSS growth idle → {n} apps, kB", 0, 1, True),
    ("crash_ms", "M3 crash → replacement running, ms (child lives 0.1 s, exits 1; median of runs)", 2, 1, True),
    ("flood_payload_mib_s", "M4 log capture of a {flood} MiB burst, payload MiB/s", 0, 1, False),
    ("flood_file_mib_s", "M4 … log file MiB/s (with alter's 25-byte timestamps)", 0, 1, False),
    ("flood_cpu_s_per_gib", "M4 manager CPU per GiB of payload (user+sys), s", 2, 1, True),
    ("flood_user_s_per_gib", "M4 … of which user space, s", 2, 1, True),
    ("flood_peak_rss_kb", "M4 peak manager RSS during the burst, kB", 0, 1, True),
    ("status_all_ms", "M5 status of all {n} (`alter list --json`, `pm2 jlist`, `supervisorctl status`, {n} × `s6-svstat`), ms", 2, 1, True),
    ("status_api_ms", "M5 (alter) `GET /api/v1/processes` from the harness, no CLI, ms", 2, 1, True),
    ("status_one_ms", "M5 status of one app (`alter --json describe`, `pm2 describe`, `supervisorctl status X`, `s6-svstat X`), ms", 2, 1, True),
    ("idle_cpu_ms", "M6 manager CPU over {idle} s idle with {n} apps, ms", 0, 1, True),
    ("idle_wakeups", "M6 manager wake-ups (voluntary context switches) over {idle} s idle", 0, 1, True),
    ("stop_s", "M7 stop {n} apps (all gone and the command returned), s", 3, 1, True),
    ("cold_start_s", "(extra) daemon cold start until it answers, s", 3, 1, True),
]


def markdown(doc):
    n, mgrs = doc["options"]["n"], doc["managers"]
    agg, lim = doc["agg"], doc["limits"]
    fmt = {"n": n, "flood": doc["options"]["flood_size"] // MIB, "idle": doc["options"]["idle_seconds"]}
    L = []
    m = doc["machine"]
    L.append(f"Run {doc['started']} – {doc['finished']} ({doc['duration_s']:.0f} s), "
             f"`{doc['command']}`.")
    L.append("")
    L.append(f"- Machine: {m['nproc']} × {m['cpu_model']}, {m['mem_total_gib']} GiB, kernel {m['kernel']}, "
             f"{m.get('os', '')}, /tmp: {m['tmp_fs']}.")
    ld = doc["load"]
    L.append(f"- Load average during the run: {ld['load1_min']:.2f}–{ld['load1_max']:.2f} (median "
             f"{ld['load1_median']:.2f}); CPU busy {ld['busy_percent']} % (including the benchmark), steal "
             f"{ld['steal_percent']} %. Load at start: {' '.join(map(str, doc['load_start']))}.")
    L.append("- Versions: " + "; ".join(f"{k} {v}" for k, v in doc["versions"].items()) + ".")
    L.append(f"- {doc['options']['reps']} repetitions, alternating the managers, each in a fresh daemon; "
             f"median (min–max over the repetitions). N = {n}.")
    if doc.get("skipped"):
        L.append("- Skipped: " + "; ".join(f"{k}: {v}" for k, v in doc["skipped"].items()) + ".")
    L.append("")
    L.append("| metric | " + " | ".join(mgrs) + " | machine limit |")
    L.append("|---|" + "---|" * (len(mgrs) + 1))
    limit_cells = {
        "start_all_s": f"C fork+exec: {_cell(lim.get(f'forkexec_{n}_s'), 3)}; bash loop: {_cell(lim.get(f'bash_loop_{n}_s'), 3)}",
        "flood_payload_mib_s": f"`yes\\|head\\|cat>f`: {_cell(lim.get('yes_head_cat_mib_s'), 0)}; "
                               f"`head /dev/zero\\|cat>f`: {_cell(lim.get('zero_cat_mib_s'), 0)}; "
                               f"`yes\\|head>f`: {_cell(lim.get('yes_head_mib_s'), 0)}",
        "crash_ms": f"C respawn loop (`forkexec --respawn`): {_cell(lim.get('respawn_ms'), 2)}",
        "flood_cpu_s_per_gib": f"`cat` in `yes\\|head\\|cat>f`: {_cell(lim.get('yes_head_cat_consumer_cpu_s_per_gib'), 2)}",
        "status_all_ms": f"fork+exec `/bin/true`: {_cell(lim.get('true_s'), 2, 1000)}",
        "status_one_ms": f"fork+exec `/bin/true`: {_cell(lim.get('true_s'), 2, 1000)}",
    }
    for key, label, digits, scale, _ in ROWS:
        cells = [_cell(agg.get(g, {}).get(key), digits, scale) for g in mgrs]
        if all(c == "–" for c in cells):
            continue
        L.append(f"| {label.format(**fmt)} | " + " | ".join(cells) + f" | {limit_cells.get(key, '–')} |")
    crash = [agg.get(g, {}).get("crash_pooled") for g in mgrs]
    if any(crash):
        L.append("| M3 all restarts pooled: p10 / median / p90 (n), ms | " + " | ".join(
            f"{_f(c['p10'], 2)} / {_f(c['median'], 2)} / {_f(c['p90'], 2)} ({c['n']})" if c else "–" for c in crash)
            + " | – |")
    lost = [agg.get(g, {}).get("flood_lost_bytes") for g in mgrs]
    L.append("| M4 bytes lost or extra (max over runs; content verified) | " + " | ".join(
        "–" if x is None else str(x) for x in lost) + " | – |")
    a = agg.get("alter", {})
    if a.get("web_idle_rss_kb"):
        L.append("")
        L.append(f"alter with its dashboard (the default; the table above is `alterd --no-web`): alterd + alter-web "
                 f"idle RSS {_cell(a['web_idle_rss_kb'], 0)} kB, PSS {_cell(a['web_idle_pss_kb'], 0)} kB "
                 f"(alter-web alone: RSS {_cell(a.get('web_only_rss_kb'), 0)} kB, PSS {_cell(a.get('web_only_pss_kb'), 0)} kB); "
                 f"wake-ups over {a.get('web_window_s')} s idle: alterd {_cell(a.get('web_alterd_wakeups'), 0)}, "
                 f"alter-web {_cell(a.get('web_web_wakeups'), 0)}.")
    if a.get("api_start_all_s"):
        L.append("")
        L.append(f"alter, the same {n} apps added by `POST /api/v1/ecosystem` from the harness (no CLI): all exec'd and "
                 f"answered in {_cell(a['api_start_all_s'], 3)} s (the request alone: {_cell(a.get('api_start_returned_s'), 3)} s).")

    # ratios
    peers = [g for g in mgrs if g != "alter"]
    if peers and "alter" in agg:
        L.append("")
        L.append("Ratio peer / alter (medians; > 1 means alter is better, for throughput the inverse is shown):")
        L.append("")
        L.append("| metric | " + " | ".join(peers) + " |")
        L.append("|---|" + "---|" * len(peers))
        for key, label, digits, scale, lower in ROWS:
            av = (agg["alter"].get(key) or {}).get("median")
            cells = []
            for g in peers:
                pv = (agg.get(g, {}).get(key) or {}).get("median")
                if av is None or pv is None or (av if lower else pv) == 0:
                    cells.append("–")
                else:
                    cells.append(f"{(pv / av if lower else av / pv):.2f}×")
            if all(c == "–" for c in cells):
                continue
            L.append(f"| {label.format(**fmt)} | " + " | ".join(cells) + " |")

    scale = doc.get("scale") or {}
    if scale:
        L.append("")
        L.append("Scale (one repetition each):")
        L.append("")
        L.append("| manager | apps | start, s (exec'd / returned) | manager CPU, ms | RSS / PSS with apps, kB | status all, ms | stop, s | C fork+exec limit, s |")
        L.append("|---|---|---|---|---|---|---|---|")
        for g, by_n in scale.items():
            for k, s in sorted(by_n.items(), key=lambda kv: int(kv[0])):
                st = s.get("start", {})
                row = (f"| {g} | {k} | {_f(st.get('all_s'), 3)} ({_f(st.get('exec_s'), 3)} / {_f(st.get('returned_s'), 3)}) "
                       f"| {_f(st.get('manager_cpu_ms'), 0)} | {_f(_get(s, 'with_apps.rss_kb'), 0)} / {_f(_get(s, 'with_apps.pss_kb'), 0)} "
                       f"| {_f(_ms(_get(s, 'status_all.median')), 1)} | {_f(_get(s, 'stop.all_s'), 3)} "
                       f"| {_cell(lim.get(f'forkexec_{k}_s'), 3)} |")
                if s.get("error"):
                    row += f" error: {s['error'][:160]}"
                L.append(row)

    L.append("")
    L.append("alter's targets:")
    L.append("")
    L.append("| target | alter | met |")
    L.append("|---|---|---|")
    for t in doc["targets"]:
        L.append(f"| {t['target']} | {t['figure']} | {'met' if t['met'] else '**not met**'} |")
    errs = {g: agg.get(g, {}).get("errors") for g in mgrs if agg.get(g, {}).get("errors")}
    if errs:
        L.append("")
        L.append("Errors during the run: " + "; ".join(f"{g}: {' | '.join(e)[:400]}" for g, e in errs.items()))
    return "\n".join(L) + "\n"


TEMPLATE = """# Benchmarks: alter against PM2, supervisord and s6

{begin}
{end}
"""


def write_markdown(path, body):
    text = TEMPLATE.format(begin=BEGIN, end=END)
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    if BEGIN not in text or END not in text:
        text = text.rstrip() + "\n\n" + BEGIN + "\n" + END + "\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n\n" + body + "\n" + END + tail)


def strip_internal(o):
    if isinstance(o, dict):
        return {k: strip_internal(v) for k, v in o.items() if k not in ("t0",)}
    if isinstance(o, list):
        return [strip_internal(v) for v in o]
    return o


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(strip_internal(doc), f, indent=1, sort_keys=False)
        f.write("\n")
