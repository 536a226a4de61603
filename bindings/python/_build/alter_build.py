# SPDX-License-Identifier: MIT
"""An in-tree PEP 517 build backend for the `alter` package, standard library only.

Why not setuptools: pip installs a project's build requirements from an index into an
isolated environment, and no index is reachable here. With `requires = []` and this backend,
`pip install ./bindings/python` works offline, with build isolation, for any Python >= 3.9
that has pip (Debian's /usr/bin/python3, pyenv's python3, a venv).

The wheel holds the pure-Python package plus a copy of libalter (alter/libalter.so.0), found in
this order (the first that exists wins):

  1. `--config-settings library=PATH` or the ALTER_LIBRARY environment variable;
  2. `--config-settings build-dir=DIR` or ALTER_BUILD_DIR: DIR/libalter/libalter.so.0;
  3. the repository's meson build directory: <repo>/build/libalter/libalter.so.0;
  4. otherwise, when meson and ninja are installed, libalter is built into <repo>/build
     (`meson setup build` if needed, then only the shared library target).

`--config-settings bundle=false` (or ALTER_BUNDLE=0) builds a wheel without the library: the
package then loads a system-wide libalter (ALTER_LIBRARY or the dynamic loader) at import.
The copy is stripped of debug info when `strip` is available (23 MB -> ~2 MB).
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile
from typing import Any, Optional

NAME = "alter"
VERSION = "0.1.0"
SONAME = "libalter.so.0"

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bindings/python
REPO = os.path.dirname(os.path.dirname(HERE))                        # the alter checkout
PKG = os.path.join(HERE, NAME)

__all__ = [
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
    "prepare_metadata_for_build_wheel",
    "build_wheel",
    "build_sdist",
]


def _log(msg: str) -> None:
    print(f"alter-build: {msg}", file=sys.stderr, flush=True)


def _setting(cfg: Optional[dict[str, Any]], key: str, env: str) -> Optional[str]:
    v = (cfg or {}).get(key)
    if isinstance(v, list):
        v = v[-1] if v else None
    if v is None:
        v = os.environ.get(env)
    return v if v else None


def _bundle(cfg: Optional[dict[str, Any]]) -> bool:
    v = _setting(cfg, "bundle", "ALTER_BUNDLE")
    return v is None or v.lower() not in ("0", "false", "no", "off")


def _is_repo() -> bool:
    return os.path.exists(os.path.join(REPO, "libalter", "include", "alter", "alter.h")) and \
        os.path.exists(os.path.join(REPO, "meson.build"))


def _find_library(cfg: Optional[dict[str, Any]]) -> str:
    explicit = _setting(cfg, "library", "ALTER_LIBRARY")
    if explicit:
        if not os.path.isfile(explicit):
            raise RuntimeError(f"alter: library {explicit!r} (ALTER_LIBRARY / library=) does not exist")
        return explicit
    bdir = _setting(cfg, "build-dir", "ALTER_BUILD_DIR")
    if bdir:
        # pip runs this hook in bindings/python: a relative build dir means one of the checkout.
        if not os.path.isabs(bdir) and _is_repo():
            bdir = os.path.join(REPO, bdir)
        p = os.path.join(bdir, "libalter", SONAME)
        if not os.path.isfile(p):
            raise RuntimeError(f"alter: {p} does not exist: build it with `ninja -C {bdir}`")
        return p
    if not _is_repo():
        raise RuntimeError(
            "alter: cannot find libalter to bundle: this is not a source checkout. Set "
            "ALTER_LIBRARY=/path/to/libalter.so.0, or install with `--config-settings bundle=false` "
            "to use a system-wide libalter.")
    p = os.path.join(REPO, "build", "libalter", SONAME)
    if os.path.isfile(p):
        return p
    return _build_with_meson(os.path.join(REPO, "build"))


def _build_with_meson(bdir: str) -> str:
    meson, ninja = shutil.which("meson"), shutil.which("ninja")
    if meson is None or ninja is None:
        raise RuntimeError(
            "alter: libalter is not built and meson/ninja are not installed. Build it first: "
            "`meson setup build && ninja -C build` in the repository, or set ALTER_LIBRARY.")
    if not os.path.exists(os.path.join(bdir, "build.ninja")):
        _log(f"configuring {bdir} (meson setup)")
        subprocess.run([meson, "setup", bdir, REPO], check=True, stdout=sys.stderr)
    _log("building libalter (meson compile libalter/alter:shared_library); this takes a few minutes")
    subprocess.run([meson, "compile", "-C", bdir, "libalter/alter:shared_library"], check=True, stdout=sys.stderr)
    p = os.path.join(bdir, "libalter", SONAME)
    if not os.path.isfile(p):
        raise RuntimeError(f"alter: meson finished but {p} is missing")
    return p


def _library_bytes(path: str) -> bytes:
    real = os.path.realpath(path)
    strip = shutil.which("strip")
    if strip is not None:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, SONAME)
            r = subprocess.run([strip, "--strip-debug", "-o", out, real], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                with open(out, "rb") as f:
                    return f.read()
    with open(real, "rb") as f:
        return f.read()


def _metadata() -> str:
    readme = ""
    rp = os.path.join(HERE, "README.md")
    if os.path.exists(rp):
        with open(rp, encoding="utf-8") as f:
            readme = f.read()
    head = (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {VERSION}\n"
        "Summary: Embeddable process supervisor: Python binding of libalter (ctypes over its C ABI)\n"
        "License: MIT\n"
        "Requires-Python: >=3.9\n"
        "Classifier: Operating System :: POSIX :: Linux\n"
        "Classifier: Typing :: Typed\n"
        "Description-Content-Type: text/markdown\n"
    )
    return head + "\n" + readme


def _wheel_text(tag: str) -> str:
    return (
        "Wheel-Version: 1.0\n"
        "Generator: alter_build (in-tree)\n"
        f"Root-Is-Purelib: {'true' if tag.endswith('-any') else 'false'}\n"
        f"Tag: {tag}\n"
    )


def _tag(bundle: bool) -> str:
    if not bundle:
        return "py3-none-any"
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"py3-none-{plat}"


def _package_files() -> list[tuple[str, bytes]]:
    out = []
    for fn in sorted(os.listdir(PKG)):
        if fn.endswith(".py") or fn == "py.typed":
            with open(os.path.join(PKG, fn), "rb") as f:
                out.append((f"{NAME}/{fn}", f.read()))
    return out


def _dist_info() -> str:
    return f"{NAME}-{VERSION}.dist-info"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


# ---- PEP 517 hooks ------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings: Optional[dict[str, Any]] = None) -> list[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[dict[str, Any]] = None) -> list[str]:
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: Optional[dict[str, Any]] = None) -> str:
    d = os.path.join(metadata_directory, _dist_info())
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata())
    with open(os.path.join(d, "WHEEL"), "w", encoding="utf-8") as f:
        f.write(_wheel_text(_tag(_bundle(config_settings))))
    return _dist_info()


def build_wheel(wheel_directory: str, config_settings: Optional[dict[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    bundle = _bundle(config_settings)
    files = _package_files()
    if bundle:
        lib = _find_library(config_settings)
        _log(f"bundling {os.path.realpath(lib)} as {NAME}/{SONAME}")
        files.append((f"{NAME}/{SONAME}", _library_bytes(lib)))
    else:
        _log("bundle=false: the package will use a system-wide libalter")
    tag = _tag(bundle)
    di = _dist_info()
    files.append((f"{di}/METADATA", _metadata().encode()))
    files.append((f"{di}/WHEEL", _wheel_text(tag).encode()))
    records = [_record_line(n, d) for n, d in files] + [f"{di}/RECORD,,"]
    files.append((f"{di}/RECORD", ("\n".join(records) + "\n").encode()))
    name = f"{NAME}-{VERSION}-{tag}.whl"
    os.makedirs(wheel_directory, exist_ok=True)
    path = os.path.join(wheel_directory, name)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n, d in files:
            info = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if n.endswith(".so.0") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, d)
    return name


def build_sdist(sdist_directory: str, config_settings: Optional[dict[str, Any]] = None) -> str:
    """The Python sources only (no library): building a wheel from it needs ALTER_LIBRARY or
    bundle=false."""
    base = f"{NAME}-{VERSION}"
    name = f"{base}.tar.gz"
    os.makedirs(sdist_directory, exist_ok=True)
    paths = ["pyproject.toml", "README.md", "_build/alter_build.py"] + [n for n, _ in _package_files()]
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel in paths:
            full = os.path.join(HERE, rel)
            if os.path.exists(full):
                tar.add(full, arcname=f"{base}/{rel}")
        pkg_info = _metadata().encode()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return name
