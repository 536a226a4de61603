# SPDX-License-Identifier: MIT
"""Shared fixtures. Run with /usr/bin/python3 -m pytest (pytest is only installed for it), with
ALTER_LIBRARY pointing at the built libalter and PYTHONPATH at bindings/python (meson test does
both)."""
from __future__ import annotations

import os
import sys
import time
from typing import Callable, Iterator

import pytest

#: bindings/python: the package's source directory.
PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, PKG_DIR)

import alter  # noqa: E402

PY = sys.executable


@pytest.fixture
def manager(tmp_path) -> Iterator[alter.Manager]:
    m = alter.Manager(log_dir=tmp_path / "logs")
    try:
        yield m
    finally:
        m.close()


def pid_alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_until(cond: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> object:
    """Poll `cond` until it is true or the deadline passes (for the few checks with no event)."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def tasks() -> int:
    return len(os.listdir("/proc/self/task"))
