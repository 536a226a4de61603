# SPDX-License-Identifier: MIT
# alter logs: -n, --out/--err, --grep, --date/--dates, --json, -f (new lines, grep while
# following, Ctrl-C, the daemon going away), namespaces, flush.
import json
import signal

from conftest import wait_for
from test_quickstart import read_until

SPEW = 'i=0; while true; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); sleep 0.01; done'


def spew(cli, name="spew", *extra):
    cli.ok("start", "sh", "--name", name, *extra, "--", "-c", SPEW)
    wait_for(lambda: "out 40" in cli.run("logs", name, "-n", "1000").stdout, 15, f"{name} output")


def test_lines_and_streams(daemon):
    cli = daemon
    spew(cli)
    lines = cli.ok("logs", "spew", "-n", "6").stdout.splitlines()
    assert len(lines) == 6
    assert all(" spew | " in l for l in lines)
    assert lines[0][:4].isdigit() and lines[0][10] == " "  # YYYY-MM-DD HH:MM:SS stamp
    out = cli.ok("logs", "spew", "--out", "-n", "5").stdout
    assert "| out " in out and "| err " not in out
    err = cli.ok("logs", "spew", "--err", "-n", "5").stdout
    assert "| err " in err and "| out " not in err
    assert len(cli.ok("logs", "spew").stdout.splitlines()) == 50
    data = cli.json("logs", "spew", "-n", "3")
    assert len(data["lines"]) == 3 and {"time_ms", "stream", "instance", "text"} <= set(data["lines"][0])
    assert "\x1b[" not in out


def test_grep(daemon):
    cli = daemon
    spew(cli)
    out = cli.ok("logs", "spew", "--grep", "^out [0-9]*5$", "-n", "3").stdout.splitlines()
    assert len(out) == 3 and all(l.endswith("5") and "| out " in l for l in out)
    assert cli.ok("logs", "spew", "-g", "no-such-line").stdout == ""


def test_dates(daemon):
    cli = daemon
    spew(cli)
    assert cli.ok("logs", "spew", "--dates").stdout.splitlines()[0] == "current"
    assert cli.json("logs", "spew", "--dates")["has_current"] is True
    assert cli.ok("logs", "spew", "--date", "2000-01-01").stdout == ""


def test_follow_new_lines_grep_and_interrupt(daemon):
    cli = daemon
    spew(cli)
    f = cli.popen("logs", "spew", "-f", "-n", "0", "--grep", "^err [0-9]*0$")
    try:
        text = read_until(f, lambda t: t.count("\n") >= 3)
        lines = text.splitlines()
        assert all("| err " in l and l.endswith("0") for l in lines), lines
        f.send_signal(signal.SIGINT)
        assert f.wait(10) == 0
    finally:
        f.kill()
    # --json while following: one JSON object per line
    f = cli.popen("--json", "logs", "spew", "-f", "-n", "2")
    try:
        text = read_until(f, lambda t: t.count("\n") >= 4)
        assert all(json.loads(l)["instance"] == "spew" for l in text.splitlines()[:4])
    finally:
        f.kill()
        f.wait()


def test_follow_ends_when_the_daemon_stops(daemon):
    cli = daemon
    spew(cli)
    f = cli.popen("logs", "spew", "-f", "-n", "1")
    try:
        read_until(f, lambda t: t.count("\n") >= 2)
        cli.ok("daemon", "stop")
        assert f.wait(15) == 1
        assert "the log stream ended: the daemon stopped" in f.stderr.read()
    finally:
        f.kill()


def test_namespace_and_instances(daemon):
    cli = daemon
    spew(cli, "a", "--namespace", "grp", "--instances", "2")
    spew(cli, "b", "--namespace", "grp")
    spew(cli, "c")
    out = cli.ok("logs", "ns:grp", "-n", "40").stdout
    names = {l.split()[2] for l in out.splitlines()}
    assert names == {"a-0", "a-1", "b"}
    assert len(out.splitlines()) == 40
    assert {l.split()[2] for l in cli.ok("logs", "a-1", "-n", "5").stdout.splitlines()} == {"a-1"}
    assert "c" in {l.split()[2] for l in cli.ok("logs", "all", "-n", "100").stdout.splitlines()}
    f = cli.popen("logs", "ns:grp", "-f", "-n", "0")
    try:
        text = read_until(f, lambda t: t.count("\n") >= 12)
        assert {l.split()[2] for l in text.splitlines()} <= {"a-0", "a-1", "b"}
    finally:
        f.kill()
        f.wait()


def test_flush(daemon):
    cli = daemon
    spew(cli)
    cli.ok("stop", "spew")
    p = cli.ok("flush", "spew")
    assert "flushed the logs of spew" in p.stdout
    assert cli.ok("logs", "spew").stdout == ""
    cli.ok("flush")
    assert cli.json("flush")["ok"] is True


def test_logs_errors(daemon):
    cli = daemon
    p = cli.run("logs", "ghost", check=1)
    assert "no such app: 'ghost'" in p.stderr
    p = cli.run("logs", "ghost", "-f", check=1)
    assert "no such app" in p.stderr
    cli.run("logs", check=2)
    cli.run("logs", "x", "-n", "-1", check=2)
    cli.run("logs", "x", "-n", "100001", check=2)
    cli.run("logs", "x", "-f", "-n", "1001", check=2)
    p = cli.run("logs", "ghost", "-n", "0", check=1)  # the target is checked all the same
    assert "no such app" in p.stderr


def test_zero_lines(daemon):
    # -n 0 is no old line, as with tail: nothing without -f (it used to be a usage error),
    # only new lines with -f.
    cli = daemon
    spew(cli)
    assert cli.ok("logs", "spew", "-n", "0").stdout == ""
    assert cli.json("logs", "spew", "-n", "0") == {"lines": []}


LINE_KEYS = ["app", "instance", "namespace", "stream", "time_ms", "text"]


def test_json_lines_have_one_shape(daemon):
    # Stored lines, the backlog and live lines of -f: the same members in the same order.
    cli = daemon
    spew(cli, "shape", "--namespace", "grp")
    stored = cli.json("logs", "shape", "-n", "3")["lines"]
    f = cli.popen("--json", "logs", "shape", "-f", "-n", "3")
    try:
        followed = [json.loads(l) for l in read_until(f, lambda t: t.count("\n") >= 10).splitlines()[:10]]
    finally:
        f.kill()
        f.wait()
    for line in stored + followed:
        assert list(line) == LINE_KEYS, line
        assert (line["app"], line["instance"], line["namespace"]) == ("shape", "shape", "grp")
