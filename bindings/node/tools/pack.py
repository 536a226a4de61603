#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Make the npm package of the Node binding: a tarball npm installs offline.

    pack.py OUTPUT.tgz PACKAGE_DIR ADDON FILE...

FILE... (paths inside PACKAGE_DIR: package.json, index.js, lib/..., scripts/install.js, ...) go
into the tarball under package/ as npm expects, and ADDON (the built alter.node, debug info
stripped) as package/prebuilt/alter.node. Nothing is written outside the build directory, and
the same inputs give the same bytes (fixed times and owners).
"""
import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

MTIME = 499162500  # 1985-10-26, the time npm itself gives the files it packs


def add(tar, name, data, mode):
    info = tarfile.TarInfo("package/" + name)
    info.size, info.mode, info.mtime = len(data), mode, MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


def stripped(addon):
    strip = shutil.which("strip")
    if strip is None:
        with open(addon, "rb") as f:
            return f.read()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "alter.node")
        subprocess.run([strip, "--strip-debug", "-o", out, addon], check=True)
        with open(out, "rb") as f:
            return f.read()


def main():
    output, package_dir, addon, *files = sys.argv[1:]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(files):
            name = os.path.relpath(os.path.abspath(path), os.path.abspath(package_dir))
            if name.startswith(".."):
                sys.exit(f"{path} is not inside {package_dir}")
            with open(path, "rb") as f:
                add(tar, name, f.read(), 0o644)
        add(tar, "prebuilt/alter.node", stripped(addon), 0o755)
    tmp = output + ".tmp"
    with open(tmp, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    os.replace(tmp, output)


if __name__ == "__main__":
    main()
