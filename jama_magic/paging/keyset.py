"""Keyset paging for ``/relationships``: ``lastId`` instead of ``startAt``.

Jama answers ``GET /relationships?project=`` only with ``lastId`` (about 9.6.2,
2024): ask ``lastId=0``, then the ``id`` of the last row, in ascending ids,
one page after another, until an empty page or ``totalResults`` rows.

Every page must bring rows not seen before and move ``lastId`` forward. A page
that does not means the server ignores ``lastId`` (Jama before 2024 pages
``/relationships`` with ``startAt``): ``LastIdIgnored`` is raised and the
caller reads the list with ``startAt`` instead, rather than looping forever or
merging the same page again and again.
"""

from __future__ import annotations

from typing import Any

from ..errors import JamaProtocolError
from ..request import JamaRequest
from ..response import JamaResponse
from .merge import Exchange, rows_of, total_of

__all__ = ["KeysetFetch", "LastIdIgnored"]


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
    """``/relationships``: ``lastId`` paging, ascending ids, one page after another."""

    def __init__(self, exchange: Exchange, req: JamaRequest, *, size: int, progress: Any) -> None:
        self.exchange, self.req, self.size, self.progress = exchange, req, size, progress
        self.notes: list[str] = []
        self.retries = 0
        self.seen: set[int] = set()

    async def run(self) -> list[JamaResponse]:
        given = self.req.query_value("lastId") or "0"
        last = int(given) if given.isdigit() else 0
        pages: list[JamaResponse] = []
        got = 0
        while True:
            want = self.size if self.req.limit is None else min(self.size, self.req.limit - got)
            page = await self.exchange(self.req.with_query(lastId=last, maxResults=want))
            self.retries += page.retries
            rows = rows_of(page)
            if not page.ok or not rows:
                return [*pages, page]
            last = self.advance(rows, last, len(pages) + 1)
            pages.append(page)
            if len(pages) == 1:
                self.progress.start(total_items=total_of(page), total_pages=None)
            got += len(rows)
            self.progress.advance(items=len(rows), pages=1)
            if self.done(page, got, short=len(rows) < want):
                return pages

    def advance(self, rows: list[Any], last: int, number: int) -> int:
        """The next ``lastId``; ``LastIdIgnored`` when the page brought nothing new."""
        ids = [row.get("id") for row in rows if isinstance(row, dict)]
        new = {key for key in ids if type(key) is int and key not in self.seen}
        following = ids[-1] if ids else None
        if not new or type(following) is not int or following <= last:
            raise LastIdIgnored(last, number)
        self.seen |= new
        return following

    def done(self, page: JamaResponse, got: int, *, short: bool) -> bool:
        total = total_of(page)
        if self.req.limit is not None and got >= self.req.limit:
            return True
        # a short page ends the list only when no total says otherwise (servers may clamp)
        return got >= total if total is not None else short
