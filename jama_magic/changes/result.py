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
_CONTEXT = 12  # characters shown around a change in the terminal view


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
        """One line: ``"12 items changed (15 fields), 3 added; 2 relationships added"``."""
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
    """The one-line summary: ``"1 item changed (2 fields), 1 added; 1 relationship added"``.

    Counts that are zero are left out; ``"no changes"`` when there is none at all.
    """
    if not len(changes):
        return "no changes"
    items = changes[changes["field"] != "relationship"]
    kinds = Counter(items["change"])
    changed = set(items.loc[items["change"] == "changed", "id"])
    markup_only = set(items.loc[items["change"] == "markup", "id"]) - changed
    counts = [(len(changed), f"changed ({_plural(kinds['changed'], 'field')})")]
    counts += [(kinds[kind], kind) for kind in ("added", "removed")]
    parts = [_counted(counts, "item")]
    if markup_only:
        noun = "" if parts[0] else ("item " if len(markup_only) == 1 else "items ")
        parts.append(f"{len(markup_only)} {noun}with markup-only changes")
    parts.append(_relationship_part(relationships))
    return "; ".join(part for part in parts if part)


def _counted(counts: list[tuple[int, str]], noun: str) -> str:
    """``"3 items changed (5 fields), 1 removed"``: non-zero counts, the noun on the first."""
    shown = [(n, what) for n, what in counts if n]
    if not shown:
        return ""
    (first, what), rest = shown[0], shown[1:]
    return f"{_plural(first, noun)} {what}" + "".join(f", {n} {k}" for n, k in rest)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _relationship_part(relationships: pd.DataFrame) -> str:
    counts = Counter(relationships["change"])
    return _counted([(counts[kind], kind) for kind in ("added", "removed")], "relationship")


def _text_row(row: Any) -> str:
    what = row.documentKey or row.id
    if row.change in ("added", "removed") and row.field is None:
        return f"  {what}: {row.change} ({row.before if row.change == 'removed' else row.after})"
    before, after = _differing(_flat(row.before), _flat(row.after))
    tail = " (markup only)" if row.change == "markup" else ""
    return f"  {what} {row.field}: {before} → {after}{tail}"


def _flat(value: Any) -> str:
    from .values import as_text

    return " ".join(as_text(value).split())


def _differing(before: str, after: str, width: int = 40) -> tuple[str, str]:
    """Both texts cut to the part where they differ, with a little context either side."""
    if len(before) <= width and len(after) <= width:
        return before or "∅", after or "∅"
    start = _common(before, after)
    room = min(len(before), len(after)) - start
    end = min(_common(before[::-1], after[::-1]), room)
    left = max(start - _CONTEXT, 0)
    return _window(before, left, end, width), _window(after, left, end, width)


def _common(first: str, second: str) -> int:
    """How many characters the two texts share at their start."""
    pairs = enumerate(zip(first, second, strict=False))  # the shorter one ends the match
    return next((i for i, (a, b) in pairs if a != b), min(len(first), len(second)))


def _window(text: str, left: int, common_end: int, width: int) -> str:
    right = min(len(text), len(text) - common_end + _CONTEXT)
    part = text[left:right]
    cut = len(part) > width or right < len(text)
    shown = ("…" if left else "") + part[: width - 1 if len(part) > width else None]
    return (shown + ("…" if cut else "")) or "∅"
