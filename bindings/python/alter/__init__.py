# SPDX-License-Identifier: MIT
"""alter: an embeddable process supervisor (Python binding of libalter's C ABI, over ctypes).

    import alter

    with alter.Manager(log_dir="/tmp/alter-logs") as m:
        app = m.start(name="worker", cmd=["python3", "worker.py"], restart="on-failure")
        app.wait(alter.State.RUNNING, timeout=5)
        for ev in m.events(timeout=10):
            print(ev.kind, ev.instance, ev.from_state, "->", ev.to_state)

See README.md (bindings/python) for installation, the threading model and the gotchas.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping, Optional
import ctypes

from ._errors import (AlreadyExists, Closed, DependencyCycle, Error, InternalError, InvalidArgument,
                      InvalidSpec, InvalidState, LimitReached, NotFound, ParseError, Timeout)
from ._lib import library_path
from ._manager import App, Manager, build_spec
from ._streams import AsyncEventStream, AsyncLogStream, EventStream, LogStream
from ._types import AppStatus, Event, EventKind, LogLine, Process, State, Stream

__version__ = "0.1.0"

__all__ = [
    "Manager", "App", "State", "Stream", "EventKind", "Process", "AppStatus", "Event", "LogLine",
    "EventStream", "LogStream", "AsyncEventStream", "AsyncLogStream",
    "Error", "NotFound", "InvalidSpec", "AlreadyExists", "InvalidArgument", "ParseError", "InvalidState",
    "DependencyCycle", "Closed", "LimitReached", "Timeout", "InternalError",
    "library_version", "library_path", "validate_spec", "cron_next", "build_spec",
]


def library_version() -> str:
    """The loaded libalter's version, e.g. "0.1.0"."""
    from ._lib import lib

    return (lib.alter_version() or b"").decode()


def validate_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Check an app spec (library keys, docs/CONFIG.md) without a Manager; returns it normalised
    with every default filled in. Raises InvalidSpec with .field and .hint."""
    from . import _lib
    from ._manager import _dumps

    out = ctypes.c_void_p()
    r = _lib.lib.alter_spec_validate(_dumps(spec), ctypes.byref(out))
    return dict(_lib.take_json(r, out) or {})


def cron_next(expr: str, after: Optional[datetime] = None, n: int = 1) -> list[datetime]:
    """The next `n` fire times of a cron expression after `after` (default: now), local time
    zone rules, as aware UTC datetimes. Raises ParseError for an invalid expression."""
    from . import _lib

    if not isinstance(n, int) or n < 1:
        raise ValueError("n: expected an int >= 1")
    when = after or datetime.now(timezone.utc)
    buf = (ctypes.c_int64 * n)()
    r = _lib.check(_lib.lib.alter_cron_next(_lib.encode(expr), int(when.timestamp() * 1000), n, buf))
    return [datetime.fromtimestamp(buf[i] / 1000.0, tz=timezone.utc) for i in range(r)]


