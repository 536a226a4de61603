# SPDX-License-Identifier: MIT
"""Typed records built from the library's JSON: State, Stream, Process, AppStatus, Event, LogLine."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

__all__ = ["State", "Stream", "EventKind", "Process", "AppStatus", "Event", "LogLine"]


class State(str, enum.Enum):
    """An instance's state (alter.h enum alter_state). Compares equal to its name: State.RUNNING == "running"."""

    STOPPED = "stopped"    #: not running; stopped by the user (or never started)
    STARTING = "starting"  #: waiting for dependencies or being spawned
    RUNNING = "running"
    STOPPING = "stopping"  #: stop signal sent, waiting for the process group to exit
    EXITED = "exited"      #: ended on its own with code 0 and is not restarted
    CRASHED = "crashed"    #: ended abnormally (non-zero code or a signal)
    WAITING = "waiting"    #: backoff delay before the next start, or the next cron fire
    ERRORED = "errored"    #: gave up (too many restarts) or could not be spawned
    DISABLED = "disabled"  #: never started until enabled again

    @property
    def code(self) -> int:
        """The ALTER_STATE_* number."""
        return _STATE_CODES[self]

    @classmethod
    def parse(cls, value: "State | str | int") -> "State":
        """A State from a State, its name ("running", case-insensitive) or its ALTER_STATE_* number."""
        if isinstance(value, State):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            for s, c in _STATE_CODES.items():
                if c == value:
                    return s
            raise ValueError(f"no state numbered {value}")
        if isinstance(value, str):
            try:
                return cls(value.lower())
            except ValueError:
                pass
            raise ValueError(f"unknown state {value!r}; one of: {', '.join(s.value for s in cls)}")
        raise TypeError(f"a state is a State, a str or an int, not {type(value).__name__}")

    def __str__(self) -> str:
        return self.value


_STATE_CODES = {s: i for i, s in enumerate(State)}


class Stream(str, enum.Enum):
    """Which output a log line came from."""

    OUT = "out"
    ERR = "err"
    SYSTEM = "system"  #: lines written by the supervisor itself (spawn errors, ...)

    @property
    def flag(self) -> int:
        """The ALTER_STREAM_* bit."""
        return {Stream.OUT: 1, Stream.ERR: 2, Stream.SYSTEM: 4}[self]

    def __str__(self) -> str:
        return self.value


class EventKind(str, enum.Enum):
    STATE = "state"      #: an instance changed state (from_state -> to_state)
    ADDED = "added"      #: an app was added
    UPDATED = "updated"  #: an app's spec changed
    REMOVED = "removed"  #: an app was removed
    STATS = "stats"      #: a CPU/memory sample (Manager(stats_interval=...))
    DROPPED = "dropped"  #: the reader fell behind and records were lost (then the stream goes on afresh)
    UNKNOWN = "unknown"  #: a record type this version does not know; see Event.raw

    def __str__(self) -> str:
        return self.value


def _time(ms: Any) -> Optional[datetime]:
    if not isinstance(ms, (int, float)) or ms <= 0:
        return None
    return datetime.fromtimestamp(ms / 1000.0, tz=timezone.utc)


def _ms(ms: Any) -> Optional[timedelta]:
    if not isinstance(ms, (int, float)):
        return None
    return timedelta(milliseconds=ms)


def _pid(v: Any) -> Optional[int]:
    return v if isinstance(v, int) and v > 0 else None


def _state(v: Any) -> Optional[State]:
    try:
        return State(v) if v is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Process:
    """One instance of an app, as in `alter list` (alter_app_list / alter_app_get)."""

    name: str                       #: instance name: "web", or "web-0", "web-1" ... with instances > 1
    app: str                        #: the app's name
    instance: int                   #: index 0..N-1
    namespace: str
    status: State
    pid: Optional[int]              #: None when not running
    restarts: int                   #: automatic restarts so far
    uptime: timedelta               #: zero when not running
    exit_code: Optional[int]        #: of the last exit, None if it has not exited or died by a signal
    signal: Optional[str]           #: "SIGKILL" ... if the last run died by a signal
    cpu_percent: float              #: 100 = one core (sampled; see Manager(stats_interval=...))
    memory_bytes: int               #: resident memory of the process tree
    started_at: Optional[datetime]  #: UTC
    exited_at: Optional[datetime]   #: UTC
    type: str                       #: "daemon", "once" or "cron"
    enabled: bool
    command: str
    args: tuple[str, ...]
    cwd: str
    restart: str                    #: restart policy: "on-failure", "always", "never"
    watch: bool
    error: Optional[str] = None     #: why it is errored (spawn failure, too many restarts)
    restart_in: Optional[timedelta] = None  #: time left before the next start (state WAITING)
    next_run: Optional[datetime] = None     #: cron apps
    last_run: Optional[datetime] = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def running(self) -> bool:
        return self.status is State.RUNNING

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Process":
        return cls(
            name=str(d.get("name", "")),
            app=str(d.get("app", "")),
            instance=int(d.get("instance") or 0),
            namespace=str(d.get("namespace", "")),
            status=_state(d.get("status")) or State.STOPPED,
            pid=_pid(d.get("pid")),
            restarts=int(d.get("restarts") or 0),
            uptime=_ms(d.get("uptime_ms")) or timedelta(0),
            exit_code=d.get("exit_code"),
            signal=d.get("signal"),
            cpu_percent=float(d.get("cpu_percent") or 0.0),
            memory_bytes=int(d.get("memory_bytes") or 0),
            started_at=_time(d.get("started_at")),
            exited_at=_time(d.get("exited_at")),
            type=str(d.get("type", "daemon")),
            enabled=bool(d.get("enabled", True)),
            command=str(d.get("command", "")),
            args=tuple(str(a) for a in d.get("args") or ()),
            cwd=str(d.get("cwd", "")),
            restart=str(d.get("restart", "")),
            watch=bool(d.get("watch", False)),
            error=d.get("error"),
            restart_in=_ms(d.get("restart_in_ms")),
            next_run=_time(d.get("next_run")),
            last_run=_time(d.get("last_run")),
            raw=d,
        )


@dataclass(frozen=True)
class AppStatus:
    """An app and its instances (alter_app_get)."""

    name: str                      #: the target asked for (app or instance name)
    app: str
    namespace: str
    desired: str                   #: "running" or "stopped": what the user asked for last
    spec: dict[str, Any]           #: the full spec, defaults filled in
    instances: tuple[Process, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def state(self) -> Optional[State]:
        """The state shared by every instance, or None when they differ."""
        states = {p.status for p in self.instances}
        return states.pop() if len(states) == 1 else None

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.instances if p.pid is not None]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "AppStatus":
        return cls(
            name=str(d.get("name", "")),
            app=str(d.get("app", "")),
            namespace=str(d.get("namespace", "")),
            desired=str(d.get("desired", "")),
            spec=dict(d.get("spec") or {}),
            instances=tuple(Process.from_json(p) for p in d.get("instances") or ()),
            raw=d,
        )


@dataclass(frozen=True)
class Event:
    """A record from the supervisor: a state change, an app added/updated/removed, a stats sample."""

    kind: EventKind
    time: datetime                  #: UTC
    app: Optional[str] = None
    instance: Optional[str] = None  #: None for app events
    namespace: Optional[str] = None
    from_state: Optional[State] = None  #: STATE events
    to_state: Optional[State] = None
    pid: Optional[int] = None       #: the process (for an exit: the one that ended); None if none
    restarts: int = 0
    reason: Optional[str] = None    #: "start", "stop", "crash", "backoff", "backoff over", ...
    exit_code: Optional[int] = None
    signal: Optional[str] = None
    delay: Optional[timedelta] = None   #: backoff delay (to_state WAITING)
    error: Optional[str] = None     #: to_state ERRORED
    cpu_percent: Optional[float] = None  #: STATS events
    memory_bytes: Optional[int] = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Event":
        try:
            kind = EventKind(d.get("type"))
        except ValueError:
            kind = EventKind.UNKNOWN
        t = _time(d.get("time_ms")) or datetime.now(timezone.utc)
        return cls(
            kind=kind,
            time=t,
            app=d.get("app"),
            instance=d.get("instance"),
            namespace=d.get("namespace"),
            from_state=_state(d.get("from")) if kind is EventKind.STATE else None,
            to_state=_state(d.get("to")) if kind is EventKind.STATE else None,
            pid=_pid(d.get("pid")),
            restarts=int(d.get("restarts") or 0),
            reason=d.get("reason"),
            exit_code=d.get("exit_code"),
            signal=d.get("signal"),
            delay=_ms(d.get("delay_ms")),
            error=d.get("error"),
            cpu_percent=d.get("cpu_percent"),
            memory_bytes=d.get("memory_bytes"),
            raw=d,
        )


@dataclass(frozen=True)
class LogLine:
    """One line of an app's output (no trailing newline)."""

    time: datetime  #: UTC, when the supervisor read it
    stream: Stream
    instance: str
    text: str
    app: Optional[str] = None
    namespace: Optional[str] = None  #: when the library gives it (live lines)

    def __str__(self) -> str:
        return self.text

    @classmethod
    def from_json(cls, d: dict[str, Any], app: Optional[str] = None) -> "LogLine":
        try:
            stream = Stream(d.get("stream", "out"))
        except ValueError:
            stream = Stream.SYSTEM
        return cls(
            time=_time(d.get("time_ms")) or datetime.now(timezone.utc),
            stream=stream,
            instance=str(d.get("instance", "")),
            text=str(d.get("text", "")),
            app=d.get("app") or app,
            namespace=d.get("namespace"),
        )
