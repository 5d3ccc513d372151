"""Fetching many pages: plan, fetch concurrently, merge in server order.

``fetch_pages`` reads the first page to learn ``totalResults``, then fetches
the remaining pages concurrently (at most ``concurrency`` at once; the
connection's rate limiter and retries live in the ``exchange`` it is given).
``/relationships`` uses Jama's ``lastId`` keyset paging instead, one page after
another. Pages that shift while data changes are detected: a changed total
triggers one consistent re-read; duplicates are dropped by ``id`` and
reported in ``warnings``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .request import JamaRequest
from .response import JamaResponse

__all__ = ["MAX_PAGE", "Progress", "fetch_pages", "merge_pages", "plan_pages"]

MAX_PAGE = 50
KEYSET_PATHS = frozenset({"/relationships"})

Exchange = Callable[[JamaRequest], Awaitable[JamaResponse]]


class Progress(Protocol):
    """Receives progress of a multi-page fetch (a bar in notebooks)."""

    def start(self, *, total_items: int | None, total_pages: int | None) -> None: ...

    def advance(self, *, items: int, pages: int) -> None: ...

    def close(self) -> None: ...


class _NoProgress:
    def start(self, *, total_items: int | None, total_pages: int | None) -> None:
        pass

    def advance(self, *, items: int, pages: int) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Page:
    start: int
    size: int


def plan_pages(start: int, end: int, size: int) -> list[Page]:
    """Pages covering offsets ``[start, end)``, ``size`` at a time."""
    return [Page(s, min(size, end - s)) for s in range(start, end, size)]


def _page_size(req: JamaRequest, default: int) -> int:
    given = req.query_value("maxResults")
    size = int(given) if given and given.isdigit() else default
    return max(1, min(size, MAX_PAGE))


def _total(resp: JamaResponse) -> int | None:
    info = resp.page_info
    return info.total_results if info else None


async def fetch_pages(
    exchange: Exchange,
    req: JamaRequest,
    *,
    page_size: int,
    concurrency: int,
    progress: Progress | None = None,
) -> JamaResponse:
    """Every page of ``req`` (or up to ``req.limit`` items), merged into one response."""
    progress = progress or _NoProgress()
    began = time.monotonic()
    try:
        if req.url.rstrip("/") in KEYSET_PATHS:
            pages, warnings = await _keyset(exchange, req, page_size, progress)
        else:
            pages, warnings = await _offset(exchange, req, page_size, concurrency, progress)
    finally:
        progress.close()
    return merge_pages(pages, elapsed=time.monotonic() - began, warnings=warnings, limit=req.limit)


async def _offset(
    exchange: Exchange, req: JamaRequest, default_size: int, concurrency: int, progress: Progress
) -> tuple[list[JamaResponse], list[str]]:
    size = _page_size(req, default_size)
    start_given = req.query_value("startAt")
    start = int(start_given) if start_given and start_given.isdigit() else 0
    first = await exchange(req.with_query(startAt=start, maxResults=_first_size(size, req.limit)))
    total = _total(first)
    if not first.ok or total is None or not isinstance(first.data, list):
        return [first], []
    end = _end(start, total, req.limit)
    rest = plan_pages(start + len(first.data), end, size) if first.data else []
    progress.start(total_items=end - start, total_pages=1 + len(rest))
    progress.advance(items=len(first.data), pages=1)
    pages = [first, *await _gather(exchange, req, rest, concurrency, progress)]
    changed = [p for p in pages if p.ok and _total(p) not in (None, total)]
    if changed and req.limit is None:
        return await _reread(exchange, req, pages, size, concurrency, progress, total)
    return pages, []


def _first_size(size: int, limit: int | None) -> int:
    return min(size, limit) if limit else size


def _end(start: int, total: int, limit: int | None) -> int:
    return total if limit is None else min(total, start + limit)


async def _gather(
    exchange: Exchange, req: JamaRequest, plan: list[Page], concurrency: int, progress: Progress
) -> list[JamaResponse]:
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(page: Page) -> JamaResponse:
        async with gate:
            resp = await exchange(req.with_query(startAt=page.start, maxResults=page.size))
        if not resp.ok:
            raise _PageFailed(resp)
        progress.advance(items=len(resp.data) if isinstance(resp.data, list) else 0, pages=1)
        return resp

    tasks = [asyncio.ensure_future(one(p)) for p in plan]
    try:
        return list(await asyncio.gather(*tasks))
    except _PageFailed as failed:
        return [failed.response]
    finally:
        for task in tasks:
            task.cancel()


class _PageFailed(Exception):
    def __init__(self, response: JamaResponse) -> None:
        self.response = response


async def _reread(
    exchange: Exchange,
    req: JamaRequest,
    pages: list[JamaResponse],
    size: int,
    concurrency: int,
    progress: Progress,
    total: int,
) -> tuple[list[JamaResponse], list[str]]:
    """The list changed while we read it: read it once more, consistently if we can."""
    new_total = max(_total(p) or 0 for p in pages)
    note = f"the list changed during the fetch (totalResults {total} -> {new_total}); re-read it"
    second = await exchange(req.with_query(startAt=0, maxResults=size))
    total2 = _total(second) or 0
    plan = plan_pages(len(second.data or []), total2, size)
    again = [second, *await _gather(exchange, req, plan, concurrency, progress)]
    if any(p.ok and _total(p) != total2 for p in again):
        note += "; it kept changing, so items may be missing: fetch again when edits stop"
    return again, [note]


async def _keyset(
    exchange: Exchange, req: JamaRequest, default_size: int, progress: Progress
) -> tuple[list[JamaResponse], list[str]]:
    """``/relationships``: ``lastId`` paging, ascending ids, one page after another."""
    size = _page_size(req, default_size)
    last = req.query_value("lastId") or "0"
    pages: list[JamaResponse] = []
    got = 0
    while True:
        want = size if req.limit is None else min(size, req.limit - got)
        page = await exchange(req.with_query(lastId=last, maxResults=want))
        pages.append(page)
        data = page.data if isinstance(page.data, list) else []
        if not page.ok or not data:
            break
        if len(pages) == 1:
            progress.start(total_items=_total(page), total_pages=None)
        got += len(data)
        progress.advance(items=len(data), pages=1)
        total = _total(page)
        if len(data) < want or (req.limit and got >= req.limit) or (total and got >= total):
            break
        last = str(data[-1].get("id"))
    return pages, []


def merge_pages(
    pages: list[JamaResponse], *, elapsed: float, warnings: list[str], limit: int | None = None
) -> JamaResponse:
    """One response holding every page's data (server order, no duplicate ids) and linked."""
    first = pages[0]
    failed = next((p for p in pages if not p.ok), None)
    if failed is not None or not isinstance(first.data, list):
        result = failed or first
        result.pages = len(pages)
        return result
    data, dupes = _concat([p.data for p in pages])
    if limit is not None:
        data = data[:limit]
    if dupes:
        warnings = [*warnings, f"{dupes} item(s) appeared on two pages and were kept once"]
    body = dict(first.envelope)
    body["meta"] = _merged_meta(first, pages, len(data))
    body["linked"] = _merge_linked([p.linked for p in pages])
    body["data"] = data
    if not body["linked"]:
        body.pop("linked")
    return JamaResponse(
        status_code=first.status_code,
        reason=first.reason,
        headers=first.headers,
        body=body,
        request=first.request,
        elapsed=elapsed,
        size=sum(p.size for p in pages),
        pages=len(pages),
        retries=sum(p.retries for p in pages),
        warnings=warnings,
    )


def _concat(lists: list[Any]) -> tuple[list[Any], int]:
    seen: set[Any] = set()
    out: list[Any] = []
    dupes = 0
    for data in lists:
        for row in data or []:
            key = row.get("id") if isinstance(row, dict) else None
            if key is not None and key in seen:
                dupes += 1
                continue
            if key is not None:
                seen.add(key)
            out.append(row)
    return out, dupes


def _merged_meta(first: JamaResponse, pages: list[JamaResponse], count: int) -> dict[str, Any]:
    meta = dict(first.meta)
    info = first.page_info
    total = max((_total(p) or 0) for p in pages) if info else count
    meta["pageInfo"] = {
        "startIndex": info.start_index if info else 0,
        "resultCount": count,
        "totalResults": _total(pages[-1]) or total,
    }
    return meta


def _merge_linked(maps: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for linked in maps:
        for kind, objects in linked.items():
            merged.setdefault(kind, {}).update(objects)
    return merged
