"""``Diff``: what changed between two versions, two baselines or two frames.

A frozen value holding two DataFrames and a title:

* ``changes``: one row per change, columns ``id``, ``documentKey``,
  ``change``, ``field``, ``before``, ``after``. ``change`` is ``added`` or
  ``removed`` (an item, ``field`` empty, its name in ``before``/``after``;
  or a relationship, ``field`` "relationship"), ``changed`` (a field a
  reader sees differ) or ``markup`` (rich text whose HTML differs while its
  text is the same).
* ``relationships``: one row per relationship added or removed: ``change``,
  ``id``, ``fromItem``, ``fromKey``, ``toItem``, ``toKey``,
  ``relationshipType``.

``summary`` is one line; the HTML view (:mod:`.render`) is a side-by-side
table with the changed words highlighted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from typing import TYPE_CHECKING, Any

from .compare import Change

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Diff", "RelationshipChange"]

_TEXT_ROWS = 20


@dataclass(frozen=True)
class RelationshipChange:
    """One relationship added or removed."""

    change: str
    id: int | None
    fromItem: int
    fromKey: str | None
    toItem: int
    toKey: str | None
    relationshipType: str | None

    def as_change(self) -> Change:
        """The row this relationship adds to ``Diff.changes`` (under its from-item)."""
        text = f"{self.relationshipType or 'related'} → {self.toKey or self.toItem}"
        before, after = (None, text) if self.change == "added" else (text, None)
        return Change(self.fromItem, self.fromKey, self.change, "relationship", before, after)


@dataclass(frozen=True, eq=False)
class Diff:
    """What changed (see the module docstring); build one with ``Diff.of``."""

    changes: pd.DataFrame
    relationships: pd.DataFrame
    title: str = ""

    @classmethod
    def of(
        cls,
        changes: Iterable[Change],
        relationships: Iterable[RelationshipChange] = (),
        *,
        title: str = "",
    ) -> Diff:
        """A Diff of item changes and relationship changes (listed under their from-item)."""
        rels = list(relationships)
        rows = _grouped([*changes, *(rel.as_change() for rel in rels)])
        return cls(_frame(rows, Change), _frame(rels, RelationshipChange), title)

    @property
    def summary(self) -> str:
        """One line: ``"12 changed, 3 added, 1 removed; 2 relationships added"``."""
        return summary_line(self.changes, self.relationships)

    def __bool__(self) -> bool:
        return not self.changes.empty

    def __repr__(self) -> str:
        lines = [f"{self.title}: {self.summary}" if self.title else self.summary]
        for row in self.changes.head(_TEXT_ROWS).itertuples(index=False):
            lines.append(_text_row(row))
        if len(self.changes) > _TEXT_ROWS:
            lines.append(f"... {len(self.changes) - _TEXT_ROWS} more rows in .changes")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .render import render_html

        return render_html(self)


def _grouped(rows: list[Change]) -> list[Change]:
    first: dict[Any, int] = {}
    for position, row in enumerate(rows):
        first.setdefault(row.id, position)
    return sorted(rows, key=lambda row: first[row.id])


def _frame(rows: list[Any], kind: type) -> pd.DataFrame:
    import pandas as pd

    columns = [f.name for f in fields(kind)]
    data = [astuple(row) for row in rows]
    frame: pd.DataFrame = pd.DataFrame(data, columns=columns, dtype=object)
    return frame


def summary_line(changes: pd.DataFrame, relationships: pd.DataFrame) -> str:
    """The one-line summary of a changes frame and a relationships frame."""
    items = changes[changes["field"] != "relationship"]
    kinds = Counter(items["change"])
    changed = set(items.loc[items["change"] == "changed", "id"])
    markup_only = set(items.loc[items["change"] == "markup", "id"]) - changed
    parts = [f"{len(changed)} changed, {kinds['added']} added, {kinds['removed']} removed"]
    if markup_only:
        parts.append(f"{len(markup_only)} with markup-only changes")
    rels = _relationship_part(relationships)
    if rels:
        parts.append(rels)
    return "; ".join(parts) if len(changes) else "no changes"


def _relationship_part(relationships: pd.DataFrame) -> str | None:
    counts = Counter(relationships["change"])
    shown = [(counts[kind], kind) for kind in ("added", "removed") if counts[kind]]
    if not shown:
        return None
    (first, kind), rest = shown[0], shown[1:]
    noun = "relationship" if first == 1 else "relationships"
    return f"{first} {noun} {kind}" + "".join(f", {n} {k}" for n, k in rest)


def _text_row(row: Any) -> str:
    what = row.documentKey or row.id
    if row.change in ("added", "removed") and row.field is None:
        return f"  {what}: {row.change} ({row.before if row.change == 'removed' else row.after})"
    return f"  {what} {row.field}: {_short(row.before)} → {_short(row.after)}" + (
        " (markup only)" if row.change == "markup" else ""
    )


def _short(value: Any, width: int = 40) -> str:
    from .values import as_text

    text = " ".join(as_text(value).split()) or "∅"
    return text if len(text) <= width else text[: width - 1] + "…"
