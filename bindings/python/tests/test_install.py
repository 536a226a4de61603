# SPDX-License-Identifier: MIT
"""The documented offline installs of ./bindings/python (into a --target dir, Debian's python
with --user --break-system-packages, a venv), then import from there with no ALTER_LIBRARY: the
bundled copy of libalter is used."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHECK = """
import os, sys, alter
assert 'ALTER_LIBRARY' not in os.environ
print(alter.library_path())
with alter.Manager() as m:
    app = m.start(name="x", cmd=["/bin/echo", "installed"], restart="never")
    app.wait("exited", timeout=10)
    print(app.logs()[0].text)
"""


def _pip_available() -> bool:
    return subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode == 0


pytestmark = [
    pytest.mark.skipif(not os.environ.get("ALTER_LIBRARY"), reason="needs ALTER_LIBRARY (the built libalter)"),
    pytest.mark.skipif(not _pip_available(), reason="pip is not installed for this interpreter"),
]


def _pip(*args: str, env: dict[str, str]) -> None:
    r = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir", "-q", *args],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_pip_install_target_bundles_libalter(tmp_path) -> None:
    env = dict(os.environ)
    target = tmp_path / "site"
    _pip("install", "--no-index", "--target", str(target), PKG, env=env)
    assert (target / "alter" / "libalter.so.0").exists() and (target / "alter" / "py.typed").exists()
    run_env = {k: v for k, v in os.environ.items() if k not in ("ALTER_LIBRARY", "PYTHONPATH")}
    run_env["PYTHONPATH"] = str(target)
    r = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=run_env,
                       cwd=tmp_path, timeout=60)
    assert r.returncode == 0, r.stderr
    path, text = r.stdout.split()
    assert path == str(target / "alter" / "libalter.so.0") and text == "installed"


def _check_installed(python: str, env: dict[str, str], cwd, site_prefix: str) -> None:
    run_env = {k: v for k, v in env.items() if k not in ("ALTER_LIBRARY", "PYTHONPATH")}
    r = subprocess.run([python, "-c", CHECK], capture_output=True, text=True, env=run_env, cwd=cwd, timeout=60)
    assert r.returncode == 0, r.stderr
    path, text = r.stdout.split()
    assert path.startswith(site_prefix) and path.endswith("/alter/libalter.so.0") and text == "installed"


@pytest.mark.skipif(not os.path.exists("/usr/lib/python3.11/EXTERNALLY-MANAGED"), reason="not Debian's python")
def test_documented_install_into_debian_python(tmp_path) -> None:
    # README / docs/EMBEDDING.md: Debian's python is externally managed (PEP 668), so plain
    # `pip install` is refused and `--user --break-system-packages` is the command that works.
    # PYTHONUSERBASE keeps the user site inside tmp_path.
    env = dict(os.environ, PYTHONUSERBASE=str(tmp_path / "user"))
    plain = subprocess.run(["/usr/bin/python3", "-m", "pip", "install", "--no-index", "--dry-run", PKG],
                           capture_output=True, text=True, env=env, timeout=120)
    assert plain.returncode != 0 and "externally-managed-environment" in plain.stdout + plain.stderr
    r = subprocess.run(["/usr/bin/python3", "-m", "pip", "--disable-pip-version-check", "--no-cache-dir", "-q",
                        "install", "--no-index", "--user", "--break-system-packages", PKG],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    _check_installed("/usr/bin/python3", env, tmp_path, str(tmp_path / "user"))


def test_documented_install_into_a_venv(tmp_path) -> None:
    venv = tmp_path / "venv"
    r = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        pytest.skip(f"no venv for this python: {r.stderr.strip()}")
    r = subprocess.run([str(venv / "bin" / "pip"), "--disable-pip-version-check", "--no-cache-dir", "-q",
                        "install", "--no-index", PKG], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    _check_installed(str(venv / "bin" / "python"), dict(os.environ), tmp_path, str(venv))


def test_wheel_without_bundle(tmp_path) -> None:
    # The backend's hook directly (what pip calls with --config-settings bundle=false).
    sys.path.insert(0, os.path.join(PKG, "_build"))
    try:
        import alter_build  # type: ignore[import]
    finally:
        sys.path.pop(0)
    name = alter_build.build_wheel(str(tmp_path), {"bundle": "false"})
    assert name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(tmp_path / name).namelist()
    assert "alter/__init__.py" in names and "alter/py.typed" in names
    assert not any(n.endswith(".so.0") for n in names) and "alter-0.1.0.dist-info/RECORD" in names


FAKE_MESON = """#!/bin/sh
# records its arguments; "compile" produces the library where meson would
echo "$@" >> "$FAKE_MESON_LOG"
if [ "$1" = setup ]; then mkdir -p "$2" && touch "$2/build.ninja"; fi
if [ "$1" = compile ]; then mkdir -p "$3/libalter" && cp "$ALTER_SOURCE_LIB" "$3/libalter/libalter.so.0"; fi
"""


def test_backend_builds_libalter_with_meson_when_missing(tmp_path) -> None:
    # A checkout without build/: the backend runs meson setup + compile of the library target only.
    import shutil

    repo = tmp_path / "repo"
    (repo / "libalter" / "include" / "alter").mkdir(parents=True)
    (repo / "libalter" / "include" / "alter" / "alter.h").write_text("/* fake */\n")
    (repo / "meson.build").write_text("# fake\n")
    shutil.copytree(PKG, repo / "bindings" / "python", ignore=shutil.ignore_patterns("tests", "__pycache__"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool, text in (("meson", FAKE_MESON), ("ninja", "#!/bin/sh\n")):
        (bin_dir / tool).write_text(text)
        (bin_dir / tool).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("ALTER_LIBRARY", "ALTER_BUILD_DIR", "ALTER_BUNDLE")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", FAKE_MESON_LOG=str(tmp_path / "log"),
               ALTER_SOURCE_LIB=os.environ["ALTER_LIBRARY"])
    code = ("import sys; sys.path.insert(0, '_build'); import alter_build; "
            f"print(alter_build.build_wheel({str(tmp_path / 'out')!r}))")
    r = subprocess.run([sys.executable, "-c", code], cwd=repo / "bindings" / "python", env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    log = (tmp_path / "log").read_text().splitlines()
    assert log == [f"setup {repo}/build {repo}", f"compile -C {repo}/build libalter/alter:shared_library"]
    names = zipfile.ZipFile(tmp_path / "out" / r.stdout.strip()).namelist()
    assert "alter/libalter.so.0" in names
