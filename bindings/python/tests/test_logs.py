# SPDX-License-Identifier: MIT
"""logs(): line count, stream filter, grep (text, regex, case), the in-memory fallback."""
from __future__ import annotations

import alter
from conftest import PY

SCRIPT = ("import sys\nfor i in range(20):\n    print(f'out line {i}', flush=True)\n"
          "    print(f'ERR Line {i}', file=sys.stderr, flush=True)\nprint('the end', flush=True)")


def _run(m: alter.Manager) -> alter.App:
    app = m.start(name="writer", cmd=[PY, "-c", SCRIPT], restart="never")
    app.wait("exited", timeout=10)
    return app


def test_lines_stream_grep(manager: alter.Manager) -> None:
    app = _run(manager)
    # The order between stdout and stderr lines read in the same millisecond is not defined:
    # compare across streams as sets, within one stream in order.
    last = app.logs(lines=3)
    assert len(last) == 3
    assert sorted(l.time for l in last) == [l.time for l in last]
    assert all(isinstance(l, alter.LogLine) and l.app == "writer" and l.instance == "writer" for l in last)
    assert last[0].time <= last[-1].time

    assert len(app.logs(lines=1000)) == 41
    out = manager.logs("writer", lines=5, stream="out")
    assert [l.text for l in out] == [f"out line {i}" for i in (16, 17, 18, 19)] + ["the end"]
    assert all(l.stream is alter.Stream.OUT for l in out)
    err = manager.logs("writer", lines=2, stream=alter.Stream.ERR)
    assert [l.text for l in err] == ["ERR Line 18", "ERR Line 19"]

    assert [l.text for l in app.logs(grep="line 1", lines=3)] == ["out line 17", "out line 18", "out line 19"]
    assert sorted(l.text for l in app.logs(grep="line 7", ignore_case=True)) == ["ERR Line 7", "out line 7"]
    assert [l.text for l in app.logs(grep="^ERR Line [0-1]$", regex=True)] == ["ERR Line 0", "ERR Line 1"]
    assert app.logs(grep="no such text") == []
    assert [str(l) for l in manager.recent_logs("writer", 1, stream="out")] == ["the end"]


def test_without_log_dir_reads_the_ring() -> None:
    with alter.Manager() as m:
        app = _run(m)
        assert len(app.logs(lines=2)) == 2 and len(app.logs(lines=1000)) == 41
        assert [l.text for l in app.logs(lines=2, stream="out")] == ["out line 19", "the end"]
        assert sorted(l.text for l in app.logs(grep="line 3", ignore_case=True)) == ["ERR Line 3", "out line 3"]
        assert [l.text for l in app.logs(lines=1, stream="err")] == ["ERR Line 19"]
        assert [l.text for l in app.logs(grep=r"^out line 1[89]$", regex=True)] == ["out line 18", "out line 19"]
