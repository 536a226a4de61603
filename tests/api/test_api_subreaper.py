# SPDX-License-Identifier: MIT
"""alterd is a child subreaper: an app's orphaned grandchildren become alterd's children, are
reaped when they end (no zombies), and die with the app when it is stopped."""

import os
import re

from conftest import proc_alive, proc_ppid, wait_for

# The inner sh ignores SIGTERM, says its pid, and becomes sleep; the subshell around it exits at
# once, so the sleep is orphaned while the app's own sleep keeps running.
ORPHANING = "( sh -c 'trap \"\" TERM; echo orphan $$; exec sleep 1000' & ); exec sleep 1000"


def orphan_pid(daemon, app):
    def find():
        r = daemon.get(f"/processes/{app}/logs?lines=20")
        for line in r.json().get("lines", []):
            m = re.match(r"orphan (\d+)", line.get("text", ""))
            if m:
                return int(m.group(1))
        return None

    return wait_for(find, what="the orphan's pid in the log")


def test_orphans_are_adopted_reaped_and_stopped(daemon):
    daemon.create({"name": "orphaner", "command": "/bin/sh", "args": ["-c", ORPHANING], "kill_timeout_ms": 300})
    daemon.wait_status("orphaner", "running")
    pid = orphan_pid(daemon, "orphaner")
    # Re-parented to alterd, not to init.
    wait_for(lambda: proc_ppid(pid) == daemon.pid, what="the orphan re-parented to alterd")
    assert daemon.post("/processes/orphaner/stop").status == 200
    daemon.wait_status("orphaner", "stopped")
    # It ignored SIGTERM: SIGKILL after the kill timeout ended it, and alterd reaped it (no
    # zombie left: the /proc entry is gone).
    wait_for(lambda: not os.path.exists(f"/proc/{pid}"), what="the orphan killed and reaped")
    assert not proc_alive(pid)


def test_an_orphan_that_ends_by_itself_leaves_no_zombie(daemon):
    script = "( sh -c 'echo orphan $$; exec sleep 0.3' & ); exec sleep 1000"
    daemon.create({"name": "shortorphan", "command": "/bin/sh", "args": ["-c", script]})
    pid = orphan_pid(daemon, "shortorphan")
    wait_for(lambda: not os.path.exists(f"/proc/{pid}"), what="the finished orphan reaped by alterd")
    assert daemon.instance("shortorphan")["status"] == "running"
    assert daemon.delete("/processes/shortorphan").status == 200
