"""What ``plan()`` reads when the frame lacks it: definitions, never data, never a write.

A frame read with ``resolve=True`` carries its item types and the names it
was resolved from, and planning it sends nothing. A frame read without
(``r.df``: ids, no names) lacks the item type definitions that say which
columns are fields and what they take; ``plan()`` then takes them from the
connection's lookups: cached for the session, so at most one ``GET
/itemtypes`` (all pages) a session, none after any ``resolve=True`` read.
Pick-list options given by id are checked the same way (see :mod:`.names`).
When the frame's connection is gone or now points elsewhere, nothing is read
and the plan says how to read the frame again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import JamaUsageError

if TYPE_CHECKING:
    from ..frames.origin import FrameOrigin
    from ..lookups import ConnectionLookups

__all__ = ["connection_lookups", "with_item_types"]


def connection_lookups(origin: FrameOrigin) -> ConnectionLookups | None:
    """The lookups of the frame's connection, if it is still there and at the same URL."""
    from ..client import client_for
    from ..lookups import lookups_for

    try:
        client = client_for(origin.connection)
    except JamaUsageError:  # the connection was dropped
        return None
    if client.connection.base_url != origin.base_url:
        return None
    return lookups_for(client)


def with_item_types(
    origin: FrameOrigin, wanted: set[int], lookups: ConnectionLookups | None
) -> FrameOrigin:
    """``origin`` plus the definitions of the ``wanted`` item types it lacks, when to be had."""
    missing = sorted(wanted - origin.item_types.keys())
    if not missing or lookups is None:
        return origin
    found = lookups.item_types(missing)
    return replace(origin, item_types={**origin.item_types, **found}) if found else origin
