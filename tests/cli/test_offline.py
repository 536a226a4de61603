# SPDX-License-Identifier: MIT
# What works without a daemon: --help of every command, usage errors (exit 2), the
# "daemon not running" answer (exit 3), cron next, ecosystem check, the completion script.
import json
import os
import subprocess

import pytest

from conftest import ALTER, base_env

COMMANDS = [
    "daemon", "daemon start", "daemon stop", "daemon restart", "daemon status", "daemon logs",
    "start", "ecosystem", "ecosystem check", "list", "ls", "ps", "describe", "info", "logs", "stop",
    "restart", "delete", "rm", "reset", "enable", "disable", "run", "flush", "save", "resurrect",
    "stats", "web", "version", "cron", "cron next", "help",
]


def test_main_help(cli):
    for args in (["--help"], ["-h"], ["help"], []):
        p = cli.run(*args, check=0)
        assert "Usage: alter" in p.stdout
        assert "Exit codes: 0 ok, 1 error, 2 usage error, 3" in p.stdout
        for cmd in ("daemon start", "ecosystem", "cron next", "--server URL", "--json"):
            assert cmd in p.stdout


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help_of_every_command(cli, cmd):
    p = cli.run(*cmd.split(), "--help", check=0)
    assert p.stdout.startswith("Usage: alter ")
    assert "Example" in p.stdout
    assert cli.run("help", *cmd.split(), check=0).stdout == p.stdout


def test_start_help_lists_every_flag(cli):
    out = cli.ok("start", "--help").stdout
    for flag in ("--name", "--cwd", "--namespace", "--env", "--env-file", "--instances", "--autorestart",
                 "--no-autorestart", "--restart-delay", "--max-restart-delay", "--max-restarts",
                 "--min-uptime", "--kill-timeout", "--stop-signal", "--type", "--cron", "--overlap",
                 "--watch", "--ignore-watch", "--deps", "--user", "--group", "--no-start"):
        assert flag in out, flag


def test_version(cli):
    p = cli.ok("--version")
    assert p.stdout.startswith("alter ")
    p = cli.ok("version")
    assert "alterd: not running" in p.stdout
    v = cli.json("version")
    assert v["alterd"] is None and v["alter"]


def test_unknown_command_did_you_mean(cli):
    p = cli.run("lsit", check=2)
    assert "unknown command 'lsit'" in p.stderr and "did you mean 'list'" in p.stderr
    p = cli.run("daemon", "statsu", check=2)
    assert "did you mean 'status'" in p.stderr
    p = cli.run("ecosystem", "chek", "x.toml", check=2)
    assert "did you mean 'check'" in p.stderr


def test_unknown_flag_did_you_mean(cli):
    p = cli.run("start", "--nmae", "x", "sleep", check=2)
    assert "unknown option '--nmae'" in p.stderr and "did you mean '--name'" in p.stderr
    p = cli.run("logs", "x", "--folow", check=2)
    assert "did you mean '--follow'" in p.stderr
    p = cli.run("--jsno", "list", check=2)
    assert "--jsno" in p.stderr


def test_missing_values_and_bad_numbers(cli):
    p = cli.run("logs", "x", "-n", check=2)
    assert "'-n' needs a value" in p.stderr
    p = cli.run("start", "sleep", "--instances", "abc", check=2)
    assert "--instances: expected a number from 1 to 1024 (got 'abc')" in p.stderr
    cli.run("start", "sleep", "--instances", "0", check=2)
    cli.run("start", "sleep", "--kill-timeout", "-5", check=2)
    cli.run("logs", "x", "--lines", "1e3", check=2)
    cli.run("cron", "next", "* * * * *", "-n", "0", check=2)
    p = cli.run("start", "sleep", "-e", "NOEQUALS", check=2)
    assert "KEY=VALUE" in p.stderr
    p = cli.run("logs", "x", "--grep", "(", check=2)
    assert "invalid regular expression" in p.stderr
    cli.run("logs", "x", "--date", "yesterday", check=2)
    cli.run("logs", "x", "-f", "--date", "2026-01-01", check=2)
    cli.run("--home", check=2, home=False)
    cli.run("stop", check=2)
    cli.run("stop", "a", "b", check=2)
    cli.run("--server", "ftp://x", "list", check=2)


def test_enumerated_flags_are_usage_errors(cli):
    # Checked while parsing, before the daemon is asked: exit 2 (this used to be the daemon's
    # 422, exit 1), here without a daemon at all.
    p = cli.run("start", "sleep", "--autorestart", "sometimes", check=2)
    assert "--autorestart: expected always, on-failure or never (got 'sometimes')" in p.stderr
    assert "did you mean 'always'" in cli.run("start", "sleep", "--autorestart", "alway", check=2).stderr
    assert "--type: expected daemon, once or cron" in cli.run("start", "sleep", "--type", "forever", check=2).stderr
    assert "--overlap: expected skip, allow or replace" in cli.run("start", "sleep", "--overlap", "queue", check=2).stderr
    for sig in ("SIGFOO", "0", "65", "-1", ""):
        assert "--stop-signal: expected a signal" in cli.run("start", "sleep", "--stop-signal", sig, check=2).stderr
    # What alterd accepts passes (and then finds no daemon: exit 3).
    for flags in (["--autorestart", "unless-stopped"], ["--autorestart", "on_failure"], ["--type", "once"],
                  ["--overlap", "replace"], ["--stop-signal", "sigint"], ["--stop-signal", "USR1"],
                  ["--stop-signal", "hup"], ["--stop-signal", "9"]):
        cli.run("start", "sleep", *flags, "--", "1", check=3)


def test_arguments_after_dashdash_are_not_dropped(cli):
    p = cli.run("list", "--", "--json", check=2)
    assert "unexpected argument '--json'" in p.stderr
    cli.run("stop", "a", "--", "b", check=2)
    cli.run("daemon", "status", "--", "x", check=2)
    cli.run("web", "--", "x", check=2)
    p = cli.run("logs", "--", "-odd-name", check=3)  # the one argument: a target (no daemon here)
    assert "not running" in p.stderr
    assert len(cli.ok("cron", "next", "-n", "1", "--", "0 3 * * *").stdout.splitlines()) == 2


@pytest.mark.parametrize("args", [
    ["list"], ["ls"], ["describe", "x"], ["logs", "x"], ["logs", "x", "-f"], ["stop", "x"],
    ["restart", "all"], ["delete", "x"], ["reset", "x"], ["enable", "x"], ["disable", "x"],
    ["run", "x"], ["flush"], ["save"], ["resurrect"], ["stats"], ["web"], ["daemon", "stop"],
    ["daemon", "status"], ["start", "sleep", "--", "1"], ["start", "x"],
])
def test_no_daemon_exit_3_with_hint(cli, args):
    p = cli.run(*args, check=3)
    assert "not running" in (p.stderr + p.stdout)
    assert f"alter --home {cli.home} daemon start" in (p.stderr + p.stdout)


def test_no_daemon_json(cli):
    p = cli.run("--json", "list", check=3)
    assert json.loads(p.stdout)["error"]["code"] == "not_running"
    p = cli.run("--json", "daemon", "status", check=3)
    assert json.loads(p.stdout) == {"running": False, "data_dir": cli.home}


def test_home_from_environment(cli):
    p = cli.run("daemon", "status", home=False, env={"ALTER_HOME": cli.home + "//"}, check=3)
    assert f"data dir {cli.home})" in p.stdout
    p = cli.run("daemon", "status", home=False, env={"HOME": cli.home}, check=3)
    assert f"data dir {cli.home}/.alter-pm2)" in p.stdout


def test_daemon_logs_without_file(cli):
    p = cli.run("daemon", "logs", check=1)
    assert "daemon.log" in p.stderr


def test_cron_next_table(cli):
    env = {"TZ": "UTC"}
    p = cli.run("cron", "next", "0 3 * * *", "-n", "3", "--from", "2026-01-01T00:00Z", env=env, check=0)
    lines = p.stdout.splitlines()
    assert lines[0].split() == ["#", "TIME", "IN"]
    assert "Thu 2026-01-01 03:00:00 UTC" in lines[1] and "in 3h 0m" in lines[1]
    assert "2026-01-02 03:00:00" in lines[2] and "2026-01-03 03:00:00" in lines[3]
    p = cli.run("cron", "next", "*/15 9-17 * * MON-FRI", "--from", "2026-01-03", env=env, check=0)
    # 2026-01-03 is a Saturday: the next fire is Monday 09:00
    assert "Mon 2026-01-05 09:00:00 UTC" in p.stdout.splitlines()[1]
    assert len(p.stdout.splitlines()) == 6  # header + 5 by default


def test_cron_next_json(cli):
    out = cli.json("cron", "next", "@daily", "-n", "2", "--from", "1767225600000", env={"TZ": "UTC"})
    assert out == [{"time": "2026-01-02T00:00:00Z", "unix_ms": 1767312000000},
                   {"time": "2026-01-03T00:00:00Z", "unix_ms": 1767398400000}]
    out = cli.json("cron", "next", "30 8 * * *", "-n", "1", "--from", "2026-06-01T00:00+02:00",
                   env={"TZ": "Europe/Paris"})
    assert out[0]["time"] == "2026-06-01T08:30:00+02:00"


def test_cron_next_errors(cli):
    p = cli.run("cron", "next", "61 * * * *", check=1)
    assert "invalid cron expression '61 * * * *'" in p.stderr and "out of range" in p.stderr
    cli.run("cron", "next", check=2)
    cli.run("cron", "next", "* * * * *", "--from", "tomorrow", check=2)
    cli.run("cron", check=2)


ECO_OK = """[[apps]]
name = "api"
command = "sleep"
args = ["60"]
cwd = "."

[[apps]]
name = "worker"
command = "sleep"
args = ["60"]
cwd = "."
"""

ECO_BAD = """[[apps]]
name = "api"
command = "sleep"
restat = "always"
"""


def test_ecosystem_check(cli):
    good = os.path.join(cli.cwd, "alter.toml")
    bad = os.path.join(cli.cwd, "bad.toml")
    with open(good, "w") as f:
        f.write(ECO_OK)
    with open(bad, "w") as f:
        f.write(ECO_BAD)
    p = cli.ok("ecosystem", "check", "alter.toml")
    assert "alter.toml: ok, 2 apps: api, worker" in p.stdout
    parsed = cli.json("ecosystem", "check", good)
    assert [a["name"] for a in parsed["apps"]] == ["api", "worker"]
    assert os.path.normpath(parsed["apps"][0]["cwd"]) == cli.cwd
    p = cli.run("ecosystem", "check", "bad.toml", check=1)
    assert "bad.toml:4:1: error: apps[0] (api): restat: unknown field" in p.stderr  # at the key
    assert "hint: did you mean 'restart'?" in p.stderr
    p = cli.run("--json", "ecosystem", "check", "bad.toml", check=1)
    assert json.loads(p.stdout)["error"]["line"] == 4
    p = cli.run("ecosystem", "check", "missing.toml", check=1)
    assert "missing.toml" in p.stderr
    cli.run("ecosystem", "check", check=2)


def test_no_color_when_piped(cli):
    p = cli.run("cron", "next", "* * * * *")
    assert "\x1b[" not in p.stdout + p.stderr
    p = cli.run("lsit")
    assert "\x1b[" not in p.stderr


def _run_in_pty(argv, env):
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    out = b""
    while True:
        r, _, _ = select.select([fd], [], [], 10)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    return out.decode(errors="replace")


def test_color_only_on_a_terminal(cli):
    env = base_env(TERM="xterm")
    argv = [ALTER, "--home", cli.home, "daemon", "status"]
    assert "\x1b[" in _run_in_pty(argv, env)
    assert "\x1b[" not in _run_in_pty(argv[:-2] + ["--no-color", "daemon", "status"], env)
    assert "\x1b[" not in _run_in_pty(argv, dict(env, NO_COLOR="1"))
    # no-color.org: only a non-empty NO_COLOR turns colours off.
    assert "\x1b[" in _run_in_pty(argv, dict(env, NO_COLOR=""))


COMPLETION = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "alter-cli", "completion", "alter.bash")


def complete(words, env=None):
    script = (f"source {COMPLETION}\n"
              f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
              "_alter; printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                       env=env or base_env(), timeout=30)
    assert p.returncode == 0, p.stderr
    return sorted(x for x in p.stdout.split("\n") if x)


def test_completion_script(cli):
    p = subprocess.run(["bash", "--norc", "-c", f"source {COMPLETION} && complete -p alter"], capture_output=True,
                       text=True, timeout=30)
    assert "complete -F _alter alter" in p.stdout
    assert complete(["alter", "da"]) == ["daemon"]
    assert complete(["alter", "st"]) == ["start", "stats", "stop"]
    assert complete(["alter", "daemon", "s"]) == ["start", "status", "stop"]
    assert complete(["alter", "start", "--no-"]) == ["--no-autorestart", "--no-color", "--no-start"]
    assert complete(["alter", "start", "--autorestart", ""]) == ["always", "never", "on-failure"]
    assert complete(["alter", "ecosystem", ""]) == ["check", "delete", "restart", "start", "stop"]
    assert "--follow" in complete(["alter", "logs", "x", "--f"])
