// SPDX-License-Identifier: MIT
// Development server: rebuilds the dashboard (build.mjs into dist/) when index.html is asked
// for, serves dist/, and forwards /api/ to a running alter-web with its Host and Origin
// rewritten (alter-web refuses foreign ones), so the dashboard can be edited without
// rebuilding the alter-web binary. Sends the same Content-Security-Policy as alter-web.
//
//   ALTER_WEB_URL=http://127.0.0.1:2999 node dev.mjs [port]     (default port 5173)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const target = new URL(process.env.ALTER_WEB_URL || 'http://127.0.0.1:2999');
const port = Number(process.argv[2] || 5173);
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

function build() {
  execFileSync(process.execPath, [join(here, 'build.mjs')], { stdio: 'inherit', env: { ...process.env, ALTER_WEB_OUTDIR: dist } });
}

function proxy(req, res) {
  const headers = { ...req.headers, host: target.host };
  if (headers.origin) headers.origin = target.origin;
  const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
  req.pipe(up);
  res.on('close', () => up.destroy());
}

http.createServer((req, res) => {
  if (req.url.startsWith('/api/')) return proxy(req, res);
  let path = normalize(decodeURIComponent(req.url.split('?')[0]));
  if (path === '/' || !extname(path)) {
    try { build(); } catch { res.writeHead(500); return res.end('build failed'); }
    path = '/index.html';
  }
  const file = join(dist, path);
  if (!file.startsWith(dist) || !existsSync(file)) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' });
  res.end(readFileSync(file));
}).listen(port, '127.0.0.1', () => console.log(`dev server on http://127.0.0.1:${port}/ -> ${target.origin}`));
