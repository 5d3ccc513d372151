"""Tiny loopback HTTP servers for attacks the sandbox cannot stage.

``RecordingServer`` answers every request with one fixed reply and records
what it received (method, path, headers, body): as a *trap* (any request that
reaches it is a leak) or as a *redirector* (302/307 to another loopback port).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Seen:
    """One request a ``RecordingServer`` received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class RecordingServer:
    """A loopback server in a thread: fixed reply, every request recorded."""

    def __init__(
        self,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        body: Any = None,
        token: str | None = None,
    ) -> None:
        self.status = status
        self.reply_headers = dict(headers or {})
        default = {"meta": {"status": "OK"}, "data": {"trap": True}}
        self.body = json.dumps(default if body is None else body).encode()
        self.token = token  # when set, POST /rest/oauth/token answers 200 with this token
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RecordingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RecordingServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with owner._lock:
                    owner.seen.append(
                        Seen(self.command, self.path, {k: v for k, v in self.headers.items()}, body)
                    )
                status, headers, reply = owner.status, owner.reply_headers, owner.body
                if owner.token and self.path.endswith("/rest/oauth/token"):
                    status, headers = 200, {}
                    reply = json.dumps({"access_token": owner.token, "expires_in": 3600}).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _any

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

        return Handler


class TLSCounter:
    """A TLS listener that counts TCP connections (handshakes tried) and serves nothing."""

    def __init__(self, certfile: str, keyfile: str) -> None:
        import socket
        import ssl

        self.connections = 0
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(certfile, keyfile)
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.connections += 1
            try:
                self._context.wrap_socket(conn, server_side=True).close()
            except OSError:  # the client refused our certificate: expected
                conn.close()

    def __enter__(self) -> TLSCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


class ListServer:
    """A loopback list endpoint that can lie: about ``totalResults``, or by ignoring paging.

    Serves ``GET /rest/latest/<anything>`` from ``rows`` with Jama's envelope:
    ``startAt``/``maxResults`` paging (or ``lastId``, ascending ids), where
    ``total`` is the ``totalResults`` it reports (the truth by default),
    ``ignore_start``/``ignore_last_id`` serve the first page whatever is asked,
    ``page_info=False`` leaves ``meta.pageInfo`` out, and ``endless`` serves a
    full page at any offset. ``requests`` counts what it received.
    """

    def __init__(
        self,
        rows: int,
        *,
        total: int | None = None,
        ignore_start: bool = False,
        ignore_last_id: bool = False,
        page_info: bool = True,
        endless: bool = False,
    ) -> None:
        self.rows = [{"id": 1000 + i, "type": "items"} for i in range(rows)]
        self.endless = endless  # every page full, whatever startAt asks
        self.total = rows if total is None else total
        self.ignore_start, self.ignore_last_id = ignore_start, ignore_last_id
        self.page_info = page_info
        self.requests = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ListServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def page(self, query: dict[str, str]) -> dict[str, Any]:
        size = min(int(query.get("maxResults", "20")), 50)
        start = 0 if self.ignore_start else int(query.get("startAt", "0"))
        if "lastId" in query and not self.ignore_last_id:
            after = int(query["lastId"])
            rows = [row for row in self.rows if row["id"] > after][:size]
        elif self.endless:
            rows = [{"id": 1000 + i, "type": "items"} for i in range(start, start + size)]
        else:
            rows = self.rows[start : start + size]
        meta: dict[str, Any] = {"status": "OK"}
        if self.page_info:
            meta["pageInfo"] = {
                "startIndex": start,
                "resultCount": len(rows),
                "totalResults": self.total,
            }
        return {"meta": meta, "links": {}, "linked": {}, "data": rows}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        from urllib.parse import parse_qsl, urlsplit

        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with owner._lock:
                    owner.requests += 1
                query = dict(parse_qsl(urlsplit(self.path).query))
                reply = json.dumps(owner.page(query)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
