// SPDX-License-Identifier: MIT
// The dashboard: auth gate (setup / login / lock, per docs/WEB.md), then the pages.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, lastActivity, noteActivity, onAuthProblem } from './api.js';
import { DialogHost, Spinner, ToastHost } from './components/ui.jsx';
import { Lock, Login, Setup, Stopped } from './pages/Auth.jsx';
import { CronJobs } from './pages/Cron.jsx';
import { Detail } from './pages/Detail.jsx';
import { Layout, shutdownDaemon } from './pages/Layout.jsx';
import { LogLibrary, LogVolume, ProcessLogs } from './pages/Logs.jsx';
import { ProcessForm } from './pages/ProcessForm.jsx';
import { ProcessList } from './pages/Processes.jsx';
import { Settings } from './pages/Settings.jsx';
import { useRoute } from './router.js';
import { loadSettings, S, setAuthProblemHandler, startLive, stopLive } from './store.js';

function page(route) {
  const [a, b, c] = route.parts;
  switch (a || 'processes') {
    case 'processes':
      if (b === 'new') return ['processes', 'New process', <ProcessForm />];
      if (b && c === 'logs') return ['processes', `Logs · ${b}`, <ProcessLogs name={b} />];
      if (b && c === 'edit') return ['processes', `Edit ${b}`, <ProcessForm app={b} />];
      if (b) return ['processes', b, <Detail name={b} />];
      return ['processes', 'Processes', <ProcessList route={route} />];
    case 'cron':
      if (b === 'new') return ['cron', 'New cron job', <ProcessForm cron />];
      return ['cron', 'Cron jobs', <CronJobs />];
    case 'logs': return ['logs', 'Log library', <LogLibrary route={route} />];
    case 'volume': return ['volume', 'Log volume', <LogVolume />];
    case 'settings': return ['settings', 'Settings', <Settings tab={b} />];
    default: return ['processes', 'Processes', <ProcessList route={route} />];
  }
}

function Dashboard({ status, lock, logout, shutdown }) {
  const route = useRoute();
  const [section, title, content] = page(route);
  const first = useRef(true);
  useEffect(() => {
    document.title = `${title} · alter`;
    if (first.current) { first.current = false; return; }
    const main = document.getElementById('main');
    if (main) { main.scrollTop = 0; main.focus({ preventScroll: true }); }
  }, [route.path]);
  // Inactivity: report user activity (throttled to 30 s); when the lock timeout has passed
  // without any, ask the server, which locks the session itself.
  useEffect(() => {
    const evs = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'mousemove'];
    for (const e of evs) addEventListener(e, noteActivity, { passive: true });
    const t = setInterval(() => {
      const mins = status.lock_timeout_mins;
      if (mins && Date.now() - lastActivity > mins * 60000) lock(false);
    }, 15000);
    return () => { for (const e of evs) removeEventListener(e, noteActivity); clearInterval(t); };
  }, [status.lock_timeout_mins]);
  return (
    <Layout section={section} route={route} title={title} onLock={() => lock(true)} onLogout={logout} onShutdown={shutdown}>
      <div key={route.path} class="page">{content}</div>
    </Layout>
  );
}

export function App() {
  const [phase, setPhase] = useState('loading');
  const [status, setStatus] = useState(null);
  const refresh = async () => {
    const r = await api('GET', '/auth/status');
    if (!r.ok) { setPhase('stopped'); return; }
    setStatus(r.data);
    if (!r.data.password_configured) setPhase('setup');
    else if (!r.data.authenticated) setPhase('login');
    else if (r.data.locked) setPhase('locked');
    else setPhase('app');
  };
  useEffect(() => {
    const problem = () => { stopLive(); refresh(); };
    onAuthProblem(problem);
    setAuthProblemHandler(problem);
    refresh();
  }, []);
  useEffect(() => {
    if (phase !== 'app') return undefined;
    loadSettings();
    startLive();
    return () => stopLive();
  }, [phase]);

  const lock = async (now) => {
    if (now) await api('POST', '/auth/lock');
    stopLive();
    await refresh();
  };
  const logout = async () => {
    await api('POST', '/auth/logout');
    stopLive();
    S.notifs = [];
    S.unread = 0;
    refresh();
  };
  const shutdown = async () => {
    if (await shutdownDaemon()) { stopLive(); setPhase('stopped'); }
  };

  let body;
  if (phase === 'loading') body = <div class="auth-screen"><Spinner label="Connecting" /></div>;
  else if (phase === 'setup') body = <Setup status={status} done={refresh} />;
  else if (phase === 'login') body = <Login done={refresh} />;
  else if (phase === 'locked') body = <Lock status={status} done={refresh} logout={logout} />;
  else if (phase === 'stopped') body = <Stopped retry={refresh} />;
  else body = <Dashboard status={status} lock={lock} logout={logout} shutdown={shutdown} />;
  return (
    <>
      {body}
      <ToastHost />
      <DialogHost />
    </>
  );
}
