# SPDX-License-Identifier: MIT
"""The gateway's request checks: auth on every API route, Host allow-list, Origin/CSRF,
no tokens in URLs, security headers, forwarding (SSE included)."""
import gzip
import json
import os
import statistics
import subprocess
import time

from webutil import ALTER_WEB, TEST_ENV, Daemon, request, wait_until

API_ROUTES = [
    ('GET', '/api/v1/processes'),
    ('GET', '/api/v1/processes/web1'),
    ('POST', '/api/v1/processes'),
    ('DELETE', '/api/v1/processes/web1'),
    ('GET', '/api/v1/processes/web1/logs/stream'),
    ('GET', '/api/v1/events'),
    ('GET', '/api/v1/system/health'),
    ('POST', '/api/v1/system/shutdown'),
    ('GET', '/api/v1/no/such/route'),
    ('PUT', '/api/v1/nothing'),
    ('GET', '/api/v2/anything'),
    ('GET', '/api'),
    ('POST', '/api/v1/auth/lock'),
    ('POST', '/api/v1/auth/pin'),
    ('DELETE', '/api/v1/auth/pin'),
    ('PATCH', '/api/v1/auth/settings'),
    ('POST', '/api/v1/auth/change-password'),
    ('GET', '/api/v1/auth/no-such-auth-route'),
]

SECURITY_HEADERS = {
    'content-security-policy': None,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'x-frame-options': 'DENY',
}


def check_security_headers(r):
    for name, want in SECURITY_HEADERS.items():
        got = r.header(name)
        assert got is not None, f'{name} missing on {r}'
        if want is not None:
            assert got == want, (name, got)
    csp = r.header('content-security-policy')
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert 'unsafe-inline' not in csp and 'unsafe-eval' not in csp


def test_every_api_route_needs_auth_and_leaks_nothing(ready):
    bodies = set()
    for method, path in API_ROUTES:
        body = {} if method in ('POST', 'PUT', 'PATCH') else None
        r = ready.req(method, path, body)
        assert r.status == 401, (method, path, r)
        assert r.header('www-authenticate', ) is not None
        bodies.add(r.body)
        check_security_headers(r)
    assert len(bodies) == 1, bodies
    # A wrong token and a foreign cookie are the same 401.
    r = ready.req('GET', '/api/v1/processes', headers={'Authorization': 'Bearer ' + '0' * 64})
    assert r.status == 401 and r.body in bodies
    r = ready.req('GET', '/api/v1/processes', headers={'Cookie': 'alter_session=' + 'a' * 64})
    assert r.status == 401 and r.body in bodies


def test_master_token_works(daemon):
    r = daemon.token('GET', '/api/v1/processes')
    assert r.status == 200 and 'processes' in r.json()
    r = daemon.token('POST', '/api/v1/processes', {'name': 'web1', 'command': '/bin/sleep', 'args': ['30']})
    assert r.status == 201, r
    r = daemon.token('GET', '/api/v1/auth/status')
    assert r.json()['authenticated'] is True and r.json()['auth'] == 'token'
    # The scheme is case-insensitive; a token that is only a prefix is not the token.
    tok = daemon.master_token()
    assert daemon.req('GET', '/api/v1/processes', headers={'Authorization': 'bearer ' + tok}).status == 200
    assert daemon.req('GET', '/api/v1/processes', headers={'Authorization': 'Bearer ' + tok[:-1]}).status == 401
    assert daemon.req('GET', '/api/v1/processes', headers={'Authorization': 'Basic ' + tok}).status == 401


def test_query_string_token_refused(ready):
    tok = ready.master_token()
    for path in (f'/api/v1/processes?token={tok}', f'/api/v1/events?token={tok}',
                 f'/api/v1/processes?access_token={tok}'):
        assert ready.req('GET', path).status == 401
        # Not even next to a valid header or cookie: URLs with credentials are refused outright.
        assert ready.token('GET', path).status == 401
        assert ready.browser('GET', path).status == 401


def test_foreign_host_rejected(daemon):
    port = daemon.port
    for host in (f'evil.example:{port}', 'evil.example', f'127.0.0.1:{port + 1}', f'localhost.evil.example:{port}', ''):
        r = daemon.token('GET', '/api/v1/processes', host=host) if host else \
            request(port, 'GET', '/', headers={'Host': ''})
        assert r.status == 403, (host, r)
        check_security_headers(r)
    assert daemon.req('GET', '/', host=f'evil.example:{port}').status == 403  # static files too
    for host in (f'127.0.0.1:{port}', f'localhost:{port}', f'LOCALHOST:{port}', f'[::1]:{port}'):
        assert daemon.token('GET', '/api/v1/processes', host=host).status == 200, host


def test_allow_host_option():
    d = Daemon(extra=['--web-allow-host', 'alter.lan', '--web-allow-host', 'box.lan:8443']).start()
    try:
        assert d.token('GET', '/api/v1/processes', host=f'alter.lan:{d.port}').status == 200
        assert d.token('GET', '/api/v1/processes', host='box.lan:8443').status == 200
        assert d.token('GET', '/api/v1/processes', host=f'box.lan:{d.port}').status == 403
        r = d.token('POST', '/api/v1/system/save', {}, headers={'Origin': f'http://alter.lan:{d.port}'})
        assert r.status == 200, r
    finally:
        d.cleanup()


def test_foreign_origin_refused(ready):
    for origin in ('http://evil.example', f'http://evil.example:{ready.port}', 'null',
                   f'https://127.0.0.1:{ready.port}', f'http://127.0.0.1:{ready.port + 1}'):
        r = ready.req('POST', '/api/v1/auth/login', {'password': 'x' * 10}, headers={'Origin': origin})
        assert r.status == 403, (origin, r)
        r = ready.token('POST', '/api/v1/system/save', {}, headers={'Origin': origin})
        assert r.status == 403, (origin, r)
        r = ready.browser('DELETE', '/api/v1/auth/pin', headers={'Origin': origin})
        assert r.status == 403, (origin, r)
    # GET is not state-changing: a foreign Origin does not matter there (SameSite keeps the cookie away).
    assert ready.token('GET', '/api/v1/processes', headers={'Origin': 'http://evil.example'}).status == 200
    assert ready.browser('POST', '/api/v1/system/save', {}).status == 200


def test_cookie_without_origin_is_refused_for_changes(ready):
    cookie = {'Cookie': f'alter_session={ready.cookie}'}
    r = ready.req('POST', '/api/v1/system/save', {}, headers=cookie)
    assert r.status == 403, r
    r = ready.req('POST', '/api/v1/system/save', {}, headers=dict(cookie, **{'Sec-Fetch-Site': 'cross-site'}))
    assert r.status == 403, r
    r = ready.req('POST', '/api/v1/system/save', {}, headers=dict(cookie, **{'Sec-Fetch-Site': 'same-origin'}))
    assert r.status == 200, r
    assert ready.req('GET', '/api/v1/processes', headers=cookie).status == 200
    # The bearer token is not sent by browsers on their own: no Origin needed.
    assert ready.token('POST', '/api/v1/system/save', {}).status == 200


def test_security_headers_on_every_kind_of_response(ready):
    responses = [
        ready.req('GET', '/'),                                    # asset
        ready.req('GET', '/assets/nope-ABCDEFGH.js'),             # asset 404
        ready.req('POST', '/index.html'),                         # 405
        ready.browser('GET', '/api/v1/processes'),                # forwarded API 200
        ready.browser('GET', '/api/v1/processes/nope'),           # forwarded API error (alterd's 404)
        ready.req('GET', '/api/v1/processes'),                    # 401
        ready.req('GET', '/', host='evil.example'),               # 403 host
        ready.req('GET', '/api/v1/auth/status'),                  # auth API
        ready.browser('POST', '/api/v1/auth/login', {'password': 'wrong password'}, cookie=''),  # 401 login
        ready.req('HEAD', '/'),
    ]
    for r in responses:
        check_security_headers(r)
    assert responses[4].status == 404


def test_forwarding_and_errors(ready):
    r = ready.browser('POST', '/api/v1/processes', {'name': 'web1', 'command': '/bin/sleep', 'args': ['30']})
    assert r.status == 201 and r.header('location') == '/api/v1/processes/web1'
    r = ready.browser('GET', '/api/v1/processes/web1')
    assert r.status == 200 and r.json()['name'] == 'web1'
    r = ready.browser('POST', '/api/v1/processes', b'{not json')
    assert r.status == 400, r
    r = ready.browser('GET', '/api/v1/metrics')
    assert r.status == 200 and r.header('content-type').startswith('text/plain')
    r = ready.browser('HEAD', '/api/v1/processes')
    assert r.status == 200 and r.body == b''


def test_standalone_reports_its_bind_address(tmp_path):
    # web.json and the log name the address it listens on, not the last --allow-host.
    home = tmp_path / 'home'
    home.mkdir(mode=0o700)
    proc = subprocess.Popen([ALTER_WEB, '--home', str(home), '--port', '0', '--bind', '127.0.0.2',
                             '--allow-host', 'box.lan', '--socket', str(home / 'none.sock')],
                            stderr=subprocess.PIPE, env=dict(os.environ, **TEST_ENV))
    try:
        info = wait_until(lambda: json.loads((home / 'web.json').read_text()), what='web.json')
        assert info['url'] == f'http://127.0.0.2:{info["port"]}/' and info['bind'] == '127.0.0.2'
        line = b''
        while b'listening on' not in line:
            line = proc.stderr.readline()
            assert line, 'no "listening on" line'
        assert f'listening on http://127.0.0.2:{info["port"]}/'.encode() in line, line
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()


def test_api_answers_are_gzipped_when_accepted(ready):
    for i in range(6):
        ready.token('POST', '/api/v1/processes?start=false', {'name': f'zip{i}', 'command': '/bin/sleep', 'args': ['60']})
    gz = {'Accept-Encoding': 'gzip, deflate'}
    plain = ready.browser('GET', '/api/v1/processes')
    packed = ready.browser('GET', '/api/v1/processes', headers=gz)
    assert plain.header('content-encoding') is None and len(plain.body) > 1024
    assert packed.header('content-encoding') == 'gzip', packed.headers
    assert 'accept-encoding' in packed.header('vary').lower()
    assert len(packed.body) < len(plain.body) / 3
    names = lambda body: [p['name'] for p in json.loads(body)['processes']]  # noqa: E731
    assert names(gzip.decompress(packed.body)) == names(plain.body)
    # Small answers (under 1 KB) and q=0 stay as they are.
    assert ready.browser('GET', '/api/v1/system/health', headers=gz).header('content-encoding') is None
    r = ready.browser('GET', '/api/v1/processes', headers={'Accept-Encoding': 'gzip;q=0'})
    assert r.header('content-encoding') is None
    # Event streams never are (each event must reach the browser at once).
    conn, resp = request(ready.port, 'GET', '/api/v1/events', stream=True,
                         headers=dict(gz, Cookie=f'alter_session={ready.cookie}'))
    assert resp.status == 200 and resp.getheader('Content-Encoding') is None
    conn.close()


def test_large_relayed_answers_are_gzipped_as_a_stream(ready):
    # Over 256 KiB the gateway relays chunk by chunk: compressed as it goes.
    line = 'x' * 120
    spec = {'name': 'spew', 'command': '/bin/sh',
            'args': ['-c', f'i=0; while [ $i -lt 3000 ]; do echo "$i {line}"; i=$((i+1)); done; exec sleep 60']}
    assert ready.token('POST', '/api/v1/processes', spec).status == 201
    path = '/api/v1/processes/spew/logs?lines=3000'
    wait_until(lambda: len(ready.token('GET', path).json()['lines']) == 3000, what='3000 lines stored')
    plain = ready.browser('GET', path)
    assert len(plain.body) > 256 * 1024 and plain.header('content-encoding') is None
    packed = ready.browser('GET', path, headers={'Accept-Encoding': 'gzip'})
    assert packed.header('content-encoding') == 'gzip' and packed.header('content-length') is None
    assert len(packed.body) < len(plain.body) / 5
    assert json.loads(gzip.decompress(packed.body))['lines'][-1]['text'] == f'2999 {line}'


def test_standalone_without_alterd_gives_502(tmp_path):
    home = tmp_path / 'home'
    home.mkdir(mode=0o700)
    (home / 'auth.json').write_text(json.dumps({'master_token': 'f' * 64}))
    os.chmod(home / 'auth.json', 0o600)
    proc = subprocess.Popen([ALTER_WEB, '--home', str(home), '--port', '0', '--socket', str(home / 'none.sock')],
                            stderr=subprocess.DEVNULL, env=dict(os.environ, **TEST_ENV))
    try:
        info = wait_until(lambda: json.loads((home / 'web.json').read_text()), what='web.json')
        r = request(info['port'], 'GET', '/api/v1/processes', headers={'Authorization': 'Bearer ' + 'f' * 64})
        assert r.status == 502 and r.json()['error']['code'] == 'bad_gateway'
        check_security_headers(r)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not (home / 'web.json').exists()  # removed on a clean exit


def read_event(resp, want, timeout=10):
    """Read SSE lines until one contains `want`; returns that data line."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = resp.fp.readline()
        if not line:
            raise AssertionError('stream ended')
        line = line.decode().rstrip('\n')
        if line.startswith('data:') and want in line:
            return line[5:].strip()
    raise AssertionError(f'no event with {want!r}')


def test_sse_events_and_logs_stream_live(ready):
    conn, resp = request(ready.port, 'GET', '/api/v1/events', headers={'Cookie': f'alter_session={ready.cookie}'},
                         stream=True)
    assert resp.status == 200 and resp.getheader('Content-Type').startswith('text/event-stream')
    assert resp.getheader('Content-Security-Policy') is not None
    r = ready.browser('POST', '/api/v1/processes', {
        'name': 'ticker', 'command': '/bin/sh', 'args': ['-c', 'while true; do echo tick-$$; sleep 0.1; done']})
    assert r.status == 201, r
    data = json.loads(read_event(resp, 'ticker'))
    assert data['app'] == 'ticker'
    conn.close()

    conn, resp = request(ready.port, 'GET', '/api/v1/processes/ticker/logs/stream',
                         headers={'Cookie': f'alter_session={ready.cookie}'}, stream=True)
    assert resp.status == 200
    first = json.loads(read_event(resp, 'tick-'))
    second = json.loads(read_event(resp, 'tick-'))
    assert second['time_ms'] >= first['time_ms']
    conn.close()


def test_lock_ends_open_streams(ready):
    conn, resp = request(ready.port, 'GET', '/api/v1/events', headers={'Cookie': f'alter_session={ready.cookie}'},
                         stream=True, timeout=10)
    assert resp.status == 200
    assert ready.browser('POST', '/api/v1/auth/lock').status == 200
    # The event stream ends cleanly (its last chunk arrives, so EventSource reconnects and is
    # told 423) well before the 10 s socket timeout.
    start = time.monotonic()
    while resp.read(4096):
        pass
    assert time.monotonic() - start < 5
    assert resp.isclosed()
    # Reconnecting is refused while the session is locked.
    conn2, resp2 = request(ready.port, 'GET', '/api/v1/events', headers={'Cookie': f'alter_session={ready.cookie}'},
                           stream=True, timeout=10)
    assert resp2.status == 423
    conn2.close()
    conn.close()


def measure(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = fn()
        times.append((time.perf_counter() - t) * 1000)
        assert r.status == 200
    return statistics.median(times), sorted(times)[int(n * 0.95) - 1]


def test_gateway_overhead_with_100_apps(ready):
    for i in range(100):
        r = ready.token('POST', '/api/v1/processes?start=false', {'name': f'app{i}', 'command': '/bin/sleep', 'args': ['60']})
        assert r.status == 201, r
    n = 200
    direct = measure(lambda: request(0, 'GET', '/api/v1/processes', unix=ready.sock), n)
    tok = ready.master_token()
    via_token = measure(lambda: ready.req('GET', '/api/v1/processes', headers={'Authorization': f'Bearer {tok}'}), n)
    via_cookie = measure(lambda: ready.browser('GET', '/api/v1/processes'), n)
    via_gzip = measure(lambda: ready.browser('GET', '/api/v1/processes', headers={'Accept-Encoding': 'gzip'}), n)
    size = len(ready.token('GET', '/api/v1/processes').body)
    zsize = len(ready.browser('GET', '/api/v1/processes', headers={'Accept-Encoding': 'gzip'}).body)
    report = (f'GET /api/v1/processes, 100 apps ({size} bytes, {zsize} gzipped), {n} requests, new connection each: '
              f'direct unix socket p50 {direct[0]:.2f} ms p95 {direct[1]:.2f} ms; '
              f'gateway (token) p50 {via_token[0]:.2f} ms p95 {via_token[1]:.2f} ms; '
              f'gateway (cookie) p50 {via_cookie[0]:.2f} ms p95 {via_cookie[1]:.2f} ms; '
              f'gateway (cookie, gzip) p50 {via_gzip[0]:.2f} ms p95 {via_gzip[1]:.2f} ms')
    print(report)
    out = os.environ.get('ALTER_WEB_BENCH_OUT')
    if out:
        with open(out, 'w') as f:
            f.write(report + '\n')
    # Generous bound (shared CI machine): the gateway adds one local hop, not a slowdown.
    assert via_token[0] < direct[0] + 20
