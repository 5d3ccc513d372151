"""``startAt``/``maxResults`` paging: planned lazily, read concurrently, stopped where lists end.

The first page tells ``totalResults``; the rest are made one at a time by a
``_Plan`` as workers take them (so a server claiming 10**12 items costs no
memory), at most ``workers`` at once (the connection's pacer decides how many
really are in flight). The list ends at the total, or earlier at the first
short or empty page: a server whose total is too high costs one extra round of
requests, not thousands. A total lower than the rows already served (``0`` on a
full page) is not trusted: then pages are read, a few at a time, until one is
short. A later page that only repeats the first one means the server ignores
``startAt``: that is an error, not a merge with "duplicates".

Repairs of a list that changes while it is read are described in ``fetch.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from ..errors import JamaProtocolError
from ..request import JamaRequest
from ..response import JamaResponse
from .merge import Exchange, rows_of, total_of
from .plan import Page, only_grew

__all__ = ["OffsetFetch", "PageFailed", "pageable"]

MAX_ROUNDS = 3  # repairs of a list that changes while it is read
ODD_PAGE_RETRIES = 2  # a 200 that is not a list page, in the middle of a fetch
LOOKAHEAD = 4  # pages at once when the server's total cannot be trusted

Got = tuple[Page, JamaResponse]


class PageFailed(Exception):
    """A page answered with an error: the fetch stops and returns it."""

    def __init__(self, response: JamaResponse) -> None:
        self.response = response


class _Plan:
    """Pages from ``start``, ``size`` at a time, up to ``end`` (None: until the list ends)."""

    def __init__(self, start: int, end: int | None, size: int) -> None:
        self.next, self.end, self.size = start, end, size
        self.stop: int | None = None  # where a short page showed the list ends

    def take(self) -> Page | None:
        bounds = [b for b in (self.end, self.stop) if b is not None]
        if bounds and self.next >= min(bounds):
            return None
        size = self.size if self.end is None else min(self.size, self.end - self.next)
        page, self.next = Page(self.next, size), self.next + size
        return page

    def ended_at(self, offset: int) -> None:
        self.stop = offset if self.stop is None else min(self.stop, offset)


class OffsetFetch:
    """First page, the rest concurrently and lazily, then repairs (see the module doc)."""

    def __init__(
        self, exchange: Exchange, req: JamaRequest, *, size: int, workers: int, progress: Any
    ) -> None:
        self.exchange, self.req, self.size, self.progress = exchange, req, size, progress
        self.workers = max(1, workers)
        self.start = _int_query(req, "startAt", 0)
        self.notes: list[str] = []
        self.retries = 0
        self.first_pass = True
        self.reread = 0
        self.first_ids: frozenset[Any] = frozenset()
        self.first_total: int | None = None

    async def run(self) -> list[JamaResponse]:
        try:
            got = await self.read_all()
            self.first_pass = False
            if len(got) > 1 or pageable(got[0][1]):
                got = await self.settle(got)
        except PageFailed as failed:
            return [failed.response]
        return [resp for _, resp in got]

    def end(self, total: int | None) -> int | None:
        """Where reading stops: the total (None: unknown), or sooner for ``limit``."""
        limit = None if self.req.limit is None else self.start + self.req.limit
        if total is None:
            return limit
        return total if limit is None else min(total, limit)

    async def read_all(self) -> list[Got]:
        want = min(self.size, self.req.limit or self.size)
        first = await self.read_one(Page(self.start, want))
        if not pageable(first):
            return [(Page(self.start, want), first)]
        rows, total = rows_of(first), self.trusted_total(first)
        self.first_ids, self.first_total = frozenset(_ids(rows)), total_of(first)
        if 0 < len(rows) < want and total is not None and self.start + len(rows) < total:
            self.size = len(rows)  # the server serves fewer per page than asked: follow it
        ended = (len(rows) < want and total is None) or not rows
        plan = _Plan(self.start + len(rows), self.end(total), self.size)
        if ended:
            plan.ended_at(self.start + len(rows))
        self.show_start(plan, len(rows))
        rest = await self.read(plan, self.workers if total is not None else LOOKAHEAD)
        self.note_early_end(plan, total)
        return [(Page(self.start, len(rows)), first), *rest]

    def trusted_total(self, first: JamaResponse) -> int | None:
        """The first page's total, or None when it cannot be true (below the rows served)."""
        total, served = total_of(first), self.start + len(rows_of(first))
        if total is not None and total >= served:
            return total
        if self.first_pass:
            self.notes.append(
                f"the server reported totalResults {total} with {served} items already served;"
                " read page after page until a short one instead"
            )
        return None

    def show_start(self, plan: _Plan, first_rows: int) -> None:
        if not self.first_pass:
            return
        end = plan.end if plan.stop is None else plan.stop
        pages = None if end is None else 1 + -(-(end - plan.next) // self.size)
        items = None if end is None else end - self.start
        self.progress.start(total_items=items, total_pages=pages)
        self.progress.advance(items=first_rows, pages=1)

    def note_early_end(self, plan: _Plan, total: int | None) -> None:
        if self.first_pass and total is not None and plan.stop is not None:
            end = self.end(total)
            if end is not None and plan.stop < end:
                self.notes.append(
                    f"the server reported totalResults {total}, but the list ended after"
                    f" {plan.stop - self.start} items (a short or empty page): stopped there"
                )

    async def read(self, plan: _Plan, workers: int) -> list[Got]:
        """Every page ``plan`` makes, ``workers`` at a time, in offset order."""
        got: dict[int, Got] = {}
        running: dict[asyncio.Future[JamaResponse], Page] = {}
        try:
            while True:
                while len(running) < workers and (page := plan.take()) is not None:
                    running[asyncio.ensure_future(self.read_one(page))] = page
                if not running:
                    return [got[start] for start in sorted(got)]
                done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in sorted(done, key=lambda t: running[t].start):
                    page = running.pop(task, None)
                    if page is not None:  # None: past the end a page before showed
                        got[page.start] = (page, task.result())
                        self.stop_after(plan, page, task.result(), running)
        finally:
            for task in running:  # after a failed page (or a cancel), stop the others at once
                task.cancel()

    @staticmethod
    def stop_after(
        plan: _Plan, page: Page, resp: JamaResponse, running: dict[asyncio.Future[Any], Page]
    ) -> None:
        """A short page ends the list: pages past it are not sent (or are called back)."""
        served = len(rows_of(resp))
        if served >= page.size:
            return
        plan.ended_at(page.start + served)
        for task, later in list(running.items()):
            if later.start > page.start:
                task.cancel()
                del running[task]

    async def read_one(self, page: Page) -> JamaResponse:
        first = page.start == self.start
        resp = await self.exchange_page(page)
        for _ in range(ODD_PAGE_RETRIES):  # e.g. a proxy's 200 maintenance page
            if not _odd(resp, first=first):
                break
            self.retries += 1
            resp = await self.exchange_page(page)
        if _odd(resp, first=first):
            raise self.error(
                f"answered 200 without a JSON page {ODD_PAGE_RETRIES + 1} times (startAt="
                f"{page.start}): the server or a proxy may be in maintenance; try again later"
            )
        if not resp.ok:
            raise PageFailed(resp)
        if not first:
            self.check_new(page, resp)
        if self.first_pass and not first:
            self.progress.advance(items=len(rows_of(resp)), pages=1)
        return resp

    async def exchange_page(self, page: Page) -> JamaResponse:
        resp = await self.exchange(self.req.with_query(startAt=page.start, maxResults=page.size))
        self.retries += resp.retries
        return resp

    def check_new(self, page: Page, resp: JamaResponse) -> None:
        """A later page that only repeats the first one: the server ignores ``startAt``."""
        ids = _ids(rows_of(resp))
        same_list = total_of(resp) == self.first_total
        if same_list and ids and len(ids) == len(rows_of(resp)) and set(ids) <= self.first_ids:
            raise self.error(
                f"ignores startAt: the page at startAt={page.start} repeated items of the first"
                " page, so the list cannot be paged; read one page with --limit instead"
            )

    def error(self, what: str) -> JamaProtocolError:
        return JamaProtocolError(f"GET {self.req.url} {what}", method="GET", url=self.req.url)

    async def settle(self, got: list[Got]) -> list[Got]:
        """Repair what a list changing during the read did (see ``fetch.py``)."""
        first_total = total_of(got[0][1]) or 0
        for _ in range(MAX_ROUNDS):
            totals = [total_of(resp) or 0 for _, resp in got]
            if not only_grew(totals):
                got = await self.read_again(self.read_all())
                continue
            last_page, last = got[-1]
            covered = last_page.start + len(rows_of(last))
            end = self.end(self.trusted_total_of(got))
            if end is None or covered >= end or len(rows_of(last)) < last_page.size:
                self.note_change(first_total, totals[-1], settled=True)
                return got
            tail = _Plan(covered, end, self.size)
            got = got + await self.read_again(self.read(tail, self.workers))
        self.note_change(first_total, total_of(got[-1][1]) or 0, settled=False)
        return got

    def trusted_total_of(self, got: list[Got]) -> int | None:
        last_page, last = got[-1]
        total = total_of(last)
        served = last_page.start + len(rows_of(last))
        return total if total is not None and total >= served else None

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


def _ids(rows: list[Any]) -> list[Any]:
    return [row.get("id") for row in rows if isinstance(row, dict) and row.get("id") is not None]


def _int_query(req: JamaRequest, key: str, default: int) -> int:
    given = req.query_value(key)
    return int(given) if given and given.isdigit() else default


def _odd(resp: JamaResponse, *, first: bool) -> bool:
    """A 200 that cannot be a page: text where JSON belongs (any page), or no list page (later)."""
    if not resp.ok:
        return False
    return isinstance(resp.body, str) if first else not pageable(resp)


def pageable(resp: JamaResponse) -> bool:
    """A list page with ``pageInfo`` (its total may still be missing or wrong)."""
    return resp.ok and isinstance(resp.meta.get("pageInfo"), dict) and isinstance(resp.data, list)
