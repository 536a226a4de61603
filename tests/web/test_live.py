# SPDX-License-Identifier: MIT
"""What the dashboard reads instead of polling: stats on the event stream (sampled only while a
stream asks for them), the history alterd keeps (events and samples), log volume per hour."""
import json
import os
import time

from webutil import Daemon, request, wait_until


def events(d, query='stats=1'):
    """An open /events stream through the gateway (the dashboard's session)."""
    return request(d.port, 'GET', f'/api/v1/events?{query}', headers={'Cookie': f'alter_session={d.cookie}'},
                   stream=True, timeout=10)


def next_events(resp, kinds, timeout=10):
    """Read SSE records until one of each kind in `kinds` arrived; {kind: data}."""
    got, kind = {}, None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and set(kinds) - set(got):
        line = resp.fp.readline().decode().rstrip('\n')
        if line.startswith('event:'):
            kind = line[6:].strip()
        elif line.startswith('data:') and kind in kinds and kind not in got:
            got[kind] = json.loads(line[5:])
    assert not set(kinds) - set(got), f'no {set(kinds) - set(got)} event'
    return got


def history(d, name, **q):
    path = f'/api/v1/processes/{name}/history' + ('?' + '&'.join(f'{k}={v}' for k, v in q.items()) if q else '')
    return d.browser('GET', path)


def add(d, spec):
    r = d.token('POST', '/api/v1/processes', spec)
    assert r.status == 201, r


def test_stats_are_sampled_only_while_a_stream_asks_for_them(ready):
    add(ready, {'name': 'busy', 'command': '/bin/sleep', 'args': ['60']})
    assert history(ready, 'busy').json()['sampling'] is False
    conn, resp = events(ready, 'stats=0')  # a stream without stats does not start sampling
    time.sleep(0.3)
    assert history(ready, 'busy').json()['sampling'] is False
    conn.close()

    conn, resp = events(ready)
    got = next_events(resp, ['host', 'stats'])
    host, stats = got['host'], got['stats']
    assert host['type'] == 'host' and host['mem_total_bytes'] > 0 and 'cpu_percent' in host and 'load' in host
    assert stats['app'] == 'busy' and stats['memory_bytes'] > 0
    h = history(ready, 'busy').json()
    assert h['sampling'] is True and h['interval_ms'] == 2000
    # About every 2 s: the next sample of the app comes within one interval.
    t0 = stats['time_ms']
    second = next_events(resp, ['stats'], timeout=5)['stats']
    assert 1000 <= second['time_ms'] - t0 <= 4000
    conn.close()
    wait_until(lambda: history(ready, 'busy').json()['sampling'] is False, what='sampling to stop')


def test_idle_daemon_does_not_wake_up():
    # No app, no stream: nothing to sample, no timer (the supervisor's own timers are idle too).
    d = Daemon(web=False).start()
    try:
        pid = d.proc.pid
        time.sleep(0.5)

        def switches():
            with open(f'/proc/{pid}/status') as f:
                return sum(int(line.split()[1]) for line in f if 'ctxt_switches' in line)
        before = switches()
        time.sleep(3)
        assert switches() - before <= 2
    finally:
        d.cleanup()


def test_history_keeps_events_and_samples_across_reloads(ready):
    add(ready, {'name': 'pair', 'instances': 2, 'command': '/bin/sleep', 'args': ['60']})
    wait_until(lambda: all(p['status'] == 'running'
                           for p in ready.token('GET', '/api/v1/processes/pair').json()['instances']), what='running')
    assert ready.token('POST', '/api/v1/processes/pair-1/restart').status == 200
    wait_until(lambda: len(history(ready, 'pair').json()['events']) >= 3, what='events recorded')
    conn, resp = events(ready)
    next_events(resp, ['stats'])
    wait_until(lambda: len(history(ready, 'pair').json()['samples']) == 2, what='samples of both instances')
    conn.close()

    h = history(ready, 'pair').json()
    assert h['app'] == 'pair'
    runs = [e for e in h['events'] if e['instance'] == 'pair-1' and e['to'] == 'running']
    assert len(runs) == 2 and runs[0]['pid'] != runs[1]['pid'], runs  # started, restarted
    assert all(e['type'] == 'state' and e['to'] not in ('starting', 'stopping') for e in h['events'])
    times = [e['time_ms'] for e in h['events']]
    assert times == sorted(times)
    s = h['samples']['pair-0']
    assert len(s['t']) == len(s['cpu']) == len(s['mem']) >= 1 and s['mem'][0] > 0
    # One instance: only its events and samples.
    one = history(ready, 'pair-1').json()
    assert one['app'] == 'pair' and set(one['samples']) == {'pair-1'}
    assert {e['instance'] for e in one['events']} == {'pair-1'}
    # since= drops what is older.
    later = history(ready, 'pair', since=max(times) + 1).json()
    assert later['events'] == []
    # Unknown names are 404; a removed app's history is forgotten.
    assert history(ready, 'nope').status == 404
    assert ready.token('DELETE', '/api/v1/processes/pair').status == 200
    add(ready, {'name': 'pair', 'command': '/bin/sleep', 'args': ['60']})
    wait_until(lambda: history(ready, 'pair').json()['events'], what='the new app running')
    assert all(e['time_ms'] > max(times) for e in history(ready, 'pair').json()['events'])


def test_errored_reason_is_in_history_and_status(ready):
    add(ready, {'name': 'nodir', 'command': '/bin/true', 'cwd': '/nonexistent-dir-for-alter-test'})
    p = wait_until(lambda: (lambda x: x if x['status'] == 'errored' else None)(
        ready.token('GET', '/api/v1/processes/nodir').json()['instances'][0]), what='errored')
    assert 'nonexistent-dir-for-alter-test' in p['error']
    ev = [e for e in history(ready, 'nodir').json()['events'] if e['to'] == 'errored']
    assert ev and 'nonexistent-dir-for-alter-test' in ev[-1]['error']


def test_log_volume_counts_lines_per_hour(ready):
    add(ready, {'name': 'talk', 'command': '/bin/sh',
                'args': ['-c', 'i=0; while [ $i -lt 250 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done; exec sleep 60']})
    path = '/api/v1/processes/talk/logs/volume'

    def full():
        v = ready.browser('GET', path).json()
        return v if v['lines'] == 500 else None
    v = wait_until(full, what='500 lines counted')
    assert v['bucket_ms'] == 3600000 and v['buckets'] == len(v['series'][0]['counts']) and v['truncated'] is False
    by_stream = {s['stream']: s for s in v['series']}
    assert by_stream['out']['total'] == 250 and by_stream['err']['total'] == 250
    assert by_stream['out']['instance'] == 'talk' and sum(by_stream['out']['counts']) == 250
    assert v['to_ms'] - v['from_ms'] <= 25 * 3600000
    now = int(time.time() * 1000)
    # Explicit range, minute buckets: everything in the last bucket or two.
    r = ready.browser('GET', f'{path}?from={now - 600000}&to={now + 60000}&bucket_ms=60000').json()
    assert r['buckets'] == 11 and r['lines'] == 500
    # A local day; "all"; a range with nothing in it.
    today = time.strftime('%Y-%m-%d')
    assert ready.browser('GET', f'/api/v1/processes/all/logs/volume?date={today}').json()['lines'] >= 500
    assert ready.browser('GET', f'{path}?from={now - 7200000}&to={now - 3600000}').json()['series'] == []
    for bad in ('date=2026-02-30', 'date=yesterday', 'bucket_ms=10', 'from=abc', f'date={today}&from=1'):
        assert ready.browser('GET', f'{path}?{bad}').status == 400, bad
    assert ready.browser('GET', f'{path}?from=0&to={now}').status == 400  # more than 31 days
    assert ready.browser('GET', '/api/v1/processes/nope/logs/volume').status == 404
