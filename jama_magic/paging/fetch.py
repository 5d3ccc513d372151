"""Fetching many pages: plan, fetch concurrently, check consistency, merge in server order.

``fetch_pages`` reads the first page to learn ``totalResults``, then fetches
the remaining pages concurrently (``offset.py``: planned lazily, at most
``concurrency`` at once, stopping at a short page; the connection's pacing and
retries live in the ``exchange`` it is given). ``/relationships`` uses Jama's
``lastId`` keyset paging instead, one page after another (``keyset.py``); a
server that ignores ``lastId`` is read with ``startAt`` instead.

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
``close`` (always, also on errors and cancellation; just before it, an
optional ``finish(stats=FetchStats)`` gets the fetch's requests, 429s, rate
and mean latency for a last line). Implementations must be
quick and thread-safe; an exception in one switches the display off for the
rest of the fetch and never fails the fetch.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Protocol

from ..request import JamaRequest
from ..response import JamaResponse, RequestView
from .keyset import KeysetFetch, LastIdIgnored
from .merge import Exchange, merge_pages
from .offset import OffsetFetch, pageable

if TYPE_CHECKING:
    from ..stats import FetchStats

__all__ = ["MAX_PAGE", "Progress", "fetch_pages"]

MAX_PAGE = 50
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

    def finish(self, stats: FetchStats) -> None:
        if hasattr(self._inner, "finish"):  # optional: a display that shows the fetch's counts
            self._call("finish", stats=stats)

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


async def fetch_pages(
    exchange: Exchange,
    req: JamaRequest,
    *,
    page_size: int,
    concurrency: int,
    progress: Progress | None = None,
    view: RequestView | None = None,
    stats: FetchStats | None = None,
) -> JamaResponse:
    """Every page of ``req`` (or up to ``req.limit`` items), merged into one response.

    ``view``: what the merged response shows as its request (the client gives
    the view of ``req``, the request the user made; by default the first page's).
    ``concurrency``: pages at most at once (the client's pacer may allow fewer).
    ``stats``: the fetch's counts, for the progress display's last line.
    """
    shown = _SafeProgress(progress)
    began = time.monotonic()
    size = _page_size(req, page_size)
    try:
        fetch, pages = await _read(exchange, req, size=size, workers=concurrency, shown=shown)
    finally:
        if stats is not None:
            stats.elapsed = time.monotonic() - began
            shown.finish(stats)
        shown.close()
    return merge_pages(
        pages,
        elapsed=time.monotonic() - began,
        warnings=fetch.notes,
        limit=req.limit,
        request=view,
        retries=fetch.retries,  # also those of pages read again and dropped
    )


async def _read(
    exchange: Exchange, req: JamaRequest, *, size: int, workers: int, shown: _SafeProgress
) -> tuple[KeysetFetch | OffsetFetch, list[JamaResponse]]:
    """The pages of ``req``: keyset paging where Jama wants it, else (or as a fallback) offsets."""
    if req.url.rstrip("/") in KEYSET_PATHS:
        keyset = KeysetFetch(exchange, req, size=size, progress=shown, concurrency=workers)
        try:
            return keyset, await keyset.run()
        except LastIdIgnored as ignored:
            offset = OffsetFetch(exchange, req, size=size, workers=workers, progress=shown)
            pages = await offset.run()
            if not pageable(pages[0]):
                raise ignored.error(req) from None
            offset.notes.insert(0, ignored.note())
            offset.retries += keyset.retries
            return offset, pages
    offset = OffsetFetch(exchange, req, size=size, workers=workers, progress=shown)
    return offset, await offset.run()


def _page_size(req: JamaRequest, default: int) -> int:
    given = req.query_value("maxResults")
    size = int(given) if given and given.isdigit() else default
    return max(1, min(size, MAX_PAGE))
