"""Keyset paging for ``/relationships``: ``lastId`` instead of ``startAt``.

Jama answers ``GET /relationships?project=`` only with ``lastId`` (about 9.6.2,
2024): ask ``lastId=0``, then the ``id`` of the last row, in ascending ids,
one page after another, until an empty page or ``totalResults`` rows.
"""

from __future__ import annotations

from typing import Any

from ..request import JamaRequest
from ..response import JamaResponse
from .merge import Exchange, rows_of, total_of

__all__ = ["KeysetFetch"]


class KeysetFetch:
    """``/relationships``: ``lastId`` paging, ascending ids, one page after another."""

    def __init__(self, exchange: Exchange, req: JamaRequest, *, size: int, progress: Any) -> None:
        self.exchange, self.req, self.size, self.progress = exchange, req, size, progress
        self.notes: list[str] = []
        self.retries = 0

    async def run(self) -> list[JamaResponse]:
        last = self.req.query_value("lastId") or "0"
        pages: list[JamaResponse] = []
        got = 0
        while True:
            want = self.size if self.req.limit is None else min(self.size, self.req.limit - got)
            page = await self.exchange(self.req.with_query(lastId=last, maxResults=want))
            self.retries += page.retries
            pages.append(page)
            rows = rows_of(page)
            if not page.ok or not rows:
                return pages
            if len(pages) == 1:
                self.progress.start(total_items=total_of(page), total_pages=None)
            got += len(rows)
            self.progress.advance(items=len(rows), pages=1)
            if self.done(page, got, short=len(rows) < want):
                return pages
            last = str(rows[-1].get("id"))

    def done(self, page: JamaResponse, got: int, *, short: bool) -> bool:
        total = total_of(page)
        if self.req.limit is not None and got >= self.req.limit:
            return True
        # a short page ends the list only when no total says otherwise (servers may clamp)
        return got >= total if total is not None else short
