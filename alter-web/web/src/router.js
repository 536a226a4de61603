// SPDX-License-Identifier: MIT
// Hash routes (#/processes/web/logs?date=...): app names may contain dots, which a path
// route could not carry through alter-web's "no extension → index.html" rule on a reload.
import { useEffect, useState } from 'preact/hooks';

export function parseRoute(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/processes';
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { path, parts, query: new URLSearchParams(qs || '') };
}

export function useRoute() {
  const [route, setRoute] = useState(parseRoute);
  useEffect(() => {
    const f = () => setRoute(parseRoute());
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return route;
}

export const href = (...parts) => '#/' + parts.map((p) => encodeURIComponent(p)).join('/');

export function navigate(to, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', to);
  else location.hash = to.replace(/^#/, '');
  if (replace) dispatchEvent(new HashChangeEvent('hashchange'));
}
