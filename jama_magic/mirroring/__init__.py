"""The local mirror: a project's items in an embedded DuckDB file, refreshed incrementally.

``sync(20)`` reads project 20 into ``<data folder>/<connection>.duckdb`` (the
first time all of it, later only what changed) and returns a :class:`Mirror`;
``mirror()`` opens the file again with no network. Tables (stable, for SQL):

===================  =============================================================
``items``            one row per item: ``id``, ``project``, ``itemType``, the
                     DataFrame view's flattened columns (top-level paths such as
                     ``documentKey`` or ``location.parent.item``; fields by their
                     raw key, ``status`` or ``severity$43``), ``fields`` as JSON;
                     a text column of dates also parsed, as ``<name>@timestamp``
                     (``TIMESTAMPTZ``, NULL where the text is no date)
``relationships``    ``id``, ``project``, ``fromItem``, ``toItem``,
                     ``relationshipType``, ``suspect``
``item_types``,      ``id``, a display name (``display``/``name``), a key column,
``users``,           and the whole Jama object as JSON (``obj``)
``projects``,
``releases``,
``pick_list_options``,
``relationship_types``
``syncs``            one row per completed sync (what ``m.history()`` shows)
``baselines``        baselines read once by ``jm.diff_baselines(..., mirror=m)``:
                     ``id``, ``project``, ``name``, the snapshot as JSON
``item_columns``     which column holds which dotted path of the Jama item
                     (``dates``: its ``@timestamp`` column, if any)
===================  =============================================================
"""

from __future__ import annotations

from .mirror import Mirror, mirror, sync
from .store import SCHEMA_VERSION, MirrorBusyError, MirrorError, MirrorNotFoundError
from .sync import SyncReport

__all__ = [
    "SCHEMA_VERSION",
    "Mirror",
    "MirrorBusyError",
    "MirrorError",
    "MirrorNotFoundError",
    "SyncReport",
    "mirror",
    "sync",
]
