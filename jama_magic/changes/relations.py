"""Relationships added and removed between two sets of relationships (pure).

A relationship is known by what it links: (from item, to item, type). Jama
objects name the ends as ids; versioned relationships may wrap them
(``[id, version]`` or ``{"id": …}``), so every end is read through
:func:`ref`. A changed type is a removal plus an addition, as a reader of a
trace would see it. The suspect flag is not compared: it says something
about the items, not about the link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .result import RelationshipChange

__all__ = ["Link", "compare_relationships", "links", "ref"]

Link = tuple[int, int, int | None]


def ref(value: Any) -> int | None:
    """The id in one end of a relationship (an id, ``[id, …]`` or ``{"id": id}``)."""
    if isinstance(value, Mapping):
        value = value.get("id")
    elif isinstance(value, list | tuple):
        value = value[0] if value else None
    return value if type(value) is int else None


def links(relationships: Iterable[Mapping[str, Any]]) -> dict[Link, Mapping[str, Any]]:
    """Relationships keyed by (from, to, type); malformed ones are skipped."""
    found: dict[Link, Mapping[str, Any]] = {}
    for rel in relationships:
        start, end = ref(rel.get("fromItem")), ref(rel.get("toItem"))
        if start is not None and end is not None:
            found[(start, end, ref(rel.get("relationshipType")))] = rel
    return found


def compare_relationships(
    before: Iterable[Mapping[str, Any]],
    after: Iterable[Mapping[str, Any]],
    *,
    keys: Mapping[int, str | None],
    type_names: Mapping[int, str],
) -> list[RelationshipChange]:
    """Relationships only in ``after`` (added), then only in ``before`` (removed)."""
    old, new = links(before), links(after)
    added = [(link, new[link]) for link in new if link not in old]
    removed = [(link, old[link]) for link in old if link not in new]
    return [
        _change(kind, link, rel, keys, type_names)
        for kind, pairs in (("added", added), ("removed", removed))
        for link, rel in pairs
    ]


def _change(
    kind: str,
    link: Link,
    rel: Mapping[str, Any],
    keys: Mapping[int, str | None],
    type_names: Mapping[int, str],
) -> RelationshipChange:
    start, end, kind_id = link
    name = type_names.get(kind_id) if kind_id is not None else None
    return RelationshipChange(
        change=kind,
        id=ref(rel.get("id")),
        fromItem=start,
        fromKey=keys.get(start),
        toItem=end,
        toKey=keys.get(end),
        relationshipType=name or (str(kind_id) if kind_id is not None else None),
    )
