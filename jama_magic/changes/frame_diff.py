"""``diff``: two item frames compared (two mirror reads, two ``r.df``, before and after an edit)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from ..errors import JamaUsageError
from .compare import compare_frames
from .result import Diff

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["diff"]


def diff(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    fields: Collection[str] | None = None,
    ignore: Collection[str] = (),
    title: str = "",
) -> Diff:
    """What changed from ``before`` to ``after``, matching rows by item id.

    ``fields`` (column names or labels) limits the comparison; ``ignore``
    adds columns to leave out. Bookkeeping columns (dates, versions, locks)
    are never compared.
    """
    _check_frames(before, after)
    return Diff.of(compare_frames(before, after, fields=fields, ignore=ignore), title=title)


def _check_frames(before: object, after: object) -> None:
    import pandas as pd

    if not (isinstance(before, pd.DataFrame) and isinstance(after, pd.DataFrame)):
        kinds = f"{type(before).__name__} and {type(after).__name__}"
        raise JamaUsageError(
            f"expected two DataFrames (before, after), got {kinds}: e.g. jm.diff(r1.df, r2.df)"
        )
