#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""fakepeer: a deliberately small process manager (Python stdlib) that stands in for a peer in
`bench.py --quick`, so that the peer adapter interface, the ratio table, the scale table and the
skip path run in the test suite even on a machine where PM2, supervisord and s6 are not
installed. It is never part of a full run's figures.

    fakepeer.py daemon DIR             serve DIR/ctl.sock in the foreground
    fakepeer.py ctl DIR ping
    fakepeer.py ctl DIR add NAME [LOGFILE|-] [restart|once] -- ARGV...
    fakepeer.py ctl DIR load FILE      add the apps of FILE: one a line, NAME LOGFILE MODE ARGV... (NUL-separated)
    fakepeer.py ctl DIR status [NAME]  one line per app: "NAME running PID" / "NAME stopped -"
    fakepeer.py ctl DIR stop all|NAME
    fakepeer.py ctl DIR shutdown

Apps are restarted at once when they exit (restart delay 0) unless added with "once"; stdout and
stderr go to LOGFILE (or /dev/null).
"""
import os
import selectors
import signal
import socket
import sys


def serve(d):
    path = os.path.join(d, "ctl.sock")
    try:
        os.unlink(path)
    except OSError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(64)
    rfd, wfd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wfd)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: None)
    apps = {}  # name -> {"argv", "log", "restart", "pid", "want"}
    by_pid = {}

    def spawn(name):
        a = apps[name]
        out = os.open(a["log"] or os.devnull, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                os.dup2(out, 1)
                os.dup2(out, 2)
                signal.set_wakeup_fd(-1)
                for s in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
                    signal.signal(s, signal.SIG_DFL)
                os.execv(a["argv"][0], a["argv"])
            finally:
                os._exit(127)
        os.close(out)
        a["pid"] = pid
        by_pid[pid] = name

    def reap():
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            name = by_pid.pop(pid, None)
            if name is None:
                continue
            a = apps[name]
            a["pid"] = None
            if a["want"] and a["restart"]:
                spawn(name)

    def handle(line):
        words = line.split("\0")
        cmd = words[0]
        if cmd == "ping":
            return "pong\n"
        if cmd in ("add", "load"):
            if cmd == "add":
                specs = [words[1:]]
            else:
                with open(words[1]) as f:
                    specs = [ln.rstrip("\n").split("\0") for ln in f if ln.strip()]
            for name, log, mode, *argv in specs:
                apps[name] = {"argv": argv, "log": None if log == "-" else log, "restart": mode == "restart",
                              "pid": None, "want": True}
                spawn(name)
            return "ok\n"
        if cmd == "status":
            names = [words[1]] if len(words) > 1 else sorted(apps)
            return "".join(f"{n} running {apps[n]['pid']}\n" if apps.get(n, {}).get("pid") else f"{n} stopped -\n"
                           for n in names)
        if cmd == "stop":
            names = sorted(apps) if words[1] == "all" else [words[1]]
            for n in names:
                apps[n]["want"] = False
                if apps[n]["pid"]:
                    try:
                        os.killpg(apps[n]["pid"], signal.SIGTERM)
                    except OSError:
                        pass
            return "ok\n"
        return f"error: unknown command {cmd}\n"

    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ, "accept")
    sel.register(rfd, selectors.EVENT_READ, "signal")
    running = True
    while running:
        for key, _ in sel.select():
            if key.data == "signal":
                sigs = os.read(rfd, 256)
                reap()
                if signal.SIGTERM in sigs:
                    running = False
            else:
                c, _ = srv.accept()
                with c:
                    data = b""
                    while not data.endswith(b"\n"):
                        b = c.recv(65536)
                        if not b:
                            break
                        data += b
                    line = data.decode().rstrip("\n")
                    if line == "shutdown":
                        running = False
                        c.sendall(b"bye\n")
                    else:
                        c.sendall(handle(line).encode())
    for a in apps.values():
        if a["pid"]:
            try:
                os.killpg(a["pid"], signal.SIGKILL)
            except OSError:
                pass
    os.unlink(path)


def ctl(d, words):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(d, "ctl.sock"))
    if words[0] == "add":
        i = words.index("--")
        words = words[:i] + words[i + 1:]
    s.sendall(("\0".join(words) + "\n").encode())
    s.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    sys.stdout.write(out.decode())
    return 1 if out.startswith(b"error") else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "daemon":
        serve(argv[1])
        return 0
    if len(argv) >= 3 and argv[0] == "ctl":
        return ctl(argv[1], argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
