"""Ids shown as names over typed arrays (``Column.typed``: the mirror's columns of ids).

The same result as :mod:`jama_magic.frames.resolve` gets value by value: each
distinct id is looked up once (``pandas.factorize``) and the names are built
as arrays, the typed one included (``string``, ``<NA>`` where a row has no id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .columns import Column

__all__ = [
    "resolved_per_row_typed",
    "resolved_typed",
    "typed_ids",
    "typed_ids_per_kind",
    "typed_ints",
]


def typed_ints(column: Column) -> bool:
    """The column comes with a typed array of integers (ids)."""
    return column.typed is not None and column.typed.dtype.kind == "i"


def typed_ids(typed: Any) -> set[int]:
    """The distinct ids of a typed array."""
    import pandas as pd

    return {int(value) for value in pd.unique(typed[pd.notna(typed)])}


def typed_ids_per_kind(column: Column) -> dict[str, set[int]]:
    """The distinct ids of a column with a kind per row (``Column.refs``), by kind."""
    refs = column.refs or []
    kinds = _kinds(refs)
    present = {kind for kind in set(refs) if kind is not None}
    return {kind: typed_ids(column.typed[kinds == kind]) for kind in present}


def resolved_typed(column: Column, table: Mapping[int, str]) -> Column:
    """The column's ids as their names in ``table`` (an unknown id as its number in text)."""
    import numpy as np
    import pandas as pd

    names, codes = _names(column.typed, table)
    # As objects, code -1 picks the None appended last; as strings, take() fills <NA>.
    values = np.array([*names, None], dtype=object)[codes].tolist()
    typed = pd.array(names, dtype="string").take(codes, allow_fill=True)
    return replace(column, values=values, typed=typed, field_type="NAME")


def resolved_per_row_typed(column: Column, tables: Mapping[str, dict[int, str]]) -> Column:
    """``resolved_typed`` for a column with a kind per row: each row by its own kind."""
    import numpy as np
    import pandas as pd

    refs = column.refs or []
    kinds = _kinds(refs)
    values = np.full(len(refs), None, dtype=object)
    for kind in set(refs):
        rows = kinds == kind
        names, codes = _names(column.typed[rows], tables.get(kind or "") or {})
        values[rows] = np.array([*names, None], dtype=object)[codes]
    typed = pd.array(values, dtype="string")
    return replace(column, values=values.tolist(), typed=typed, field_type="NAME")


def _names(typed: Any, table: Mapping[int, str]) -> tuple[list[str], Any]:
    """The names of the distinct ids of a typed array, and each row's code (-1: no id)."""
    import pandas as pd

    codes, distinct = pd.factorize(typed)
    return [table.get(int(i)) or str(int(i)) for i in distinct], codes


def _kinds(refs: list[str | None]) -> Any:
    import numpy as np

    return np.asarray(refs, dtype=object)
