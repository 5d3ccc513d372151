"""Column-wise flattening of a list of JSON objects, the first step of the DataFrame view.

One pass over the rows fills one Python list per dotted path (``lock.lockedBy``,
``fields.status$89012``), pre-sized to the number of rows, so a 100,000-row
list never goes through row-by-row DataFrame operations. Nested objects become
dotted paths (like ``pandas.json_normalize``); lists stay values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Column", "ColumnTree", "flatten_rows"]


@dataclass(frozen=True, kw_only=True)
class Column:
    """One output column before it becomes pandas data.

    ``refs`` (a column whose rows point to objects of different kinds:
    ``parent``, an item or the project) holds each row's kind instead of ``ref``.
    ``source`` is the dotted path in the Jama object, ``field_type`` the Jama
    ``fieldType`` when known (plus ``"NAME"`` once ids were resolved),
    ``ref`` the kind of object the values point to (``"users"``...).
    ``typed``, when set, holds the same values as an array already typed by
    storage (``int64``/``Int64``, ``bool``/``boolean``, ``string``, or
    ``datetime64[us, UTC]`` for ISO dates parsed as ``to_datetime`` would), as
    the mirror reads them from DuckDB: the dtype rules and name resolution then
    work on the array instead of on every value. A step that changes
    ``values`` drops it.
    """

    name: str
    values: list[Any]
    source: str
    field_type: str | None = None
    text_type: str | None = None
    ref: str | None = None
    refs: list[str | None] | None = None
    label: str | None = None
    field_key: str | None = None
    typed: Any = None


class ColumnTree:
    """Dotted-path columns of ``size`` rows, filled one row at a time by :meth:`add`.

    ``typed`` (on the root, by dotted path) holds arrays a caller already typed
    (see ``Column.typed``).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.lists: dict[str, list[Any]] = {}
        self.children: dict[str, ColumnTree] = {}
        self.typed: dict[str, Any] = {}

    def add(self, row: Mapping[str, Any], index: int) -> None:
        """Put every value of ``row`` at position ``index`` of its path's list."""
        for key, value in row.items():
            if type(value) is dict:
                child = self.children.get(key)
                if child is None:
                    child = self.children[key] = ColumnTree(self.size)
                child.add(value, index)
                continue
            column = self.lists.get(key)
            if column is None:
                column = self.lists[key] = [None] * self.size
            column[index] = value

    def pop_child(self, key: str) -> ColumnTree:
        """Remove and return the subtree under ``key`` (empty when absent)."""
        return self.children.pop(key, None) or ColumnTree(self.size)

    def flat(self, prefix: str = "") -> Iterator[tuple[str, list[Any]]]:
        """Yield ``(dotted path, values)`` in first-seen order, leaves before subtrees."""
        for key, values in self.lists.items():
            yield prefix + key, values
        for key, child in self.children.items():
            yield from child.flat(f"{prefix}{key}.")


def flatten_rows(rows: Sequence[Mapping[str, Any]]) -> ColumnTree:
    """Flatten ``rows`` column-wise into a :class:`ColumnTree`."""
    tree = ColumnTree(len(rows))
    add = tree.add
    for index, row in enumerate(rows):
        add(row, index)
    return tree
