# SPDX-License-Identifier: MIT
"""Bad arguments raise the right alter.Error subclass with code, name, message, field, hint."""
from __future__ import annotations

import pickle

import pytest

import alter


def test_unknown_field_is_invalid_spec_with_hint(manager: alter.Manager) -> None:
    with pytest.raises(alter.InvalidSpec) as ei:
        manager.start(name="x", cmd=["/bin/true"], restrat="always")
    e = ei.value
    assert isinstance(e, alter.Error) and isinstance(e, ValueError)
    assert e.code == -1001 and e.name == "ESPEC"
    assert e.field == "restrat" and e.hint is not None and "restart" in e.hint
    assert "restrat" in e.message and "[ESPEC]" in str(e)
    assert "x" not in manager


def test_bad_values_and_types(manager: alter.Manager) -> None:
    with pytest.raises(alter.InvalidSpec) as ei:
        manager.start(name="x", cmd=["/bin/true"], instances="many")  # type: ignore[arg-type]
    assert ei.value.field == "instances"
    with pytest.raises(alter.InvalidSpec) as ei:
        manager.start(name="x", cmd=["/bin/true"], restart="sometimes")
    assert ei.value.field == "restart"
    with pytest.raises(alter.InvalidSpec) as ei:
        manager.start(name="bad name!", cmd=["/bin/true"])
    assert ei.value.field == "name"
    with pytest.raises(alter.InvalidSpec):
        manager.add({"name": "nocmd"})
    # Python-side type errors, before anything reaches the library
    with pytest.raises(TypeError):
        manager.start(name="x", cmd=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        manager.start(name=5, cmd=["/bin/true"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        manager.start(name="x", cmd=["/bin/true"], env=["A=1"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        manager.start(name="x", cmd=["/bin/true"], restart_delay="soon")
    with pytest.raises(TypeError):
        manager.start(name="x", cmd=["/bin/true"], anything=object())
    with pytest.raises(ValueError):
        manager.logs("all", lines=-1)
    with pytest.raises(ValueError):
        manager.logs("all", stream="stdout")
    assert manager.list() == []


def test_unknown_app_is_not_found(manager: alter.Manager) -> None:
    for call in (lambda: manager.stop("ghost"), lambda: manager.restart("ghost"),
                 lambda: manager.delete("ghost"), lambda: manager.status("ghost"),
                 lambda: manager.app("ghost"), lambda: manager.start("ghost"),
                 lambda: manager.wait("ghost", "running", timeout=1), lambda: manager.update("ghost", args=[])):
        with pytest.raises(alter.NotFound) as ei:
            call()
        assert ei.value.code == -1000 and ei.value.name == "ENOTFOUND" and "ghost" in ei.value.message
        assert isinstance(ei.value, LookupError)


def test_duplicate_is_already_exists_unless_update(manager: alter.Manager) -> None:
    manager.start(name="dup", cmd=["/bin/sleep", "30"])
    with pytest.raises(alter.AlreadyExists) as ei:
        manager.start(name="dup", cmd=["/bin/sleep", "31"])
    assert ei.value.code == -17 and ei.value.name == "EEXIST"
    manager.start(name="dup", cmd=["/bin/sleep", "31"], update=True)
    assert manager.spec("dup")["args"] == ["31"]


def test_timeout_closed_and_state_names(manager: alter.Manager, tmp_path) -> None:
    app = manager.start(name="s", cmd=["/bin/sleep", "30"])
    with pytest.raises(alter.Timeout) as ei:
        app.wait("exited", timeout=0.2)
    assert isinstance(ei.value, TimeoutError) and ei.value.name == "ETIMEDOUT"
    with pytest.raises(ValueError):
        app.wait("asleep", timeout=1)
    m2 = alter.Manager(log_dir=tmp_path / "m2")
    m2.close()
    m2.close()  # idempotent
    with pytest.raises(alter.Closed) as ei2:
        m2.list()
    assert ei2.value.name == "ECLOSED"
    with pytest.raises(alter.Closed):
        m2.events()


def test_validate_spec_cron_and_pickling() -> None:
    spec = alter.validate_spec({"name": "v", "command": "/bin/true"})
    assert spec["restart"] == "on-failure" and spec["restart_delay_ms"] == 100
    with pytest.raises(alter.InvalidSpec) as ei:
        alter.validate_spec({"name": "v", "command": "/bin/true", "max_restart": 5})
    assert ei.value.field == "max_restart" and "max_restarts" in (ei.value.hint or "")
    e2 = pickle.loads(pickle.dumps(ei.value))
    assert type(e2) is alter.InvalidSpec and e2.field == ei.value.field and e2.code == -1001
    assert len(alter.cron_next("*/5 * * * *", n=3)) == 3
    with pytest.raises(alter.ParseError):
        alter.cron_next("not a cron")
