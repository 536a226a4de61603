#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Build the dashboard (npm run build) and embed its files into a C++ source.

Run by alter-web/meson.build at build time:
  gen_assets.py --mode auto|enabled|disabled --web-dir alter-web/web --placeholder-dir
                alter-web/placeholder --work-dir BUILD/alter-web/web-build --npm PATH
                --out web_assets.cpp --manifest web_assets.json --depfile web_assets.d

mode enabled: `npm run build` in --web-dir (node_modules must be installed: scripts/bootstrap);
mode auto: the same when npm and node_modules exist, else the placeholder page;
mode disabled: the placeholder page (--placeholder-dir).

The build script gets ALTER_WEB_OUTDIR (an empty dir) and must leave index.html there; files
under assets/ must carry a content hash in their name (served as immutable). Each file is
embedded as is and gzip-compressed (level 9, mtime 0: reproducible) when that is smaller, with
its MIME type and an ETag (first 20 hex digits of its SHA-256). The manifest lists the sizes
(tests/web checks the first-load budget with it). The depfile names every input, so ninja
rebuilds when a source, the lock file or node_modules change.
"""
import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

MIME = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json',
    '.map': 'application/json',
    '.webmanifest': 'application/manifest+json',
    '.txt': 'text/plain; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.gif': 'image/gif',
    '.webp': 'image/webp',
    '.avif': 'image/avif',
    '.ico': 'image/x-icon',
    '.woff': 'font/woff',
    '.woff2': 'font/woff2',
    '.wasm': 'application/wasm',
}
HASHED = re.compile(r'[-.]([A-Za-z0-9_-]{8,})\.[A-Za-z0-9.]+$')
SKIP_DIRS = {'node_modules', 'dist', '.cache', '.vite'}


def fail(msg):
    print(f'gen_assets: {msg}', file=sys.stderr)
    sys.exit(1)


def source_files(web_dir):
    """Every dashboard source file (the depfile's inputs), node_modules and outputs excluded."""
    out = [web_dir]
    for root, dirs, files in os.walk(web_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith('.'))
        if root != web_dir:
            out.append(root)  # a new file in a folder changes the folder's mtime
        out.extend(os.path.join(root, f) for f in sorted(files))
    lock = os.path.join(web_dir, 'node_modules', '.package-lock.json')
    if os.path.exists(lock):
        out.append(lock)
    return out


def run_build(npm, web_dir, work_dir):
    outdir = os.path.join(work_dir, 'dist')
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    env = dict(os.environ, ALTER_WEB_OUTDIR=outdir, NODE_ENV='production')
    r = subprocess.run([npm, 'run', 'build', '--silent'], cwd=web_dir, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if r.returncode != 0:
        fail(f'`npm run build` in {web_dir} failed ({r.returncode}):\n{r.stdout}')
    if not os.path.isfile(os.path.join(outdir, 'index.html')):
        fail(f'`npm run build` left no index.html in {outdir}')
    return outdir


def collect(dist, check_hashes):
    files = []
    for root, dirs, names in os.walk(dist):
        dirs.sort()
        for n in sorted(names):
            full = os.path.join(root, n)
            rel = os.path.relpath(full, dist).replace(os.sep, '/')
            immutable = rel.startswith('assets/')
            if immutable and check_hashes and not HASHED.search(n):
                fail(f'{rel}: files under assets/ are served as immutable, so their names need a '
                     'content hash ("name-HASH.ext"); configure the bundler to add one')
            with open(full, 'rb') as f:
                data = f.read()
            ext = os.path.splitext(n)[1].lower()
            gz = gzip.compress(data, compresslevel=9, mtime=0)
            files.append({
                'path': '/' + rel,
                'type': MIME.get(ext, 'application/octet-stream'),
                'etag': '"' + hashlib.sha256(data).hexdigest()[:20] + '"',
                'data': data,
                'gzip': gz if len(gz) < len(data) else b'',
                'immutable': immutable,
            })
    if not any(f['path'] == '/index.html' for f in files):
        fail(f'no index.html in {dist}')
    return files


def c_literal(data):
    """A C++ string literal split over lines; octal escapes are always 3 digits (unambiguous)."""
    if not data:
        return '""'
    lines, cur = [], []
    width = 0
    for b in data:
        if 0x20 <= b < 0x7f and b not in (0x22, 0x5c, 0x3f):
            piece = chr(b)
        else:
            piece = '\\%03o' % b
        cur.append(piece)
        width += len(piece)
        if width >= 100:
            lines.append('"' + ''.join(cur) + '"')
            cur, width = [], 0
    if cur:
        lines.append('"' + ''.join(cur) + '"')
    return '\n    '.join(lines)


def emit_cpp(files, mode, path):
    out = ['// Generated by alter-web/gen_assets.py: do not edit.',
           '#include "assets.hpp"',
           '',
           '#pragma GCC diagnostic ignored "-Woverlength-strings"',
           '',
           'namespace alter_web {',
           'namespace {']
    for i, f in enumerate(files):
        out.append(f'constexpr char body_{i}[] =\n    {c_literal(f["data"])};')
        out.append(f'constexpr char gzip_{i}[] =\n    {c_literal(f["gzip"])};')
    out.append('} // namespace')
    out.append('')
    out.append('const asset embedded_assets[] = {')
    for i, f in enumerate(files):
        out.append(f'    {{{json.dumps(f["path"])}, {json.dumps(f["type"])}, {json.dumps(f["etag"])}, '
                   f'std::string_view(body_{i}, {len(f["data"])}), '
                   f'std::string_view(gzip_{i}, {len(f["gzip"])}), '
                   f'{"true" if f["immutable"] else "false"}}},')
    out.append('};')
    out.append(f'const size_t embedded_asset_count = {len(files)};')
    out.append(f'const std::string_view embedded_assets_mode = {json.dumps(mode)};')
    out.append('} // namespace alter_web')
    write_if_changed(path, '\n'.join(out) + '\n')


def write_if_changed(path, text):
    try:
        with open(path, encoding='utf-8') as f:
            if f.read() == text:
                os.utime(path)  # newer than its inputs, or ninja runs us again every time
                return
    except OSError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


def depfile_escape(p):
    return p.replace('\\', '\\\\').replace(' ', '\\ ').replace('#', '\\#').replace('$', '$$')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mode', choices=['auto', 'enabled', 'disabled'], required=True)
    ap.add_argument('--web-dir', required=True)
    ap.add_argument('--placeholder-dir', required=True)
    ap.add_argument('--work-dir', required=True)
    ap.add_argument('--npm', default='')
    ap.add_argument('--out', required=True)
    ap.add_argument('--manifest', required=True)
    ap.add_argument('--depfile', required=True)
    a = ap.parse_args()

    web_dir = os.path.abspath(a.web_dir)
    have_npm = bool(a.npm) and os.path.exists(a.npm)
    have_pkg = os.path.isfile(os.path.join(web_dir, 'package.json'))
    have_modules = os.path.isdir(os.path.join(web_dir, 'node_modules'))
    build = a.mode == 'enabled' or (a.mode == 'auto' and have_npm and have_pkg and have_modules)
    if a.mode == 'enabled' and not (have_npm and have_pkg and have_modules):
        fail('web_assets=enabled needs npm and alter-web/web/node_modules (run scripts/bootstrap)')

    deps = source_files(web_dir) + source_files(os.path.abspath(a.placeholder_dir))
    deps.append(os.path.abspath(__file__))
    os.makedirs(a.work_dir, exist_ok=True)
    if build:
        files = collect(run_build(a.npm, web_dir, os.path.abspath(a.work_dir)), True)
        mode = 'dashboard'
    else:
        if a.mode == 'auto':
            print('gen_assets: npm or alter-web/web/node_modules missing: embedding the placeholder '
                  'page (run scripts/bootstrap, then rebuild)', file=sys.stderr)
        files = collect(os.path.abspath(a.placeholder_dir), False)
        mode = 'placeholder'

    emit_cpp(files, mode, a.out)
    manifest = {
        'mode': mode,
        'files': [{'path': f['path'], 'type': f['type'], 'etag': f['etag'], 'size': len(f['data']),
                   'gzip_size': len(f['gzip']) or len(f['data']), 'immutable': f['immutable']}
                  for f in files],
    }
    manifest['total_gzip_size'] = sum(f['gzip_size'] for f in manifest['files'])
    write_if_changed(a.manifest, json.dumps(manifest, indent=1) + '\n')
    with open(a.depfile, 'w', encoding='utf-8') as f:
        f.write(depfile_escape(a.out) + ': ' + ' \\\n  '.join(depfile_escape(d) for d in deps) + '\n')


if __name__ == '__main__':
    main()
