#!/usr/bin/env python3
"""Records every POST/PUT a chat integration sends, standing in for Discord, Slack, Matrix and friends.

Usage: webhook_receiver.py HOST PORT LOGFILE

- every POST/PUT is appended to LOGFILE as one JSON line (time, method, path, query, headers, body)
- GET /requests returns them as a JSON array; DELETE /requests clears them
- replies: paths under /slack/ get "ok" (Slack's contract), everything else {"id": "<n>"} (Discord with ?wait=true)
- POST /_control/fail {"status": 429, "count": 2, "retry_after": 1} makes the next `count` requests fail
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

lock = threading.Lock()
failures = {"status": 0, "count": 0, "retry_after": None}
counter = {"n": 0}


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self):
        # HTTPServer.server_bind calls socket.getfqdn, a reverse lookup that would leave loopback. What
        # TCPServer.server_bind would have done first: reuse the port while the last lab's connections
        # are still in TIME_WAIT, so stop + start in quick succession works.
        import socket
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(self.server_address)
        self.server_name, self.server_port = self.server_address[:2]


class Handler(BaseHTTPRequestHandler):
    log_path = ""

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path))

    def address_string(self):
        return self.client_address[0]

    def _reply(self, status, body, content_type="application/json", headers=None):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode("utf-8", "replace") if n else ""

    def do_GET(self):
        if urlsplit(self.path).path == "/requests":
            with lock:
                try:
                    with open(self.log_path) as f:
                        lines = [json.loads(l) for l in f if l.strip()]
                except FileNotFoundError:
                    lines = []
            self._reply(200, json.dumps(lines))
        else:
            self._reply(404, '{"error": "not found"}')

    def do_DELETE(self):
        if urlsplit(self.path).path == "/requests":
            with lock:
                open(self.log_path, "w").close()
            self._reply(200, "{}")
        else:
            self._reply(404, '{"error": "not found"}')

    def do_POST(self):
        self._record()

    def do_PUT(self):
        self._record()

    def _record(self):
        url = urlsplit(self.path)
        body = self._body()
        if url.path == "/_control/fail":
            spec = json.loads(body or "{}")
            with lock:
                failures.update(status=int(spec.get("status", 500)), count=int(spec.get("count", 1)),
                                retry_after=spec.get("retry_after"))
            self._reply(200, "{}")
            return
        entry = {"time": time.time(), "method": self.command, "path": url.path, "query": url.query,
                 "headers": {k: v for k, v in self.headers.items()}, "body": body}
        with lock:
            fail = failures["count"] > 0
            if fail:
                failures["count"] -= 1
                status, retry_after = failures["status"], failures["retry_after"]
            entry["status"] = status if fail else 200
            with open(self.log_path, "a") as f:
                f.write(json.dumps(entry) + "\n")
            counter["n"] += 1
            n = counter["n"]
        if fail:
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            self._reply(status, json.dumps({"message": "injected failure", "retry_after": retry_after}),
                        headers=headers)
        elif url.path.startswith("/slack/"):
            self._reply(200, "ok", content_type="text/plain")
        else:
            self._reply(200, json.dumps({"id": str(n)}))


def main():
    host, port, log_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    Handler.log_path = log_path
    open(log_path, "a").close()
    Server((host, port), Handler).serve_forever()


if __name__ == "__main__":
    main()
