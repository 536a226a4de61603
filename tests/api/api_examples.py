#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Run a real alterd in a temp dir, call every route with curl and print the exchanges as
Markdown: the examples of docs/API.md come from here (not a test; pytest does not collect it).

    ALTERD_BIN=build/alterd/alterd tests/api/api_examples.py               # print them all
    ALTERD_BIN=build/alterd/alterd tests/api/api_examples.py --update docs/API.md
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conftest import Daemon, sh, sleeper, wait_for  # noqa: E402

SHOWN_SOCK = "~/.alter-pm2/alterd.sock"
SUBST = {}  # temp paths -> the paths shown in the docs
EXAMPLES = {}  # title -> Markdown (command and exchange)
MARK = re.compile(r"(<!-- example: (.+?) -->\n)(.*?)(<!-- /example -->)", re.S)
KEEP_HEADERS = ("content-type", "location", "allow", "content-disposition", "cache-control")


def shorten(value, depth=0):
    """Long lists and the full spec are cut for the docs."""
    if isinstance(value, dict):
        return {k: ("{…}" if k == "spec" and depth == 0 and len(json.dumps(v)) > 200 else shorten(v, depth + 1))
                for k, v in value.items()}
    if isinstance(value, list) and len(value) > 4:
        return [shorten(v, depth + 1) for v in value[:3]] + ["…"]
    if isinstance(value, list):
        return [shorten(v, depth + 1) for v in value]
    return value


def pretty(value, depth=0, inline_from=2):
    """JSON with one member per line down to `inline_from` levels, then one line per value."""
    if depth >= inline_from or not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    pad = "  " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k)}: {pretty(v, depth + 1, inline_from)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    items = [pad + pretty(v, depth + 1, inline_from) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"


def show_body(body, ctype, full=False):
    if ctype.startswith("application/json") and body:
        try:
            doc = json.loads(body)
        except ValueError:
            return body
        text = pretty(doc if full else shorten(doc))
        return text.replace('"{…}"', "{…}").replace('"…"', "…")
    lines = body.splitlines()
    if len(lines) > 30:
        lines = lines[:30] + ["…"]
    return "\n".join(lines)


def curl(d, method, path, body=None, ctype="application/json", title="", full=False, extra=(), stream_for=None):
    args = ["curl", "-s", "-i", "--unix-socket", d.sock]
    shown = ["curl", "-s", "--unix-socket", SHOWN_SOCK]
    if method != "GET":
        args += ["-X", method]
        shown += ["-X", method]
    if body is not None:
        data = body if isinstance(body, str) else json.dumps(body)
        args += ["-H", f"Content-Type: {ctype}", "--data-binary", data]
        shown += ["-H", f"Content-Type: {ctype}", "-d", data]
    if stream_for:
        args += ["-N", "--max-time", str(stream_for)]
        shown += ["-N"]
    args += list(extra) + [f"http://localhost/api/v1{path}"]
    shown += list(extra) + [f"http://localhost/api/v1{path}"]
    out = subprocess.run(args, capture_output=True).stdout.decode("utf-8", "replace")
    head, _, rest = out.partition("\r\n\r\n")
    status = head.splitlines()[0]
    headers = [h for h in head.splitlines()[1:] if h.split(":")[0].lower() in KEEP_HEADERS]
    ctype_got = next((h.split(":", 1)[1].strip() for h in headers if h.lower().startswith("content-type")), "")
    cmd = " ".join(shlex.quote(a) if a != SHOWN_SOCK else a for a in shown)
    EXAMPLES[title or method + " " + path] = (
        "```sh\n" + subst(cmd) + "\n```\n\n" +
        "```http\n" + subst("\n".join([status.replace("\r", "")] + headers) + "\n\n" +
                             show_body(rest, ctype_got, full)).rstrip("\n") + "\n```\n")
    return rest


def subst(text):
    for k, v in SUBST.items():
        text = text.replace(k, v)
    return text


def main():
    base = tempfile.mkdtemp(prefix="alter-api-doc-", dir="/tmp")
    d = Daemon(os.path.join(base, "home")).start()
    SUBST[d.home] = "/home/me/.alter-pm2"
    SUBST[base] = "/srv/shop"
    try:
        run(d, base)
    finally:
        d.stop()
        shutil.rmtree(base, ignore_errors=True)
    if len(sys.argv) == 3 and sys.argv[1] == "--update":
        # Replace every <!-- example: TITLE --> ... <!-- /example --> block of the file.
        with open(sys.argv[2]) as f:
            doc = f.read()
        missing = [m.group(2) for m in MARK.finditer(doc) if m.group(2) not in EXAMPLES]
        if missing:
            sys.exit(f"no example named {missing}")
        doc = MARK.sub(lambda m: m.group(1) + EXAMPLES[m.group(2)] + m.group(4), doc)
        with open(sys.argv[2], "w") as f:
            f.write(doc)
        return
    for title, md in EXAMPLES.items():
        print(f"<!-- example: {title} -->\n{md}<!-- /example -->\n")


def run(d, base):
    curl(d, "GET", "/system/health", full=True)
    curl(d, "GET", "/system/stats", full=True)
    curl(d, "GET", "/system/paths", full=True)

    curl(d, "POST", "/processes", {"name": "api", "command": "/bin/sh",
                                   "args": ["-c", "while :; do echo tick; sleep 1; done"],
                                   "namespace": "shop", "env": {"PORT": "8080"}}, full=True,
         title="POST /processes (create and start)")
    wait_for(lambda: d.instance("api")["status"] == "running")
    d.create(sleeper("worker", instances=2, namespace="shop"))
    wait_for(lambda: d.instance("worker-1")["status"] == "running")
    curl(d, "GET", "/processes")
    curl(d, "GET", "/processes?namespace=shop", title="GET /processes?namespace=shop")
    curl(d, "GET", "/processes/api")
    curl(d, "PATCH", "/processes/api", {"max_restarts": 5, "env": {"PORT": "9090"}})
    curl(d, "POST", "/processes/api/stop")
    curl(d, "POST", "/processes/api/start")
    curl(d, "POST", "/processes/api/restart")
    curl(d, "POST", "/processes/api/reset")
    curl(d, "PATCH", "/processes/worker/enabled", {"enabled": False})
    curl(d, "POST", "/processes/worker/start", title="POST /processes/worker/start (disabled: 409)")
    curl(d, "PATCH", "/processes/worker/enabled", {"enabled": True},
         title="PATCH /processes/worker/enabled (true)")
    curl(d, "POST", "/processes/namespace/shop/stop")
    curl(d, "POST", "/processes/namespace/shop/start")
    curl(d, "POST", "/processes/namespace/shop/restart")
    d.create(sh("nightly", "echo report done", cron="0 3 * * *"), start=False)
    curl(d, "POST", "/processes/nightly/run")
    wait_for(lambda: d.get("/processes/nightly/runs").json()["runs"] and
             not d.get("/processes/nightly/runs").json()["runs"][0]["running"])
    curl(d, "GET", "/processes/nightly/runs", full=True)
    curl(d, "DELETE", "/processes/nightly")

    wait_for(lambda: len(d.get("/processes/api/logs").json()["lines"]) >= 3)
    curl(d, "GET", "/processes/api/logs?lines=3&stream=out", full=True,
         title="GET /processes/api/logs?lines=3&stream=out")
    curl(d, "GET", "/processes/api/logs?grep=ti.k&regex=1&lines=2", full=True,
         title="GET /processes/api/logs?grep=ti.k&regex=1&lines=2")
    curl(d, "GET", "/processes/api/logs/dates", full=True)
    curl(d, "GET", "/processes/api/logs/files", full=True)
    curl(d, "GET", "/processes/api/logs/stream?backlog=2", stream_for=2.5,
         title="GET /processes/api/logs/stream?backlog=2 (SSE)")
    curl(d, "GET", "/processes/api/logs/download?stream=out", title="GET /processes/api/logs/download?stream=out")
    curl(d, "DELETE", "/processes/api/logs")


    def later():
        time.sleep(0.5)
        d.create(sh("oops", "exit 3", restart="never"))

    t = threading.Thread(target=later)
    t.start()
    curl(d, "GET", "/events", stream_for=2, title="GET /events (SSE; an app that exits with 3 is added meanwhile)")
    t.join()
    d.delete("/processes/oops")
    curl(d, "GET", "/metrics")

    path = os.path.join(base, "alter.toml")
    with open(path, "w") as f:
        f.write('[[apps]]\nname = "web"\ncommand = "/bin/sleep"\nargs = ["600"]\ncwd = "."\n\n'
                '[[apps]]\nname = "jobs"\ncommand = "/bin/sleep"\nargs = ["600"]\n')
    curl(d, "POST", "/ecosystem", {"path": path}, full=True, title="POST /ecosystem (a file)")
    curl(d, "POST", "/ecosystem", {"path": path}, full=True, title="POST /ecosystem (the same file again)")
    curl(d, "POST", "/ecosystem", {"content": "[[apps]]\nname = \"web\"\ncommand = \"/bin/sleep\"\nargs = [\"601\"]\n",
                                   "format": "toml"}, full=True, title="POST /ecosystem (content)")
    curl(d, "POST", "/ecosystem/stop", {"path": path}, full=True)
    curl(d, "POST", "/ecosystem/start", {"path": path}, full=True)
    curl(d, "POST", "/ecosystem/restart", {"path": path}, full=True)
    curl(d, "POST", "/ecosystem/delete", {"content": "[[apps]]\nname = \"jobs\"\ncommand = \"/bin/sleep\"\n"},
         full=True, title="POST /ecosystem/delete")
    curl(d, "POST", "/config/validate", {"content": "[[apps]]\nname = \"x\"\ncommand = \"/bin/true\"\ncron = \"@daily\"\n",
                                         "filename": "alter.toml"}, title="POST /config/validate")
    curl(d, "POST", "/config/validate", {"content": "[[apps]]\nname = \"x\"\ncomand = \"/bin/true\"\n",
                                         "filename": "alter.toml"}, full=True,
         title="POST /config/validate (an error)")
    curl(d, "GET", "/cron/next?expr=0+3+*+*+1-5&n=3", full=True, title="GET /cron/next?expr=0+3+*+*+1-5&n=3")
    curl(d, "PUT", "/system/settings", {"theme": "dark", "tail_lines": 200}, full=True)
    curl(d, "GET", "/system/settings", full=True)
    curl(d, "POST", "/system/save", full=True)
    curl(d, "POST", "/system/resurrect", full=True)

    curl(d, "POST", "/processes", "{\"name\": ", full=True, title="malformed JSON")
    curl(d, "POST", "/processes", {"name": "x", "comand": "/bin/true"}, full=True, title="unknown field")
    curl(d, "POST", "/processes", {"name": "x", "command": "/bin/true", "instances": "many"},
         full=True, title="wrong type")
    curl(d, "POST", "/processes", {"name": "../x", "command": "/bin/true"}, full=True, title="impossible name")
    curl(d, "GET", "/processes/nope", full=True, title="unknown app")
    curl(d, "PUT", "/processes", full=True, title="wrong method")
    curl(d, "POST", "/processes", "name=x", ctype="application/x-www-form-urlencoded", full=True,
         title="wrong Content-Type")
    curl(d, "POST", "/system/shutdown", full=True)
    d.wait_exit()


if __name__ == "__main__":
    main()
