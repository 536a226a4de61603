# SPDX-License-Identifier: MIT
"""Embedded dashboard files: gzip negotiation, ETag/304, cache headers, the first-load budget."""
import gzip
import json
import os
import re

import pytest

from webutil import MANIFEST

BUDGET = 150 * 1024  # bytes, compressed, for everything the first visit loads


def manifest():
    if not MANIFEST or not os.path.exists(MANIFEST):
        pytest.skip('ALTER_WEB_MANIFEST not set')
    with open(MANIFEST) as f:
        return json.load(f)


def test_index_gzip_and_identity(daemon):
    plain = daemon.req('GET', '/')
    assert plain.status == 200 and plain.header('content-type') == 'text/html; charset=utf-8'
    assert plain.header('content-encoding') is None and b'<html' in plain.body
    assert plain.header('cache-control') == 'no-cache' and plain.header('vary') == 'Accept-Encoding'
    gz = daemon.req('GET', '/', headers={'Accept-Encoding': 'gzip, deflate, br'})
    assert gz.header('content-encoding') == 'gzip'
    assert gzip.decompress(gz.body) == plain.body
    assert len(gz.body) < len(plain.body)
    # q=0 refuses gzip; "*" accepts it.
    assert daemon.req('GET', '/', headers={'Accept-Encoding': 'gzip;q=0'}).header('content-encoding') is None
    assert daemon.req('GET', '/', headers={'Accept-Encoding': '*'}).header('content-encoding') == 'gzip'
    assert daemon.req('GET', '/index.html').body == plain.body
    head = daemon.req('HEAD', '/')
    assert head.status == 200 and head.body == b'' and head.header('content-length') == str(len(plain.body))


def test_etag_and_304(daemon):
    r = daemon.req('GET', '/')
    etag = r.header('etag')
    assert re.fullmatch(r'"[0-9a-f]{20}"', etag)
    r304 = daemon.req('GET', '/', headers={'If-None-Match': etag})
    assert r304.status == 304 and r304.body == b'' and r304.header('etag') == etag
    assert r304.header('content-security-policy')
    gz = daemon.req('GET', '/', headers={'Accept-Encoding': 'gzip'})
    assert gz.header('etag') != etag  # one tag per representation
    assert daemon.req('GET', '/', headers={'Accept-Encoding': 'gzip', 'If-None-Match': gz.header('etag')}).status == 304
    assert daemon.req('GET', '/', headers={'If-None-Match': '"nope", ' + etag}).status == 304
    assert daemon.req('GET', '/', headers={'If-None-Match': '"nope"'}).status == 200


def referenced_assets(html):
    return re.findall(r'(?:src|href)="(/[^"]+)"', html)


def test_assets_cache_headers_and_types(daemon):
    html = daemon.req('GET', '/').body.decode()
    refs = referenced_assets(html)
    assert refs, html
    for path in refs:
        r = daemon.req('GET', path, headers={'Accept-Encoding': 'gzip'})
        assert r.status == 200, path
        if path.startswith('/assets/'):
            assert r.header('cache-control') == 'public, max-age=31536000, immutable'
        else:
            assert r.header('cache-control') == 'no-cache'
        if path.endswith('.js'):
            assert r.header('content-type').startswith('text/javascript')
        if path.endswith('.css'):
            assert r.header('content-type').startswith('text/css')
        assert r.header('x-content-type-options') == 'nosniff'


def test_unknown_paths(daemon):
    # Client-side routes get the app; missing files do not.
    r = daemon.req('GET', '/processes/web1')
    assert r.status == 200 and b'<html' in r.body
    assert daemon.req('GET', '/assets/missing-ABCDEFGH.js').status == 404
    assert daemon.req('GET', '/nope.js').status == 404
    r = daemon.req('DELETE', '/index.html', headers={'Origin': daemon.origin()})
    assert r.status == 405 and r.header('allow') == 'GET, HEAD'


def test_first_load_budget_manifest():
    m = manifest()
    assert m['files'] and any(f['path'] == '/index.html' for f in m['files'])
    total = sum(f['gzip_size'] for f in m['files'])
    print(f"embedded assets ({m['mode']}): {len(m['files'])} files, {total} bytes gzip")
    assert total <= BUDGET, f'dashboard is {total} bytes compressed, budget {BUDGET}'
    for f in m['files']:
        if f['path'].startswith('/assets/'):
            assert f['immutable'] and re.search(r'[-.][A-Za-z0-9_-]{8,}\.', f['path'])


def test_first_load_budget_over_the_wire(daemon):
    """What a browser downloads on its first visit: index.html and what it references."""
    total = 0
    seen = set()
    todo = ['/']
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        r = daemon.req('GET', path, headers={'Accept-Encoding': 'gzip'})
        assert r.status == 200, path
        total += len(r.body)
        body = gzip.decompress(r.body) if r.header('content-encoding') == 'gzip' else r.body
        if path == '/' or path.endswith('.html') or path.endswith('.css'):
            todo += [p for p in referenced_assets(body.decode(errors='replace')) if p not in seen]
            todo += [p for p in re.findall(r'url\((/[^)]+)\)', body.decode(errors='replace')) if p not in seen]
    assert total <= BUDGET, total
