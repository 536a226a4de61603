# SPDX-License-Identifier: MIT
"""Loading libalter and declaring the C ABI (alter.h) for ctypes.

Only this module knows about ctypes structures and prototypes; the rest of the package calls
the helpers below. No Python function is ever handed to C (no CFUNCTYPE): events and log lines
are read from alter_sub_t queues on Python threads, so no Python code runs on the supervisor's
loop thread and no Python exception can reach C.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import threading
from ctypes import POINTER, c_char_p, c_int, c_int64, c_uint32, c_void_p
from typing import Any, Optional

#: The soname this package was written against (alter.h ALTER_VERSION_MAJOR 0).
SONAME = "libalter.so.0"
ABI_MAJOR = 0

# ---- option structs (alter.h): first field struct_size, fixed-width fields ----------------


class ContextOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("flags", c_uint32),
        ("log_dir", c_char_p),
        ("state_path", c_char_p),
        ("autosave_ms", c_int64),
        ("stats_interval_ms", c_int64),
        ("log_ring_lines", c_uint32),
        ("reserved0", c_uint32),
        ("on_record", c_void_p),  # never set: see the module docstring
        ("record_userdata", c_void_p),
    ]


class SubOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("flags", c_uint32),
        ("target", c_char_p),
        ("backlog", c_uint32),
        ("capacity", c_uint32),
    ]


class LogQuery(ctypes.Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("streams", c_uint32),
        ("lines", c_uint32),
        ("flags", c_uint32),
        ("date", c_char_p),
        ("grep", c_char_p),
    ]


# Constants from alter.h.
ADD_START = 0x1
ADD_UPDATE = 0x2
SUB_EVENTS = 0x1
SUB_LOGS = 0x2
LOG_REGEX = 0x1
LOG_ICASE = 0x2
STREAM_OUT = 1
STREAM_ERR = 2
STREAM_SYSTEM = 4
ECLOSED = -1005

_ctx_p = c_void_p  # alter_context_t *
_sub_p = c_void_p  # alter_sub_t *
_out_p = POINTER(c_void_p)  # char ** (kept as void * so that we can alter_free it)

# name: (restype, argtypes)
_PROTOTYPES: dict[str, tuple[Any, list[Any]]] = {
    "alter_version": (c_char_p, []),
    "alter_strerror": (c_char_p, [c_int]),
    "alter_err_name": (c_char_p, [c_int]),
    "alter_last_error": (c_char_p, []),
    "alter_last_error_json": (c_char_p, []),
    "alter_free": (None, [c_void_p]),
    "alter_state_name": (c_char_p, [c_int]),
    "alter_context_new": (c_int, [POINTER(ContextOptions), POINTER(_ctx_p)]),
    "alter_context_free": (None, [_ctx_p]),
    "alter_app_add": (c_int, [_ctx_p, c_char_p, c_uint32]),
    "alter_app_update": (c_int, [_ctx_p, c_char_p, c_char_p]),
    "alter_app_remove": (c_int, [_ctx_p, c_char_p]),
    "alter_app_start": (c_int, [_ctx_p, c_char_p]),
    "alter_app_stop": (c_int, [_ctx_p, c_char_p]),
    "alter_app_restart": (c_int, [_ctx_p, c_char_p]),
    "alter_app_reset": (c_int, [_ctx_p, c_char_p]),
    "alter_app_enable": (c_int, [_ctx_p, c_char_p, c_int]),
    "alter_app_run": (c_int, [_ctx_p, c_char_p]),
    "alter_app_get": (c_int, [_ctx_p, c_char_p, _out_p]),
    "alter_app_list": (c_int, [_ctx_p, c_char_p, _out_p]),
    "alter_app_spec": (c_int, [_ctx_p, c_char_p, _out_p]),
    "alter_app_wait": (c_int, [_ctx_p, c_char_p, c_uint32, c_int64]),
    "alter_spec_validate": (c_int, [c_char_p, _out_p]),
    "alter_sub_new": (c_int, [_ctx_p, POINTER(SubOptions), POINTER(_sub_p)]),
    "alter_sub_fd": (c_int, [_sub_p]),
    "alter_sub_next": (c_int, [_sub_p, c_int64, _out_p]),
    "alter_sub_close": (c_int, [_sub_p]),
    "alter_sub_free": (None, [_sub_p]),
    "alter_log_read": (c_int, [_ctx_p, c_char_p, POINTER(LogQuery), _out_p]),
    "alter_log_recent": (c_int, [_ctx_p, c_char_p, c_uint32, c_uint32, _out_p]),
    "alter_log_clear": (c_int, [_ctx_p, c_char_p]),
    "alter_state_save": (c_int, [_ctx_p, c_char_p]),
    "alter_state_load": (c_int, [_ctx_p, c_char_p]),
    "alter_config_apply": (c_int, [_ctx_p, c_char_p, _out_p]),
    "alter_host_stats": (c_int, [_ctx_p, _out_p]),
    "alter_app_metrics": (c_int, [_ctx_p, _out_p]),
    "alter_cron_next": (c_int, [c_char_p, c_int64, c_uint32, POINTER(c_int64)]),
}

_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_path: Optional[str] = None


def _candidates() -> list[tuple[str, str]]:
    """Where libalter is looked for, in order: (how, name-or-path)."""
    out: list[tuple[str, str]] = []
    env = os.environ.get("ALTER_LIBRARY")
    if env:
        out.append(("ALTER_LIBRARY", env))
        return out  # explicit: never fall back silently to another copy
    here = os.path.dirname(os.path.abspath(__file__))
    for name in (SONAME, "libalter.so"):
        p = os.path.join(here, name)
        if os.path.exists(p):
            out.append(("package", p))
    out.append(("system", SONAME))
    found = ctypes.util.find_library("alter")
    if found:
        out.append(("system", found))
    return out


def load() -> ctypes.CDLL:
    """Load libalter once (thread-safe) and declare every prototype used by the package."""
    global _lib, _path
    with _lock:
        if _lib is not None:
            return _lib
        errors: list[str] = []
        for how, name in _candidates():
            try:
                handle = ctypes.CDLL(name)
            except OSError as e:
                errors.append(f"{how}: {name}: {e}")
                continue
            missing = [f for f in _PROTOTYPES if not hasattr(handle, f)]
            if missing:
                errors.append(f"{how}: {name}: not libalter (missing {', '.join(missing[:3])})")
                continue
            for fname, (restype, argtypes) in _PROTOTYPES.items():
                fn = getattr(handle, fname)
                fn.restype = restype
                fn.argtypes = argtypes
            version = (handle.alter_version() or b"").decode()
            if not version.startswith(f"{ABI_MAJOR}."):
                errors.append(f"{how}: {name}: libalter {version}, this package needs {ABI_MAJOR}.x")
                continue
            _lib = handle
            _path = getattr(handle, "_name", name)
            return handle
        raise ImportError(
            "alter: cannot load libalter. Set ALTER_LIBRARY to the built library "
            "(build/libalter/libalter.so.0), reinstall the package after building libalter "
            "(see bindings/python/README.md), or install libalter system-wide.\n  "
            + "\n  ".join(errors)
        )


def library_path() -> str:
    """The path or name libalter was loaded from."""
    load()
    assert _path is not None
    return _path


class _Lazy:
    """`lib.alter_x(...)` loads the library on first use."""

    def __getattr__(self, name: str) -> Any:
        return getattr(load(), name)


lib: Any = _Lazy()


def encode(s: Optional[str]) -> Optional[bytes]:
    return None if s is None else os.fsencode(s) if isinstance(s, os.PathLike) else s.encode()


def last_error(code: int) -> dict[str, Any]:
    """The detail of the last failure on this thread (alter_last_error_json), as a dict."""
    raw = lib.alter_last_error_json() or b"{}"
    d: dict[str, Any] = {}
    try:
        parsed = json.loads(raw.decode("utf-8", "replace"))
        if isinstance(parsed, dict):
            d = parsed
    except ValueError:
        pass
    if not d.get("message"):
        d["message"] = (lib.alter_last_error() or b"").decode("utf-8", "replace") or (
            lib.alter_strerror(code) or b""
        ).decode()
    return d


def check(r: int) -> int:
    """Raise the matching alter.Error for a negative result; return r otherwise."""
    if r < 0:
        from ._errors import error_from_code

        raise error_from_code(r, last_error(r))
    return r


def take_json(r: int, out: c_void_p) -> Any:
    """Check r, then decode and free the JSON string the library returned in `out`."""
    check(r)
    if not out.value:
        return None
    try:
        text = ctypes.string_at(out.value)
    finally:
        lib.alter_free(out)
    return json.loads(text.decode("utf-8", "replace"))


def take_text(r: int, out: c_void_p) -> str:
    check(r)
    if not out.value:
        return ""
    try:
        return ctypes.string_at(out.value).decode("utf-8", "replace")
    finally:
        lib.alter_free(out)

