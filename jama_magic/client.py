"""The one place that turns a ``JamaRequest`` into HTTP and a ``JamaResponse``.

``JamaClient`` (one per connection, see ``client_for``) applies auth, the
connection's adaptive pacing (``pacing.py``: a learned rate and requests in
flight), retries and paging, and has httpx errors translated
into ``jama_magic.errors`` once (``transport.py``). All I/O runs on the
session's I/O loop (``runner.py``), so ``send`` works in scripts and in a
running Jupyter kernel alike, and ``asend``/``arequest`` can be awaited from
any loop. Every response it builds gets the connection's name lookups
(``resp.names``), so ``resp.to_dataframe(resolve=True)`` needs nothing else.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .auth import Authenticator, HeaderAuth, Remember
from .connection import Connection, same_but_secrets
from .errors import JamaRequestError, ReadOnlyError, WriteNotConfirmedError
from .lookups import lookups_for
from .pacing import Pacer
from .paging import Progress, fetch_pages
from .replies import build_reply, too_large, wait_too_long
from .request import JamaRequest
from .response import JamaResponse, Paging, RequestView
from .retry import (
    MAX_RETRY_AFTER,
    RetryBudget,
    backoff,
    retry_after,
    retryable_error,
    retryable_status,
)
from .secrets import Secret
from .settings import Settings
from .state import session
from .stats import FetchStats
from .transport import (
    BodyTooLarge,
    build_http_request,
    no_cookies,
    read_body,
    request_view,
    translate_error,
    verify_option,
)

if TYPE_CHECKING:
    from .frames import NameSource

__all__ = ["JamaClient", "client_for"]

Confirm = Callable[[str], bool]
USER_AGENT = "jama-magic/0.1"
JAMA_CLOUD_RATE = 10.0  # requests/s, Jama Cloud's documented limit (the default cap there)


class JamaClient:
    """Sends requests over one connection (use ``client_for`` to share it)."""

    def __init__(
        self,
        connection: Connection,
        *,
        settings: Settings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        remember: Remember | None = None,
    ) -> None:
        self._auth = Authenticator(connection, remember=remember)
        self.settings = session.settings if settings is None else settings
        self.pacer = Pacer(self._cap, lambda: self.settings.max_concurrency)
        self.limiter = self.pacer.bucket
        self._transport = transport  # tests: an httpx.MockTransport instead of the network
        self._http: httpx.AsyncClient | None = None
        self.names: NameSource | None = None  # given to every response (client_for sets it)

    @property
    def connection(self) -> Connection:
        return self._auth.connection

    def _cap(self) -> float | None:
        """The hard cap on the rate: explicit (connection, then setting), else Jama Cloud's."""
        conn = self.connection
        explicit = conn.rate_limit or self.settings.rate_limit
        cloud = conn.host.lower().endswith(".jamacloud.com")
        return explicit or (JAMA_CLOUD_RATE if cloud else None)

    # the public surface
    def request(self, method: str, relative_url: str, **kw: Any) -> JamaResponse:
        """Build and send a request (see ``JamaRequest.build`` for the arguments)."""
        req, opts = _split(method, relative_url, kw)
        return self.send(req, **opts)

    async def arequest(self, method: str, relative_url: str, **kw: Any) -> JamaResponse:
        req, opts = _split(method, relative_url, kw)
        return await self.asend(req, **opts)

    def send(
        self,
        req: JamaRequest,
        *,
        raise_for_status: bool = True,
        progress: Progress | None = None,
        yes: bool = False,
        confirm: Confirm | None = None,
    ) -> JamaResponse:
        """Send ``req``; raises a ``JamaError`` on failure (4xx/5xx unless told not to)."""
        self._before(req, yes=yes, confirm=confirm)
        resp = session.io.run(self._dispatch(req, progress))
        return resp.raise_for_status() if raise_for_status else resp

    async def asend(
        self,
        req: JamaRequest,
        *,
        raise_for_status: bool = True,
        progress: Progress | None = None,
        yes: bool = False,
        confirm: Confirm | None = None,
    ) -> JamaResponse:
        self._before(req, yes=yes, confirm=confirm)
        resp = await session.io.run_async(self._dispatch(req, progress))
        return resp.raise_for_status() if raise_for_status else resp

    def submit(
        self, req: JamaRequest, *, progress: Progress | None = None, yes: bool = False
    ) -> concurrent.futures.Future[JamaResponse]:
        """Start sending ``req`` and return at once; ``cancel()`` on the future stops it.

        The checks of ``send`` (read-only, secrets) run now, in the caller's thread;
        4xx/5xx responses are results, not errors. A write on a ``confirm_writes``
        connection needs ``yes=True`` (there is no prompt here).
        """
        self._before(req, yes=yes, confirm=None)
        return session.io.submit(self._dispatch(req, progress))

    def prepare(self, req: JamaRequest) -> RequestView:
        """What ``send`` would send, secret masked (for ``--dry-run``)."""
        return self._view(req, self._build(req))

    def close(self) -> None:
        """Close the connection pool (waits for it)."""
        if self._http is not None:
            http, self._http = self._http, None
            session.io.run(http.aclose())

    def close_soon(self) -> None:
        """Close the connection pool on the I/O loop without waiting."""
        if self._http is not None:
            http, self._http = self._http, None
            session.io.submit(http.aclose())

    # checks done in the caller's thread, before any I/O
    def _before(self, req: JamaRequest, *, yes: bool, confirm: Confirm | None) -> None:
        conn = self.connection
        if req.is_write and conn.read_only:
            raise ReadOnlyError(
                f"connection '{conn.nickname}' is read-only: {req.method} refused before sending"
            )
        if req.is_write and conn.confirm_writes and not yes:
            question = f"{req.method} {req.url} on '{conn.nickname}' ({conn.host})?"
            if confirm is None or not confirm(question):
                raise WriteNotConfirmedError(
                    f"{req.method} on '{conn.nickname}' needs confirmation: add --yes (yes=True)"
                )
        self._auth.ensure_secret()

    # the I/O loop side
    async def _dispatch(self, req: JamaRequest, progress: Progress | None) -> JamaResponse:
        stats, began = FetchStats(), time.monotonic()
        if not (req.all_pages or req.limit):
            resp = await self._exchange(req, stats=stats)
        else:
            budget = RetryBudget(self.settings.retries * 10)
            resp = await fetch_pages(
                lambda page: self._exchange(page, budget=budget, stats=stats),
                req,
                view=self.prepare(req),
                page_size=self.settings.page_size,
                concurrency=self.settings.max_concurrency,
                progress=progress,
                stats=stats,
            )
        stats.elapsed, stats.rate_limit = time.monotonic() - began, self.pacer.control.rate
        resp.stats = stats
        return resp

    async def _exchange(
        self, req: JamaRequest, *, budget: RetryBudget | None = None, stats: FetchStats
    ) -> JamaResponse:
        """One request with pacing, retries and one token renewal."""
        budget = budget or RetryBudget(self.settings.retries)
        attempt, renewed = 0, False
        while True:
            try:
                resp, used_auth = await self._paced(req, attempt, stats)
            except JamaRequestError as exc:
                if not self._may_retry(attempt, budget, retryable_error(req.method, exc, attempt)):
                    if attempt:
                        exc.args = (f"{exc} (gave up after {_retries(attempt)})",)
                    raise
                await asyncio.sleep(backoff(attempt))
                attempt += 1
                continue
            if resp.status_code == 401 and self.connection.auth_kind == "oauth" and not renewed:
                self._auth.invalidate(used_auth)
                renewed = True
                continue
            if self._may_retry(attempt, budget, retryable_status(req.method, resp.status_code)):
                await self._wait_to_retry(
                    resp, attempt, retry_after(resp.headers.get("retry-after"))
                )
                attempt += 1
                continue
            return resp

    async def _paced(
        self, req: JamaRequest, attempt: int, stats: FetchStats
    ) -> tuple[JamaResponse, Secret]:
        """One exchange in its place in flight and its send slot; the pacer learns from it."""
        async with self.pacer.slot() as ticket:
            began = time.monotonic()
            try:
                resp, auth = await self._once(req, retries=attempt)
            except JamaRequestError:
                stats.record(None, time.monotonic() - began, retry=attempt > 0)
                raise
            self.pacer.answered(ticket, status=resp.status_code, latency=resp.elapsed)
            stats.record(resp.status_code, resp.elapsed, retry=attempt > 0)
            return resp, auth

    async def _wait_to_retry(self, resp: JamaResponse, attempt: int, asked: float | None) -> None:
        if asked is not None and asked > MAX_RETRY_AFTER:
            raise wait_too_long(resp, asked)
        delay = backoff(attempt, asked)
        if resp.status_code == 429:
            # the environment is over its limit: hold back every request of this connection;
            # the next send slot waits the pause out
            self.pacer.pause(delay)
        else:
            await asyncio.sleep(delay)

    def _may_retry(self, attempt: int, budget: RetryBudget, retryable: bool) -> bool:
        return retryable and attempt < self.settings.retries and budget.take()

    async def _once(self, req: JamaRequest, *, retries: int) -> tuple[JamaResponse, Secret]:
        """One HTTP exchange and the Authorization value it used (a ``Secret`` throughout:
        a verbose traceback prints the locals of every frame it passed)."""
        timeout = self._timeout(req)
        try:
            http = self._client()
            auth = await self._auth.header(http, timeout=timeout)
            request = self._build(req)
            # the exchange alone: a new client's setup or a token fetch is not this
            # request's latency (the pacer sizes its window and its round trip by it)
            began = time.monotonic()
            # httpx's timeout bounds each read; this bounds the whole exchange
            resp, content = await asyncio.wait_for(self._send(http, request, auth, req), timeout)
        except (httpx.HTTPError, asyncio.TimeoutError) as exc:
            error: JamaRequestError = translate_error(exc, req, self.connection, timeout)
        except BodyTooLarge as exc:
            limit = self.settings.max_body_mb
            error = too_large(exc.size, limit, self._view(req, request), self.connection.host)
        else:
            view, elapsed = self._view(req, request), time.monotonic() - began
            built = build_reply(
                resp,
                content,
                view,
                host=self.connection.host,
                elapsed=elapsed,
                retries=retries,
                names=self.names,
            )
            return built, auth
        # raised outside the except block: the httpx exception (whose request holds the
        # real Authorization header) must not ride along as __cause__ or __context__
        raise error

    async def _send(
        self, http: httpx.AsyncClient, request: httpx.Request, auth: Secret, req: JamaRequest
    ) -> tuple[httpx.Response, bytes | Path]:
        """Send, and read the body as a stream (bounded: ``max_body_mb``). Writes never
        follow a redirect: that would send them again, or as a GET."""
        resp = await http.send(
            request, auth=HeaderAuth(auth), follow_redirects=not req.is_write, stream=True
        )
        try:
            return resp, await read_body(resp, self.settings.max_body_mb * 2**20)
        finally:
            await resp.aclose()

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(
                transport=self._transport,
                verify=verify_option(self.connection.verify),
                follow_redirects=True,  # httpx drops Authorization when the host changes
                cookies=no_cookies(),  # ... but not cookies: keep none (auth is per request)
                # the pacer's window (max_concurrency, at most 64) decides what is in flight
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            )
        return self._http

    def _timeout(self, req: JamaRequest) -> float:
        return req.timeout or self.connection.timeout or self.settings.timeout

    def _build(self, req: JamaRequest) -> httpx.Request:
        return build_http_request(self.connection, req, self._timeout(req), USER_AGENT)

    def _view(self, req: JamaRequest, request: httpx.Request) -> RequestView:
        return request_view(self.connection, req, request, paging=self._paging(req))

    def _paging(self, req: JamaRequest) -> Paging | None:
        if not (req.all_pages or req.limit):
            return None
        return Paging(all_pages=req.all_pages, limit=req.limit, page_size=self.settings.page_size)


def _retries(n: int) -> str:
    return f"{n} retr{'y' if n == 1 else 'ies'}"


def _split(method: str, url: str, kw: dict[str, Any]) -> tuple[JamaRequest, dict[str, Any]]:
    send_keys = ("raise_for_status", "progress", "yes", "confirm")
    opts = {k: kw.pop(k) for k in send_keys if k in kw}
    query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = kw.pop("query", None)
    return JamaRequest.build(method, url, query=query, **kw), opts


def client_for(connection: Connection | str | None = None) -> JamaClient:
    """The shared client of a connection (its rate limiter is shared by every front door)."""
    conn = connection if isinstance(connection, Connection) else session.registry.get(connection)
    with session.lock:
        client = session.clients.get(conn.nickname)
        if client is None or not same_but_secrets(client.connection, conn):
            if client is not None:
                client.close_soon()
            client = _shared_client(conn)
        return client


def _shared_client(conn: Connection) -> JamaClient:
    client = JamaClient(conn, remember=session.registry.remember)
    session.clients[conn.nickname] = client
    session.drop(conn.nickname, keep_url=conn.base_url)  # names cached for an old URL
    client.names = lookups_for(client)
    return client
