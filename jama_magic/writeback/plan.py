"""``ChangePlan``: the changes of an edited frame, item by item, before anything is sent.

The plan *is* the preview: ``plan`` shows a diff table (id, documentKey,
field, before → after), ``plan.changes`` is that table as a DataFrame,
``plan.requests()`` the exact PATCH requests. ``plan.apply()`` sends them
(see :mod:`.apply`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..errors import PlanError

if TYPE_CHECKING:
    import pandas

    from ..paging import Progress
    from .locks import LockedItem
    from .result import ApplyResult

__all__ = ["ChangePlan", "FieldChange", "ItemChange"]

_ROWS = 20


@dataclass(frozen=True, kw_only=True)
class FieldChange:
    """One field of one item: shown ``before``/``after`` and the raw ``old``/``new`` values."""

    field: str  # the raw field key (the PATCH path)
    column: str
    before: Any
    after: Any
    old: Any
    new: Any

    def operation(self) -> dict[str, Any]:
        """The JSON-patch operation (``remove`` to clear a field)."""
        path = f"/fields/{self.field}"
        if self.new is None:
            return {"op": "remove", "path": path}
        return {"op": "replace", "path": path, "value": self.new}

    def inverse(self) -> FieldChange:
        return replace(self, before=self.after, after=self.before, old=self.new, new=self.old)


@dataclass(frozen=True, kw_only=True)
class ItemChange:
    """Every changed field of one item, and its ``modifiedDate`` when it was read."""

    id: int
    document_key: str | None
    item_type: str
    project: int | None
    modified: str | None
    fields: tuple[FieldChange, ...]

    @property
    def url(self) -> str:
        return f"/items/{self.id}"

    def body(self) -> list[dict[str, Any]]:
        return [change.operation() for change in self.fields]


@dataclass(frozen=True, kw_only=True)
class ChangePlan:
    """What ``apply()`` would send: one PATCH per changed item. Nothing has been sent."""

    connection: str
    read_at: str | None
    items: tuple[ItemChange, ...]
    added: tuple[Any, ...] = ()
    dropped: int = 0
    ignored_columns: tuple[str, ...] = ()
    locked: tuple[LockedItem, ...] = ()  # items someone else held locked when read
    # what sends it, given by whoever builds the plan: the plan, a value, does no I/O itself
    sender: Callable[..., ApplyResult] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def field_count(self) -> int:
        return sum(len(item.fields) for item in self.items)

    @property
    def changes(self) -> pandas.DataFrame:
        """One row per changed field: id, documentKey, itemType, field, before, after."""
        import pandas as pd

        rows = [_row(item, change) for item in self.items for change in item.fields]
        columns = ["id", "documentKey", "itemType", "field", "before", "after"]
        table: pandas.DataFrame = pd.DataFrame(rows, columns=columns)
        return table

    def requests(self) -> list[tuple[str, str, list[dict[str, Any]]]]:
        """The exact requests: ``("PATCH", "/items/1003", [operations])`` per item."""
        return [("PATCH", item.url, item.body()) for item in self.items]

    def inverse(self) -> ChangePlan:
        """The plan that puts back the values read (used by ``undo``)."""
        items = tuple(
            replace(item, fields=tuple(f.inverse() for f in item.fields)) for item in self.items
        )
        return replace(self, items=items, added=(), dropped=0, ignored_columns=(), locked=())

    def summary(self) -> str:
        """``2 items, 3 fields to change on 'sandbox'`` plus what is left out."""
        parts = [f"{len(self)} items, {self.field_count} fields to change on '{self.connection}'"]
        if self.added:
            parts.append(f"{len(self.added)} rows not read from Jama are ignored (no creates)")
        if self.dropped:
            parts.append(f"{self.dropped} rows read are not in the frame (left as they are)")
        if self.ignored_columns:
            parts.append(f"columns not from Jama ignored: {', '.join(self.ignored_columns)}")
        if self.locked:
            parts.append(f"{len(self.locked)} locked by someone else (Jama will refuse them)")
        return "; ".join(parts)

    def apply(
        self,
        *,
        lock: bool = False,
        yes: bool = False,
        confirm: Callable[[str], bool] | None = None,
        progress: Progress | bool | None = True,
        audit: bool = True,
    ) -> ApplyResult:
        """Send the plan: conflicts checked first, one PATCH per item, each once.

        ``lock=True`` locks each item around its write (and re-checks it under the
        lock); ``yes=True`` skips the one question a ``confirm_writes`` connection
        asks; ``progress`` False hides the bar; ``audit`` False skips the audit log.
        """
        if self.sender is None:
            raise PlanError("this plan cannot be sent: make it with df.jama.plan()")
        return self.sender(
            self, lock=lock, yes=yes, confirm=confirm, progress=progress, audit=audit
        )

    def __repr__(self) -> str:
        lines = [f"ChangePlan: {self.summary()}"]
        for item in self.items[:_ROWS]:
            for change in item.fields:
                lines.append(
                    f"  {item.id} {item.document_key or ''} {change.column}: "
                    f"{_short(change.before)} → {_short(change.after)}"
                )
        if len(self.items) > _ROWS:
            lines.append(f"  ... {len(self.items) - _ROWS} more items")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<p><b>ChangePlan</b>: {html.escape(self.summary())}. Nothing has been sent.</p>"
        rows = self.changes.head(_ROWS * 3)
        body = "".join(_html_row(row) for row in rows.itertuples(index=False))
        more = self.field_count - len(rows)
        tail = f"<p>... {more} more fields (plan.changes has them all)</p>" if more > 0 else ""
        header = "<tr><th>id</th><th>documentKey</th><th>field</th><th>before → after</th></tr>"
        return f"{head}<table>{header}{body}</table>{tail}"


def _row(item: ItemChange, change: FieldChange) -> dict[str, Any]:
    return {
        "id": item.id,
        "documentKey": item.document_key,
        "itemType": item.item_type,
        "field": change.column,
        "before": change.before,
        "after": change.after,
    }


def _html_row(row: Any) -> str:
    before = f"<del>{html.escape(_short(row.before))}</del>"
    after = f"<ins>{html.escape(_short(row.after))}</ins>"
    cells = (str(row.id), html.escape(str(row.documentKey or "")), html.escape(row.field))
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + f"<td>{before} → {after}</td></tr>"


def _short(value: Any, width: int = 60) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
