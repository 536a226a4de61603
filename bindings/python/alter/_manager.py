# SPDX-License-Identifier: MIT
"""Manager (one alter_context_t) and App (a handle on one app)."""
from __future__ import annotations

import ctypes
import json
import logging
import os
import re
import shlex
import threading
import time
import weakref
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Callable, Iterable, Iterator, List, Mapping, Optional, Sequence, Union

from . import _lib
from ._errors import Closed, Error, NotFound, Timeout
from ._lib import lib
from ._streams import CLOSED, AsyncEventStream, AsyncLogStream, EventStream, LogStream, _Sub
from ._types import AppStatus, Event, EventKind, LogLine, Process, State, Stream

__all__ = ["Manager", "App", "StateLike", "StreamLike", "Seconds"]

log = logging.getLogger("alter")

#: A state given by value: State.RUNNING, "running" or several of them.
StateLike = Union[State, str, Iterable[Union[State, str]]]
#: A stream given by value: Stream.ERR, "err", or several of them.
StreamLike = Union[Stream, str, Iterable[Union[Stream, str]]]
#: A duration: seconds (int/float) or a timedelta.
Seconds = Union[int, float, timedelta]

_ECLOSED = -1005
_ETIMEDOUT = -110

EventCallback = Callable[[Event], Any]

# Spec fields given in seconds on the Python side (float or timedelta) and sent as *_ms.
_DURATION_FIELDS = ("restart_delay", "max_restart_delay", "min_uptime", "restart_window", "kill_timeout",
                    "watch_debounce")

_all_cores: "weakref.WeakSet[_Core]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # The loop thread (and our dispatcher) do not exist in a forked child: never touch the
    # context there, not even to free it (that would stop the parent's children).
    for core in list(_all_cores):
        core.forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _to_ms(v: Seconds, what: str) -> int:
    if isinstance(v, timedelta):
        return int(v.total_seconds() * 1000)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return int(round(v * 1000))
    raise TypeError(f"{what}: expected seconds (int/float) or a timedelta, got {type(v).__name__}")


def _timeout_s(v: Optional[Seconds]) -> Optional[float]:
    if v is None:
        return None
    if isinstance(v, timedelta):
        return v.total_seconds()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    raise TypeError(f"timeout: expected seconds or a timedelta, got {type(v).__name__}")


def _states(state: StateLike) -> frozenset[State]:
    if isinstance(state, (State, str, int)):
        return frozenset([State.parse(state)])
    out = frozenset(State.parse(s) for s in state)
    if not out:
        raise ValueError("state: give at least one state")
    return out


def _streams(stream: Optional[StreamLike]) -> Optional[frozenset[Stream]]:
    if stream is None:
        return None
    if isinstance(stream, (Stream, str)):
        stream = [stream]
    out = set()
    for s in stream:
        try:
            out.add(Stream(s.lower() if isinstance(s, str) else s))
        except ValueError:
            raise ValueError(f"stream: unknown stream {s!r}; one of: out, err, system") from None
    return frozenset(out)


def _json_default(o: Any) -> Any:
    if isinstance(o, os.PathLike):
        return os.fspath(o)
    if isinstance(o, timedelta):
        return int(o.total_seconds() * 1000)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    raise TypeError(f"a spec value of type {type(o).__name__} cannot be sent to alter")


def _check_name(name: Any, what: str = "name") -> str:
    if isinstance(name, os.PathLike) or not isinstance(name, str):
        raise TypeError(f"{what}: expected a str, got {type(name).__name__}")
    return name


def build_spec(name: str, cmd: Union[str, Sequence[Union[str, "os.PathLike[str]"]], None] = None, *,
               args: Optional[Sequence[str]] = None, shell: bool = False, cwd: Union[str, "os.PathLike[str]", None] = None,
               env: Optional[Mapping[str, Any]] = None, fields: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """The JSON spec (docs/CONFIG.md) for Manager.start()/add(); see Manager.start()."""
    spec: dict[str, Any] = {"name": _check_name(name)}
    if cmd is not None:
        if shell:
            if not isinstance(cmd, str):
                raise TypeError("cmd: with shell=True, cmd is one string for /bin/sh -c")
            spec["command"] = "/bin/sh"
            spec["args"] = ["-c", cmd] + list(args or [])
        else:
            if isinstance(cmd, (str, os.PathLike)):
                words = shlex.split(os.fspath(cmd)) if isinstance(cmd, str) else [os.fspath(cmd)]
            elif isinstance(cmd, Sequence) and not isinstance(cmd, (bytes, bytearray)):
                words = []
                for w in cmd:
                    if not isinstance(w, (str, os.PathLike)):
                        raise TypeError(f"cmd: every word must be a str, got {type(w).__name__}")
                    words.append(os.fspath(w))
            else:
                raise TypeError(f"cmd: expected a str or a list of str, got {type(cmd).__name__}")
            if not words:
                raise ValueError("cmd: empty command")
            spec["command"] = words[0]
            extra = list(args or [])
            if len(words) > 1 or extra:
                spec["args"] = words[1:] + extra
    elif args is not None:
        spec["args"] = list(args)
    if cwd is not None:
        spec["cwd"] = os.fspath(cwd)
    if env is not None:
        if not isinstance(env, Mapping):
            raise TypeError(f"env: expected a mapping, got {type(env).__name__}")
        spec["env"] = {str(k): v for k, v in env.items()}
    for key, value in (fields or {}).items():
        if value is None:
            continue
        if key in _DURATION_FIELDS:
            spec[key + "_ms"] = _to_ms(value, key)
        elif key == "namespace" or key == "ns":
            spec["namespace"] = value
        else:
            spec[key] = value  # unknown keys go through: the library says "did you mean ...?"
    return spec


def _dumps(spec: Mapping[str, Any]) -> bytes:
    return json.dumps(spec, default=_json_default, ensure_ascii=False).encode()


class _Core:
    """The state shared by a Manager, its dispatcher thread and its streams (never the Manager
    itself, so that the Manager can be garbage-collected and finalized)."""

    def __init__(self) -> None:
        # Re-entrant: a stream's __del__ (cyclic GC may run it at any allocation) releases its
        # subscription, which takes this lock.
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.ctx: Optional[int] = None
        self.closed = False       # no new calls
        self.finished = False     # context freed
        self.closing_thread: Optional[threading.Thread] = None
        self.inflight = 0
        self.subs: set[_Sub] = set()
        self.callbacks: list[EventCallback] = []
        self.dispatcher: Optional[threading.Thread] = None
        self.dispatcher_ready = threading.Event()
        self.dispatcher_failure: list[BaseException] = []
        self.log_dir: Optional[str] = None
        self.forked = False

    # ---- calls -------------------------------------------------------------------------

    @contextmanager
    def use(self) -> Iterator[int]:
        """The context pointer for one call; Closed once close() has begun."""
        with self.lock:
            if self.closed or self.ctx is None:
                raise Closed(_ECLOSED, "the manager is closed" if not self.forked else
                             "this Manager belongs to the parent process (fork): create a new one")
            self.inflight += 1
            ctx = self.ctx
        try:
            yield ctx
        finally:
            with self.lock:
                self.inflight -= 1
                if self.inflight == 0:
                    self.cond.notify_all()

    def call(self, fname: str, *args: Any) -> int:
        with self.use() as ctx:
            return _lib.check(getattr(lib, fname)(ctx, *args))

    def call_json(self, fname: str, *args: Any) -> Any:
        out = ctypes.c_void_p()
        with self.use() as ctx:
            r = getattr(lib, fname)(ctx, *args, ctypes.byref(out))
            return _lib.take_json(r, out)

    def call_text(self, fname: str, *args: Any) -> str:
        out = ctypes.c_void_p()
        with self.use() as ctx:
            r = getattr(lib, fname)(ctx, *args, ctypes.byref(out))
            return _lib.take_text(r, out)

    # ---- subscriptions -----------------------------------------------------------------

    def register_sub(self, sub: _Sub) -> bool:
        with self.lock:
            if self.closed:
                return False
            self.subs.add(sub)
            return True

    def unregister_sub(self, sub: _Sub) -> None:
        with self.lock:
            self.subs.discard(sub)

    # ---- event callbacks ---------------------------------------------------------------

    def add_callback(self, fn: EventCallback) -> None:
        with self.lock:
            if self.closed:
                raise Closed(_ECLOSED, "the manager is closed")
            start = self.dispatcher is None
            if start:
                self.dispatcher = threading.Thread(target=self._dispatch, name="alter-events", daemon=True)
            thread = self.dispatcher
            assert thread is not None
        if start:
            thread.start()
        # The dispatcher subscribes before anyone returns from on_event(), so that the caller
        # sees every event that follows.
        self.dispatcher_ready.wait()
        if self.dispatcher_failure:
            raise self.dispatcher_failure[0]
        with self.lock:
            if self.closed:
                raise Closed(_ECLOSED, "the manager is closed")
            self.callbacks = self.callbacks + [fn]  # copy-on-write: the dispatcher reads a snapshot

    def remove_callback(self, fn: EventCallback) -> bool:
        with self.lock:
            cbs = [c for c in self.callbacks if c is not fn and c != fn]
            removed = len(cbs) != len(self.callbacks)
            self.callbacks = cbs
            return removed

    def _dispatch(self) -> None:
        try:
            sub: Optional[_Sub] = _Sub(self, _lib.SUB_EVENTS)
        except BaseException as e:  # noqa: BLE001 - handed to the threads that asked
            self.dispatcher_failure.append(e)
            sub = None
        self.dispatcher_ready.set()
        while sub is not None:
            try:
                rec = sub.next(-1)
            except Error:  # not expected from alter_sub_next: stop delivering, never crash the thread
                log.exception("alter: reading events failed; callbacks stop")
                sub.release()
                break
            if rec is CLOSED:
                sub.release()
                sub = None
                if self.closed:
                    break
                try:  # it closed because we fell behind ("dropped"): go on with a new queue
                    sub = _Sub(self, _lib.SUB_EVENTS)
                except Error:
                    break
                continue
            if not isinstance(rec, str):
                continue
            try:
                ev = Event.from_json(json.loads(rec))
            except Exception:  # noqa: BLE001 - a malformed record is skipped, never fatal
                log.exception("alter: cannot parse an event record")
                continue
            for fn in self.callbacks:
                if self.closed:
                    break
                try:
                    fn(ev)
                except Closed:
                    if not self.closed:
                        log.exception("alter: event callback %r raised", fn)
                except Exception:  # noqa: BLE001 - a callback's error must not stop the others
                    log.exception("alter: event callback %r raised", fn)

    # ---- close -------------------------------------------------------------------------

    def close(self) -> None:
        me = threading.current_thread()
        with self.lock:
            if self.finished:
                return
            if self.closing_thread is not None:
                # Closing already: wait for it, unless that would deadlock (a callback closing
                # while another thread waits for the dispatcher to end).
                if me is self.dispatcher or me is self.closing_thread:
                    return
                while not self.finished:
                    self.cond.wait()
                return
            self.closing_thread = me
            self.closed = True
            subs = list(self.subs)
        for s in subs:
            s.close()  # wakes the dispatcher and every stream reader
        with self.lock:
            while self.inflight:
                self.cond.wait()
            ctx, self.ctx = self.ctx, None
            dispatcher = self.dispatcher
        if dispatcher is not None and dispatcher is not me and dispatcher.is_alive():
            dispatcher.join()
        if ctx is not None and not self.forked:
            lib.alter_context_free(ctx)  # stops every child, joins the loop thread
        for s in subs:
            s.release()
        with self.lock:
            self.finished = True
            self.callbacks = []
            self.cond.notify_all()

    def forget_after_fork(self) -> None:
        # In a forked child: our locks may be held by threads that do not exist here.
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.forked = True
        self.closed = True
        self.finished = True
        self.ctx = None
        self.inflight = 0
        self.subs = set()
        self.callbacks = []
        self.dispatcher = None


class Manager:
    """A process supervisor: one libalter context with its own loop thread.

    Example::

        with alter.Manager(log_dir="/tmp/logs") as m:
            web = m.start(name="web", cmd=["python3", "-m", "http.server", "8000"], restart="always")
            web.wait("running", timeout=5)
            print(web.pid, m.list())

    Every method may be called from any thread. Closing it (close(), the end of a `with` block,
    or interpreter exit if you forget) stops every child it started (stop signal, SIGKILL after
    the app's kill timeout), waits for them, and ends its threads; no callback runs after close()
    has returned. See README.md for the threading model and gotchas (SIGCHLD, fork).

    Args:
        log_dir: root of the log files (logs/<instance>/{out,err}.log). None: no files; logs()
            then reads the in-memory ring of recent lines.
        state_path: file for save()/load(); with autosave the state is saved after changes.
        autosave: seconds (or timedelta) after a change to save state_path; None: off.
        stats_interval: sample CPU/memory every so many seconds (Process.cpu_percent and
            memory_bytes, STATS events); None: only when asked for.
        log_ring_lines: recent lines kept in memory per instance (0: the library's 1000).
    """

    def __init__(self, log_dir: Union[str, "os.PathLike[str]", None] = None, *,
                 state_path: Union[str, "os.PathLike[str]", None] = None,
                 autosave: Optional[Seconds] = None, stats_interval: Optional[Seconds] = None,
                 log_ring_lines: int = 0) -> None:
        core = _Core()
        self._core = core
        self._log_dir = os.fspath(log_dir) if log_dir is not None else None
        self._state_path = os.fspath(state_path) if state_path is not None else None
        opts = _lib.ContextOptions()
        opts.struct_size = ctypes.sizeof(_lib.ContextOptions)
        opts.flags = 0
        keep = [_lib.encode(self._log_dir), _lib.encode(self._state_path)]
        opts.log_dir, opts.state_path = keep
        opts.autosave_ms = _to_ms(autosave, "autosave") if autosave is not None else 0
        opts.stats_interval_ms = _to_ms(stats_interval, "stats_interval") if stats_interval is not None else 0
        if not isinstance(log_ring_lines, int) or log_ring_lines < 0:
            raise ValueError("log_ring_lines: expected an int >= 0")
        opts.log_ring_lines = log_ring_lines
        ctx = ctypes.c_void_p()
        _lib.check(lib.alter_context_new(ctypes.byref(opts), ctypes.byref(ctx)))
        core.ctx = ctx.value
        core.log_dir = self._log_dir
        _all_cores.add(core)
        # Children never outlive a forgotten Manager: close at garbage collection or exit.
        self._finalizer = weakref.finalize(self, core.close)

    # ---- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Stop every child, wait for them, end the loop and the dispatcher thread. Idempotent,
        thread-safe; calls from other threads after it began raise alter.Closed."""
        self._core.close()
        self._finalizer.detach()

    @property
    def closed(self) -> bool:
        return self._core.closed

    def __enter__(self) -> "Manager":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<alter.Manager {state} log_dir={self._log_dir!r}>"

    @property
    def log_dir(self) -> Optional[str]:
        return self._log_dir

    # ---- apps ----------------------------------------------------------------------------

    def add(self, spec: Optional[Mapping[str, Any]] = None, *, start: bool = True, update: bool = False,
            **fields: Any) -> "App":
        """Add an app from a spec dict in the library's own keys (docs/CONFIG.md), merged with
        keyword fields. start: start it now; update: replace an existing app of that name in place
        instead of raising AlreadyExists. Raises InvalidSpec (with .field and .hint)."""
        full: dict[str, Any] = dict(spec or {})
        full.update({k: v for k, v in fields.items() if v is not None})
        if "name" not in full:
            raise TypeError("add(): the spec needs a 'name'")
        _check_name(full["name"])
        flags = (_lib.ADD_START if start else 0) | (_lib.ADD_UPDATE if update else 0)
        self._core.call("alter_app_add", _dumps(full), flags)
        return App(self, full["name"])

    def start(self, name: str, cmd: Union[str, Sequence[Union[str, "os.PathLike[str]"]], None] = None, *,
              args: Optional[Sequence[str]] = None, shell: bool = False,
              cwd: Union[str, "os.PathLike[str]", None] = None, env: Optional[Mapping[str, Any]] = None,
              restart: Union[str, bool, None] = None, instances: Optional[int] = None,
              namespace: Optional[str] = None, update: bool = False, **fields: Any) -> "App":
        """Start an app, adding it first when `cmd` is given.

        ``m.start("web")`` starts an existing app (NotFound if there is none).
        ``m.start(name="web", cmd=[...], ...)`` adds the app and starts it (AlreadyExists if an
        app of that name exists, unless update=True).

        Args:
            cmd: the program and its arguments, as a list (never through a shell), or a string
                split like a command line (shlex, nothing expanded); with shell=True a string
                run by /bin/sh -c.
            args: more arguments after those of cmd.
            cwd, env: working directory; variables added to the supervisor's environment.
            restart: "on-failure" (default), "always", "never" (or a bool).
            instances: number of processes (named name-0 ... name-N-1 when > 1).
            namespace: a group name for list(namespace=...) and targets "ns:NAME".
            **fields: any other spec field (docs/CONFIG.md). Durations may be given in seconds
                (float or timedelta) as restart_delay, max_restart_delay, min_uptime,
                restart_window, kill_timeout, watch_debounce, or in ms with the *_ms keys.
                Examples: stop_signal="SIGINT", max_restarts=3, type="once", cron="*/5 * * * *",
                enabled=False, deps=["db"]. An unknown key raises InvalidSpec with a hint.
        """
        if cmd is None and args is None and cwd is None and env is None and restart is None \
                and instances is None and namespace is None and not fields:
            self._core.call("alter_app_start", _lib.encode(_check_name(name)))
            return App(self, name)
        if cmd is None:
            raise TypeError("start(): give cmd to add a new app (or only the name to start an existing one)")
        f = dict(fields)
        f.update(restart=restart, instances=instances, namespace=namespace)
        spec = build_spec(name, cmd, args=args, shell=shell, cwd=cwd, env=env, fields=f)
        flags = _lib.ADD_START | (_lib.ADD_UPDATE if update else 0)
        self._core.call("alter_app_add", _dumps(spec), flags)
        return App(self, name)

    def app(self, name: str) -> "App":
        """A handle on an existing app (NotFound if there is none)."""
        self._core.call_json("alter_app_spec", _lib.encode(_check_name(name)))
        return App(self, name)

    def __getitem__(self, name: str) -> "App":
        return self.app(name)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self._core.call_json("alter_app_spec", _lib.encode(name))
            return True
        except Error as e:
            if e.name == "ENOTFOUND":
                return False
            raise

    def stop(self, target: str) -> int:
        """Stop an app, an instance, "all" or "ns:NAME"; returns the number of instances. A stop
        is never undone by autorestart."""
        return self._core.call("alter_app_stop", _lib.encode(_check_name(target, "target")))

    def restart(self, target: str) -> int:
        """Restart (stop then start); returns the number of instances."""
        return self._core.call("alter_app_restart", _lib.encode(_check_name(target, "target")))

    def delete(self, target: str) -> int:
        """Stop and remove (log files are kept); returns the number of instances."""
        return self._core.call("alter_app_remove", _lib.encode(_check_name(target, "target")))

    remove = delete

    def reset(self, target: str) -> int:
        """Zero the restart counters and leave ERRORED (to STOPPED)."""
        return self._core.call("alter_app_reset", _lib.encode(_check_name(target, "target")))

    def enable(self, target: str, enabled: bool = True) -> int:
        """Enable (or disable: stopped and never started until enabled again)."""
        return self._core.call("alter_app_enable", _lib.encode(_check_name(target, "target")), 1 if enabled else 0)

    def disable(self, target: str) -> int:
        return self.enable(target, False)

    def run(self, target: str) -> int:
        """Run a cron or once app now."""
        return self._core.call("alter_app_run", _lib.encode(_check_name(target, "target")))

    def update(self, name: str, **fields: Any) -> int:
        """Change spec fields (None resets one to its default); a running app restarts when a
        field that affects the process changed. Durations as in start()."""
        patch: dict[str, Any] = {}
        for key, value in fields.items():
            if key in _DURATION_FIELDS:
                patch[key + "_ms"] = None if value is None else _to_ms(value, key)
            elif key == "cmd":
                patch.update({k: v for k, v in build_spec(name, value).items() if k != "name"})
                patch.setdefault("args", [])
            elif key in ("cwd",) and value is not None:
                patch[key] = os.fspath(value)
            else:
                patch[key] = value
        return self._core.call("alter_app_update", _lib.encode(_check_name(name)), _dumps(patch))

    # ---- reading -------------------------------------------------------------------------

    def list(self, namespace: Optional[str] = None) -> List[Process]:
        """Every instance (of one namespace), as Process records."""
        d = self._core.call_json("alter_app_list", _lib.encode(namespace))
        return [Process.from_json(p) for p in (d or {}).get("processes", [])]

    def status(self, target: str) -> AppStatus:
        """An app (or instance) and its instances (NotFound if there is none)."""
        return AppStatus.from_json(self._core.call_json("alter_app_get", _lib.encode(_check_name(target, "target"))))

    def spec(self, name: str) -> dict[str, Any]:
        """The app's full spec, defaults filled in."""
        return dict(self._core.call_json("alter_app_spec", _lib.encode(_check_name(name))))

    def wait(self, target: str, state: StateLike, timeout: Optional[Seconds] = None) -> Optional[Event]:
        """Wait until every instance of `target` has reached one of `state` (a State, a name such
        as "running", or several).

        An instance counts once it has been in one of the states since the call: its state at
        the start, or the `to` of any of its state events after it. So transient states count:
        wait("crashed") returns even if the instance is already waiting for its restart when the
        event is read, and instances need not be in the state at the same moment. Returns the
        Event that completed the wait, or None when the state already held. Raises alter.Timeout
        (also a TimeoutError) when `timeout` seconds pass, NotFound for an unknown target,
        Closed if the manager closes.
        """
        states = _states(state)
        _check_name(target, "target")
        limit = _timeout_s(timeout)
        deadline = None if limit is None else time.monotonic() + limit
        sub = _Sub(self._core, _lib.SUB_EVENTS)  # first, so that no event is missed
        gone: Optional[NotFound] = None  # the target was removed: raised if its instances end elsewhere
        try:
            current, apps = self._snapshot(target)
            reached = {name for name, st in current.items() if st in states}  # seen in a wanted state
            if reached >= current.keys():
                return None
            while True:
                ms = -1 if deadline is None else max(0, int((deadline - time.monotonic()) * 1000 + 0.999))
                rec = sub.next(ms)
                if rec is CLOSED:
                    if self._core.closed:
                        raise Closed(_ECLOSED, "the manager was closed while waiting")
                    sub.release()  # fell behind (dropped): go on from a fresh snapshot
                    sub = _Sub(self._core, _lib.SUB_EVENTS)
                    current, apps = self._snapshot(target)
                    reached = {n for n in reached if n in current} | {n for n, st in current.items() if st in states}
                    if reached >= current.keys():
                        return None
                    continue
                if rec is None:
                    if deadline is not None and time.monotonic() >= deadline:
                        now = ", ".join(f"{k}: {v.value}" for k, v in sorted(current.items()))
                        want = "/".join(sorted(s.value for s in states))
                        raise Timeout(_ETIMEDOUT, f"timed out waiting for '{target}' to be {want} ({now})")
                    continue
                assert isinstance(rec, str)
                ev = Event.from_json(json.loads(rec))
                if ev.kind is EventKind.STATE and ev.instance in current and ev.to_state is not None:
                    current[ev.instance] = ev.to_state
                    if ev.to_state in states:
                        reached.add(ev.instance)
                elif gone is None and ev.kind in (EventKind.ADDED, EventKind.REMOVED, EventKind.UPDATED) and (
                        ev.app in apps or target == "all" or target.startswith("ns:")):
                    try:
                        current, apps = self._snapshot(target)
                    except NotFound as e:
                        # Removed meanwhile: its instances still report their way to `stopped`
                        # (a removal announces itself first); follow the ones we know there.
                        gone = e
                    else:
                        reached = {n for n in reached if n in current} | {n for n, st in current.items() if st in states}
                else:
                    continue
                if current and reached >= current.keys():
                    return ev
                if gone is not None and all(n in reached or st is State.STOPPED for n, st in current.items()):
                    raise gone
        finally:
            sub.release()

    def _instances(self, target: str) -> List[Process]:
        """The instances a target names: an app, an instance, "all" or "ns:NAME"."""
        if target == "all":
            return self.list()
        if target.startswith("ns:"):
            return self.list(namespace=target[3:])
        return list(self.status(target).instances)

    def _snapshot(self, target: str) -> tuple[dict[str, State], set[str]]:
        procs = self._instances(target)
        return {p.name: p.status for p in procs}, {p.app for p in procs}

    def logs(self, target: str = "all", lines: int = 100, *, stream: Optional[StreamLike] = None,
             grep: Optional[str] = None, regex: bool = False, ignore_case: bool = False,
             date: Optional[str] = None) -> List[LogLine]:
        """The newest `lines` matching lines of `target`, oldest first.

        Args:
            stream: "out", "err" (or Stream values, or both); None: both.
            grep: keep lines containing this text (a POSIX extended regex with regex=True).
            date: "YYYY-MM-DD" to read that day's archive.
        With log_dir=None there are no files: lines come from the in-memory ring (grep applied here).
        """
        _check_name(target, "target")
        if not isinstance(lines, int) or isinstance(lines, bool) or lines < 1:
            raise ValueError("lines: expected an int >= 1")
        streams = _streams(stream)
        mask = 0 if streams is None else sum(s.flag for s in streams if s is not Stream.SYSTEM)
        if streams is not None and mask == 0:
            return []
        if self._log_dir is None:
            recs = self._recent(target, 0 if grep else lines, mask)  # 0: all, then grep
            if grep:
                flags = re.IGNORECASE if ignore_case else 0
                pat = re.compile(grep if regex else re.escape(grep), flags)
                recs = [r for r in recs if pat.search(r.text)]
                recs = recs[-lines:]
            return recs
        q = _lib.LogQuery(ctypes.sizeof(_lib.LogQuery), mask, lines, 0, _lib.encode(date), _lib.encode(grep))
        q.flags = (_lib.LOG_REGEX if regex else 0) | (_lib.LOG_ICASE if ignore_case else 0)
        d = self._core.call_json("alter_log_read", _lib.encode(target), ctypes.byref(q))
        return self._lines(target, (d or {}).get("lines", []))

    def _recent(self, target: str, lines: int, mask: int) -> List[LogLine]:
        d = self._core.call_json("alter_log_recent", _lib.encode(target), lines if lines else 0xFFFFFFFF, mask)
        return self._lines(target, (d or {}).get("lines", []))

    def recent_logs(self, target: str = "all", lines: int = 100, *, stream: Optional[StreamLike] = None) -> List[LogLine]:
        """The newest lines still in memory (no disk access), oldest first."""
        if not isinstance(lines, int) or isinstance(lines, bool) or lines < 1:
            raise ValueError("lines: expected an int >= 1")
        streams = _streams(stream)
        mask = 0 if streams is None else sum(s.flag for s in streams if s is not Stream.SYSTEM)
        return self._recent(_check_name(target, "target"), lines, mask)

    def _lines(self, target: str, recs: List[dict[str, Any]]) -> List[LogLine]:
        # alter_log_read's lines name the instance only: find each instance's app.
        apps: dict[str, str] = {}
        if any("app" not in r for r in recs):
            try:
                apps = {p.name: p.app for p in self._instances(target)}
            except Error:
                apps = {}
        return [LogLine.from_json(r, apps.get(str(r.get("instance", "")))) for r in recs]

    def clear_logs(self, target: str) -> int:
        """Delete the log files of `target` (current and rotated)."""
        return self._core.call("alter_log_clear", _lib.encode(_check_name(target, "target")))

    # ---- events and live logs ------------------------------------------------------------

    def on_event(self, fn: EventCallback) -> EventCallback:
        """Call fn(event) for every event from now on; returns fn (usable as a decorator).

        Callbacks run one at a time on this manager's dispatcher thread ("alter-events"), which
        reads an alter_sub_t queue: never on the supervisor's loop thread, so a slow callback
        never holds up supervision (if it falls 10000 events behind, it gets one DROPPED event
        and goes on). Exceptions are logged to the "alter" logger and do not stop delivery. No
        callback runs after close() has returned.
        """
        if not callable(fn):
            raise TypeError("on_event: fn must be callable")
        self._core.add_callback(fn)
        return fn

    def off_event(self, fn: EventCallback) -> bool:
        """Stop calling fn; True if it was registered. It may still be running right now."""
        return self._core.remove_callback(fn)

    def events(self, timeout: Optional[Seconds] = None, *, app: Optional[str] = None,
               kinds: Optional[Iterable[Union[EventKind, str]]] = None) -> EventStream:
        """An iterator of the events from now on: ``for ev in m.events(timeout=10): ...``.

        timeout: overall seconds after which iteration ends (None: until close()). app: only
        this app's (or instance's) events. kinds: only these EventKinds. Use ``with`` or close()
        to free it early; ``.get(timeout)`` returns the next event or None.
        """
        return EventStream(self._core, _timeout_s(timeout), app, self._kinds(kinds))

    def aevents(self, timeout: Optional[Seconds] = None, *, app: Optional[str] = None,
                kinds: Optional[Iterable[Union[EventKind, str]]] = None) -> AsyncEventStream:
        """The asyncio version of events(): ``async for ev in m.aevents(timeout=10): ...``.
        It waits on the queue's fd with loop.add_reader(): the event loop is never blocked."""
        return AsyncEventStream(self._core, _timeout_s(timeout), app, self._kinds(kinds))

    @staticmethod
    def _kinds(kinds: Optional[Iterable[Union[EventKind, str]]]) -> Optional[frozenset[EventKind]]:
        if kinds is None:
            return None
        if isinstance(kinds, (str, EventKind)):
            kinds = [kinds]
        return frozenset(EventKind(k) for k in kinds)

    def follow(self, target: Optional[str] = None, lines: int = 0, *, timeout: Optional[Seconds] = None,
               stream: Optional[StreamLike] = None) -> LogStream:
        """Live log lines of `target` (None: every app): ``for line in m.follow("web"): ...``.
        lines: recent lines to deliver first. Ends at `timeout` (overall), close() or manager close."""
        if target is not None:
            _check_name(target, "target")
        return LogStream(self._core, target, lines, _timeout_s(timeout), _streams(stream))

    def afollow(self, target: Optional[str] = None, lines: int = 0, *, timeout: Optional[Seconds] = None,
                stream: Optional[StreamLike] = None) -> AsyncLogStream:
        """The asyncio version of follow()."""
        if target is not None:
            _check_name(target, "target")
        return AsyncLogStream(self._core, target, lines, _timeout_s(timeout), _streams(stream))

    # ---- state, config, stats ------------------------------------------------------------

    def save(self, path: Union[str, "os.PathLike[str]", None] = None) -> int:
        """Write every app spec and its desired state to `path` (None: state_path) atomically."""
        return self._core.call("alter_state_save", _lib.encode(None if path is None else os.fspath(path)))

    def load(self, path: Union[str, "os.PathLike[str]", None] = None) -> int:
        """Restore apps saved by save(); returns the number of apps."""
        return self._core.call("alter_state_load", _lib.encode(None if path is None else os.fspath(path)))

    def apply(self, apps: Union[Sequence[Mapping[str, Any]], Mapping[str, Any]]) -> dict[str, Any]:
        """Apply a list of specs (or {"apps": [...]}): add and start new apps, update changed
        ones, leave equal ones. Nothing changes if one is invalid. Returns
        {"added": [...], "updated": [...], "unchanged": [...]}."""
        doc = apps if isinstance(apps, Mapping) else {"apps": list(apps)}
        return dict(self._core.call_json("alter_config_apply", _dumps(doc)) or {})

    def host_stats(self) -> dict[str, Any]:
        """Host CPU and memory: {"cpu_percent": .., "mem_total_bytes": .., ...}."""
        return dict(self._core.call_json("alter_host_stats") or {})

    def metrics(self) -> str:
        """Every instance in the Prometheus text format."""
        return self._core.call_text("alter_app_metrics")


class App:
    """A handle on one app of a Manager (by name: it does not keep the app alive)."""

    __slots__ = ("_m", "_name")

    def __init__(self, manager: Manager, name: str) -> None:
        self._m = manager
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def manager(self) -> Manager:
        return self._m

    def __repr__(self) -> str:
        return f"<alter.App {self._name!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, App) and other._m is self._m and other._name == self._name

    def __hash__(self) -> int:
        return hash((id(self._m), self._name))

    def status(self) -> AppStatus:
        """The app and its instances now."""
        return self._m.status(self._name)

    def processes(self) -> list[Process]:
        return list(self.status().instances)

    @property
    def state(self) -> Optional[State]:
        """The state of every instance, or None when they differ."""
        return self.status().state

    @property
    def pid(self) -> Optional[int]:
        """The pid of the (first) instance, None when it is not running."""
        inst = self.status().instances
        return inst[0].pid if inst else None

    @property
    def pids(self) -> list[int]:
        return self.status().pids

    def spec(self) -> dict[str, Any]:
        return self._m.spec(self._name)

    def start(self) -> int:
        """Start it (again); returns the number of instances."""
        return self._m._core.call("alter_app_start", _lib.encode(self._name))

    def stop(self) -> int:
        return self._m.stop(self._name)

    def restart(self) -> int:
        return self._m.restart(self._name)

    def delete(self) -> int:
        return self._m.delete(self._name)

    remove = delete

    def reset(self) -> int:
        return self._m.reset(self._name)

    def enable(self, enabled: bool = True) -> int:
        return self._m.enable(self._name, enabled)

    def disable(self) -> int:
        return self._m.enable(self._name, False)

    def run(self) -> int:
        return self._m.run(self._name)

    def update(self, **fields: Any) -> int:
        return self._m.update(self._name, **fields)

    def wait(self, state: StateLike, timeout: Optional[Seconds] = None) -> Optional[Event]:
        """See Manager.wait()."""
        return self._m.wait(self._name, state, timeout)

    def logs(self, lines: int = 100, *, stream: Optional[StreamLike] = None, grep: Optional[str] = None,
             regex: bool = False, ignore_case: bool = False, date: Optional[str] = None) -> list[LogLine]:
        """See Manager.logs()."""
        return self._m.logs(self._name, lines, stream=stream, grep=grep, regex=regex,
                            ignore_case=ignore_case, date=date)

    def follow(self, lines: int = 0, *, timeout: Optional[Seconds] = None,
               stream: Optional[StreamLike] = None) -> LogStream:
        return self._m.follow(self._name, lines, timeout=timeout, stream=stream)

    def events(self, timeout: Optional[Seconds] = None, *,
               kinds: Optional[Iterable[Union[EventKind, str]]] = None) -> EventStream:
        return self._m.events(timeout, app=self._name, kinds=kinds)
