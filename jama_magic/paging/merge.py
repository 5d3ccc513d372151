"""Merging the pages of one fetch into a single ``JamaResponse``.

Pure: no I/O. ``merge_pages`` keeps the server's order, drops rows whose ``id``
was already seen on an earlier page (pages shift while data changes), merges
the ``linked`` maps and reports pages, retries and warnings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..request import JamaRequest
from ..response import JamaResponse, RequestView

__all__ = ["Exchange", "merge_pages", "rows_of", "total_of"]

Exchange = Callable[[JamaRequest], Awaitable[JamaResponse]]


def rows_of(resp: JamaResponse) -> list[Any]:
    """A list page's rows (empty for anything else)."""
    return resp.data if isinstance(resp.data, list) else []


def total_of(resp: JamaResponse) -> int | None:
    """``meta.pageInfo.totalResults`` of a page: None when missing or not a count."""
    info = resp.meta.get("pageInfo") if isinstance(resp.meta, dict) else None
    total = info.get("totalResults") if isinstance(info, dict) else None
    return total if type(total) is int and total >= 0 else None


def merge_pages(
    pages: list[JamaResponse],
    *,
    elapsed: float,
    warnings: list[str],
    limit: int | None = None,
    request: RequestView | None = None,
    retries: int | None = None,
) -> JamaResponse:
    """One response holding every page's data (server order, no duplicate ids) and linked.

    ``request`` is what the response shows as sent (default: the first page's),
    ``retries`` the retries of the whole fetch (default: those of ``pages``).
    A failed page (or a first page that is not a list) is what the caller gets,
    with ``pages`` set, so ``raise_for_status`` reports the real error.
    """
    first = pages[0]
    request = request or first.request
    retries = sum(p.retries for p in pages) if retries is None else retries
    failed = next((p for p in pages if not p.ok), None)
    if failed is not None or not isinstance(first.data, list):
        return _one_page(failed or first, request=request, pages=len(pages), retries=retries)
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
        request=request,
        elapsed=elapsed,
        size=sum(p.size for p in pages),
        pages=len(pages),
        retries=retries,
        warnings=warnings,
        names=first.names,
    )


def _one_page(
    page: JamaResponse, *, request: RequestView, pages: int, retries: int
) -> JamaResponse:
    """``page`` as the answer of the whole fetch."""
    return JamaResponse(
        status_code=page.status_code,
        reason=page.reason,
        headers=page.headers,
        body=page.body,
        request=request,
        elapsed=page.elapsed,
        size=page.size,
        pages=pages,
        retries=retries,
        warnings=page.warnings,
        names=page.names,
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
    info = meta.get("pageInfo")
    if not isinstance(info, dict):
        return meta
    meta["pageInfo"] = {
        "startIndex": start_of(info),
        "resultCount": count,
        # the newest total the server reported (the last page read is the freshest), but
        # never fewer than the items in hand: a server may report 0 on a full page
        "totalResults": max(total_of(pages[-1]) or total_of(first) or 0, start_of(info) + count),
    }
    return meta


def start_of(info: dict[str, Any]) -> int:
    start = info.get("startIndex")
    return start if type(start) is int and start >= 0 else 0


def _merge_linked(maps: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for linked in maps:
        for kind, objects in linked.items():
            merged.setdefault(kind, {}).update(objects)
    return merged
