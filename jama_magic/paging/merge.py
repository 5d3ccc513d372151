"""Merging the pages of one fetch into a single ``JamaResponse``.

Pure: no I/O. ``merge_pages`` keeps the server's order, drops rows whose ``id``
was already seen on an earlier page (pages shift while data changes), merges
the ``linked`` maps and reports pages, retries and warnings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx

from ..request import JamaRequest
from ..response import JamaResponse, RequestView

__all__ = ["Exchange", "as_requested", "merge_pages", "rows_of", "total_of"]

Exchange = Callable[[JamaRequest], Awaitable[JamaResponse]]


def rows_of(resp: JamaResponse) -> list[Any]:
    """A list page's rows (empty for anything else)."""
    return resp.data if isinstance(resp.data, list) else []


def total_of(resp: JamaResponse) -> int | None:
    """``meta.pageInfo.totalResults`` of a page, if it has one."""
    info = resp.page_info
    return info.total_results if info else None


PAGING_KEYS = frozenset({"startAt", "maxResults", "lastId"})


def as_requested(view: RequestView, req: JamaRequest) -> RequestView:
    """``view`` (of one page) showing the URL the user asked for, without our paging keys."""
    added = PAGING_KEYS - {key for key, _ in req.query}
    url = httpx.URL(view.url)
    params = [(k, v) for k, v in url.params.multi_items() if k not in added]
    plain = httpx.URL(str(url.copy_with(query=None)), params=params)
    path = view.relative_url.split("?", 1)[0]
    query = plain.query.decode("ascii")
    return replace(view, url=str(plain), relative_url=f"{path}?{query}" if query else path)


def merge_pages(
    pages: list[JamaResponse], *, elapsed: float, warnings: list[str], limit: int | None = None
) -> JamaResponse:
    """One response holding every page's data (server order, no duplicate ids) and linked.

    A failed page (or a first page that is not a list) is returned as it is, with
    ``pages`` set, so ``raise_for_status`` reports the real error.
    """
    first = pages[0]
    failed = next((p for p in pages if not p.ok), None)
    if failed is not None or not isinstance(first.data, list):
        result = failed or first
        result.pages = len(pages)
        result.retries = sum(p.retries for p in pages)
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
    """Rows in page order; a row whose ``id`` was already seen is dropped and counted."""
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
    if info is None:
        return meta
    meta["pageInfo"] = {
        "startIndex": info.start_index,
        "resultCount": count,
        # the newest total the server reported: the last page read is the freshest
        "totalResults": total_of(pages[-1]) or info.total_results,
    }
    return meta


def _merge_linked(maps: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for linked in maps:
        for kind, objects in linked.items():
            merged.setdefault(kind, {}).update(objects)
    return merged
