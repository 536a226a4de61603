# SPDX-License-Identifier: MIT
"""The auth API: setup (loopback / setup code), login/logout, cookies, rate limits, PIN, lock,
settings, password change, strength, persistence of sessions."""
import json
import os
import subprocess
import time

from webutil import ALTER_WEB, PASSWORD, TEST_ENV, Daemon, request, session_cookie, wait_until

PROXIED = {'X-Forwarded-For': '203.0.113.7'}  # a local reverse proxy: "loopback" proves nothing


def test_status_before_and_after_setup(daemon):
    s = daemon.req('GET', '/api/v1/auth/status').json()
    assert s['password_configured'] is False and s['authenticated'] is False and s['locked'] is False
    assert s['setup_requires_code'] is False  # we are on loopback
    assert s['pin_configured'] is None and s['lock_timeout_mins'] is None  # not told to strangers
    assert daemon.req('GET', '/api/v1/auth/status', headers=PROXIED).json()['setup_requires_code'] is True
    code_file = os.path.join(daemon.home, 'web-setup-code')
    assert os.stat(code_file).st_mode & 0o777 == 0o600
    daemon.setup()
    assert not os.path.exists(code_file)  # one-time: gone once a password is set
    s = daemon.browser('GET', '/api/v1/auth/status').json()
    assert s['password_configured'] and s['authenticated'] and s['auth'] == 'session'
    assert s['pin_configured'] is False and s['lock_timeout_mins'] == 0
    assert s['session_expires_at_ms'] > time.time() * 1000


def test_setup_from_loopback_works_once(daemon):
    r = daemon.setup()
    assert r.json()['ok'] is True and 'score' in r.json()['strength']
    r = daemon.browser('POST', '/api/v1/auth/setup', {'password': 'another password 123'}, cookie='')
    assert r.status == 409, r
    auth = json.load(open(os.path.join(daemon.home, 'auth.json')))
    assert auth['password_hash'].startswith('$argon2id$') and len(auth['master_token']) == 64
    assert os.stat(os.path.join(daemon.home, 'auth.json')).st_mode & 0o777 == 0o600


def test_setup_validates_password(daemon):
    r = daemon.browser('POST', '/api/v1/auth/setup', {'password': 'short'}, cookie='')
    assert r.status == 422 and r.json()['strength']['acceptable'] is False
    assert r.json()['error']['field'] == 'password'
    r = daemon.browser('POST', '/api/v1/auth/setup', {'password': 'x' * 2000}, cookie='')
    assert r.status == 422
    r = daemon.browser('POST', '/api/v1/auth/setup', {'password': PASSWORD, 'bogus': 1}, cookie='')
    assert r.status == 422
    assert daemon.req('GET', '/api/v1/auth/status').json()['password_configured'] is False


def test_setup_from_elsewhere_needs_the_code(daemon):
    code = open(os.path.join(daemon.home, 'web-setup-code')).read().strip()
    assert len(code) == 19 and code.count('-') == 3
    h = dict(PROXIED, Origin=daemon.origin())
    r = daemon.req('POST', '/api/v1/auth/setup', {'password': PASSWORD}, headers=h)
    assert r.status == 403, r
    r = daemon.req('POST', '/api/v1/auth/setup', {'password': PASSWORD, 'setup_code': 'AAAA-BBBB-CCCC-DDDD'}, headers=h)
    assert r.status == 403, r
    assert daemon.req('GET', '/api/v1/auth/status').json()['password_configured'] is False
    # Typed in lower case with spaces: still the code.
    typed = code.lower().replace('-', ' ')
    r = daemon.req('POST', '/api/v1/auth/setup', {'password': PASSWORD, 'setup_code': typed}, headers=h)
    assert r.status == 201, r
    assert session_cookie(r)


def test_setup_code_guesses_are_rate_limited(daemon):
    h = dict(PROXIED, Origin=daemon.origin())
    statuses = [daemon.req('POST', '/api/v1/auth/setup', {'password': PASSWORD, 'setup_code': 'WRONG'}, headers=h).status
                for _ in range(6)]
    assert statuses == [403] * 5 + [429], statuses


def test_login_logout_and_cookie_flags(ready):
    r = ready.login('wrong password!')
    assert r.status == 401 and not r.all('set-cookie')
    r = ready.login()
    assert r.status == 200, r
    cookie = r.header('set-cookie')
    parts = [p.strip().lower() for p in cookie.split(';')]
    assert 'httponly' in parts and 'samesite=strict' in parts and 'path=/' in parts
    assert any(p.startswith('max-age=') for p in parts)
    assert len(session_cookie(r)) == 64
    assert ready.browser('GET', '/api/v1/processes').status == 200
    old = ready.cookie
    r = ready.browser('POST', '/api/v1/auth/logout')
    assert r.status == 200 and 'max-age=0' in r.header('set-cookie').lower()
    assert ready.browser('GET', '/api/v1/processes', cookie=old).status == 401
    assert ready.browser('GET', '/api/v1/auth/status', cookie=old).json()['authenticated'] is False
    # The session file holds hashes, never the token itself.
    text = open(os.path.join(ready.home, 'web-sessions.json')).read()
    assert old not in text
    assert os.stat(os.path.join(ready.home, 'web-sessions.json')).st_mode & 0o777 == 0o600


def test_login_rate_limit_429_then_recovers(ready):
    statuses = [ready.login(f'wrong password {i}').status for i in range(5)]
    assert statuses == [401] * 5
    r = ready.login('wrong password again')
    assert r.status == 429 and int(r.header('retry-after')) >= 1, r
    check = r.header('content-security-policy')
    assert check
    # The right password is refused too while the window lasts...
    r = ready.login()
    assert r.status == 429, r
    # ... and accepted once it has passed (3 s in the tests, 60 s by default).
    wait_until(lambda: ready.login().status == 200, timeout=10, what='the rate limit window to pass')


def test_rate_limit_is_per_client(ready):
    # 127.0.0.2 is another client on this machine: its wrong guesses do not lock out 127.0.0.1.
    other = dict(source='127.0.0.2')
    statuses = [ready.browser('POST', '/api/v1/auth/login', {'password': f'wrong {i} xxxxxx'}, cookie='', **other).status
                for i in range(6)]
    assert statuses == [401] * 5 + [429], statuses
    r = ready.login()
    assert r.status == 200, r
    # Behind a proxy on this machine the client is the address the proxy reports.
    for i in range(5):
        assert ready.login_via_proxy('198.51.100.1', f'wrong {i} xxxxxx').status == 401
    assert ready.login_via_proxy('198.51.100.1', PASSWORD).status == 429
    assert ready.login_via_proxy('198.51.100.2', 'wrong again xxxxx').status == 401
    assert ready.login().status == 200


def test_remote_ceiling_never_blocks_loopback(tmp_path):
    # All clients not on this machine together have a ceiling (ALTER_WEB_RATE_REMOTE_MAX, 100 a
    # minute by default) against guessing from many addresses; loopback clients are not held
    # back by it.
    d = Daemon(home=str(tmp_path), env={'ALTER_WEB_RATE_REMOTE_MAX': '6'}).start()
    try:
        d.setup()
        statuses = [d.login_via_proxy(f'198.51.100.{i}', f'wrong {i} xxxxxx').status for i in range(7)]
        assert statuses == [401] * 6 + [429], statuses
        r = d.login_via_proxy('198.51.100.99', PASSWORD)
        assert r.status == 429 and int(r.header('retry-after')) >= 1
        assert d.login('wrong from here xx').status == 401
        assert d.login().status == 200
    finally:
        d.cleanup()


def test_pin_set_lock_unlock_remove(ready):
    r = ready.browser('POST', '/api/v1/auth/pin', {'pin': '1234', 'password': 'not the password'})
    assert r.status == 401
    for bad in ('123', '12345', 'abcd', '1234567'):
        assert ready.browser('POST', '/api/v1/auth/pin', {'pin': bad, 'password': PASSWORD}).status == 422, bad
    assert ready.browser('POST', '/api/v1/auth/pin', {'pin': '4321', 'password': PASSWORD}).status == 200
    assert ready.browser('GET', '/api/v1/auth/status').json()['pin_configured'] is True
    assert json.load(open(os.path.join(ready.home, 'auth.json')))['pin_hash'].startswith('$argon2id$')

    assert ready.browser('POST', '/api/v1/auth/lock').status == 200
    s = ready.browser('GET', '/api/v1/auth/status').json()
    assert s['locked'] is True and s['authenticated'] is True and s['pin_configured'] is True
    r = ready.browser('GET', '/api/v1/processes')
    assert r.status == 423 and r.json()['error']['code'] == 'locked'
    for method, path in (('POST', '/api/v1/system/save'), ('DELETE', '/api/v1/auth/pin'),
                         ('PATCH', '/api/v1/auth/settings'), ('POST', '/api/v1/auth/pin')):
        assert ready.browser(method, path, {}).status == 423, path
    assert ready.browser('POST', '/api/v1/auth/unlock', {'pin': '0000'}).status == 401
    assert ready.browser('POST', '/api/v1/auth/unlock', {'pin': '4321'}).status == 200
    assert ready.browser('GET', '/api/v1/processes').status == 200

    # Locked again, unlocked with the password this time.
    ready.browser('POST', '/api/v1/auth/lock')
    assert ready.browser('POST', '/api/v1/auth/unlock', {'password': PASSWORD}).status == 200

    # Removing the PIN takes the password, like setting it.
    assert ready.browser('DELETE', '/api/v1/auth/pin').status == 422
    assert ready.browser('DELETE', '/api/v1/auth/pin', {'password': 'not the password'}).status == 401
    assert ready.browser('GET', '/api/v1/auth/status').json()['pin_configured'] is True
    assert ready.browser('DELETE', '/api/v1/auth/pin', {'password': PASSWORD}).status == 200
    assert ready.browser('GET', '/api/v1/auth/status').json()['pin_configured'] is False
    ready.browser('POST', '/api/v1/auth/lock')
    assert ready.browser('POST', '/api/v1/auth/unlock', {'pin': '4321'}).status == 409


def test_wrong_pins_force_the_password(ready):
    ready.browser('POST', '/api/v1/auth/pin', {'pin': '246810', 'password': PASSWORD})
    ready.browser('POST', '/api/v1/auth/lock')
    seen = []
    for i in range(5):
        r = ready.browser('POST', '/api/v1/auth/unlock', {'pin': f'00000{i}'})
        seen.append(r.status)
        if r.status == 429:  # the per-minute limit (5) may come first: wait it out
            wait_until(lambda: ready.browser('POST', '/api/v1/auth/unlock', {'pin': f'11111{i}'}).status == 401,
                       timeout=10, what='rate window')
    # Five wrong PINs: the PIN stops working for this session (even the right one)...
    wait_until(lambda: ready.browser('POST', '/api/v1/auth/unlock', {'pin': '246810'}).status == 403,
               timeout=10, what='PIN refused')
    # ... and the password still unlocks.
    wait_until(lambda: ready.browser('POST', '/api/v1/auth/unlock', {'password': PASSWORD}).status == 200,
               timeout=10, what='password unlock')


def test_locked_session_may_log_out(ready):
    ready.browser('POST', '/api/v1/auth/lock')
    assert ready.browser('POST', '/api/v1/auth/logout').status == 200
    assert ready.browser('GET', '/api/v1/auth/status').json()['authenticated'] is False


def test_master_token_cannot_lock(ready):
    assert ready.token('POST', '/api/v1/auth/lock').status == 400


def test_lock_timeout_setting(ready):
    assert ready.browser('PATCH', '/api/v1/auth/settings', {'lock_timeout_mins': 7}).status == 422
    assert ready.browser('PATCH', '/api/v1/auth/settings', {'lock_timeout_mins': 'x'}).status == 422
    r = ready.browser('PATCH', '/api/v1/auth/settings', {'lock_timeout_mins': 15})
    assert r.status == 200 and r.json()['lock_timeout_mins'] == 15
    assert ready.browser('GET', '/api/v1/auth/status').json()['lock_timeout_mins'] == 15
    assert json.load(open(os.path.join(ready.home, 'auth.json')))['lock_timeout_mins'] == 15
    assert ready.browser('PATCH', '/api/v1/auth/settings', {'lock_timeout_mins': 0}).status == 200
    assert ready.browser('POST', '/api/v1/auth/activity').status == 204


def test_change_password_ends_other_sessions(ready):
    first = ready.cookie
    assert ready.login().status == 200
    second = ready.cookie
    r = ready.browser('POST', '/api/v1/auth/change-password',
                      {'current_password': 'not it at all', 'new_password': 'a brand new passphrase'}, cookie=second)
    assert r.status == 401
    r = ready.browser('POST', '/api/v1/auth/change-password',
                      {'current_password': PASSWORD, 'new_password': 'short'}, cookie=second)
    assert r.status == 422
    r = ready.browser('POST', '/api/v1/auth/change-password',
                      {'current_password': PASSWORD, 'new_password': 'a brand new passphrase'}, cookie=second)
    assert r.status == 200, r
    assert ready.browser('GET', '/api/v1/processes', cookie=second).status == 200
    assert ready.browser('GET', '/api/v1/processes', cookie=first).status == 401
    assert ready.login(PASSWORD).status == 401
    assert ready.login('a brand new passphrase').status == 200


def test_strength_scores(daemon):
    def score(pw):
        r = daemon.req('POST', '/api/v1/auth/strength', {'password': pw}, headers={'Origin': daemon.origin()})
        assert r.status == 200
        return r.json()
    assert score('password1')['score'] == 0
    # Very weak passwords are refused even when long enough, here and at setup.
    assert score('password1')['acceptable'] is False
    assert score('password1')['feedback'][0].startswith('too easy to guess')
    r = daemon.browser('POST', '/api/v1/auth/setup', {'password': 'password1'}, cookie='')
    assert r.status == 422 and 'too easy' in r.json()['error']['message'], r
    assert score('aaaaaaaaaaaa')['score'] <= 1
    assert score('short')['acceptable'] is False
    strong = score('Tr0ub4dour&3-horse-Staple!')
    assert strong['score'] >= 3 and strong['acceptable'] is True
    assert score(PASSWORD)['score'] >= 3


def test_unauthenticated_status_and_strength_are_public_but_nothing_else(daemon):
    assert daemon.req('GET', '/api/v1/auth/status').status == 200
    assert daemon.req('POST', '/api/v1/auth/strength', {'password': 'x'}).status == 200
    assert daemon.req('POST', '/api/v1/auth/unlock', {'pin': '1234'}).status == 401


def test_inactivity_lock_is_enforced_server_side(tmp_path):
    """A session idle past lock_timeout_mins is locked by the server, whatever the UI does.
    alter-web runs on its own here, against a data dir prepared by hand."""
    home = tmp_path / 'home'
    home.mkdir(mode=0o700)
    import hashlib
    token = 'ab' * 32
    now = int(time.time() * 1000)
    (home / 'auth.json').write_text(json.dumps({'master_token': 'f' * 64, 'lock_timeout_mins': 5}))
    (home / 'web-sessions.json').write_text(json.dumps({'version': 1, 'sessions': [
        {'id': hashlib.sha256(token.encode()).hexdigest(), 'created_ms': now - 3_600_000,
         'last_seen_ms': now - 60_000, 'last_active_ms': now - 6 * 60_000, 'locked': False, 'pin_failures': 0},
        {'id': hashlib.sha256(b'cd' * 32).hexdigest(), 'created_ms': now - 31 * 86_400_000,
         'last_seen_ms': now - 1000, 'last_active_ms': now - 1000, 'locked': False, 'pin_failures': 0},
    ]}))
    proc = subprocess.Popen([ALTER_WEB, '--home', str(home), '--port', '0'], stderr=subprocess.DEVNULL,
                            env=dict(os.environ, **TEST_ENV))
    try:
        info = wait_until(lambda: json.loads((home / 'web.json').read_text()), what='web.json')
        port = info['port']
        r = request(port, 'GET', '/api/v1/auth/status', headers={'Cookie': f'alter_session={token}'})
        assert r.json()['authenticated'] is True and r.json()['locked'] is True
        r = request(port, 'GET', '/api/v1/processes', headers={'Cookie': f'alter_session={token}'})
        assert r.status == 423
        # Past the 30-day absolute expiry: gone, whatever its last use.
        r = request(port, 'GET', '/api/v1/auth/status', headers={'Cookie': 'alter_session=' + 'cd' * 32})
        assert r.json()['authenticated'] is False
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    saved = json.loads((home / 'web-sessions.json').read_text())['sessions']
    assert len(saved) == 1 and saved[0]['locked'] is True
