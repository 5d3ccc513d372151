"""From an edited frame to a :class:`ChangePlan`: pure, sends nothing.

Every changed cell is checked before anything could be sent: the column must
be a field (not ``id``, ``documentKey``, ``modifiedDate``...), the field must
exist and be writable on the row's item type, and the value must fit it
(names mapped to ids per item type and project). All problems are gathered
and reported in one line, so a plan is either whole or not made. Items that
someone else held locked when the frame was read are planned, with a warning
(Jama will refuse them with 409; see :mod:`.locks`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..errors import PlanError
from ..frames.origin import FrameOrigin, origin_of
from .apply import apply_plan
from .definitions import connection_lookups, with_item_types
from .diff import Cell, diff_frames
from .locks import lock_warning, locked_by_others
from .names import NameIndex
from .plan import ChangePlan, FieldChange, ItemChange
from .values import CellError, Target, plain, wire_value

if TYPE_CHECKING:
    import pandas

__all__ = ["PlanError", "build_plan"]

_SHOWN = 3


def build_plan(frame: pandas.DataFrame) -> ChangePlan:
    """The plan of the changes made to ``frame`` since it was read (see the module doc)."""
    origin = origin_of(frame)
    diff = diff_frames(origin.original, frame)
    lookups = connection_lookups(origin)  # no request unless a definition is missing
    origin = with_item_types(origin, _edited_types(origin, diff.cells), lookups)
    names = NameIndex(origin.objects, fetch=lookups)
    changes: dict[int, list[FieldChange]] = {}
    problems: list[str] = []
    for cell in diff.cells:
        try:
            change = _field_change(cell, origin, names)
        except CellError as exc:
            problems.append(str(exc))
            continue
        if change is not None:
            changes.setdefault(cell.id, []).append(change)
    if problems:
        raise PlanError(_summary(problems))
    locked = locked_by_others(origin, changes)
    if locked:
        warnings.warn(lock_warning(locked), UserWarning, stacklevel=3)
    return ChangePlan(
        connection=origin.connection,
        read_at=origin.read_at,
        items=tuple(_item_change(origin, i, fields) for i, fields in changes.items()),
        added=tuple(diff.added),
        dropped=diff.dropped,
        ignored_columns=tuple(diff.extra_columns),
        locked=locked,
        sender=apply_plan,
    )


def _edited_types(origin: FrameOrigin, cells: Iterable[Cell]) -> set[int]:
    rows = (origin.items.get(cell.id) for cell in cells)
    return {row.item_type for row in rows if row is not None and type(row.item_type) is int}


def _field_change(cell: Cell, origin: FrameOrigin, names: NameIndex) -> FieldChange | None:
    item = origin.items.get(cell.id)
    where = f"{_key(origin, cell.id)} column '{cell.column}'"
    if item is None:
        raise CellError(f"{where}: the row is not an item (no fields): revert it")
    key = origin.columns.get(cell.column)
    if key is None:
        raise CellError(f"{where} is a system column and cannot be written: revert it")
    if item.item_type not in origin.item_types:
        raise CellError(
            f"{where}: the frame's item type definitions cannot be read (its connection "
            f"'{origin.connection}' is gone or changed): read it again, e.g. "
            "r.to_dataframe(resolve=True)"
        )
    spec = origin.spec(item.item_type, key)
    type_name = origin.type_name(item.item_type)
    if spec is None:
        raise CellError(f"{where}: {type_name} items have no field '{key}': revert it")
    if spec.get("readOnly"):
        raise CellError(f"{where}: field '{key}' is read-only on {type_name} items: revert it")
    label = f"{spec.get('label') or key} of {type_name} items"
    target = Target(spec=spec, label=label, project=item.project, names=names)
    try:
        new = wire_value(cell.after, target)
    except CellError as exc:
        raise CellError(f"{where}: {exc}") from None
    old = item.fields.get(key)
    if plain(old) == new:
        return None
    return FieldChange(
        field=key,
        column=cell.column,
        before=plain(cell.before),
        after=plain(cell.after),
        old=old,
        new=new,
    )


def _item_change(origin: FrameOrigin, item_id: int, fields: list[FieldChange]) -> ItemChange:
    item = origin.items[item_id]
    return ItemChange(
        id=item_id,
        document_key=item.document_key,
        item_type=origin.type_name(item.item_type),
        project=item.project,
        modified=item.modified,
        fields=tuple(fields),
    )


def _key(origin: FrameOrigin, item_id: Any) -> str:
    item = origin.items.get(item_id)
    return f"row {item_id}" + (f" ({item.document_key})" if item and item.document_key else "")


def _summary(problems: Iterable[str]) -> str:
    problems = list(problems)
    more = len(problems) - _SHOWN
    text = "; ".join(problems[:_SHOWN])
    prefix = f"{len(problems)} cells cannot be written: " if len(problems) > 1 else ""
    return prefix + text + (f"; ... ({more} more)" if more > 0 else "")
