"""Which cells of an edited frame differ from the frame as it was read.

Columns are compared whole first (``Series.equals``, in C), so only the
columns that were touched are walked cell by cell. Rows are matched by ``id``
(the index); rows added to or dropped from the frame are counted, never
diffed. Timezone-naive datetimes (``df.jama.naive()``) are compared with the
aware originals made naive the same way (never the other way round: a naive
time in a DST change is ambiguous).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import JamaUsageError
from ..frames.missing import is_missing

if TYPE_CHECKING:
    import pandas

__all__ = ["Cell", "FrameDiff", "diff_frames"]

NAIVE_TZ = "jama_naive_tz"


@dataclass(frozen=True)
class Cell:
    """One changed cell: the item id, the column, the value read and the value now."""

    id: int
    column: str
    before: Any
    after: Any


@dataclass(frozen=True, kw_only=True)
class FrameDiff:
    cells: list[Cell]
    added: list[Any]  # ids in the frame that were not read
    dropped: int  # rows read that are no longer in the frame
    extra_columns: list[str]  # columns not read from Jama (ignored)


def diff_frames(original: pandas.DataFrame, current: pandas.DataFrame) -> FrameDiff:
    """The changed cells of ``current`` against ``original`` (see the module docstring)."""
    if current.index.has_duplicates:
        dupes = sorted({str(i) for i in current.index[current.index.duplicated()]})[:5]
        raise JamaUsageError(f"the frame has duplicate ids ({', '.join(dupes)}): drop them first")
    common = current.index.intersection(original.index, sort=False)
    columns = [c for c in current.columns if c in original.columns]
    tz = current.attrs.get(NAIVE_TZ) or "UTC"
    cells: list[Cell] = []
    for column in columns:
        after = current[column].reindex(common)
        before = _comparable(original[column].reindex(common), after, tz)
        if not before.equals(after):
            cells.extend(_cells(column, before, after))
    return FrameDiff(
        cells=cells,
        added=[i for i in current.index if i not in original.index],
        dropped=len(original.index) - len(common),
        extra_columns=[str(c) for c in current.columns if c not in original.columns],
    )


def _comparable(before: pandas.Series, after: pandas.Series, tz: str) -> pandas.Series:
    """``before`` made naive in ``tz`` when ``after`` is a naive copy of aware datetimes."""
    import pandas as pd

    if getattr(before.dtype, "tz", None) is None or not pd.api.types.is_datetime64_dtype(after):
        return before
    naive: pandas.Series = before.dt.tz_convert(tz).dt.tz_localize(None)
    return naive


def _cells(column: str, before: pandas.Series, after: pandas.Series) -> list[Cell]:
    ids, old, new = before.index.tolist(), before.tolist(), after.tolist()
    return [Cell(i, column, a, b) for i, a, b in zip(ids, old, new, strict=True) if not same(a, b)]


def same(a: Any, b: Any) -> bool:
    """Equal as cell values: missing equals missing, lists and tuples by their elements."""
    if a is b:
        return True
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return bool(_sequence(a) == _sequence(b))
    missing_a, missing_b = is_missing(a), is_missing(b)
    if missing_a or missing_b:
        return missing_a and missing_b
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _sequence(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return list(value)
    tolist = getattr(value, "tolist", None)
    return tolist() if callable(tolist) else value
