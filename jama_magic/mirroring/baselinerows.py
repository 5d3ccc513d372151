"""Baselines kept in the mirror (``baselines`` table): read once from Jama, never again.

A baseline never changes once taken, so ``jm.diff_baselines(a, b, mirror=m)``
keeps what it read of each baseline here (``changes.BaselineStore``) and a
second diff of the same baselines costs no request. One row per baseline:
``id``, ``project``, ``name`` and the snapshot as JSON (the baseline object,
its versioned items, the versioned relationships read so far, and which items
had activity after it).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .db import one, run

if TYPE_CHECKING:
    import duckdb

    from ..changes import BaselineSnapshot

__all__ = ["load_baseline", "save_baseline"]


def load_baseline(con: duckdb.DuckDBPyConnection, baseline_id: int) -> BaselineSnapshot | None:
    """The kept snapshot of ``baseline_id`` (None when it was never read)."""
    from ..changes import BaselineSnapshot

    text = one(con, "select snapshot from baselines where id = ?", [int(baseline_id)])
    if text is None:
        return None
    kept = json.loads(text)
    return BaselineSnapshot(
        kept["baseline"],
        kept["items"],
        {int(key): rels for key, rels in kept["relationships"].items()},
        frozenset(kept["active"]),
        kept["active_covers"],
    )


def save_baseline(con: duckdb.DuckDBPyConnection, snapshot: BaselineSnapshot) -> None:
    """Keep ``snapshot`` (replacing a less complete one)."""
    kept: dict[str, Any] = {
        "baseline": dict(snapshot.baseline),
        "items": [dict(item) for item in snapshot.items],
        "relationships": {str(k): list(v) for k, v in snapshot.relationships.items()},
        "active": sorted(snapshot.active),
        "active_covers": snapshot.active_covers,
    }
    run(
        con,
        "insert or replace into baselines values (?, ?, ?, ?)",
        [
            snapshot.id,
            snapshot.baseline.get("project"),
            snapshot.baseline.get("name"),
            json.dumps(kept),
        ],
    )
