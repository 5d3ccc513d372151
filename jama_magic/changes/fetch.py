"""What the diffs read from Jama: many GETs at once, and raw items as item frames.

``get_many`` sends GETs concurrently (at most ``max_concurrency`` in flight;
the connection's client applies the rate limit and retries), each one with
all its pages, and reports progress per request done. ``item_frames`` turns
two lists of raw items into two frames of the DataFrame view with names
resolved through the connection's lookups, built as *one* frame and split so
that both sides get the same column names.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import JamaUsageError
from ..frames import to_dataframe
from ..lookups import lookups_for
from ..state import session

if TYPE_CHECKING:
    import pandas as pd

    from ..client import JamaClient
    from ..paging import Progress

__all__ = ["Get", "get_many", "item_frames", "item_id"]

# (relative URL, query or None, read every page?)
Get = tuple[str, Mapping[str, Any] | None, bool]


def get_many(
    client: JamaClient, gets: Sequence[Get], *, progress: Progress | None = None
) -> list[Any]:
    """The ``data`` of every GET in ``gets``, in order."""
    if not gets:
        return []
    return session.io.run(_gather(client, gets, progress))


async def _gather(client: JamaClient, gets: Sequence[Get], progress: Progress | None) -> list[Any]:
    gate = asyncio.Semaphore(client.settings.max_concurrency)
    if progress is not None:
        progress.start(total_items=len(gets), total_pages=len(gets))

    async def one(url: str, query: Mapping[str, Any] | None, every: bool) -> Any:
        async with gate:
            resp = await client.arequest("GET", url, query=query, all_pages=every)
        if progress is not None:
            progress.advance(items=1, pages=resp.pages)
        return resp.data

    try:
        return list(await asyncio.gather(*(one(*get) for get in gets)))
    finally:
        if progress is not None:
            progress.close()


def item_frames(
    client: JamaClient, before: list[Mapping[str, Any]], after: list[Mapping[str, Any]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two item frames (names resolved) from raw items, with the same column names."""
    frame = to_dataframe([*before, *after], resolve=True, names=lookups_for(client))
    old, new = frame.iloc[: len(before)].copy(), frame.iloc[len(before) :].copy()
    for part in (old, new):
        part.attrs = dict(frame.attrs)
    return old, new


def item_id(client: JamaClient, item: int | str) -> tuple[int, str | None]:
    """An item's id and document key from its id or its document key (``"PROJ-REQ-12"``)."""
    if isinstance(item, int) or str(item).strip().isdigit():
        return int(item), None
    key = str(item).strip()
    found = client.request("GET", "/abstractitems", query={"documentKey": key}).data or []
    if not found:
        raise JamaUsageError(f"no item has the document key {key!r}: check the key or use its id")
    return int(found[0]["id"]), key
