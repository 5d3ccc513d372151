"""A scripted hostile HTTP server on loopback: any status line, headers or body, or a drop.

``HostileServer(script)`` answers request number ``n`` with ``script(seen, n)``:
a ``Reply`` (status, reason phrase, headers, body as bytes or chunks) or
``DROP`` to close the connection without answering. Every request is recorded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ._servers import Seen


@dataclass(frozen=True)
class Reply:
    """What the server sends back; ``length`` is the Content-Length of a chunked body."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    content_type: str | None = "application/json"
    length: int | None = None


DROP = None
Script = Callable[[Seen, int], "Reply | None"]


class HostileServer:
    """A loopback server in a thread answering as ``script`` says."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _record(self, seen: Seen) -> int:
        with self._lock:
            self.seen.append(seen)
            return len(self.seen) - 1

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, dict(self.headers.items()), body)
                reply = owner.script(seen, owner._record(seen))
                if reply is None:
                    self.close_connection = True
                    return
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                self.send_response_only(reply.status, reply.reason)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.content_type:
                    self.send_header("Content-Type", reply.content_type)
                chunks = [reply.body] if isinstance(reply.body, bytes) else reply.body
                size = len(reply.body) if isinstance(reply.body, bytes) else reply.length
                if size is not None:
                    self.send_header("Content-Length", str(size))
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for chunk in chunks:
                        self.wfile.write(chunk)
                except OSError:  # the client stopped reading: expected for refused bodies
                    pass
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def json_reply(text: str, status: int = 200, **kw: Any) -> Reply:
    """A reply whose body is ``text`` (already JSON, or deliberately not)."""
    return Reply(status=status, body=text.encode(), **kw)
