"""Two item frames compared cell by cell: the pure heart of every diff.

Rows are matched by item id (the frame's ``id`` index, or an ``id``
column). An id only in the second frame is *added*, only in the first
*removed*; for ids in both, every compared column gives one change per
differing cell (see :mod:`.values` for what counts as different).
Bookkeeping columns that change with every write (dates, who modified,
version numbers, locks, positions among siblings) are not compared; the
item's parent is, so a move shows. A column present in one frame only is
compared against missing values.

Field names come from ``df.attrs["labels"]`` (the item types' labels the
DataFrame view records), else the column name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import JamaUsageError
from .values import classify, plain

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["IGNORED", "Change", "compare_frames"]

IGNORED = frozenset(
    {
        "documentKey",
        "sequence",
        "createdDate",
        "modifiedDate",
        "lastActivityDate",
        "createdBy",
        "modifiedBy",
        "locked",
        "lockedBy",
        "lastLockedDate",
        "sortOrder",
        "globalSortOrder",
        "version",
        "currentVersion",
        "baseline",
        "type",
    }
)
_IGNORED_PREFIXES = ("location.", "baselineLocation.", "lock.", "resources.")


@dataclass(frozen=True)
class Change:
    """One row of ``Diff.changes``."""

    id: int
    documentKey: str | None
    change: str
    field: str | None
    before: Any
    after: Any


def compare_frames(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    ignore: Collection[str] = (),
    fields: Collection[str] | None = None,
) -> list[Change]:
    """The changes from ``before`` to ``after``, item by item in ``after``'s order.

    ``ignore`` adds columns not to compare; ``fields`` (column names or
    labels) limits the comparison to those columns.
    """
    old, new = _by_id(before, "the first frame"), _by_id(after, "the second frame")
    labels = {**before.attrs.get("labels", {}), **after.attrs.get("labels", {})}
    columns = _compared(old, new, labels, ignore=ignore, fields=fields)
    old_ids = set(old.index)
    common = [key for key in new.index if key in old_ids]
    changed = _cell_changes(old, new, common, columns, labels)
    return _in_order(old, new, changed)


def _by_id(frame: pd.DataFrame, which: str) -> pd.DataFrame:
    if frame.index.name != "id" and "id" in frame.columns:
        frame = frame.set_index("id")
    elif frame.index.name != "id":
        raise JamaUsageError(
            f"{which} has no 'id' index or column: diff matches rows by item id "
            "(use a frame from r.df, r.to_dataframe() or a mirror)"
        )
    duplicated = frame.index[frame.index.duplicated()]
    if len(duplicated):
        shown = ", ".join(str(key) for key in list(dict.fromkeys(duplicated))[:5])
        raise JamaUsageError(f"{which} has more than one row for item id(s) {shown}")
    return frame


def _compared(
    old: pd.DataFrame,
    new: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    ignore: Collection[str],
    fields: Collection[str] | None,
) -> list[str]:
    union = list(dict.fromkeys([*new.columns, *old.columns]))
    columns = [name for name in union if _kept(str(name), ignore)]
    if fields is None:
        return columns
    wanted = set(fields)
    unknown = wanted - set(columns) - {labels.get(name) for name in columns}
    if unknown:
        raise JamaUsageError(
            f"unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
            f"the frames have: {', '.join(columns)}"
        )
    return [name for name in columns if name in wanted or labels.get(name) in wanted]


def _kept(name: str, ignore: Collection[str]) -> bool:
    return name not in IGNORED and name not in ignore and not name.startswith(_IGNORED_PREFIXES)


def _cell_changes(
    old: pd.DataFrame,
    new: pd.DataFrame,
    common: list[Any],
    columns: list[str],
    labels: Mapping[str, str],
) -> dict[Any, list[Change]]:
    keys = _keys(old, new)
    found: dict[Any, list[Change]] = {}
    for column in columns:
        field = labels.get(column) or column
        pairs = zip(common, _cells(old, column, common), _cells(new, column, common), strict=True)
        for key, was, now in pairs:
            kind = classify(was, now)
            if kind is not None:
                change = Change(key, keys.get(key), kind, field, plain(was), plain(now))
                found.setdefault(key, []).append(change)
    return found


def _cells(frame: pd.DataFrame, column: str, ids: list[Any]) -> Iterable[Any]:
    if column not in frame.columns:
        return [None] * len(ids)
    return frame[column].reindex(ids).tolist()


def _keys(*frames: pd.DataFrame) -> dict[Any, str | None]:
    keys: dict[Any, str | None] = {}
    for frame in frames:
        if "documentKey" in frame.columns:
            keys.update((k, plain(v)) for k, v in frame["documentKey"].items())
    return keys


def _in_order(
    old: pd.DataFrame, new: pd.DataFrame, changed: Mapping[Any, list[Change]]
) -> list[Change]:
    keys = _keys(old, new)
    rows: list[Change] = []
    old_ids, new_ids = set(old.index), set(new.index)
    for key in new.index:
        if key not in old_ids:
            rows.append(Change(key, keys.get(key), "added", None, None, _name(new, key)))
        rows.extend(changed.get(key, ()))
    for key in old.index:
        if key not in new_ids:
            rows.append(Change(key, keys.get(key), "removed", None, _name(old, key), None))
    return rows


def _name(frame: pd.DataFrame, key: Any) -> Any:
    return plain(frame.at[key, "name"]) if "name" in frame.columns else None
