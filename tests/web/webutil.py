# SPDX-License-Identifier: MIT
"""Helpers for the alter-web tests: a real alterd in a temp data dir that starts alter-web on
an ephemeral port (--web-port 0; alter-web writes it to <home>/web.json), and a small HTTP
client that can send any Host/Origin/Cookie header over TCP or alterd's unix socket."""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ALTERD = os.environ.get('ALTERD', '')
ALTER_WEB = os.environ.get('ALTER_WEB', '')
MANIFEST = os.environ.get('ALTER_WEB_MANIFEST', '')

# Cheap argon2 and a short rate-limit window keep the suite fast (the defaults are for people).
TEST_ENV = {
    'ALTER_WEB_ARGON2_MEMORY_KIB': '64',
    'ALTER_WEB_ARGON2_ITERATIONS': '1',
    'ALTER_WEB_RATE_WINDOW_MS': '3000',
}
PASSWORD = 'correct horse battery staple'


def wait_until(fn, timeout=10.0, what='condition'):
    """Poll fn() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            v = fn()
            if v:
                return v
        except (OSError, ValueError, KeyError, http.client.HTTPException) as e:
            last_exc = e
        time.sleep(0.02)
    raise AssertionError(f'timed out waiting for {what}' + (f' ({last_exc})' if last_exc else ''))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name lower, value)
        self.body = body

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def all(self, name):
        return [v for k, v in self.headers if k == name.lower()]

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f'<{self.status} {self.body[:200]!r}>'


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=10):
        super().__init__('localhost', timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def request(port, method, path, body=None, headers=None, host=None, unix=None, timeout=10, stream=False, source=None):
    """One request on a fresh connection. `headers` may hold Host/Origin/Cookie/...; a JSON body
    (dict) gets Content-Type application/json. stream=True returns (conn, HTTPResponse).
    source='127.0.0.2' connects from another loopback address (another client, as the server
    sees it)."""
    if unix:
        conn = UnixConnection(unix, timeout)
    else:
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
    hdrs = dict(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        if isinstance(data, str):
            data = data.encode()
        hdrs.setdefault('Content-Type', 'application/json')
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if not any(k.lower() == 'host' for k in hdrs):
        conn.putheader('Host', host or (f'127.0.0.1:{port}' if not unix else 'localhost'))
    for k, v in hdrs.items():
        conn.putheader(k, v)
    if data is not None:
        conn.putheader('Content-Length', str(len(data)))
    conn.endheaders(data)
    resp = conn.getresponse()
    if stream:
        return conn, resp
    body_bytes = resp.read()
    conn.close()
    return Response(resp.status, [(k.lower(), v) for k, v in resp.getheaders()], body_bytes)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Daemon:
    """alterd --foreground in a temp home, with alter-web on an ephemeral port."""

    def __init__(self, home=None, web=True, extra=None, env=None):
        self.home = home or tempfile.mkdtemp(prefix='alter-web-test-')
        os.chmod(self.home, 0o700)
        self.web = web
        self.extra = list(extra or [])
        self.env = dict(os.environ, **TEST_ENV, ALTER_WEB_BIN=ALTER_WEB)
        self.env.pop('ALTER_HOME', None)
        if env:
            self.env.update(env)
        self.proc = None
        self.cookie = None

    @property
    def sock(self):
        return os.path.join(self.home, 'alterd.sock')

    def start(self):
        args = [ALTERD, '--foreground', '--home', self.home]
        args += ['--web-port', '0'] + self.extra if self.web else ['--no-web']
        self.proc = subprocess.Popen(args, env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_until(lambda: request(0, 'GET', '/api/v1/system/health', unix=self.sock, timeout=2).status == 200,
                   what='alterd to answer')
        if self.web:
            self.wait_web()
        return self

    def web_info(self):
        with open(os.path.join(self.home, 'web.json')) as f:
            return json.load(f)

    def wait_web(self, not_pid=None):
        """Wait for an alter-web (another than not_pid) to write web.json and answer."""
        def ready():
            info = self.web_info()
            if not_pid is not None and info['pid'] == not_pid:
                return None
            r = request(info['port'], 'GET', '/api/v1/auth/status', timeout=2)
            return info if r.status == 200 else None
        self.info = wait_until(ready, timeout=15, what='alter-web to start')
        self.port = self.info['port']
        return self.info

    def master_token(self):
        with open(os.path.join(self.home, 'auth.json')) as f:
            return json.load(f)['master_token']

    def req(self, method, path, body=None, headers=None, **kw):
        return request(self.port, method, path, body, headers, **kw)

    def origin(self):
        return f'http://127.0.0.1:{self.port}'

    def browser(self, method, path, body=None, headers=None, cookie=None, **kw):
        """A request as the dashboard sends it: same Origin, the session cookie."""
        h = {'Origin': self.origin(), 'Sec-Fetch-Site': 'same-origin'}
        c = cookie if cookie is not None else self.cookie
        if c:
            h['Cookie'] = f'alter_session={c}'
        h.update(headers or {})
        return request(self.port, method, path, body, h, **kw)

    def token(self, method, path, body=None, headers=None, **kw):
        h = {'Authorization': f'Bearer {self.master_token()}'}
        h.update(headers or {})
        return request(self.port, method, path, body, h, **kw)

    def setup(self, password=PASSWORD):
        r = self.browser('POST', '/api/v1/auth/setup', {'password': password}, cookie='')
        assert r.status == 201, r
        self.cookie = session_cookie(r)
        return r

    def login(self, password=PASSWORD):
        r = self.browser('POST', '/api/v1/auth/login', {'password': password}, cookie='')
        if r.status == 200:
            self.cookie = session_cookie(r)
        return r

    def login_via_proxy(self, client, password=PASSWORD):
        """A login as a reverse proxy on this machine forwards it for `client`."""
        h = {'Origin': self.origin(), 'X-Forwarded-For': f'10.9.9.9, {client}'}
        return request(self.port, 'POST', '/api/v1/auth/login', {'password': password}, h)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def session_cookie(resp):
    for v in resp.all('set-cookie'):
        name, _, rest = v.partition('=')
        if name.strip() == 'alter_session':
            return rest.split(';', 1)[0]
    return None


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().split(') ', 1)[1][0] != 'Z'
    except OSError:
        return False
