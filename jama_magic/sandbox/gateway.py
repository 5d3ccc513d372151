"""The outermost ASGI layer: what a load balancer and Jama's front door do
before the API code runs.

For every request it counts, rejects ``//`` paths, maps
``/rest/{v1,latest,labs}/...`` onto the API routes, reads the whole request body
first (as nginx does, so a write slowed by latency or a ``slow`` fault is still
applied when the client has given up waiting), applies the rate limit (at the
door, as gateways do: a request over the limit is answered 429 at once, without
the latency), latency, scheduled and random faults (data calls only; the token endpoint only
gets faults scheduled with a ``path_prefix`` starting ``/oauth``), checks Basic
or Bearer auth, and serves ``POST /rest/oauth/token``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp as App
from starlette.types import Message, Receive, Scope, Send

from jama_magic.sandbox import error_shapes
from jama_magic.sandbox.auth import Authenticator
from jama_magic.sandbox.faults import SHAPES, Counters, FaultPlan, TokenBucket
from jama_magic.sandbox.responses import error_response

_API = re.compile(r"^/rest/(v1|latest|labs)(/.*)?$")
_CONTROLS = re.compile(r"^/rest/sandbox(/.+)$")
_CONTROL_ROOT = "/__sandbox"  # where the API app routes the controls (routes/controls.py)
TOKEN_PATH = "/rest/oauth/token"
_PROXY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass
class Controls:
    """Runtime-adjustable behaviour shared by the gateway and the Sandbox object."""

    counters: Counters
    bucket: TokenBucket
    faults: FaultPlan
    latency: float = 0.0


class Gateway:
    """ASGI middleware in front of the Starlette API app."""

    def __init__(self, app: App, *, auth: Authenticator, controls: Controls) -> None:
        self.app = app
        self.auth = auth
        self.controls = controls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # no websockets or lifespan here
        path, method = scope["path"], scope["method"]
        match = _API.match(path)
        inner = _normalise(match.group(2) or "/") if match else path
        if match and inner.startswith(_CONTROL_ROOT):
            match, inner = None, path  # the controls are not part of the Jama API
        control = _CONTROLS.match(path)
        if control:
            match, inner = control, _CONTROL_ROOT + _normalise(control.group(1))
        key_path = "/oauth/token" if path == TOKEN_PATH else inner
        self.controls.counters.request(method, key_path)
        if "//" in path:
            await _send(
                error_response(404, f"No resource at {path} (double slash)."), scope, receive, send
            )
        elif match:
            await self._api(scope, receive, send, inner)
        elif path == TOKEN_PATH:
            await self._token(scope, receive, send)
        else:
            message = f"No resource at {path}; the API is under /rest/v1/ and /rest/latest/."
            await _send(error_response(404, message), scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send, inner: str) -> None:
        controls = self.controls
        receive = await _buffered(receive)
        matched, kind = controls.faults.next_scheduled(scope["method"], inner)
        if kind is None and not controls.bucket.allow():
            # the limiter stands at the door: it answers at once, without the latency
            controls.counters.rate_limited()
            await _send(self._too_many(None), scope, receive, send)
            return
        if controls.latency > 0:
            await asyncio.sleep(controls.latency)
        if kind is None and not matched:
            kind = controls.faults.random_fault()
        inner_scope = {**scope, "path": inner, "raw_path": inner.encode(), "root_path": ""}

        async def serve(send_to: Send) -> None:
            await self._authenticated(inner_scope, receive, send_to)

        await self._maybe_fault(kind, scope, receive, send, serve)

    async def _authenticated(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = dict(scope["headers"]).get(b"authorization")
        problem = self.auth.problem(header.decode("latin-1") if header else None)
        if problem is not None:
            response = error_response(
                401, problem, headers={"WWW-Authenticate": 'Basic realm="Jama"'}
            )
            await _send(response, scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _token(self, scope: Scope, receive: Receive, send: Send) -> None:
        matched, kind = self.controls.faults.next_scheduled(
            scope["method"], "/oauth/token", token_endpoint=True
        )

        async def serve(send_to: Send) -> None:
            response = await self.auth.token_endpoint(Request(scope, receive))
            await response(scope, receive, send_to)

        await self._maybe_fault(kind if matched else None, scope, receive, send, serve)

    async def _maybe_fault(
        self,
        kind: str | None,
        scope: Scope,
        receive: Receive,
        send: Send,
        serve: Callable[[Send], Awaitable[None]],
    ) -> None:
        if kind is None:
            await serve(send)
            return
        self.controls.counters.fault()
        name, _, arg = kind.partition(":")
        if name == "slow":
            await asyncio.sleep(float(arg))
            await serve(send)
        elif name == "drop":
            await drop_connection(send)
        elif name == "truncate":
            await _truncated(serve, send)
        else:
            if name == "429":
                self.controls.counters.rate_limited()
            response = self._fault_response(name, arg, scope["path"])
            await _send(response, scope, receive, send)

    def _fault_response(self, name: str, arg: str, path: str) -> Response:
        if name in SHAPES and arg:
            return error_shapes.shaped(name, int(arg), path)
        if name == "429":
            return self._too_many(float(arg) if arg else None)
        if name == "html":
            return Response(_PROXY_PAGE, status_code=502, media_type="text/html")
        if name == "nonjson":
            return Response(
                "Service is in maintenance mode. Please try again later.\n", media_type="text/plain"
            )
        return error_response(int(name), f"Injected fault: the sandbox answered {name} on purpose.")

    def _too_many(self, retry_after: float | None) -> Response:
        seconds = retry_after if retry_after is not None else self.controls.bucket.retry_after
        headers = {"Retry-After": _seconds(seconds)} if seconds is not None else None
        return error_response(429, "Too many requests: the API rate limit was exceeded.", headers)


async def _buffered(receive: Receive) -> Receive:
    """Read the request body now; the returned ``receive`` replays it, then goes live."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


def _normalise(inner: str) -> str:
    # The official client asks for "itemtypes/" and "users/": Jama serves those too.
    return inner.rstrip("/") or "/"


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


async def _send(response: Response, scope: Scope, receive: Receive, send: Send) -> None:
    await response(scope, receive, send)


async def drop_connection(send: Send) -> None:
    """Close the TCP connection without any response.

    uvicorn hands the app a bound method of its per-request cycle, which holds
    the transport; aborting it is exactly a dropped connection. Under another
    server (no transport reachable) the closest equivalent is a response that
    promises a body and never sends it, which the server then cuts off.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]}
        )
        return
    transport.abort()
    for _ in range(20):  # let connection_lost mark the cycle disconnected before we return
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0)


async def _truncated(serve: Callable[[Send], Awaitable[None]], send: Send) -> None:
    """Serve normally but deliver only half the body, then drop the connection."""
    messages: list[Message] = []

    async def capture(message: Message) -> None:
        messages.append(message)

    await serve(capture)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": start["status"], "headers": headers})
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    await drop_connection(send)
