"""Typed pandas arrays for the columns of the DataFrame view.

By Jama ``fieldType`` when the item type says it, otherwise by the values:

=============================================  ======================================
INTEGER, USER, RELEASE, LOOKUP, PROJECT,        ``int64``; ``Int64`` when some rows have
DOCUMENT_TYPE_ITEM_LOOKUP                       no value. One-element "boxed" lists are
                                                unboxed.
BOOLEAN                                         ``bool``; ``boolean`` when there are gaps
DATE, and ``yyyy-MM-dd`` / ISO timestamps        ``datetime64[..., UTC]`` (tz-aware)
MULTI_LOOKUP, STEPS                             lists (of ids, names, or step dicts)
STRING, TEXT, URL_STRING, ROLLUP, CALCULATED    ``string`` (pandas' nullable strings)
=============================================  ======================================

Missing values are ``<NA>`` throughout (``Int64``, ``boolean``, ``string``;
``NaT`` for datetimes), never a mix of ``NaN``, ``None`` and ``<NA>``.

A column whose values do not fit its declared type (a changed item type, a
quirk of the server) falls back to inference rather than failing.

A column that comes with a ``typed`` array (the mirror's DuckDB columns) gets
the same result from the array's dtype, without looking at every value (a
``datetime64[us, UTC]`` array is a column of dates already parsed); a case the
array cannot answer (an all-empty column, ints or dates where text is
declared) takes the path of the values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .columns import Column

__all__ = ["column_array", "infer_array", "parse_dates"]

_INT_TYPES = frozenset(
    {
        "INTEGER",
        "USER",
        "RELEASE",
        "LOOKUP",
        "PROJECT",
        "DOCUMENT_TYPE_ITEM_LOOKUP",
        "DOCUMENT_TYPE_CATEGORY_ITEM_LOOKUP",
    }
)
_KEEP_TYPES = frozenset(
    {"MULTI_LOOKUP", "STEPS", "STRING", "TEXT", "URL_STRING", "ROLLUP", "CALCULATED", "NAME"}
)
_RULED = _INT_TYPES | _KEEP_TYPES | {"BOOLEAN", "DATE"}
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
# The same with at most microseconds (more digits make pandas read a column in nanoseconds).
_DATETIME_US = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_NONE = type(None)


def column_array(column: Column) -> Any:
    """The column's values as a typed array (or a list pandas stores as objects)."""
    array = _from_typed(column) if column.typed is not None else None
    if array is None:
        array = _typed_array(column)
    return _na_for_none(array) if isinstance(array, list) else array


def _typed_array(column: Column) -> Any:
    field_type = column.field_type
    if field_type in _INT_TYPES:
        return _ints(column.values)
    if field_type == "BOOLEAN":
        return _bools(column.values)
    if field_type == "DATE":
        return _datetimes(column.values)
    if field_type in _KEEP_TYPES:
        return _texts(column.values) if _all_text(column.values) else column.values
    return infer_array(column.values)


def infer_array(values: list[Any]) -> Any:
    """Type ``values`` by what they hold: ints, bools, date strings, or as they are."""
    kinds = {type(value) for value in values} - {_NONE}
    if kinds == {int}:
        return _int_array(values)
    if kinds == {bool}:
        return _bool_array(values)
    if kinds == {str}:
        return _datetimes(values) if _all_dates(values) else _texts(values)
    return values


def _na_for_none(values: list[Any]) -> list[Any]:
    import pandas as pd

    # an object column (lists, mixed values) marks a gap as <NA> too, like the typed ones
    return [pd.NA if value is None else value for value in values]


def _all_text(values: list[Any]) -> bool:
    return {type(value) for value in values} - {_NONE} == {str}


def _texts(values: list[Any]) -> Any:
    import pandas as pd

    # "string" is the <NA> flavour in pandas 2 and 3 alike ("str" in pandas 3 uses NaN)
    return pd.array(values, dtype="string")


def _ints(values: list[Any]) -> Any:
    kinds = {type(value) for value in values}
    if list in kinds:
        values = [_unboxed(value) for value in values]
        kinds = {type(value) for value in values}
    return _int_array(values) if kinds - {_NONE} <= {int} else infer_array(values)


def _unboxed(value: Any) -> Any:
    # Some servers box numeric values in one-element arrays.
    return value[0] if type(value) is list and len(value) == 1 else value


def _int_array(values: list[Any]) -> Any:
    import numpy as np
    import pandas as pd

    if any(value is None for value in values):
        return pd.array(values, dtype="Int64")
    return np.array(values, dtype=np.int64)


def _bools(values: list[Any]) -> Any:
    kinds = {type(value) for value in values} - {_NONE}
    return _bool_array(values) if kinds <= {bool} else infer_array(values)


def _bool_array(values: list[Any]) -> Any:
    import numpy as np
    import pandas as pd

    if any(value is None for value in values):
        return pd.array(values, dtype="boolean")
    return np.array(values, dtype=bool)


def _all_dates(values: list[Any]) -> bool:
    match = _DATETIME.fullmatch
    # The first value is checked alone so that text columns are rejected cheaply.
    if not _first_matches(values, match):
        return False
    return all(map(match, (value for value in values if value is not None)))


def _first_matches(values: Sequence[Any], match: Any) -> bool:
    first = next((value for value in values if value is not None), None)
    return type(first) is str and bool(match(first))


def parse_dates(values: Sequence[Any]) -> Any:
    """Each value that a column of dates holds, parsed as the DataFrame view parses such a
    column (``datetime64[..., UTC]``), ``NaT`` for the others (not a date, more than
    microseconds, not a real day or time); None when the first value is no date.

    For data kept elsewhere (the mirror stores these with the text): a column whose every
    value parsed is then read as these dates, without parsing the text again."""
    import pandas as pd

    match = _DATETIME_US.fullmatch
    if not _first_matches(values, match):
        return None
    dates: list[Any] = [value if type(value) is str and match(value) else None for value in values]
    return pd.to_datetime(dates, format="ISO8601", utc=True, errors="coerce")


def _datetimes(values: list[Any]) -> Any:
    import pandas as pd

    try:
        return pd.to_datetime(values, format="ISO8601", utc=True)
    except (ValueError, TypeError):
        return infer_array(values) if not _all_dates(values) else values


def _from_typed(column: Column) -> Any:
    """``column_array`` read from ``column.typed``; None when only the values can say."""
    import pandas as pd

    array, kind = column.typed, column.typed.dtype.kind
    # A field type without a rule of its own (TEST_CASE_STATUS...) is typed by its values.
    field_type = column.field_type if column.field_type in _RULED else None
    if kind == "i" and (field_type is None or field_type in _INT_TYPES):
        return array
    if kind == "b" and field_type in (None, "BOOLEAN"):
        return array
    if kind == "M":  # dates parsed before (parse_dates), in the unit of this pandas
        return _in_text_unit(array) if field_type in (None, "DATE") else None
    # An all-empty column takes the values' path (an object column of <NA>).
    if array.dtype != "string" or pd.isna(array).all():
        return None
    if field_type == "DATE" or (field_type is None and _all_dates(column.values)):
        return _datetimes(column.values)
    return array if field_type is None or field_type in _KEEP_TYPES else None


def _in_text_unit(array: Any) -> Any:
    from pandas.errors import OutOfBoundsDatetime

    try:
        return array.as_unit(_text_unit())
    except OutOfBoundsDatetime:
        return None


@lru_cache(maxsize=1)
def _text_unit() -> str:
    """The unit of dates read from text: microseconds in pandas 3, nanoseconds in pandas 2."""
    import pandas as pd

    return str(pd.to_datetime(["2000-01-01"], format="ISO8601", utc=True).unit)
