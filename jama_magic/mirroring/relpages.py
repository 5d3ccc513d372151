"""Every relationship of a project, read by several ``lastId`` chains side by side.

``GET /relationships?project=P`` pages only by ``lastId`` (ids above it, in
ascending order), so one chain of pages is one request after another: at
250 ms a page, a project with 60,000 relationships takes longer than its
100,000 items read many pages at a time. The first page tells the id density
and the total; the ids after it are cut into ``CHAINS`` ranges
``(start, end]`` read side by side, each chain stopping at its range's end or
at an empty page. Any cut is correct (the ranges cover every id once); a good
one only makes the chains equally long. At most one request per chain is
spent beyond what one chain would send.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

__all__ = ["CHAINS", "read_relationships"]

CHAINS = 8
Get = Callable[[str, Mapping[str, Any]], Awaitable[Any]]


async def read_relationships(get: Get, project: int, page_size: int) -> list[dict[str, Any]]:
    """Every relationship of ``project``; ``get(url, query)`` sends one GET (a JamaResponse)."""
    first = await get("/relationships", _query(project, 0, page_size))
    rows = list(first.data or [])
    total = ((first.meta or {}).get("pageInfo") or {}).get("totalResults")
    if not rows or (isinstance(total, int) and len(rows) >= total):
        return rows
    ranges = _ranges(rows, total if isinstance(total, int) else None)
    chains = await asyncio.gather(*(_chain(get, project, page_size, *r) for r in ranges))
    return rows + [row for chain in chains for row in chain]


def _query(project: int, last: int, page_size: int) -> dict[str, Any]:
    return {"project": project, "lastId": last, "maxResults": page_size}


def _ranges(rows: list[dict[str, Any]], total: int | None) -> list[tuple[int, int | None]]:
    """``(start, end]`` id ranges after the first page (the last one open)."""
    first, last = int(rows[0]["id"]), int(rows[-1]["id"])
    if total is None:
        return [(last, None)]
    # the span of ids the remaining rows cover at the first page's density
    span = (last - first + 1) * (total - len(rows)) / len(rows)
    starts = sorted({last + round(span * part / CHAINS) for part in range(CHAINS)})
    return list(zip(starts, [*starts[1:], None], strict=True))


async def _chain(
    get: Get, project: int, page_size: int, start: int, end: int | None
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    last = start
    while True:
        rows = list((await get("/relationships", _query(project, last, page_size))).data or [])
        inside = [row for row in rows if end is None or int(row["id"]) <= end]
        found.extend(inside)
        if not rows or len(inside) < len(rows):
            return found
        last = int(rows[-1]["id"])
