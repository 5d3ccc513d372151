"""Fetching many pages: plan, fetch concurrently, check consistency, merge in server order.

``fetch_pages`` reads the first page to learn ``totalResults``, then fetches
the remaining pages concurrently (at most ``concurrency`` at once; the
connection's rate limiter and retries live in the ``exchange`` it is given).
``/relationships`` uses Jama's ``lastId`` keyset paging instead, one page after
another.

Lists change while they are read. Every page reports the ``totalResults`` it
saw, and pages are sent in order, so:

- totals that never go down mean items were only added: an item can move to a
  later offset but never skip a page, so reading the new tail (up to the newest
  total) completes the list; the duplicates this causes are dropped by ``id``.
- a total that goes down means items were removed (or pages were read out of
  order while items were added): items may have moved to a page already read,
  so the whole list is read again.

Both are reported in ``JamaResponse.warnings``; after ``MAX_ROUNDS`` the fetch
gives up repairing and says so.

Progress: ``Progress`` methods are called on jama_magic's I/O thread (see
``runner``), never on the caller's thread, in the order ``start`` (once, when
the first page is in), ``advance`` (once per page of the first pass) and
``close`` (always, also on errors and cancellation). Implementations must be
quick and thread-safe; an exception in one switches the display off for the
rest of the fetch and never fails the fetch.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import JamaProtocolError
from ..request import JamaRequest
from ..response import JamaResponse, RequestView
from .keyset import KeysetFetch
from .merge import Exchange, merge_pages, rows_of, total_of

__all__ = ["MAX_PAGE", "Page", "Progress", "fetch_pages", "merge_pages", "plan_pages"]

MAX_PAGE = 50
MAX_ROUNDS = 3  # repairs of a list that changes while it is read
ODD_PAGE_RETRIES = 2  # a 200 that is not a list page, in the middle of a fetch
KEYSET_PATHS = frozenset({"/relationships"})

_log = logging.getLogger("jama_magic")


class Progress(Protocol):
    """Receives progress of a multi-page fetch (a bar in notebooks); see the module doc."""

    def start(self, *, total_items: int | None, total_pages: int | None) -> None: ...

    def advance(self, *, items: int, pages: int) -> None: ...

    def close(self) -> None: ...


class _SafeProgress:
    """Forwards to the caller's progress; one that fails is switched off, the fetch goes on."""

    def __init__(self, inner: Progress | None) -> None:
        self._inner = inner

    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        self._call("start", total_items=total_items, total_pages=total_pages)

    def advance(self, *, items: int, pages: int) -> None:
        self._call("advance", items=items, pages=pages)

    def close(self) -> None:
        self._call("close")

    def _call(self, name: str, **kw: Any) -> None:
        if self._inner is None:
            return
        try:
            getattr(self._inner, name)(**kw)
        except Exception:
            _log.warning("the progress display failed; continuing without it", exc_info=True)
            self._inner = None


@dataclass(frozen=True)
class Page:
    """One planned request: ``size`` items from offset ``start``."""

    start: int
    size: int


def plan_pages(start: int, end: int, size: int) -> list[Page]:
    """Pages covering offsets ``[start, end)``, ``size`` at a time."""
    return [Page(s, min(size, end - s)) for s in range(start, end, size)]


def only_grew(totals: Sequence[int]) -> bool:
    """Whether the totals seen by pages sent in order never went down."""
    return all(a <= b for a, b in itertools.pairwise(totals))


async def fetch_pages(
    exchange: Exchange,
    req: JamaRequest,
    *,
    page_size: int,
    concurrency: int,
    progress: Progress | None = None,
    view: RequestView | None = None,
) -> JamaResponse:
    """Every page of ``req`` (or up to ``req.limit`` items), merged into one response.

    ``view``: what the merged response shows as its request (the client gives
    the view of ``req``, the request the user made; by default the first page's).
    """
    shown = _SafeProgress(progress)
    began = time.monotonic()
    size = _page_size(req, page_size)
    try:
        if req.url.rstrip("/") in KEYSET_PATHS:
            fetch: KeysetFetch | _Offset = KeysetFetch(
                exchange, req, size=size, progress=shown, concurrency=concurrency
            )
        else:
            fetch = _Offset(exchange, req, size=size, concurrency=concurrency, progress=shown)
        pages = await fetch.run()
    finally:
        shown.close()
    return merge_pages(
        pages,
        elapsed=time.monotonic() - began,
        warnings=fetch.notes,
        limit=req.limit,
        request=view,
        retries=fetch.retries,  # also those of pages read again and dropped
    )


def _page_size(req: JamaRequest, default: int) -> int:
    given = req.query_value("maxResults")
    size = int(given) if given and given.isdigit() else default
    return max(1, min(size, MAX_PAGE))


def _int_query(req: JamaRequest, key: str, default: int) -> int:
    given = req.query_value(key)
    return int(given) if given and given.isdigit() else default


class _PageFailed(Exception):
    """A page answered with an error: the fetch stops and returns it."""

    def __init__(self, response: JamaResponse) -> None:
        self.response = response


Got = tuple[Page, JamaResponse]


class _Offset:
    """``startAt``/``maxResults`` paging: first page, the rest concurrently, then repairs."""

    def __init__(
        self, exchange: Exchange, req: JamaRequest, *, size: int, concurrency: int, progress: Any
    ) -> None:
        self.exchange, self.req, self.size, self.progress = exchange, req, size, progress
        self.start = _int_query(req, "startAt", 0)
        self.gate = asyncio.Semaphore(max(1, concurrency))
        self.notes: list[str] = []
        self.retries = 0
        self.first_pass = True
        self.reread = 0

    async def exchange_page(self, page: Page) -> JamaResponse:
        async with self.gate:
            resp = await self.exchange(
                self.req.with_query(startAt=page.start, maxResults=page.size)
            )
        self.retries += resp.retries
        return resp

    def end(self, total: int) -> int:
        return total if self.req.limit is None else min(total, self.start + self.req.limit)

    async def run(self) -> list[JamaResponse]:
        try:
            got = await self.read_all()
            self.first_pass = False
            if len(got) > 1 or _pageable(got[0][1]):
                got = await self.settle(got)
        except _PageFailed as failed:
            return [failed.response]
        return [resp for _, resp in got]

    async def read_all(self) -> list[Got]:
        want = min(self.size, self.req.limit or self.size)
        first = await self.read_one(Page(self.start, want))
        if not _pageable(first):
            return [(Page(self.start, want), first)]
        total, rows = total_of(first) or 0, rows_of(first)
        if 0 < len(rows) < want and self.start + len(rows) < total:
            self.size = len(rows)  # the server serves fewer per page than asked: follow it
        plan = plan_pages(self.start + len(rows), self.end(total), self.size) if rows else []
        if self.first_pass:
            self.progress.start(total_items=self.end(total) - self.start, total_pages=1 + len(plan))
            self.progress.advance(items=len(rows), pages=1)
        return [(Page(self.start, len(rows)), first), *await self.read(plan)]

    async def read(self, plan: list[Page]) -> list[Got]:
        tasks = [asyncio.ensure_future(self.read_one(page)) for page in plan]
        try:
            responses = await asyncio.gather(*tasks)
        finally:
            for task in tasks:  # after a failed page (or a cancel), stop the others at once
                task.cancel()
        return list(zip(plan, responses, strict=True))

    async def read_one(self, page: Page) -> JamaResponse:
        first = page.start == self.start
        resp = await self.exchange_page(page)
        for _ in range(ODD_PAGE_RETRIES):  # e.g. a proxy's 200 maintenance page
            if not _odd(resp, first=first):
                break
            self.retries += 1
            resp = await self.exchange_page(page)
        if _odd(resp, first=first):
            raise JamaProtocolError(
                f"GET {self.req.url} (startAt={page.start}) answered 200 without a JSON page"
                f" {ODD_PAGE_RETRIES + 1} times: the server or a proxy may be in maintenance;"
                " try again later",
                method="GET",
                url=self.req.url,
            )
        if not resp.ok:
            raise _PageFailed(resp)
        if self.first_pass and page.start != self.start:
            self.progress.advance(items=len(rows_of(resp)), pages=1)
        return resp

    async def settle(self, got: list[Got]) -> list[Got]:
        """Repair what a list changing during the read did (see the module doc)."""
        first_total = total_of(got[0][1]) or 0
        for _ in range(MAX_ROUNDS):
            totals = [total_of(resp) or 0 for _, resp in got]
            if not only_grew(totals):
                got = await self.read_again(self.read_all())
                continue
            last_page, last = got[-1]
            covered = last_page.start + len(rows_of(last))
            tail = plan_pages(covered, self.end(totals[-1]), self.size)
            if not tail or not rows_of(last):
                self.note_change(first_total, totals[-1], settled=True)
                return got
            got = got + await self.read_again(self.read(tail))
        self.note_change(first_total, total_of(got[-1][1]) or 0, settled=False)
        return got

    async def read_again(self, reading: Awaitable[list[Got]]) -> list[Got]:
        got = await reading
        self.reread += len(got)
        return got

    def note_change(self, before: int, after: int, *, settled: bool) -> None:
        if not self.reread:
            return
        note = (
            f"the list changed during the fetch (totalResults {before} -> {after});"
            f" {self.reread} page(s) were read again so each item appears once"
        )
        if not settled:
            note += "; it kept changing, so items may be missing: fetch again when edits stop"
        self.notes.append(note)


def _odd(resp: JamaResponse, *, first: bool) -> bool:
    """A 200 that cannot be a page: text where JSON belongs (any page), or no list page (later)."""
    if not resp.ok:
        return False
    return isinstance(resp.body, str) if first else not _pageable(resp)


def _pageable(resp: JamaResponse) -> bool:
    return resp.ok and total_of(resp) is not None and isinstance(resp.data, list)
