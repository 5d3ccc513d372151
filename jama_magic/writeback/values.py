"""One cell of an edited frame as the JSON value Jama expects for the field.

By the field's ``fieldType`` (from the item type definition): names of
pick-list options, users, releases, projects, item types and items are mapped
to ids (:mod:`.names`); dates become ``yyyy-MM-dd``; whole numbers ``int``;
pandas/numpy missing values (``NA``, ``NaT``, ``NaN``) ``None``. A value that
does not fit the field raises :class:`CellError` with what was expected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..frames.fields import FIELD_TYPE_REFS
from ..frames.missing import is_missing
from .names import NameIndex, UnknownName

__all__ = ["CellError", "Target", "plain", "wire_value"]

_TEXT = frozenset({"STRING", "TEXT", "URL_STRING"})


class CellError(ValueError):
    """A cell value that the field cannot take (the message says what it can)."""


@dataclass(frozen=True, kw_only=True)
class Target:
    """The field a cell is written to, on one item."""

    spec: Mapping[str, Any]
    label: str  # "Status of Requirement items", for messages
    project: int | None
    names: NameIndex


def plain(value: Any) -> Any:
    """numpy/pandas scalars and arrays as plain Python (lists for arrays and tuples)."""
    if is_missing(value):
        return None
    if isinstance(value, list | tuple):
        return [plain(part) for part in value]
    module = type(value).__module__.split(".")[0]
    if module == "numpy":
        return plain(value.tolist())
    return value


def wire_value(value: Any, target: Target) -> Any:
    """The JSON value of ``value`` for ``target``'s field (see the module docstring)."""
    value = plain(value)
    if value is None:
        return None
    field_type = target.spec.get("fieldType")
    if field_type == "MULTI_LOOKUP":
        parts = value if isinstance(value, list) else [value]
        return [_ref(part, "LOOKUP", target) for part in parts]
    if field_type in FIELD_TYPE_REFS:
        return _ref(value, field_type, target)
    return _scalar(value, field_type, target)


def _scalar(value: Any, field_type: str | None, target: Target) -> Any:
    if field_type == "DATE":
        return _date(value, target)
    if field_type == "INTEGER":
        return _integer(value, target)
    if field_type == "BOOLEAN":
        if isinstance(value, bool):
            return value
        raise CellError(f"{target.label} takes True or False, got {value!r}")
    if field_type in _TEXT and not isinstance(value, str):
        raise CellError(f"{target.label} takes text, got {value!r} (use str(...))")
    return value


def _ref(value: Any, field_type: str, target: Target) -> int:
    kind = FIELD_TYPE_REFS[field_type]
    group = _group(kind, target)
    try:
        number = _as_id(value, kind, group, target)
        if number is None:
            return target.names.id_for(kind, value, group=group, what=target.label)
        return target.names.checked_id(kind, number, group=group, what=target.label)
    except UnknownName as exc:
        raise CellError(str(exc)) from None


def _as_id(value: Any, kind: str, group: Any, target: Target) -> int | None:
    """The id ``value`` gives (an int, or digits that name nothing), None for a name."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise CellError(f"{target.label} takes a name or an id, got {value!r}")
    if value.strip().isdigit() and not target.names.has_name(kind, value, group=group):
        return int(value)  # a resolved column holds text, so an id goes in as "303"
    return None


def _group(kind: str, target: Target) -> Any:
    if kind == "picklistoptions":
        return target.spec.get("pickList")
    return target.project if kind == "releases" else None


def _date(value: Any, target: Target) -> str:
    if isinstance(value, dt.datetime):  # pandas Timestamp too: the day as the frame shows it
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    raise CellError(f"{target.label} takes a date (yyyy-MM-dd or a Timestamp), got {value!r}")


def _integer(value: Any, target: Target) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise CellError(f"{target.label} takes a whole number, got {value!r}")
