# SPDX-License-Identifier: MIT
# Benchmark: `alter list --json` end to end with 100 apps (meson test --benchmark --suite cli).
# Starts alterd in a temp data dir, adds 100 sleeping apps, then runs exec_bench.
import os
import shutil
import subprocess
import sys
import tempfile

alter, alterd, bench = os.environ["ALTER_BIN"], os.environ["ALTERD_BIN"], os.environ["EXEC_BENCH"]
home = tempfile.mkdtemp(prefix="altbench-", dir="/tmp")
env = dict(os.environ, ALTERD_BIN=alterd)
run = lambda *a: subprocess.run([alter, "--home", home, *a], env=env, check=True, capture_output=True, text=True)
run("daemon", "start", "--no-web")
try:
    for i in range(100):
        run("start", "sleep", "--name", f"app{i}", "--", "1000")
    for args in (["list", "--json"], ["list"], ["--version"]):
        out = subprocess.run([bench, "300", alter, "--home", home, *args], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        print(f"alter {' '.join(args)}: {out}")
finally:
    run("daemon", "stop")
    shutil.rmtree(home, ignore_errors=True)
sys.exit(0)
