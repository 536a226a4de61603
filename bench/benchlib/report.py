# SPDX-License-Identifier: MIT
"""Aggregates the raw sessions (medians, min/max), checks alter's targets, and writes the
Markdown tables of docs/BENCHMARKS.md (between its markers) and the raw JSON."""
import json
import os

from .util import summary, percentile

BEGIN = "<!-- bench:results:begin (written by scripts/bench; edit outside the markers) -->"
END = "<!-- bench:results:end -->"
MIB = 1048576


def one_line(text, limit=300):
    """An error message fit for a table cell or a list item: the last line that says "error", or
    the text with its white space folded; at most `limit` characters."""
    text = str(text)
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    err = [x for x in lines if "error" in x.lower()]
    head = text.split(":", 1)[0] if ":" in text and "\n" in text else ""
    if len(lines) > 1 and err:
        text = (head + ": … " if head and not err[-1].startswith(head) else "") + err[-1]
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 1] + "…"


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
        a["status_one_api_ms"] = col("status_one_api.median", 1000.0)
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


def aggregate_scale(raw_scale):
    """{mgr: {n: {start_all_s, start_exec_s, start_returned_s, manager_cpu_ms, with_rss_kb, with_pss_kb,
    status_all_ms, stop_s, cold_start_s: summary, "reps": k, "errors": [...]}}} over the repetitions."""
    out = {}
    for mgr, by_n in raw_scale.items():
        for n, sessions in by_n.items():
            ok = [s for s in sessions if "error" not in s]

            def col(path, scale=1.0):
                return summary([None if _get(s, path) is None else _get(s, path) * scale for s in ok])
            out.setdefault(mgr, {})[n] = {
                "start_all_s": col("start.all_s"), "start_exec_s": col("start.exec_s"),
                "start_returned_s": col("start.returned_s"), "manager_cpu_ms": col("start.manager_cpu_ms"),
                "with_rss_kb": col("with_apps.rss_kb"), "with_pss_kb": col("with_apps.pss_kb"),
                "with_processes": col("with_apps.processes"),
                "status_all_ms": col("status_all.median", 1000.0), "stop_s": col("stop.all_s"),
                "cold_start_s": col("cold_start_s"), "reps": len(sessions), "ok_reps": len(ok),
                "errors": [s["error"] for s in sessions if "error" in s],
                "gave_up": next((s["gave_up"] for s in sessions if s.get("gave_up")), None),
            }
    return out


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
        f"{_f(s, 3)} s (all exec'd and `alter start` returned); confirmed by `alter list`: {_f(med('start_confirmed_s'), 3)} s; "
        f"{n} fork+execs from C took {_f(fe, 3)} s in this run",
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
    ("status_one_api_ms", "M5 (alter) `GET /api/v1/processes/NAME` from the harness, no CLI, ms", 2, 1, True),
    ("idle_cpu_ms", "M6 manager CPU over {idle} s idle with {n} apps, ms", 0, 1, True),
    ("idle_wakeups", "M6 manager wake-ups (voluntary context switches) over {idle} s idle", 0, 1, True),
    ("stop_s", "M7 stop {n} apps (all gone and the command returned), s", 3, 1, True),
    ("cold_start_s", "(extra) daemon cold start until it answers, s", 3, 1, True),
]


def _ratio(av, pv, lower):
    if av is None or pv is None or (av if lower else pv) == 0:
        return "–"
    return f"{(pv / av if lower else av / pv):.2f}×"


def _header(doc):
    L = []
    m = doc["machine"]
    n = doc["options"]["n"]
    L.append(f"Run {doc['started']} – {doc['finished']} ({doc['duration_s']:.0f} s), `{doc['command']}`.")
    L.append("")
    L.append(f"- Machine: {m['nproc']} × {m['cpu_model']}, {m['mem_total_gib']} GiB, kernel {m['kernel']}, "
             f"{m.get('os', '')}, /tmp: {m['tmp_fs']}.")
    ld = doc["load"]
    L.append(f"- Load average during the run: {ld['load1_min']:.2f}–{ld['load1_max']:.2f} (median "
             f"{ld['load1_median']:.2f}) on {m['nproc']} CPUs; CPU busy {ld['busy_percent']} % (including the "
             f"benchmark), steal {ld['steal_percent']} %. Load at start: {' '.join(map(str, doc['load_start']))}.")
    L.append("- Versions: " + "; ".join(f"{k} {v}" for k, v in doc["versions"].items()) + ".")
    src = doc.get("source") or {}
    if src.get("commit"):
        ch = src.get("changed") or []
        L.append(f"- alter built from commit `{src['commit'][:12]}` (“{src['commit'][41:].strip()}”)"
                 + (f", with uncommitted changes in {len(ch)} file{'s' if len(ch) != 1 else ''}: "
                    + ", ".join(f"`{c}`" for c in ch) if ch else ", no uncommitted changes") + ".")
    reps = doc['options']['reps']
    L.append(f"- {reps} repetition{'s' if reps != 1 else ''}, alternating the managers' order, each session in a fresh "
             f"daemon; median (min–max over the repetitions). N = {n}.")
    if doc.get("skipped"):
        L.append("- Skipped: " + "; ".join(f"{k}: {one_line(v, 200)}" for k, v in doc["skipped"].items()) + ".")
    return L


ROW_LIMITS = {
    "start_all_s": lambda lim, n: f"C fork+exec: {_cell(lim.get(f'forkexec_{n}_s'), 3)}; bash loop: {_cell(lim.get(f'bash_loop_{n}_s'), 3)}",
    "flood_payload_mib_s": lambda lim, n: (f"`yes\\|head\\|cat>f`: {_cell(lim.get('yes_head_cat_mib_s'), 0)}; "
                                           f"`head /dev/zero\\|cat>f`: {_cell(lim.get('zero_cat_mib_s'), 0)}; "
                                           f"`yes\\|head>f`: {_cell(lim.get('yes_head_mib_s'), 0)}"),
    "crash_ms": lambda lim, n: f"C respawn loop (`forkexec --respawn`): {_cell(lim.get('respawn_ms'), 2)}",
    "flood_cpu_s_per_gib": lambda lim, n: f"`cat` in `yes\\|head\\|cat>f`: {_cell(lim.get('yes_head_cat_consumer_cpu_s_per_gib'), 2)}",
    "status_all_ms": lambda lim, n: f"fork+exec `/bin/true`: {_cell(lim.get('true_s'), 2, 1000)}",
    "status_one_ms": lambda lim, n: f"fork+exec `/bin/true`: {_cell(lim.get('true_s'), 2, 1000)}",
}


def _true_in_sessions(doc):
    """fork+exec of /bin/true timed in every main session next to the status commands (runs since
    2026-12-07), pooled; None for older runs (then the limits phase's figure is used)."""
    v = [x for sessions in doc["raw"]["main"].values() for r in sessions
         for x in ((r.get("true") or {}).get("values") or [])]
    return summary(v)


def _results(doc):
    n, mgrs = doc["options"]["n"], doc["managers"]
    agg, lim = doc["agg"], dict(doc["limits"])
    if _true_in_sessions(doc):
        lim["true_s"] = _true_in_sessions(doc)
    fmt = {"n": n, "flood": doc["options"]["flood_size"] // MIB, "idle": doc["options"]["idle_seconds"]}
    L = ["", f"## Results (N = {n})", ""]
    L.append("| metric | " + " | ".join(mgrs) + " | machine limit |")
    L.append("|---|" + "---|" * (len(mgrs) + 1))
    for key, label, digits, scale, _ in ROWS:
        cells = [_cell(agg.get(g, {}).get(key), digits, scale) for g in mgrs]
        if all(c == "–" for c in cells):
            continue
        lc = ROW_LIMITS[key](lim, n) if key in ROW_LIMITS else "–"
        L.append(f"| {label.format(**fmt)} | " + " | ".join(cells) + f" | {lc} |")
    crash = [agg.get(g, {}).get("crash_pooled") for g in mgrs]
    if any(crash):
        rp = lim.get("respawn_pooled_ms")
        L.append("| M3 all restarts pooled: p10 / median / p90 (n), ms | " + " | ".join(
            f"{_f(c['p10'], 2)} / {_f(c['median'], 2)} / {_f(c['p90'], 2)} ({c['n']})" if c else "–" for c in crash)
            + (f" | C respawn loop: {_f(rp['p10'], 2)} / {_f(rp['median'], 2)} / {_f(rp['p90'], 2)} ({rp['n']}) |"
               if rp else " | – |"))
    lost = [agg.get(g, {}).get("flood_lost_bytes") for g in mgrs]
    if any(x is not None for x in lost):
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

    peers = [g for g in mgrs if g != "alter"]
    if peers and "alter" in agg:
        L += ["", "## Ratios peer / alter", "",
              "Medians of this run. Above 1× alter is better (for throughput the inverse ratio is shown, so above 1× "
              "is still alter ahead); below 1× the peer is ahead. Last column: alter against the machine's limit.", ""]
        L.append("| metric | " + " | ".join(peers) + " | alter / machine limit |")
        L.append("|---|" + "---|" * (len(peers) + 1))
        limit_of = {
            "start_all_s": ((lim.get(f"forkexec_{n}_s") or {}).get("median"), True),
            "crash_ms": ((lim.get("respawn_ms") or {}).get("median"), True),
            "flood_payload_mib_s": ((lim.get("yes_head_cat_mib_s") or {}).get("median"), False),
            "status_all_ms": (None if not lim.get("true_s") else lim["true_s"]["median"] * 1000, True),
            "status_one_ms": (None if not lim.get("true_s") else lim["true_s"]["median"] * 1000, True),
        }
        for key, label, digits, scale, lower in ROWS:
            av = (agg["alter"].get(key) or {}).get("median")
            cells = [_ratio(av, (agg.get(g, {}).get(key) or {}).get("median"), lower) for g in peers]
            if all(c == "–" for c in cells):
                continue
            lv, llower = limit_of.get(key, (None, True))
            lc = "–"
            if lv and av:
                lc = f"{av / lv:.2f}× the limit" if llower else f"{av / lv:.2f}× of the limit"
            L.append(f"| {label.format(**fmt)} | " + " | ".join(cells) + f" | {lc} |")
    return L


def _scale(doc):
    sagg = doc.get("scale_agg") or {}
    skipped = doc.get("scale_skipped") or {}
    lim = doc["limits"]
    if not sagg and not skipped:
        return []
    o = doc["options"]
    L = ["", "## M8 scale", "",
         f"{o.get('scale_reps', 1)} repetition{'s' if o.get('scale_reps', 1) != 1 else ''} per count, alternating the managers' order; median (min–max). "
         f"A step (start, status, stop) that takes longer than {o.get('scale_limit', 0):.0f} s ends the session "
         "(\"gave up\").", ""]
    L.append("| manager | apps | start, s: all exec'd and returned (exec'd / returned) | manager CPU during the start, ms "
             "| RSS / PSS with the apps, kB (processes) | status of all, ms | stop, s | C fork+exec limit, s |")
    L.append("|---|---|---|---|---|---|---|---|")
    counts = sorted({int(k) for g in list(sagg) + list(skipped) for k in {**sagg.get(g, {}), **skipped.get(g, {})}})
    mgrs = [g for g in doc["managers"] if g in sagg or g in skipped]
    for k in map(str, counts):
        for g in mgrs:
            s = sagg.get(g, {}).get(k)
            why = skipped.get(g, {}).get(k)
            if s is None or s["ok_reps"] == 0:
                reason = one_line(why or (s and "; ".join(s["errors"])) or "–", 240)
                L.append(f"| {g} | {k} | {reason} | – | – | – | – | {_cell(lim.get(f'forkexec_{k}_s'), 3)} |")
                continue
            procs_n = (s.get("with_processes") or {}).get("median")
            row = (f"| {g} | {k} | {_cell(s['start_all_s'], 3)} ({_f((s['start_exec_s'] or {}).get('median'), 3)} / "
                   f"{_f((s['start_returned_s'] or {}).get('median'), 3)}) | {_cell(s['manager_cpu_ms'], 0)} "
                   f"| {_f((s['with_rss_kb'] or {}).get('median'), 0)} / {_f((s['with_pss_kb'] or {}).get('median'), 0)}"
                   f" ({_f(procs_n, 0)}) | {_cell(s['status_all_ms'], 1)} | {_cell(s['stop_s'], 3)} "
                   f"| {_cell(lim.get(f'forkexec_{k}_s'), 3)} |")
            notes = []
            if s["ok_reps"] < s["reps"]:
                notes.append(one_line(f"{s['reps'] - s['ok_reps']} of {s['reps']} repetitions failed: " + "; ".join(s["errors"]), 240))
            if notes:
                row += " " + " ".join(notes)
            L.append(row)
    a = sagg.get("alter", {})
    peers = [g for g in mgrs if g != "alter"]
    if a and peers:
        L += ["", "Scale ratios peer / alter (above 1× alter is better):", ""]
        L.append("| apps | metric | " + " | ".join(peers) + " |")
        L.append("|---|---|" + "---|" * len(peers))
        for k in map(str, counts):
            for key, label in (("start_all_s", "start"), ("with_pss_kb", "PSS with the apps"),
                               ("status_all_ms", "status of all"), ("stop_s", "stop")):
                av = ((a.get(k) or {}).get(key) or {}).get("median")
                cells = []
                for g in peers:
                    pv = ((sagg.get(g, {}).get(k) or {}).get(key) or {}).get("median")
                    cells.append(_ratio(av, pv, True) if pv is not None else
                                 ("gave up" if "gave up" in (skipped.get(g, {}).get(k) or "") else "–"))
                if av is None or all(c == "–" for c in cells):
                    continue
                L.append(f"| {k} | {label} | " + " | ".join(cells) + " |")
    return L


def _targets(doc):
    L = ["", "## alter's targets (issues 2, 3 and 7)", "", "| target | alter | met |", "|---|---|---|"]
    for t in doc["targets"]:
        L.append(f"| {t['target']} | {t['figure']} | {'met' if t['met'] else '**not met**'} |")
    return L


METHODS = [
    "**Limits** (the machine's own, in the same run): `forkexec N /bin/sleep 3600` (N forks + execs from C, until "
    "the last exec closes an O_CLOEXEC pipe); a bash loop of N `sleep &`; `forkexec --respawn` (a C loop that forks "
    "the next child as soon as `waitpid()` returns: the floor of M3); pipe to file with `cat`; fork+exec of "
    "`/bin/true` from the harness (the floor of any status command).",
    "**M1** idle memory: sum of `VmRSS` and of `Pss` (`/proc/PID/smaps_rollup`) over the manager's own processes, "
    "{settle} s after the daemon answers.",
    "**M2** start N `sleep 3600` apps: the add command runs while the harness scans `/proc` every 5 ms; the figure is "
    "max(all N `sleep` below the daemon exec'd, the add command returned). \"Confirmed\" is the end of the first status "
    "command that reports N running. Memory is read {settle} s later.",
    "**M3** crash: the app is `stamp FILE crash 100 1` (stamps its start, lives 0.1 s, stamps its exit, exits 1); "
    "gap = next start stamp − exit stamp (it includes the new child's exec), {crash} restarts per session, restart "
    "delay set to each manager's minimum.",
    "**M4** log burst: the app runs `sh -c 'stamp start; yes <127 x> | head -c SIZE; stamp end; exec sleep 3600'`; "
    "throughput = SIZE / (the log file(s) hold it all − the writer's start stamp), polled every 2 ms; then the files "
    "are re-read: bytes, lines and `x` counted (lost bytes must be 0).",
    "**M5** status: wall time of the status command(s) run by the harness, median of {status_reps}.",
    "**M6** idle: Δ(utime+stime) (10 ms ticks) and voluntary context switches over every thread of the manager, over "
    "{idle} s with N apps running.",
    "**M7** stop: the stop command runs while the harness watches the N `sleep` disappear; max(all gone, returned).",
    "**M8** scale: M2, memory, the status of all (up to 3 times) and M7 with {scale} apps (`RLIMIT_NOFILE` raised "
    "towards 6 × N + 1024 for the daemon); a step that takes over {scale_limit:.0f} s ends the session.",
]


def _how(doc):
    o = doc["options"]
    L = ["", "## How each manager is driven", "",
         "Every session starts a fresh daemon in its own temporary directory `$W` (with `HOME` there too), by hand, "
         "never as a system service; everything the harness starts is ended by PID (the harness is a child "
         "subreaper), and the run fails if a process is left over. Commands run with "
         "`PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TZ=UTC`.", ""]
    for g in doc["managers"]:
        lines = (doc.get("how") or {}).get(g) or []
        L.append(f"- **{g}**" + (f" ({doc['versions'].get(g)})" if doc["versions"].get(g) else "") + ":")
        for x in lines:
            L.append("  - " + x.replace("\n", "\n    "))
    L += ["", "What each scenario measures:", ""]
    fmt = {"settle": o.get("settle"), "crash": o.get("crash_count"), "status_reps": o.get("status_reps"),
           "idle": o.get("idle_seconds"), "scale_limit": o.get("scale_limit") or 0,
           "scale": " and ".join(f"{x:,}" for x in (o.get("scale") or [])) or "no"}
    L += ["- " + m.format(**fmt) for m in METHODS]
    return L


def caveats(doc):
    """The caveats that apply to this run (some depend on its figures)."""
    agg, mgrs, ld, m = doc["agg"], doc["managers"], doc["load"], doc["machine"]
    C = []
    nproc = m.get("nproc") or 1
    if ld["load1_max"] > nproc:
        C.append(f"The machine was busy during the run: the load average reached {ld['load1_max']:.1f} on {nproc} "
                 f"CPUs (median {ld['load1_median']:.1f}). Absolute times are slower and noisier than on a quiet "
                 "machine; compare the managers through the ratios of this run (same machine, same minutes, "
                 "alternating order), not with figures from another run.")
    C.append("The harness shares the CPUs with the managers: its `/proc` scans every 5 ms during M2, M7 and M8, and the "
             "writer (`yes`, `head`) in M4.")
    C.append("M1 RSS counts every shared-library page a process has touched (libc, libstdc++ …) in full, in each "
             "process; PSS divides shared pages among the processes that map them, so it also depends on what else "
             "runs on the machine. Both are shown.")
    if "s6" in mgrs:
        C.append("s6 runs one `s6-supervise` per app: its memory with N apps is the sum over N + 1 processes (RSS counts "
                 "the shared pages of each; PSS is the fairer figure), and its \"status of all\" is N `s6-svstat` "
                 "processes. Its `run` scripts are `/bin/sh` scripts that exec the app: one more exec per start.")
    C.append("M2 compares different add operations: alter and PM2 read one ecosystem file in one CLI call; supervisord "
             "reads N program files on `supervisorctl update`; s6 rescans N service directories after one "
             "`s6-svscanctl -a`.")
    C.append("Logging defaults differ: alter writes each app's stdout and stderr to its own files with a 25-byte "
             "timestamp per line; PM2 writes out/err files per app; supervisord writes AUTO log files; s6 runs no "
             "logger in M2 (M4 adds one `s6-log`). M4's payload rate counts the same bytes for all; alter's files hold "
             "20 % more (the timestamps).")
    for g in mgrs:
        c = (agg.get(g, {}).get("crash_ms") or {}).get("median")
        if g != "alter" and c is not None and c >= 900:
            why = {"supervisord": "supervisord notices a dead child on its main loop's next tick (a 1 s poll)",
                   "s6": "s6-supervise waits 1 s before restarting a service that died (no knob in this version)"}
            C.append(f"M3 for {g} sits on a ~1 s floor ({c:.0f} ms): {why.get(g, 'a built-in restart pause')}; it "
                     "measures that policy, not the spawn path.")
    if "pm2" in mgrs:
        C.append("PM2 runs with stock settings (vizion and pmx on; `jlist` and `describe` print full environments); its "
                 "CLI is a Node.js program (tens of ms to start), supervisorctl a Python one. Their M5 figures are "
                 "mostly runtime start-up.")
    C.append("M6 has a 10 ms resolution (CPU ticks); wake-ups (voluntary context switches) show activity below that.")
    want = {int(n): 6 * int(n) + 1024 for n in (doc["options"].get("scale") or [])}
    got = {}
    for g, by_n in (doc["raw"].get("scale") or {}).items():
        for n, sessions in by_n.items():
            for s in sessions:
                if s.get("nofile_effective"):
                    got.setdefault(int(n), set()).add(s["nofile_effective"])
    short = {n: min(v) for n, v in got.items() if min(v) < want.get(n, 0)}
    if short:
        C.append("M8: the daemons' `RLIMIT_NOFILE` could not be raised as far as asked ("
                 + "; ".join(f"{n} apps: {v} instead of {want[n]}" for n, v in sorted(short.items()))
                 + "): the hard limit of this machine caps it, and the harness may not raise it (no CAP_SYS_RESOURCE). "
                 "A manager that keeps descriptors per app (alter: two output pipes and a pidfd; PM2 and supervisord: "
                 "pipes and log files) cannot reach the largest counts here; s6 keeps them in its per-app "
                 "s6-supervise processes.")
    sk = doc.get("scale_skipped") or {}
    gave = [f"{g} at {k}: {v}" for g, d in sk.items() for k, v in d.items() if "gave up" in v]
    if gave:
        C.append("M8: " + "; ".join(gave) + ". A manager that gave up was killed by PID, and not tried again at that "
                 "count in later repetitions.")
    if any(g.startswith("fake") for g in mgrs) or any(g.startswith("fake") for g in (doc.get("skipped") or {})):
        C.append("`fake` is the harness's self-test peer (bench/fakepeer.py, a small Python manager), and "
                 "`fake-missing` a peer that is missing on purpose; they exercise the adapters and the report, "
                 "they are not a product to compare with.")
    if doc["options"].get("quick"):
        C.append("This is a `--quick` run (tiny N, one repetition, short windows): it checks the harness, its figures "
                 "are not benchmarks.")
    return C


def markdown(doc):
    L = _header(doc) + _results(doc) + _scale(doc) + _targets(doc) + _how(doc)
    L += ["", "## Caveats", ""] + ["- " + c for c in caveats(doc)]
    agg, mgrs = doc["agg"], doc["managers"]
    errs = {g: agg.get(g, {}).get("errors") for g in mgrs if agg.get(g, {}).get("errors")}
    scale_errs = [(g, k, e) for g, by_n in (doc.get("scale_agg") or {}).items() for k, v in by_n.items()
                  for e in v["errors"] if not v.get("gave_up")]
    if errs or doc.get("alter_errors") or scale_errs:
        L += ["", "## Errors during the run", ""]
        for g, e in errs.items():
            L.append(f"- {g}: " + " \\| ".join(one_line(x, 300) for x in e))
        for g, k, e in scale_errs:
            L.append(f"- {g}, M8 with {k} apps: {one_line(e, 300)}")
        for e in doc.get("alter_errors") or []:
            if not any(e.split(": ", 1)[-1] in x for x in (errs.get("alter") or [])):
                L.append(f"- alter: {one_line(e, 400)}")
    return "\n".join(L) + "\n"


TEMPLATE = """# Benchmarks: alter against PM2, supervisord and s6

Where alter stands against the process managers its users would otherwise pick, and against the
machine's own limits, measured side by side in one run on one machine (issues 2, 3 and 7). The part
between the markers is written by `scripts/bench` (the raw figures are in `docs/benchmarks.json`;
`bench/bench.py --render docs/benchmarks.json` writes it again from them); the rest is kept.

{begin}
{end}
"""


def write_markdown(path, body):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
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
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(strip_internal(doc), f, indent=1, sort_keys=False)
        f.write("\n")
