"""The mirror source of a trace: the local mirror (``jm.sync``/``jm.mirror``), no network.

Written against the mirror's public surface (issue 17, branch ``mirror``):
``m.items(projects, resolve=False)`` (the DataFrame view of ``r.df``, which has the item
frame's columns), ``m.relationships(projects, resolve=False)`` (``fromItem``, ``toItem``,
``relationshipType``, ``suspect``) and ``m.sql`` on its ``item_types`` and
``relationship_types`` tables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import JamaUsageError
from .compute import TraceSpec
from .data import ITEM_COLUMNS, Lookups, TraceData, container_types

__all__ = ["MirrorSource"]


class MirrorSource:
    """Reads a trace's data from a mirror (``jm.mirror()``) without any request."""

    def __init__(self, mirror: Any) -> None:
        if not all(hasattr(mirror, name) for name in ("items", "relationships", "sql")):
            kind = type(mirror).__name__
            raise JamaUsageError(
                f"mirror= must be a mirror from jm.mirror() or jm.sync(), got {kind}"
            )
        self.mirror = mirror

    def lookups(self) -> Lookups:
        """Item types and relationship types as the last sync stored them."""
        types = self.mirror.sql("select id, obj from item_types")
        item_types = {
            int(k): _object(obj) for k, obj in zip(types["id"], types["obj"], strict=True)
        }
        rels = self.mirror.sql("select id, name from relationship_types")
        names = {int(k): str(name) for k, name in zip(rels["id"], rels["name"], strict=True)}
        return item_types, names

    def data(self, projects: tuple[int, ...], spec: TraceSpec, lookups: Lookups) -> TraceData:
        """The mirrored items of the traced types (with sets and folders) and relationships."""
        wanted = {*spec.upstream, *spec.downstream, *container_types(lookups[0])}
        items = self.mirror.items(list(projects), resolve=False)
        items = items[items["itemType"].isin(wanted)]
        for column in ITEM_COLUMNS:
            if column not in items.columns:
                items = items.assign(**{column: None})
        rels = self.mirror.relationships(list(projects), resolve=False)
        return TraceData(
            projects=projects,
            items=items[list(ITEM_COLUMNS)],
            relationships=rels[["fromItem", "toItem", "relationshipType", "suspect"]],
            item_types=lookups[0],
            relationship_types=lookups[1],
            source=f"mirror {getattr(self.mirror, 'path', '')}".strip(),
            requests=0,
        )


def _object(value: Any) -> Mapping[str, Any]:
    found = json.loads(value) if isinstance(value, str) else value
    return found if isinstance(found, Mapping) else {}
