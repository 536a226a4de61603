# SPDX-License-Identifier: MIT
"""Small helpers: timed commands, statistics, an HTTP client for unix sockets, machine facts."""
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import threading
import time


def mono():
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def mono_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def run(argv, env=None, timeout=120, check=False, cwd=None, preexec_fn=None):
    """Runs argv; returns (returncode, stdout text, wall seconds)."""
    t0 = mono()
    p = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=timeout, preexec_fn=preexec_fn)
    dt = mono() - t0
    out = p.stdout.decode(errors="replace")
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {p.returncode}: {out.strip()[:2000]}")
    return p.returncode, out, dt


def wait_until(cond, timeout, interval=0.005):
    deadline = mono() + timeout
    while True:
        v = cond()
        if v:
            return v
        if mono() > deadline:
            return v
        time.sleep(interval)


def summary(values):
    """{"median","min","max","n","values"} of the numbers that are not None."""
    v = [x for x in values if x is not None]
    if not v:
        return None
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v), "values": v}


def percentile(values, q):
    v = sorted(values)
    if not v:
        return None
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def unix_request(path, method, url, body=None, timeout=30):
    """One request on a fresh connection; returns (status, parsed JSON or text)."""
    conn = UnixHTTPConnection(path, timeout)
    try:
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, url, body=data, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        try:
            return r.status, json.loads(raw)
        except ValueError:
            return r.status, raw.decode(errors="replace")
    finally:
        conn.close()


def read_first_line(path):
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError:
        return ""


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total_kb():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def loadavg():
    parts = read_first_line("/proc/loadavg").split()
    return [float(x) for x in parts[:3]] if len(parts) >= 3 else [0.0, 0.0, 0.0]


def cpu_times():
    """(busy, steal, total) jiffies over all CPUs from /proc/stat."""
    f = read_first_line("/proc/stat").split()
    v = [int(x) for x in f[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    steal = v[7] if len(v) > 7 else 0
    total = sum(v[:8])
    return total - idle - steal, steal, total


def machine_info():
    fs_type = "?"
    try:
        best = ""
        with open("/proc/mounts") as f:
            for line in f:
                dev, mnt, typ = line.split()[:3]
                if "/tmp".startswith(mnt) and len(mnt) >= len(best):
                    best, fs_type = mnt, f"{typ} on {dev} ({mnt})"
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model(),
        "kernel": platform.release(),
        "mem_total_gib": round(mem_total_kb() / 1048576, 1),
        "os": read_first_line("/etc/debian_version") and "Debian " + read_first_line("/etc/debian_version"),
        "tmp_fs": fs_type,
        "python": platform.python_version(),
    }


class LoadSampler:
    """Samples the load average and CPU busy/steal shares once a second in a thread."""

    def __init__(self):
        self.loads = []
        self._stop = threading.Event()
        self._t = None
        self._start = None

    def start(self):
        self._start = cpu_times()
        self.loads.append(loadavg()[0])
        self._t = threading.Thread(target=self._loop, daemon=True)
        self._t.start()

    def _loop(self):
        while not self._stop.wait(1.0):
            self.loads.append(loadavg()[0])

    def stop(self):
        self._stop.set()
        if self._t:
            self._t.join()
        end = cpu_times()
        busy = end[0] - self._start[0]
        steal = end[1] - self._start[1]
        total = max(1, end[2] - self._start[2])
        return {"load1_min": min(self.loads), "load1_max": max(self.loads),
                "load1_median": statistics.median(self.loads),
                "busy_percent": round(100.0 * busy / total, 1),
                "steal_percent": round(100.0 * steal / total, 1)}
