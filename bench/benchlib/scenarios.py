# SPDX-License-Identifier: MIT
"""The scenarios (M1-M8 of shared/reference/peer-benchmarks.md) and the machine's limits.
Every session starts a fresh daemon and tears it down, even when a step fails."""
import os
import statistics
import subprocess
import threading
import time

from . import procs
from .util import mono, mono_ns, run, summary, percentile, wait_until


class StepError(RuntimeError):
    pass


def _timed_command(argv, env, scanner, n, timeout, until_gone=False):
    """Launches argv while scanning /proc every 5 ms. Returns the seconds until the command
    returned, until n `sleep` processes of the tree exist (or, until_gone, none is left), and
    the max of both."""
    res = {}
    t0 = mono()
    p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)

    def waiter():
        out = p.stdout.read()
        p.wait()
        res["returned_s"] = mono() - t0
        res["rc"] = p.returncode
        res["output"] = out.decode(errors="replace")[-1500:]
    th = threading.Thread(target=waiter, daemon=True)
    th.start()
    seen = None
    deadline = t0 + timeout
    scans = 0
    best, best_t = None, None  # the furthest it got, and when (for a give-up's record)
    while mono() < deadline:
        count = scanner.alive() if until_gone else scanner.scan()
        scans += 1
        if best is None or (count < best if until_gone else count > best):
            best, best_t = count, mono() - t0
        done = count == 0 if until_gone else count >= n
        if done and seen is None:
            seen = mono() - t0
        if seen is not None and "returned_s" in res:
            break
        if res.get("rc") not in (None, 0):
            break  # the command failed: nothing more will come
        time.sleep(0.005)
    th.join(max(0.0, deadline - mono()) + 1)
    if p.poll() is None:
        p.kill()
        p.wait()
    key = "gone_s" if until_gone else "exec_s"
    res[key] = seen
    res["scans"] = scans
    res["count"] = count
    res["progress_s"] = best_t
    res["t0"] = t0
    if res.get("rc") not in (None, 0):
        res["error"] = f"the command exited {res['rc']}: {res.get('output', '')[-400:]}"
        res["all_s"] = None
    elif seen is None or "returned_s" not in res:
        res["timed_out_s"] = timeout
        res["error"] = (f"timeout after {timeout:.0f} s ({count} of {n} {'left' if until_gone else 'running'}, "
                        f"rc={res.get('rc')}): {res.get('output', '')[-400:]}")
        res["all_s"] = None
    else:
        res["all_s"] = max(seen, res["returned_s"])
    return res


def _time_argvs(argvs, env, reps, budget=None):
    """Median-of-reps wall time (s) of running argvs one after another; with a budget (s), no
    further repetition starts once it is spent (one always runs)."""
    times = []
    start = mono()
    for _ in range(reps):
        t0 = mono()
        for a in argvs:
            subprocess.run(a, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=budget)
        times.append(mono() - t0)
        if budget is not None and mono() - start > budget:
            break
    return summary(times)


def _teardown(m, log):
    """The manager's own teardown; if it fails or hangs, everything is killed by PID."""
    try:
        m.teardown()
    except Exception as e:  # noqa: BLE001
        log(f"  {m.label}: teardown failed ({type(e).__name__}: {str(e)[:200]}): killing by PID")
        m.ctx.cleanup.kill_all()


def idle_window(pids, seconds):
    """CPU (ms, 10 ms resolution) and context switches of pids over `seconds`."""
    t0 = procs.cpu_ticks(pids)
    c0 = procs.ctxt_switches(pids)
    time.sleep(seconds)
    t1 = procs.cpu_ticks(pids)
    c1 = procs.ctxt_switches(pids)
    return {"seconds": seconds, "cpu_ms": (t1 - t0) * 1000 // procs.CLK_TCK,
            "wakeups_voluntary": c1[0] - c0[0], "switches_involuntary": c1[1] - c0[1]}


def session_main(m, n, o, log):
    """M1 idle memory, M2 start n sleeps, memory with n, M5 status, M6 idle CPU, M7 stop."""
    r = {"n": n}
    try:
        r["cold_start_s"] = m.start(n)
        time.sleep(o.settle)
        r["idle"] = procs.memory(m.pids())
        r["idle"]["threads"] = sum(procs.thread_count(p) for p in m.pids())

        add = m.prepare_sleep_apps(n)
        scanner = procs.TreeScanner(m.root(), "sleep")
        cpu0 = procs.cpu_ticks(m.pids())
        r["start"] = _timed_command(add, m.command_env(), scanner, n, o.timeout)
        r["start"]["manager_cpu_ms"] = (procs.cpu_ticks(m.pids()) - cpu0) * 1000 // procs.CLK_TCK
        if r["start"].get("error"):
            raise StepError("start: " + r["start"]["error"])
        # Confirmed: the end of the first status-CLI call that shows all n running.
        ok = wait_until(lambda: m.running_count() >= n, o.timeout, 0.001)
        r["start"]["confirmed_s"] = mono() - r["start"]["t0"] if ok else None

        time.sleep(o.settle)
        r["with_apps"] = procs.memory(m.pids())
        r["with_apps"]["threads"] = sum(procs.thread_count(p) for p in m.pids())
        r["mem_growth_kb"] = {"rss": r["with_apps"]["rss_kb"] - r["idle"]["rss_kb"],
                              "pss": r["with_apps"]["pss_kb"] - r["idle"]["pss_kb"]}
        env = m.command_env()
        # The floor of any status command, timed the same way in the same minute.
        r["true"] = _time_argvs([["/bin/true"]], env, o.status_reps)
        r["status_all"] = _time_argvs(m.status_all(), env, o.status_reps)
        one = f"s{n // 2:0{max(3, len(str(n)))}d}"
        r["status_one"] = _time_argvs(m.status_one(one), env, o.status_reps)
        if hasattr(m, "api_list"):
            for key, call in (("status_api", m.api_list), ("status_one_api", lambda: m.api_one(one))):
                times = []
                for _ in range(o.status_reps):
                    t0 = mono()
                    call()
                    times.append(mono() - t0)
                r[key] = summary(times)

        time.sleep(o.settle)
        r["idle_cpu"] = idle_window(m.pids(), o.idle_seconds)

        r["stop"] = _timed_command(m.stop_all(), env, scanner, n, o.timeout, until_gone=True)
        if r["stop"].get("error"):
            raise StepError("stop: " + r["stop"]["error"])
    except Exception as e:  # noqa: BLE001 - recorded, the run goes on with the next session
        r["error"] = f"{type(e).__name__}: {e}"
        log(f"  {m.label}: {r['error']}")
    finally:
        _teardown(m, log)
    return r


def session_web(m, o, log):
    """alter with its dashboard (the default): idle memory of alterd and alter-web, and their
    wake-ups while idle."""
    r = {}
    try:
        r["cold_start_s"] = m.start(0)
        time.sleep(o.settle)
        pids = m.pids()
        r["idle"] = procs.memory(pids)
        r["idle_alterd"] = procs.memory(pids[:1])
        r["idle_web"] = procs.memory(pids[1:])
        r["idle_cpu_alterd"] = idle_window(pids[:1], o.web_idle_seconds)
        r["idle_cpu_web"] = idle_window(pids[1:], o.web_idle_seconds)
    except Exception as e:  # noqa: BLE001
        r["error"] = f"{type(e).__name__}: {e}"
        log(f"  {m.label}: {r['error']}")
    finally:
        _teardown(m, log)
    return r


def _read_stamps(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                tag, _, ns = line.partition(" ")
                if ns.strip().isdigit():
                    out.append((tag, int(ns)))
    except OSError:
        pass
    return out


def session_crash(m, count, o, log):
    """M3: a child that lives 0.1 s and exits 1; gap = next start stamp - exit stamp."""
    r = {}
    f = os.path.join(m.dir, "crash.stamps")
    try:
        m.start(1)
        m.add_crash(f)
        ok = wait_until(lambda: sum(1 for t, _ in _read_stamps(f) if t == "start") > count,
                        count * 2.5 + 15, 0.05)
        stamps = _read_stamps(f)
        gaps = []
        last_exit = None
        for tag, ns in stamps:
            if tag == "exit":
                last_exit = ns
            elif tag == "start" and last_exit is not None:
                gaps.append((ns - last_exit) / 1e6)
                last_exit = None
        gaps = gaps[:count]
        r["gaps_ms"] = gaps
        if gaps:
            r["median_ms"] = statistics.median(gaps)
            r["p10_ms"] = percentile(gaps, 0.1)
            r["p90_ms"] = percentile(gaps, 0.9)
            r["min_ms"], r["max_ms"] = min(gaps), max(gaps)
        if not ok:
            r["error"] = f"only {len(gaps)} restarts seen"
    except Exception as e:  # noqa: BLE001
        r["error"] = f"{type(e).__name__}: {e}"
        log(f"  {m.label}: {r['error']}")
    finally:
        _teardown(m, log)
    return r


LINE_PAYLOAD = 128  # 127 'x' and a newline, as `yes` writes them


def flood_command(ctx, stamp_file, size):
    return (f"{ctx.stamp} {stamp_file} start; yes {'x' * (LINE_PAYLOAD - 1)} 2>/dev/null | head -c {size}; "
            f"{ctx.stamp} {stamp_file} end; exec sleep 3600")


def verify_log(files, prefix, size):
    """Counts bytes, lines and payload 'x' in the log files; the expected content is size bytes
    of 128-byte lines, each line with `prefix` extra bytes in front."""
    total = lines = xs = 0
    for path in files:
        try:
            with open(path, "rb") as f:
                while True:
                    b = f.read(16 << 20)
                    if not b:
                        break
                    total += len(b)
                    lines += b.count(b"\n")
                    xs += b.count(b"x")
        except OSError:
            pass
    want_lines = size // LINE_PAYLOAD
    payload = total - prefix * lines
    return {"file_bytes": total, "lines": lines, "payload_bytes": payload,
            "expected_lines": want_lines, "expected_payload_bytes": size,
            "lost_bytes": size - payload, "lost_lines": want_lines - lines,
            "bad_x": xs != lines * (LINE_PAYLOAD - 1),
            "ok": payload == size and lines == want_lines and xs == want_lines * (LINE_PAYLOAD - 1)}


def _files_size(files):
    n = 0
    for p in files:
        try:
            n += os.stat(p).st_size
        except OSError:
            pass
    return n


def session_flood(m, size, o, log):
    """M4: one child writes size bytes of 128-byte lines to stdout; time until the manager's log
    file(s) hold them all, from the writer's own start stamp."""
    r = {"size": size}
    f = os.path.join(m.dir, "flood.stamps")
    try:
        m.start(1)
        time.sleep(o.settle / 2)
        idle_rss = procs.memory(m.pids())["rss_kb"]
        expected = size + m.log_prefix_bytes * (size // LINE_PAYLOAD)
        cpu0 = procs.cpu_split(m.pids())
        m.add_flood(flood_command(m.ctx, f, size))
        deadline = mono() + o.timeout + size / (20 << 20)
        peak = idle_rss
        next_mem = 0.0
        done_ns = None
        while mono() < deadline:
            files = m.flood_files()
            if _files_size(files) >= expected:
                done_ns = mono_ns()
                break
            if mono() >= next_mem:
                peak = max(peak, procs.memory(m.pids())["rss_kb"])
                next_mem = mono() + 0.05
            time.sleep(0.002)
        cpu1 = procs.cpu_split(m.pids())
        stamps = dict(_read_stamps(f))
        r["manager_user_s"] = (cpu1[0] - cpu0[0]) / procs.CLK_TCK
        r["manager_sys_s"] = (cpu1[1] - cpu0[1]) / procs.CLK_TCK
        r["manager_cpu_s_per_gib"] = (r["manager_user_s"] + r["manager_sys_s"]) * (1 << 30) / size
        r["peak_rss_kb"] = peak
        r["idle_rss_kb"] = idle_rss
        if done_ns is None or "start" not in stamps:
            raise StepError(f"the log files did not reach {expected} bytes (have {_files_size(m.flood_files())})")
        elapsed = (done_ns - stamps["start"]) / 1e9
        time.sleep(0.3)  # anything extra would show up now
        v = verify_log(m.flood_files(), m.log_prefix_bytes, size)
        r.update(v)
        r["seconds"] = elapsed
        r["writer_seconds"] = (stamps["end"] - stamps["start"]) / 1e9 if "end" in stamps else None
        r["payload_mib_s"] = size / elapsed / 1048576
        r["file_mib_s"] = v["file_bytes"] / elapsed / 1048576
        if not v["ok"]:
            r["error"] = f"log content differs: {v}"
    except Exception as e:  # noqa: BLE001
        r["error"] = f"{type(e).__name__}: {e}"
        log(f"  {m.label}: {r['error']}")
    finally:
        _teardown(m, log)
        for p in m.flood_files():
            try:
                os.unlink(p)
            except OSError:
                pass
    return r


def session_api_start(m, n, o, log):
    """alter only: the same n apps added by POST /api/v1/ecosystem from the harness (no CLI)."""
    from .util import unix_request
    r = {"n": n}
    try:
        m.start(n)
        m.prepare_sleep_apps(n)
        scanner = procs.TreeScanner(m.root(), "sleep")
        t0 = mono()
        st, body = unix_request(m.sock, "POST", "/api/v1/ecosystem", {"path": m.eco_file}, timeout=o.timeout)
        r["returned_s"] = mono() - t0
        if st != 200:
            raise StepError(f"POST /ecosystem answered {st}: {str(body)[:300]}")
        wait_until(lambda: scanner.scan() >= n, o.timeout, 0.002)
        r["exec_s"] = mono() - t0 if scanner.scan() >= n else None
        r["all_s"] = max(r["exec_s"], r["returned_s"]) if r["exec_s"] is not None else None
    except Exception as e:  # noqa: BLE001
        r["error"] = f"{type(e).__name__}: {e}"
        log(f"  {m.label}: {r['error']}")
    finally:
        _teardown(m, log)
    return r


def _scale_step(r, step, n, limit):
    """After M8's start or stop: records a give-up (the step hit the time limit) and raises on any
    failure (the exception's gave_up says which)."""
    res = r[step]
    res.pop("output", None)
    if res.get("timed_out_s"):
        left = f"{res['count']} of {n} " + ("running" if step == "start" else "left")
        r["gave_up"] = (f"{'' if step == 'start' else 'stop: '}gave up after {limit:.0f} s: {left} "
                        f"(the last change after {res['progress_s'] or 0:.0f} s)")
    if res.get("error"):
        err = StepError(f"{step}: {res['error']}")
        err.gave_up = bool(r.get("gave_up"))
        raise err


def session_scale(m, n, o, log, limit):
    """M8: n apps: start time, memory, status time, stop time. A step that takes longer than
    `limit` seconds ends the session: "gave_up" says after how long and how far it got, and the
    manager is killed by PID instead of its own teardown."""
    r = {"n": n, "limit_s": limit}
    m.ctx.nofile = 6 * n + 1024
    r["rlimit_nofile"] = m.ctx.nofile
    gave_up = False
    try:
        r["cold_start_s"] = m.start(n)
        m.ctx.nofile = None
        r["nofile_effective"] = procs.nofile_limit(m.daemon_pid)
        time.sleep(o.settle)
        r["idle"] = procs.memory(m.pids())
        add = m.prepare_sleep_apps(n)
        scanner = procs.TreeScanner(m.root(), "sleep")
        cpu0 = procs.cpu_ticks(m.pids())
        r["start"] = _timed_command(add, m.command_env(), scanner, n, limit)
        r["start"]["manager_cpu_ms"] = (procs.cpu_ticks(m.pids()) - cpu0) * 1000 // procs.CLK_TCK
        _scale_step(r, "start", n, limit)
        time.sleep(o.settle)
        r["with_apps"] = procs.memory(m.pids())
        try:
            r["status_all"] = _time_argvs(m.status_all(), m.command_env(), 3, budget=limit)
        except subprocess.TimeoutExpired:
            r["status_all"] = None
            r["status_gave_up"] = f"gave up after {limit:.0f} s"
        r["stop"] = _timed_command(m.stop_all(), m.command_env(), scanner, n, limit, until_gone=True)
        _scale_step(r, "stop", n, limit)
    except Exception as e:  # noqa: BLE001
        gave_up = getattr(e, "gave_up", False)
        r["error"] = f"{type(e).__name__}: {e}"[:600]
        log(f"  {m.label} x{n}: {r.get('gave_up') or r['error']}")
    finally:
        m.ctx.nofile = None
        if gave_up:
            m.ctx.cleanup.kill_all()
        else:
            _teardown(m, log)
    return r


def limits(ctx, o, log):
    """The machine's limits: C fork+exec, a bash loop, pipe to file with cat, /bin/true."""
    r = {}
    for n in o.forkexec_ns:
        vals = []
        for _ in range(o.reps):
            rc, out, _ = run([ctx.forkexec, str(n), "/bin/sleep", "3600"], timeout=600)
            vals.append(float(out.split()[0]) if rc == 0 and out.split() else None)
            procs.reap_zombies()
        r[f"forkexec_{n}_s"] = summary(vals)
    # A bash loop, timed until the driver sees n sleeps (as the peers doc did).
    vals = []
    n = o.n
    for _ in range(o.reps):
        t0 = mono()
        p = subprocess.Popen(["bash", "-c", f"for i in $(seq {n}); do sleep 3600 & done; wait"],
                             start_new_session=True)
        ctx.cleanup.add(p.pid)
        sc = procs.TreeScanner(p.pid, "sleep")
        ok = wait_until(lambda: sc.scan() >= n, 30, 0.005)
        vals.append(mono() - t0 if ok else None)
        ctx.cleanup.kill_all()
        p.wait()
    r[f"bash_loop_{n}_s"] = summary(vals)

    # Crash -> replacement for a C loop that re-forks as soon as waitpid() returns (M3's floor).
    vals, gaps_all = [], []
    for _ in range(o.reps):
        f = os.path.join(ctx.work, "respawn.stamps")
        run([ctx.forkexec, "--respawn", str(o.crash_count), ctx.stamp, f, "crash", "100", "1"],
            timeout=o.crash_count * 2 + 30)
        gaps, last = [], None
        for tag, ns in _read_stamps(f):
            if tag == "exit":
                last = ns
            elif tag == "start" and last is not None:
                gaps.append((ns - last) / 1e6)
                last = None
        os.unlink(f)
        gaps_all += gaps
        vals.append(statistics.median(gaps) if gaps else None)
    r["respawn_ms"] = summary(vals)
    r["respawn_pooled_ms"] = {"median": percentile(gaps_all, 0.5), "p10": percentile(gaps_all, 0.1),
                              "p90": percentile(gaps_all, 0.9), "n": len(gaps_all)} if gaps_all else None

    # Pipe to file: the writer as in M4, the consumer (cat) timed and its CPU taken from wait4().
    out = os.path.join(ctx.work, "pipe-limit.out")
    line = "x" * (LINE_PAYLOAD - 1)
    size = o.flood_size
    for key, writer, consumer in (("yes_head_cat", f"yes {line} | head -c {size}", ["cat"]),
                                  ("zero_cat", f"head -c {size} /dev/zero", ["cat"]),
                                  ("yes_head", f"yes {line} | head -c {size}", None)):
        vals, cpu = [], []
        for _ in range(o.reps):
            with open(out, "wb") as fo:
                t0 = mono()
                if consumer:
                    w = subprocess.Popen(["/bin/sh", "-c", writer], stdout=subprocess.PIPE)
                    c = subprocess.Popen(consumer, stdin=w.stdout, stdout=fo)
                    w.stdout.close()
                    _, status, ru = os.wait4(c.pid, 0)
                    c.returncode = os.waitstatus_to_exitcode(status)
                    w.wait()
                else:
                    w = subprocess.Popen(["/bin/sh", "-c", writer], stdout=fo)
                    _, status, ru = os.wait4(w.pid, 0)
                    w.returncode = os.waitstatus_to_exitcode(status)
                dt = mono() - t0
            vals.append(size / dt / 1048576 if os.path.getsize(out) == size else None)
            if consumer:
                cpu.append((ru.ru_utime + ru.ru_stime) * (1 << 30) / size)
            os.unlink(out)
        r[f"{key}_mib_s"] = summary(vals)
        if cpu:
            r[f"{key}_consumer_cpu_s_per_gib"] = summary(cpu)
    # Timed like the status commands of M5 (output to /dev/null), so the two compare.
    t = _time_argvs([["/bin/true"]], None, max(10, o.status_reps))
    r["true_s"] = summary(t["values"]) if t else None
    return r
