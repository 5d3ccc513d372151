"""Keyset paging for ``/relationships``: ``lastId`` instead of ``startAt``.

Jama answers ``GET /relationships?project=`` only with ``lastId`` (about 9.6.2,
2024): ask ``lastId=0``, then the ``id`` of the last row, in ascending ids,
until an empty page or ``totalResults`` rows.

One page after another is slow on a distant server (20,000 relationships are
400 pages: 100 s at 250 ms a page), so after the first page the id range still
to read is cut into ``concurrency`` segments, read side by side. The first page
gives the total and how densely the ids are spread; the segments cover the
estimated rest of the range, each read from its lower bound (``lastId``) until
a row passes its upper bound. Each segment covers whole pages of the estimate,
and rows it reads past its bound are read again by the next one and dropped
as duplicates, so cutting costs at most one request per segment and round
(none when the ids are spread evenly). When the estimate was short, another
round starts where the rows past the last bound begin, estimated from them;
when it was long, a segment finds the end early. A ``limit`` is read one page
after another.

Every page must bring rows its sequence (the first page, then one segment) has
not seen and move ``lastId`` forward. A page that does not means the server
ignores ``lastId`` (Jama before 2024 pages ``/relationships`` with ``startAt``):
``LastIdIgnored`` is raised, the other segments are stopped, and the caller
reads the list with ``startAt`` instead, rather than looping forever or merging
the same page again and again.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

from ..errors import JamaProtocolError
from ..request import JamaRequest
from ..response import JamaResponse
from .merge import Exchange, rows_of, total_of

__all__ = ["KeysetFetch", "LastIdIgnored"]

MAX_ROUNDS = 20  # rounds of segments before the rest is read one page after another

T = TypeVar("T")


class LastIdIgnored(Exception):
    """A page brought nothing new: the server does not page by ``lastId``."""

    def __init__(self, last_id: int, page: int) -> None:
        super().__init__(f"page {page} (lastId={last_id}) brought no new rows")
        self.last_id, self.page = last_id, page

    def note(self) -> str:
        return (
            f"the server ignored lastId (page {self.page}, lastId={self.last_id}, brought no new"
            " rows): the list was read with startAt instead"
        )

    def error(self, req: JamaRequest) -> JamaProtocolError:
        return JamaProtocolError(
            f"GET {req.url} cannot be paged: the server ignores lastId (page {self.page} brought"
            " no new rows) and answers startAt without pageInfo; read one page with --limit",
            method="GET",
            url=req.url,
        )


class KeysetFetch:
    """``/relationships``: ``lastId`` paging, ascending ids, segments read concurrently."""

    def __init__(
        self,
        exchange: Exchange,
        req: JamaRequest,
        *,
        size: int,
        progress: Any,
        concurrency: int = 1,
    ) -> None:
        self.exchange, self.req, self.size, self.progress = exchange, req, size, progress
        self.concurrency = max(1, concurrency)
        self.notes: list[str] = []
        self.retries = 0
        self.sent = 0  # pages asked for so far (numbers the page a LastIdIgnored names)

    async def get(self, last: int, size: int) -> tuple[JamaResponse, int]:
        """One page after ``last`` and its number in the order pages were asked for."""
        self.sent += 1
        number = self.sent
        page = await self.exchange(self.req.with_query(lastId=last, maxResults=size))
        self.retries += page.retries
        return page, number

    async def run(self) -> list[JamaResponse]:
        given = self.req.query_value("lastId") or "0"
        start = int(given) if given.isdigit() else 0
        first_size = self.size if self.req.limit is None else min(self.size, self.req.limit)
        first, number = await self.get(start, first_size)
        rows = rows_of(first)
        if not first.ok or not rows:
            return [first]
        seen: set[int] = set()
        last = _advance(rows, start, seen, number)
        total = total_of(first)
        self.progress.start(total_items=total, total_pages=None)
        self.progress.advance(items=len(rows), pages=1)
        if len(rows) < first_size and total is not None and len(rows) < total:
            self.size = len(rows)  # the server serves fewer per page than asked: follow it
        if self.done(len(rows), total, short=len(rows) < first_size):
            return [first]
        if self.req.limit is None and self.concurrency > 1 and _ids(rows):
            return [first, *await self.rounds(rows, total, seen)]
        pages, _ = await self.chain(last, None, got=len(rows), seen=seen)
        return [first, *pages]

    def done(self, got: int, total: int | None, *, short: bool) -> bool:
        if self.req.limit is not None and got >= self.req.limit:
            return True
        # a short page ends the list only when no total says otherwise (servers may clamp)
        return got >= total if total is not None else short

    async def chain(
        self, last: int, bound: int | None, *, got: int, seen: set[int]
    ) -> tuple[list[JamaResponse], int]:
        """Pages after ``last`` up to ``bound`` (None: to the end, or the limit), rows kept."""
        pages: list[JamaResponse] = []
        start = got
        while True:
            want = self.size if self.req.limit is None else min(self.size, self.req.limit - got)
            page, number = await self.get(last, want)
            rows = rows_of(page)
            if not page.ok or not rows:
                return [*pages, page], got - start
            following = _advance(rows, last, seen, number)
            pages.append(page)
            kept = _within(rows, bound)
            got += kept
            self.progress.advance(items=kept, pages=1)
            short = len(rows) < want
            reached = bound is not None and following >= bound
            if reached or short or self.done(got, _total(page, bound), short=short):
                return pages, got - start
            last = following

    async def rounds(
        self, seen_rows: list[Any], total: int | None, seen: set[int]
    ) -> list[JamaResponse]:
        """The rest of the list in segments, round after round (see the module doc)."""
        ids = _ids(seen_rows)
        low, got, pages = ids[-1], len(seen_rows), []
        for _ in range(MAX_ROUNDS):
            left = max((total or 0) - got, self.size)
            bounds = self.bounds(low, left, _spread(ids))
            lows = [low, *bounds[:-1]]
            # each segment checks its own sequence: rows past a bound are read again by the next
            chains = (
                self.chain(a, b, got=0, seen=set(seen)) for a, b in zip(lows, bounds, strict=True)
            )
            found = await _all_or_none(chains)
            for chain, kept in found:
                pages.extend(chain)
                got += kept
            if self.finished(found[-1][0], got, total):
                return pages
            # the rows the last segment read past its bound are where the list goes on
            beyond = [key for key in _ids(rows_of(found[-1][0][-1])) if key > bounds[-1]]
            low = beyond[0] - 1 if beyond else bounds[-1]
            ids = beyond if len(beyond) > 1 else ids
        rest, _ = await self.chain(low, None, got=got, seen=set(seen))
        return pages + rest

    def bounds(self, low: int, left: int, spread: float) -> list[int]:
        """Upper ids of the segments: whole pages each, so even ids need no extra request."""
        pages = math.ceil(left / self.size)
        parts = max(1, min(self.concurrency, pages))
        ends = [math.ceil(pages * (j + 1) / parts) * self.size for j in range(parts)]
        return [low + math.ceil(rows * spread) for rows in ends]

    def finished(self, last_chain: list[JamaResponse], got: int, total: int | None) -> bool:
        end = last_chain[-1]
        if not end.ok or len(rows_of(end)) < self.size:
            return True  # an error, or the end of the list before the last bound
        return total is not None and got >= total


def _advance(rows: list[Any], last: int, seen: set[int], number: int) -> int:
    """The next ``lastId`` after page ``number``; ``LastIdIgnored`` when it brought nothing
    new to its sequence (``seen``, updated) or did not move ``lastId`` forward."""
    ids = [row.get("id") for row in rows if isinstance(row, dict)]
    new = {key for key in ids if type(key) is int and key not in seen}
    following = ids[-1] if ids else None
    if not new or type(following) is not int or following <= last:
        raise LastIdIgnored(last, number)
    seen |= new
    return following


async def _all_or_none(coros: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """Every result, in order; when one fails (or on a cancel), the others stop at once."""
    tasks = [asyncio.ensure_future(coro) for coro in coros]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()


def _ids(rows: list[Any]) -> list[int]:
    ids: list[Any] = [row.get("id") for row in rows if isinstance(row, dict)]
    return ids if ids and all(type(key) is int for key in ids) else []


def _within(rows: list[Any], bound: int | None) -> int:
    if bound is None:
        return len(rows)
    return sum(1 for row in rows if isinstance(row, dict) and _le(row.get("id"), bound))


def _le(key: Any, bound: int) -> bool:
    return type(key) is int and key <= bound


def _total(page: JamaResponse, bound: int | None) -> int | None:
    return total_of(page) if bound is None else None


def _spread(ids: list[int]) -> float:
    """Ids per row so far (at least 1: ids are unique)."""
    return max((ids[-1] - ids[0]) / max(len(ids) - 1, 1), 1.0)
