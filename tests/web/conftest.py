# SPDX-License-Identifier: MIT
import os

import pytest

from webutil import ALTERD, ALTER_WEB, Daemon


def pytest_collection_modifyitems(config, items):
    if not (ALTERD and os.path.exists(ALTERD) and ALTER_WEB and os.path.exists(ALTER_WEB)):
        skip = pytest.mark.skip(reason='ALTERD / ALTER_WEB not set (run through meson test)')
        for item in items:
            item.add_marker(skip)


@pytest.fixture
def daemon():
    """A fresh alterd + alter-web, no password set yet."""
    d = Daemon().start()
    yield d
    d.cleanup()


@pytest.fixture
def ready(daemon):
    """A daemon whose password is set, with a logged-in browser session (daemon.cookie)."""
    daemon.setup()
    return daemon
