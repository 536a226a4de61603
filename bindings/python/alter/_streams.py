# SPDX-License-Identifier: MIT
"""Subscriptions (alter_sub_t) and the iterators built on them.

A `_Sub` owns one alter_sub_t. It is freed only when nobody is inside alter_sub_next() on it (or
watching its fd from asyncio) *and* its owner released it, so that closing a Manager from one
thread while another thread reads a stream never frees memory under the reader's feet: closing
wakes the reader (ECLOSED), the reader leaves, and the last one out frees.
"""
from __future__ import annotations

import asyncio
import ctypes
import json
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterator, Optional, TypeVar, Union

from . import _lib
from ._lib import lib
from ._types import Event, EventKind, LogLine, Stream

if TYPE_CHECKING:
    from ._manager import _Core

__all__ = ["EventStream", "LogStream", "AsyncEventStream", "AsyncLogStream"]


class _ClosedMarker:
    pass


CLOSED = _ClosedMarker()

T = TypeVar("T")

# Longest single blocking call on the main thread, so that Ctrl-C (signal handlers run only
# between bytecodes) is handled promptly while a stream or wait() blocks in the library.
_MAIN_THREAD_SLICE_MS = 200


class _Sub:
    """One alter_sub_t, safe against concurrent close/free (see the module docstring)."""

    def __init__(self, core: "_Core", flags: int, target: Optional[str] = None, backlog: int = 0,
                 capacity: int = 0) -> None:
        self._core = core
        self._lock = threading.RLock()  # re-entrant: a stream's __del__ may run from GC anywhere
        self._users = 0          # threads inside alter_sub_next, or an asyncio reader on the fd
        self._released = False   # the owner is done with it
        self.flags, self.target, self.capacity = flags, target, capacity
        opts = _lib.SubOptions(ctypes.sizeof(_lib.SubOptions), flags, _lib.encode(target), backlog, capacity)
        ptr = ctypes.c_void_p()
        with core.use() as ctx:
            _lib.check(lib.alter_sub_new(ctx, ctypes.byref(opts), ctypes.byref(ptr)))
        self._ptr: Optional[int] = ptr.value
        if not core.register_sub(self):  # the manager closed meanwhile
            self.release()

    def next(self, timeout_ms: int) -> Union[str, None, _ClosedMarker]:
        """The next record's JSON text; None on timeout; CLOSED once closed and drained."""
        if self._core.forked:
            return CLOSED
        if threading.current_thread() is not threading.main_thread() or 0 <= timeout_ms <= _MAIN_THREAD_SLICE_MS:
            return self._next_once(timeout_ms)
        deadline = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000.0
        while True:
            step = _MAIN_THREAD_SLICE_MS
            if deadline is not None:
                step = max(0, min(step, int((deadline - time.monotonic()) * 1000 + 0.999)))
            r = self._next_once(step)
            if r is not None:
                return r
            if deadline is not None and time.monotonic() >= deadline:
                return None

    def _next_once(self, timeout_ms: int) -> Union[str, None, _ClosedMarker]:
        with self._lock:
            if self._ptr is None:
                return CLOSED
            self._users += 1
            ptr = self._ptr
        out = ctypes.c_void_p()
        try:
            r = lib.alter_sub_next(ptr, timeout_ms, ctypes.byref(out))
            if r == 1:
                return _lib.take_text(0, out)
            if r == 0:
                return None
            if r == _lib.ECLOSED:
                return CLOSED
            _lib.check(r)
            return CLOSED
        finally:
            self._leave()

    def hold_fd(self) -> Optional[int]:
        """For asyncio: the readable-while-queued fd, kept open until unhold()."""
        with self._lock:
            if self._ptr is None or self._core.forked:
                return None
            fd = lib.alter_sub_fd(self._ptr)
            if fd < 0:
                _lib.check(fd)
            self._users += 1
            return int(fd)

    def unhold(self) -> None:
        self._leave()

    def _leave(self) -> None:
        with self._lock:
            self._users -= 1
            self._maybe_free()

    def close(self) -> None:
        """Wake any reader (it gets CLOSED once the queue is drained). Thread-safe, idempotent."""
        if self._core.forked:
            return
        with self._lock:
            if self._ptr is not None:
                lib.alter_sub_close(self._ptr)

    def release(self) -> None:
        """The owner is done: close, and free as soon as no reader is inside."""
        if self._core.forked:
            return  # in a forked child: the loop thread is gone, never call into the library
        with self._lock:
            if self._ptr is not None:
                lib.alter_sub_close(self._ptr)
            self._released = True
            self._maybe_free()

    def _maybe_free(self) -> None:  # under self._lock
        if self._released and self._users == 0 and self._ptr is not None:
            ptr, self._ptr = self._ptr, None
            lib.alter_sub_free(ptr)
            self._core.unregister_sub(self)

    @property
    def freed(self) -> bool:
        return self._ptr is None


class _Stream(Generic[T]):
    """Shared logic of the blocking iterators: deadline, filter, resubscription after `dropped`."""

    def __init__(self, core: "_Core", flags: int, target: Optional[str], backlog: int,
                 timeout: Optional[float], parse: Callable[[dict[str, Any]], Optional[T]]) -> None:
        self._core = core
        self._flags, self._target = flags, target
        self._parse = parse
        self._deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        self._sub: Optional[_Sub] = _Sub(core, flags, target, backlog)
        self._pending_drop = False

    def _remaining_ms(self, timeout: Optional[float]) -> int:
        limits = []
        if self._deadline is not None:
            limits.append(self._deadline - time.monotonic())
        if timeout is not None:
            limits.append(timeout)
        if not limits:
            return -1
        return max(0, int(min(limits) * 1000 + 0.999))

    def _handle(self, text: str) -> Optional[T]:
        try:
            d = json.loads(text)
        except ValueError:
            return None
        if not isinstance(d, dict):
            return None
        if d.get("type") == "dropped":
            # The queue closes after this record: take a fresh one and tell the reader.
            self._pending_drop = True
        return self._parse(d)

    def _next(self, timeout: Optional[float]) -> Union[T, None, _ClosedMarker]:
        """An item, None when the (per-call or overall) time is up, CLOSED at the end."""
        while True:
            sub = self._sub
            if sub is None:
                return CLOSED
            ms = self._remaining_ms(timeout)
            rec = sub.next(ms)
            if rec is CLOSED:
                if self._pending_drop and self._sub is sub and not self._core.closed:
                    self._pending_drop = False
                    sub.release()
                    try:
                        self._sub = _Sub(self._core, self._flags, self._target)
                    except Exception:
                        self._sub = None
                        return CLOSED
                    continue
                self.close()
                return CLOSED
            if rec is None:
                if self._deadline is not None and time.monotonic() >= self._deadline:
                    self.close()
                    return CLOSED
                if timeout is not None:
                    return None
                continue  # woke a little early: wait for the rest
            assert isinstance(rec, str)
            item = self._handle(rec)
            if item is not None:
                return item

    def get(self, timeout: Optional[float] = None) -> Optional[T]:
        """The next item, or None if none came within `timeout` seconds (None: no per-call limit)
        or the stream ended."""
        r = self._next(timeout)
        return None if isinstance(r, _ClosedMarker) else r

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        r = self._next(None)
        if r is None or isinstance(r, _ClosedMarker):
            raise StopIteration
        return r

    @property
    def closed(self) -> bool:
        return self._sub is None

    def close(self) -> None:
        """Stop the stream and free its queue. Thread-safe; a reader blocked in it returns."""
        sub, self._sub = self._sub, None
        if sub is not None:
            sub.release()

    def __enter__(self: Any) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def _event_parser(app: Optional[str], kinds: Optional[frozenset[EventKind]]) -> Callable[[dict[str, Any]], Optional[Event]]:
    def parse(d: dict[str, Any]) -> Optional[Event]:
        ev = Event.from_json(d)
        if ev.kind is not EventKind.DROPPED:
            if app is not None and ev.app != app and ev.instance != app:
                return None
            if kinds is not None and ev.kind not in kinds:
                return None
        return ev

    return parse


def _log_parser(streams: Optional[frozenset[Stream]]) -> Callable[[dict[str, Any]], Optional[LogLine]]:
    def parse(d: dict[str, Any]) -> Optional[LogLine]:
        if d.get("type") != "log":
            return None
        line = LogLine.from_json(d)
        if streams is not None and line.stream not in streams:
            return None
        return line

    return parse


class EventStream(_Stream[Event]):
    """`for ev in manager.events(timeout=...)`: events from the moment it was created.

    Iteration ends when `timeout` (seconds, overall) passes, when the manager closes, or on
    close(). If the reader falls far behind (10000 records), an Event with kind DROPPED is
    yielded and the stream goes on with the events that follow.
    """

    def __init__(self, core: "_Core", timeout: Optional[float] = None, app: Optional[str] = None,
                 kinds: Optional[frozenset[EventKind]] = None) -> None:
        super().__init__(core, _lib.SUB_EVENTS, None, 0, timeout, _event_parser(app, kinds))


class LogStream(_Stream[LogLine]):
    """`for line in manager.follow("web")`: live log lines (after `lines` lines of backlog)."""

    def __init__(self, core: "_Core", target: Optional[str], lines: int = 0, timeout: Optional[float] = None,
                 streams: Optional[frozenset[Stream]] = None) -> None:
        super().__init__(core, _lib.SUB_LOGS, target, lines, timeout, _log_parser(streams))


class _AsyncStream(_Stream[T]):
    """asyncio: waits for the subscription's fd with loop.add_reader(), never blocking the loop."""

    def __aiter__(self) -> "_AsyncStream[T]":
        return self

    async def __anext__(self) -> T:
        r = await self.aget_or_end(None)
        if isinstance(r, _ClosedMarker) or r is None:
            raise StopAsyncIteration
        return r

    async def aget(self, timeout: Optional[float] = None) -> Optional[T]:
        """The next item, or None if none came within `timeout` seconds or the stream ended."""
        r = await self.aget_or_end(timeout)
        return None if isinstance(r, _ClosedMarker) else r

    async def aget_or_end(self, timeout: Optional[float]) -> Union[T, None, _ClosedMarker]:
        loop = asyncio.get_running_loop()
        per_call = None if timeout is None else time.monotonic() + timeout
        while True:
            r = self._next(0)  # never blocks (timeout 0)
            if r is not None:
                return r
            now = time.monotonic()
            ends = [t for t in (self._deadline, per_call) if t is not None]
            if ends and min(ends) <= now:
                if self._deadline is not None and self._deadline <= now:
                    self.close()
                    return CLOSED
                return None
            sub = self._sub
            if sub is None:
                return CLOSED
            fd = sub.hold_fd()
            if fd is None:
                continue
            ready = loop.create_future()

            def on_ready(fut: "asyncio.Future[None]" = ready) -> None:
                if not fut.done():
                    fut.set_result(None)

            try:
                loop.add_reader(fd, on_ready)
                try:
                    wait = None if not ends else max(0.0, min(ends) - now)
                    await asyncio.wait_for(ready, wait)
                except asyncio.TimeoutError:
                    pass
                finally:
                    loop.remove_reader(fd)
            finally:
                sub.unhold()

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self: Any) -> Any:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class AsyncEventStream(_AsyncStream[Event]):
    """`async for ev in manager.aevents(timeout=...)`; same rules as EventStream."""

    def __init__(self, core: "_Core", timeout: Optional[float] = None, app: Optional[str] = None,
                 kinds: Optional[frozenset[EventKind]] = None) -> None:
        super().__init__(core, _lib.SUB_EVENTS, None, 0, timeout, _event_parser(app, kinds))


class AsyncLogStream(_AsyncStream[LogLine]):
    """`async for line in manager.afollow("web")`; same rules as LogStream."""

    def __init__(self, core: "_Core", target: Optional[str], lines: int = 0, timeout: Optional[float] = None,
                 streams: Optional[frozenset[Stream]] = None) -> None:
        super().__init__(core, _lib.SUB_LOGS, target, lines, timeout, _log_parser(streams))
