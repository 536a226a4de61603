# SPDX-License-Identifier: MIT
"""/proc readers, the process-tree scanner and the clean-up of everything the harness started.

The harness makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER): a daemon that
detaches (pm2's God daemon, alterd without --foreground) or a child orphaned by a dying
manager is re-parented to the harness instead of init, so "every descendant of the harness"
is exactly what it started, and clean-up can find and kill all of it by PID.
"""
import ctypes
import os
import signal
import time

PR_SET_CHILD_SUBREAPER = 36
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def become_subreaper():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except OSError:
        return False


def reap_zombies():
    """Reaps children that were re-parented to us and died (we are a subreaper)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def read_stat(pid):
    """(comm, state, ppid, utime+stime ticks, starttime) or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
    except OSError:
        return None
    l, r = s.find(b"("), s.rfind(b")")
    if l < 0 or r < 0:
        return None
    comm = s[l + 1:r].decode(errors="replace")
    rest = s[r + 2:].split()
    # rest[0] = state (field 3), rest[1] = ppid, rest[11] = utime, rest[12] = stime, rest[19] = starttime
    try:
        return comm, rest[0].decode(), int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[19])
    except (IndexError, ValueError):
        return None


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def ppid_map():
    m = {}
    for pid in all_pids():
        st = read_stat(pid)
        if st is not None:
            m[pid] = (st[2], st[0], st[1])
    return m


def descendants(root, pmap=None):
    """PIDs below root (not root itself), from one /proc pass."""
    pmap = pmap if pmap is not None else ppid_map()
    kids = {}
    for pid, (ppid, _, _) in pmap.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        for c in kids.get(p, ()):
            out.append(c)
            todo.append(c)
    return out


def status_fields(pid, names=("VmRSS", "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in names:
                    out[k] = int(v.split()[0])
    except OSError:
        return None
    return out


def rss_kb(pid):
    s = status_fields(pid, ("VmRSS",))
    return s.get("VmRSS", 0) if s else 0


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(pids):
    """Summed RSS and PSS (kB) over pids."""
    return {"rss_kb": sum(rss_kb(p) for p in pids), "pss_kb": sum(pss_kb(p) for p in pids),
            "processes": len(pids)}


def cpu_ticks(pids):
    total = 0
    for p in pids:
        st = read_stat(p)
        if st is not None:
            total += st[3]
    return total


def cpu_split(pids):
    """(utime, stime) ticks summed over pids."""
    u = k = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat", "rb") as f:
                rest = f.read().rsplit(b")", 1)[1].split()
            u += int(rest[11])
            k += int(rest[12])
        except (OSError, IndexError, ValueError):
            pass
    return u, k


def ctxt_switches(pids):
    """Voluntary + involuntary context switches summed over every thread of pids: each time a
    thread blocks again after a wake-up it counts one voluntary switch."""
    vol = invol = 0
    for p in pids:
        try:
            tids = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tids:
            s = status_fields(f"{p}/task/{t}", ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))
            if s:
                vol += s.get("voluntary_ctxt_switches", 0)
                invol += s.get("nonvoluntary_ctxt_switches", 0)
    return vol, invol


def nofile_limit(pid):
    """The soft RLIMIT_NOFILE of a process, or None."""
    try:
        with open(f"/proc/{pid}/limits") as f:
            for line in f:
                if line.startswith("Max open files"):
                    return int(line.split()[3])
    except (OSError, ValueError, IndexError):
        pass
    return None


def thread_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


class TreeScanner:
    """Counts processes named `comm` below `root`, cheaply enough to poll every few ms with
    thousands of processes: a PID is read once unless it belongs to the tree and has not exec'd
    `comm` yet. PIDs that existed before the scanner and are not in root's tree are never read
    again (new processes of the tree can only appear as children of the tree)."""

    def __init__(self, root, comm):
        self.root, self.comm = root, comm
        self.parent = {}           # pid -> ppid of every PID read
        self.outside = set()       # PIDs known not to be in the tree
        self.inside = {root}       # PIDs known to be in the tree
        self.matched = set()       # PIDs of the tree whose comm is `comm`
        self.scan()

    def _in_tree(self, pid):
        """True, False, or None when the chain breaks at a PID not read (it just exited)."""
        chain, p = [], pid
        while True:
            if p in self.inside:
                self.inside.update(chain)
                return True
            if p in self.outside or p <= 1:
                self.outside.update(chain)
                return False
            if p not in self.parent:
                return None
            chain.append(p)
            p = self.parent[p]

    def scan(self):
        live = set(all_pids())
        fresh = {}
        for pid in live:
            if pid in self.outside or pid in self.matched:
                continue
            st = read_stat(pid)
            if st is not None:
                self.parent[pid] = st[2]
                fresh[pid] = st
        # Classify after reading them all: a child may be listed before its parent.
        for pid, st in fresh.items():
            if self._in_tree(pid) and st[0] == self.comm and st[1] != "Z":
                self.matched.add(pid)
        self.matched &= live
        return len(self.matched)

    def alive(self):
        """How many matched PIDs still exist (a zombie counts until its manager reaps it)."""
        self.matched &= set(all_pids())
        return len(self.matched)


class Cleanup:
    """Every process the harness starts is registered here; kill_all() ends them (and anything
    below them or re-parented to us) by PID, TERM then KILL, and verifies nothing is left."""

    def __init__(self):
        self.roots = set()
        self.markers = []  # strings (temp dirs) that identify our processes in /proc cmdlines

    def add(self, pid):
        self.roots.add(pid)

    def add_marker(self, s):
        self.markers.append(s)

    def ours(self):
        me = os.getpid()
        pmap = ppid_map()
        pids = set(descendants(me, pmap))
        for r in self.roots:
            if r in pmap:
                pids.add(r)
                pids.update(descendants(r, pmap))
        if self.markers:
            for pid in pmap:
                if pid == me or pid in pids:
                    continue
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        cmd = f.read().decode(errors="replace")
                except OSError:
                    continue
                if any(m in cmd for m in self.markers):
                    pids.add(pid)
        # Zombies cannot be killed: they only need reaping.
        alive = []
        for p in pids:
            st = read_stat(p)
            if st is not None and st[1] not in ("Z", "X"):
                alive.append(p)
        return sorted(alive)

    def kill_all(self, grace=3.0):
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 3.0)):
            pids = self.ours()
            if not pids:
                break
            for p in pids:
                try:
                    os.kill(p, sig)
                except OSError:
                    pass
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                reap_zombies()
                if not self.ours():
                    break
                time.sleep(0.02)
        reap_zombies()
        self.roots.clear()
        return self.ours()
