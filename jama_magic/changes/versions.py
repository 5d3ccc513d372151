"""``diff_versions``: one item's history, two versions compared.

Reads the item's version list (``GET /items/{id}/versions``, all pages),
then the item as it was at each of the two versions
(``…/versions/{n}/versioneditem``, both at once): three requests, plus the
connection's name lookups the first time they are needed.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..client import client_for
from ..connection import Connection
from ..errors import JamaUsageError
from .compare import compare_frames
from .fetch import get_many, item_frames, item_id
from .result import Diff

__all__ = ["diff_versions", "pick_versions"]


def diff_versions(
    item: int | str,
    v1: int | None = None,
    v2: int | None = None,
    *,
    connection: Connection | str | None = None,
) -> Diff:
    """What changed in one item between two versions (default: the previous and the current).

    ``item`` is an id or a document key; ``v2`` defaults to the latest version
    and ``v1`` to the one before ``v2``.
    """
    client = client_for(connection)
    number, _ = item_id(client, item)
    listed = client.request("GET", f"/items/{number}/versions", all_pages=True).data or []
    old, new = pick_versions(number, [v["versionNumber"] for v in listed], v1, v2)
    base = f"/items/{number}/versions"
    gets = [(f"{base}/{n}/versioneditem", None, False) for n in (old, new)]
    was, now = get_many(client, gets)
    before, after = item_frames(client, [was], [now])
    key = now.get("documentKey") or was.get("documentKey") or f"item {number}"
    return Diff.of(compare_frames(before, after), title=f"{key}: version {old} → {new}")


def pick_versions(
    item: int, numbers: Sequence[int], v1: int | None, v2: int | None
) -> tuple[int, int]:
    """The two version numbers to compare, or a one-line error saying what exists."""
    known = sorted(set(numbers))
    if not known:
        raise JamaUsageError(f"item {item} has no versions to compare")
    for asked in (v1, v2):
        if asked is not None and asked not in known:
            raise JamaUsageError(
                f"item {item} has no version {asked}; its versions are {_span(known)}"
            )
    new = known[-1] if v2 is None else v2
    if v1 is not None:
        return v1, new
    earlier = [n for n in known if n < new]
    if not earlier:
        raise JamaUsageError(
            f"item {item} has no version before {new}, so there is nothing to compare with"
        )
    return earlier[-1], new


def _span(known: list[int]) -> str:
    if known == list(range(known[0], known[-1] + 1)) and len(known) > 2:
        return f"{known[0]} to {known[-1]}"
    return ", ".join(map(str, known))
