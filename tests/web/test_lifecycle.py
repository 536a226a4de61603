# SPDX-License-Identifier: MIT
"""alter-web as alterd's supervised child: restarts, persistence of sessions, --no-web."""
import os
import signal
import subprocess

from webutil import ALTER_WEB, ALTERD, Daemon, pid_alive, request, wait_until


def web_pids_of(daemon_pid):
    """alter-web processes whose parent is this alterd."""
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index('(') + 1:stat.rindex(')')]
        ppid = int(stat[stat.rindex(')') + 2:].split()[1])
        if comm == 'alter-web' and ppid == daemon_pid:
            pids.append(int(entry))
    return pids


def test_sessions_survive_alter_web_restart(ready):
    old = ready.info['pid']
    os.kill(old, signal.SIGTERM)
    ready.wait_web(not_pid=old)
    assert ready.info['pid'] != old
    assert ready.browser('GET', '/api/v1/processes').status == 200
    assert ready.browser('GET', '/api/v1/auth/status').json()['authenticated'] is True


def test_alter_web_crash_is_restarted(ready):
    old = ready.info['pid']
    os.kill(old, signal.SIGKILL)
    ready.wait_web(not_pid=old)
    assert not pid_alive(old)
    # alterd itself did not notice anything: same process, still serving.
    assert ready.proc.poll() is None
    assert request(0, 'GET', '/api/v1/system/health', unix=ready.sock).status == 200
    assert ready.browser('GET', '/api/v1/processes').status == 200
    # Not an app of the user's.
    names = [p['name'] for p in ready.token('GET', '/api/v1/processes').json()['processes']]
    assert 'alter-web' not in names
    log = open(os.path.join(ready.home, 'daemon.log')).read()
    assert 'alter-web' in log


def test_sessions_survive_alterd_restart(ready):
    assert ready.browser('POST', '/api/v1/auth/pin', {'pin': '1357', 'password': 'correct horse battery staple'}).status == 200
    ready.browser('POST', '/api/v1/auth/lock')
    old_web = ready.info['pid']
    ready.stop()
    assert not pid_alive(old_web)  # alterd stops alter-web with itself
    assert not os.path.exists(os.path.join(ready.home, 'web.json'))
    ready.start()
    s = ready.browser('GET', '/api/v1/auth/status').json()
    assert s['authenticated'] is True and s['locked'] is True  # the lock survives too
    assert ready.browser('POST', '/api/v1/auth/unlock', {'pin': '1357'}).status == 200
    assert ready.browser('GET', '/api/v1/processes').status == 200


def test_alterd_killed_takes_alter_web_down(ready):
    web = ready.info['pid']
    ready.proc.kill()
    ready.proc.wait()
    wait_until(lambda: not pid_alive(web), timeout=10, what='alter-web to exit with its parent')
    os.unlink(ready.sock)
    ready.start()  # a new alterd gets a new alter-web, and the old session still works
    assert ready.browser('GET', '/api/v1/processes').status == 200


def test_no_web_starts_no_alter_web():
    d = Daemon(web=False).start()
    try:
        assert d.proc.poll() is None
        assert web_pids_of(d.proc.pid) == []
        assert not os.path.exists(os.path.join(d.home, 'web.json'))
        assert not os.path.exists(os.path.join(d.home, 'logs', 'alter-web'))
    finally:
        d.cleanup()


def test_web_child_is_alterds(daemon):
    assert web_pids_of(daemon.proc.pid) == [daemon.info['pid']]


def test_help_and_version():
    r = subprocess.run([ALTER_WEB, '--version'], capture_output=True, text=True, check=True)
    assert r.stdout.startswith('alter-web ')
    r = subprocess.run([ALTER_WEB, '--help'], capture_output=True, text=True, check=True)
    assert '--allow-host' in r.stdout and '--port' in r.stdout
    r = subprocess.run([ALTER_WEB, '--bogus'], capture_output=True, text=True)
    assert r.returncode == 2
    r = subprocess.run([ALTERD, '--help'], capture_output=True, text=True, check=True)
    assert '--no-web' in r.stdout and '--web-allow-host' in r.stdout


def test_port_taken_is_reported(tmp_path, daemon):
    home = tmp_path / 'h'
    home.mkdir(mode=0o700)
    r = subprocess.run([ALTER_WEB, '--home', str(home), '--port', str(daemon.port)], capture_output=True, text=True,
                       timeout=10)
    assert r.returncode == 1 and 'cannot listen' in r.stderr
    assert not (home / 'web.json').exists()
