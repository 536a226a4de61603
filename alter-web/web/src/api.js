// SPDX-License-Identifier: MIT
// The dashboard's only way to the server: same-origin fetch with the session cookie (HttpOnly,
// so scripts never see it). Errors come back as {"error":{"code","message","field","hint"}}.
// A 401 outside /auth/ means the session is gone (show the login), a 423 that it is locked.

let authHandler = () => {};
export function onAuthProblem(fn) { authHandler = fn; }

export async function api(method, path, body, { signal } = {}) {
  const init = { method, headers: {}, credentials: 'same-origin', signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch('/api/v1' + path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    return { status: 0, ok: false, data: { error: { code: 'network', message: 'the dashboard server is not reachable' } } };
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  try {
    if (type.startsWith('application/json')) data = await res.json();
    else if (res.status !== 204) data = { text: await res.text() };
  } catch { data = null; }
  const r = { status: res.status, ok: res.ok, data, retryAfter: res.headers.get('Retry-After') };
  if (method !== 'GET' && res.ok) lastSent = Date.now(); // state-changing calls count as activity
  if (!path.startsWith('/auth/') || path === '/auth/activity') {
    if (res.status === 401) authHandler('login');
    else if (res.status === 423) authHandler('locked');
  }
  return r;
}

export class ApiError extends Error {
  constructor(r) {
    super(errorText(r));
    this.status = r.status;
    this.error = (r.data && r.data.error) || {};
  }
}

// Like api() but answers the data, and throws an ApiError for anything not 2xx.
export async function call(method, path, body, opts) {
  const r = await api(method, path, body, opts);
  if (!r.ok) throw new ApiError(r);
  return r.data;
}

export function errorText(r) {
  const e = r.data && r.data.error;
  let msg = e ? e.message : `HTTP ${r.status}`;
  if (r.status === 429) msg = `Too many attempts${r.retryAfter ? `: try again in ${r.retryAfter} s` : ', try again later'}`;
  return msg;
}

export const enc = encodeURIComponent;

// User activity resets the server's inactivity timer: POST /auth/activity, at most every 30 s.
let lastSent = 0;
export let lastActivity = Date.now();
export function noteActivity() {
  lastActivity = Date.now();
  if (lastActivity - lastSent < 30000) return;
  lastSent = lastActivity;
  api('POST', '/auth/activity');
}
export function markActivitySent() { lastSent = lastActivity = Date.now(); }
