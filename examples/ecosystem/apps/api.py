#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The demo web API: GET /health and GET /hello on 127.0.0.1:$PORT (default 8080).

Standard library only. Logs one line per request to stdout and stops cleanly on SIGTERM/SIGINT.
"""
import json
import os
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STARTED = time.time()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            body = {"status": "ok", "uptime_s": round(time.time() - STARTED, 1)}
        elif self.path.startswith("/hello"):
            body = {"message": "hello from the alter demo", "pid": os.getpid()}
        else:
            self.send_error(404, "try /health or /hello")
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        print("api: %s %s" % (self.address_string(), fmt % args), flush=True)


def main():
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)

    def stop(signum, _frame):
        print("api: got signal %d, shutting down" % signum, flush=True)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("api: listening on http://127.0.0.1:%d" % port, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
