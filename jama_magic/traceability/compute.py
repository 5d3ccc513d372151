"""The trace itself: which upstream items reach which downstream items. Pure, no I/O.

A relationship counts when it goes from an item of an upstream type to an item of a
downstream type (``fromItem`` → ``toItem``, Jama's direction: a requirement is *verified
by* a test case), and, when relationship types are given, has one of them. The reverse
trace follows the same relationships backwards (from the test cases to the requirements
they verify).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .data import TraceData

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Link", "TraceSpec", "link_frame", "links", "matrix", "reversed_links", "summary"]

ALL = "All"
_Columns = tuple[
    Mapping[int, Any], Mapping[int, Any], Mapping[int, Any], Mapping[int, "str | None"]
]


@dataclass(frozen=True)
class TraceSpec:
    """What to trace: item type ids on each side, relationship type ids (None: every type)."""

    upstream: tuple[int, ...]
    downstream: tuple[int, ...]
    relationship_types: tuple[int, ...] | None = None
    backward: bool = False

    def reversed(self) -> TraceSpec:
        """The same trace read from the downstream side."""
        return TraceSpec(
            self.downstream, self.upstream, self.relationship_types, backward=not self.backward
        )


@dataclass(frozen=True)
class Link:
    """One counted relationship, seen from its upstream item."""

    target: int
    suspect: bool


def _relationships(data: TraceData) -> Iterator[tuple[int, int, int, bool]]:
    rels = data.relationships
    columns = (
        rels[name].tolist() for name in ("fromItem", "toItem", "relationshipType", "suspect")
    )
    yield from zip(*columns, strict=True)


def links(data: TraceData, spec: TraceSpec) -> dict[int, list[Link]]:
    """Each upstream item's counted links (every upstream item has an entry, maybe empty)."""
    types = dict(zip(data.items.index.tolist(), data.items["itemType"].tolist(), strict=True))
    up, down, kinds = set(spec.upstream), set(spec.downstream), spec.relationship_types
    found: dict[int, list[Link]] = {key: [] for key, kind in types.items() if kind in up}
    for source, target, kind, suspect in _relationships(data):
        if spec.backward:
            source, target = target, source
        if kinds is not None and kind not in kinds:
            continue
        if types.get(source) in up and types.get(target) in down:
            found[source].append(Link(target, bool(suspect)))
    return found


def link_frame(data: TraceData, spec: TraceSpec) -> pd.DataFrame:
    """One row per counted relationship: upstream and downstream ids and keys, suspect."""
    import pandas as pd

    keys = _column(data.items, "documentKey")
    rows = [
        (item, link.target, keys.get(item), keys.get(link.target), link.suspect)
        for item, found in links(data, spec).items()
        for link in found
    ]
    columns = ["fromItem", "toItem", "upstream", "downstream", "suspect"]
    if spec.backward:
        columns = ["toItem", "fromItem", "downstream", "upstream", "suspect"]
    frame: pd.DataFrame = pd.DataFrame.from_records(rows, columns=columns)
    return frame


def reversed_links(data: TraceData, spec: TraceSpec) -> int:
    """How many relationships of the wanted kinds go the other way (downstream → upstream)."""
    if set(spec.upstream) & set(spec.downstream):
        return 0
    other_way = TraceSpec(spec.downstream, spec.upstream, spec.relationship_types, spec.backward)
    return sum(len(found) for found in links(data, other_way).values())


def _set_of(data: TraceData) -> dict[int, str | None]:
    """Each item's set (by name), found by walking up its parents."""
    sets, frame = data.set_types(), data.items
    parent = dict(zip(frame.index.tolist(), frame["parent"].tolist(), strict=True))
    kind = dict(zip(frame.index.tolist(), frame["itemType"].tolist(), strict=True))
    label = dict(zip(frame.index.tolist(), frame["name"].tolist(), strict=True))
    found: dict[int, str | None] = {}

    def walk(item: int) -> str | None:
        seen: list[int] = []
        current: Any = item
        while current in parent and current not in found and kind.get(current) not in sets:
            seen.append(current)
            current = _int_or_none(parent[current])
        result = found.get(current) if current in found else _set_label(current, kind, label, sets)
        for key in seen:
            found[key] = result
        return result

    for item in parent:
        walk(item)
    return found


def _set_label(
    item: Any, kind: Mapping[int, Any], label: Mapping[int, Any], sets: set[int]
) -> str | None:
    return str(label.get(item) or item) if kind.get(item) in sets else None


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value is None or value != value else int(value)
    except (TypeError, ValueError):
        return None


def matrix(data: TraceData, spec: TraceSpec) -> pd.DataFrame:
    """One row per upstream item in document order, with its downstream document keys."""
    import pandas as pd

    found = links(data, spec)
    items = data.items
    columns_of = (
        _column(items, "documentKey"),
        _column(items, "name"),
        _column(items, "itemType"),
        _set_of(data),
    )
    rows = [_row(item, found[item], data, columns_of, spec) for item in _ordered(items, found)]
    columns = ["documentKey", "name", "itemType", "set", "downstream", "count", "suspect"]
    columns += _type_columns(data, spec)
    frame: pd.DataFrame = pd.DataFrame.from_records(rows, columns=["id", *columns])
    frame = frame.set_index("id")
    frame["count"] = frame["count"].astype("int64")
    frame["suspect"] = frame["suspect"].astype("int64")
    return frame


def _column(frame: pd.DataFrame, name: str) -> dict[int, Any]:
    return dict(zip(frame.index.tolist(), frame[name].tolist(), strict=True))


def _row(
    item: int,
    found: list[Link],
    data: TraceData,
    columns: _Columns,
    spec: TraceSpec,
) -> tuple[Any, ...]:
    keys, names, kinds, sets = columns
    targets = sorted({link.target for link in found}, key=lambda t: natural(str(keys.get(t))))
    shown = [str(keys.get(t) or t) for t in targets]
    suspect = len({link.target for link in found if link.suspect})
    per_type = (
        [
            [str(keys.get(t) or t) for t in targets if kinds.get(t) == kind]
            for kind in spec.downstream
        ]
        if len(spec.downstream) > 1
        else []
    )
    head = (item, keys.get(item), names.get(item), data.type_name(kinds[item]), sets.get(item))
    return (*head, shown, len(shown), suspect, *per_type)


def _type_columns(data: TraceData, spec: TraceSpec) -> list[str]:
    return [data.type_name(kind) for kind in spec.downstream] if len(spec.downstream) > 1 else []


def _ordered(items: pd.DataFrame, found: Mapping[int, Any]) -> list[int]:
    seq, keys = _column(items, "sequence"), _column(items, "documentKey")
    return sorted(found, key=lambda item: (_sequence(seq.get(item)), natural(str(keys.get(item)))))


def _sequence(value: Any) -> tuple[float, ...]:
    if not isinstance(value, str) or not value:
        return (float("inf"),)
    return tuple(float(part) if part.isdigit() else float("inf") for part in value.split("."))


def natural(text: str) -> tuple[Any, ...]:
    """Sort key that puts ``REQ-2`` before ``REQ-10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def summary(frame: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Items, traced, untraced and coverage per ``by`` group of a matrix, then ``All``."""
    import pandas as pd

    groups = frame[by].fillna("(none)") if len(frame) else frame[by]
    traced = frame["count"] > 0
    table = pd.DataFrame({"items": traced.groupby(groups, sort=False).size()})
    table["traced"] = traced.groupby(groups, sort=False).sum().astype("int64")
    table.loc[ALL] = [len(frame), int(traced.sum())]
    table["untraced"] = table["items"] - table["traced"]
    table["coverage"] = (table["traced"] / table["items"].where(table["items"] > 0)).astype(float)
    table.index.name = by
    result: pd.DataFrame = table.astype({"items": "int64", "traced": "int64", "untraced": "int64"})
    return result
