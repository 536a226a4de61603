// SPDX-License-Identifier: MIT
// Process actions with their confirmations; failures become toasts. The resulting state
// changes arrive through the event stream.
import { call, enc } from './api.js';
import { act, confirm, toast } from './components/ui.jsx';
import { navigate } from './router.js';
import { applyApp, S } from './store.js';

export const startProc = (name) => act(() => call('POST', `/processes/${enc(name)}/start`));
export const restartProc = (name) => act(() => call('POST', `/processes/${enc(name)}/restart`));
export const resetProc = (name) => act(() => call('POST', `/processes/${enc(name)}/reset`), `${name}: restart counters reset`);

export async function stopProc(name) {
  if (S.settings.confirm_stop && !(await confirm({ title: `Stop ${name}?`, body: 'The process is sent its stop signal and will not be restarted automatically.', confirmLabel: 'Stop', danger: true }))) return undefined;
  return act(() => call('POST', `/processes/${enc(name)}/stop`));
}

export async function deleteApp(app, { after } = {}) {
  const p = [...S.procs.values()].find((x) => x.app === app);
  const n = [...S.procs.values()].filter((x) => x.app === app).length;
  if (S.settings.confirm_delete && !(await confirm({
    title: `Delete ${app}?`,
    body: `${n > 1 ? `Its ${n} instances are` : 'The process is'} stopped and removed from alter. Its log files are kept.`,
    confirmLabel: 'Delete', danger: true,
  }))) return undefined;
  const r = await act(() => call('DELETE', `/processes/${enc(app)}`), `${app} deleted`);
  if (r && after) navigate(after);
  return r && p;
}

export async function setEnabled(app, enabled) {
  const r = await act(() => call('PATCH', `/processes/${enc(app)}/enabled`, { enabled }));
  if (r && r.instances) {
    applyApp(r);
    toast(`${app} ${enabled ? 'enabled' : 'disabled'}`, 'ok');
  }
  return r;
}

export async function runNow(app) {
  return act(() => call('POST', `/processes/${enc(app)}/run`), `${app}: run started`);
}

export async function nsAction(ns, action) {
  const n = [...S.procs.values()].filter((p) => p.namespace === ns).length;
  if (action !== 'start' && S.settings.confirm_namespace && !(await confirm({
    title: `${action === 'stop' ? 'Stop' : 'Restart'} namespace ${ns}?`,
    body: `All ${n} process${n === 1 ? '' : 'es'} of ${ns} ${action === 'stop' ? 'are sent their stop signal and stay stopped' : 'are stopped and started again'}.`,
    confirmLabel: action === 'stop' ? 'Stop all' : 'Restart all', danger: action === 'stop',
  }))) return undefined;
  return act(() => call('POST', `/processes/namespace/${enc(ns)}/${action}`), `${ns}: ${action} sent to ${n} process${n === 1 ? '' : 'es'}`);
}
