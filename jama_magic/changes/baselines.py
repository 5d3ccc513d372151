"""``diff_baselines``: two baselines of a project compared, or a baseline and the project now.

Items whose version is the same in both baselines are equal by Jama's
definition and are not compared. Relationships are no part of an item's
version; they are read (``versionedrelationships``, one request per item and
baseline: Jama has no bulk read of them) only for the items whose
relationships can differ: those added or removed, and those the activity log
names (see :mod:`.activity`).

Cost, for two baselines of N items, r relationships written between them and
nothing kept yet: 2 requests for the baselines, 2 × ⌈N/50⌉ pages of
``versioneditems`` read concurrently, two reads of ``/activities``, r
``affecteditems``, two ``versionedrelationships`` per item concerned, one for
the relationship type names when relationships changed, and the
connection's name lookups the first time.

Against the project now (``b=None``), the current items are read in bulk
(``/items?project=``) and compared field by field, and the current
relationships in bulk (``/relationships?project=``); the baseline's
relationships are read for the items added or removed and those the activity
log names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..client import client_for
from ..connection import Connection
from ..lookups import relationship_type_names
from .activity import relationship_suspects
from .baseline_names import baseline_ids
from .compare import compare_frames
from .fetch import get_many, item_frames
from .relations import compare_relationships, ref
from .result import Diff
from .snapshots import BaselineSnapshot, BaselineStore, read_snapshots, with_relationships

if TYPE_CHECKING:
    from ..client import JamaClient
    from ..paging import Progress

__all__ = ["diff_baselines"]

JsonDict = Mapping[str, Any]


def diff_baselines(
    a: int | str,
    b: int | str | None = None,
    *,
    project: int | None = None,
    connection: Connection | str | None = None,
    mirror: BaselineStore | None = None,
    relationships: bool = True,
    progress: Progress | None = None,
) -> Diff:
    """What changed from baseline ``a`` to baseline ``b`` (``None``: to the project now).

    Baselines are ids or names; a name is looked up in ``project``, else in the
    project of the other baseline, else in every project (see :mod:`.baseline_names`).
    ``mirror`` keeps what was read of each baseline, so a second diff costs no
    request; ``relationships=False`` skips the relationship comparison.
    """
    client = client_for(connection)
    first, second = baseline_ids(client, [a, b], project)
    assert first is not None
    snaps = read_snapshots(client, [first] if second is None else [first, second], mirror)
    old = snaps[first]
    if second is None:
        return _against_now(client, old, mirror, relationships, progress)
    return _between(client, old, snaps[second], mirror, relationships, progress)


def _between(
    client: JamaClient,
    old: BaselineSnapshot,
    new: BaselineSnapshot,
    mirror: BaselineStore | None,
    relationships: bool,
    progress: Progress | None,
) -> Diff:
    moved = _version_changes(old.items, new.items)
    before, after = _subset(old.items, moved), _subset(new.items, moved)
    changes = compare_frames(*item_frames(client, _located(before), _located(after)))
    rels = []
    if relationships:
        old = _with_activity(client, old, new)
        touched = _ids(old.items) ^ _ids(new.items) | old.active
        wanted = [(old, touched & _ids(old.items)), (new, touched & _ids(new.items))]
        old, new = _read_relationships(client, wanted, progress)
        was, now = _touching(old, wanted[0][1]), _touching(new, wanted[1][1])
        rels = _relationship_changes(client, was, now, [*old.items, *new.items])
    _keep(mirror, old, new)
    return Diff.of(changes, rels, title=f"{_name(old)} → {_name(new)}")


def _against_now(
    client: JamaClient,
    old: BaselineSnapshot,
    mirror: BaselineStore | None,
    relationships: bool,
    progress: Progress | None,
) -> Diff:
    project = old.baseline.get("project")
    gets = [("/items", {"project": project}, True)]
    if relationships:
        gets.append(("/relationships", {"project": project}, True))
    current, *rest = get_many(client, gets)
    current = list(current or [])
    changes = compare_frames(*item_frames(client, _located(old.items), current))
    rels = []
    if relationships:
        since = (str(old.baseline.get("createdDate") or ""), None)
        suspects = relationship_suspects(
            client,
            project,
            since,
            [*old.items, *current],
            lambda: _active_since(current, old.baseline),
        )
        touched = _ids(old.items) ^ _ids(current) | suspects
        wanted = touched & _ids(old.items)
        (old,) = _read_relationships(client, [(old, wanted)], progress)
        now = [r for r in rest[0] or [] if _ends(r) & touched]
        rels = _relationship_changes(client, _touching(old, wanted), now, [*old.items, *current])
    _keep(mirror, old)
    return Diff.of(changes, rels, title=f"{_name(old)} → now")


def _with_activity(
    client: JamaClient, old: BaselineSnapshot, new: BaselineSnapshot
) -> BaselineSnapshot:
    """``old`` knowing which items' relationships may differ up to ``new`` (see .activity)."""
    until = str(new.baseline.get("createdDate") or "")
    if old.active_covers is not None and _at_or_before(until, old.active_covers):
        return old
    since, project = str(old.baseline.get("createdDate") or ""), old.baseline.get("project")
    active = relationship_suspects(
        client,
        project,
        (since, until),
        [*old.items, *new.items],
        lambda: _active_after(client, project, since),
    )
    # A superset for any baseline taken up to `until`, whose differences are fixed forever.
    return replace(old, active=frozenset(active), active_covers=until)


def _active_after(client: JamaClient, project: Any, since: str) -> set[int]:
    """Items with any activity since ``since`` (one bulk read): the wide fallback."""
    query = {"project": project, "lastActivityDate": since}
    (rows,) = get_many(client, [("/abstractitems", query, True)])
    return {row["id"] for row in rows or []}


def _at_or_before(first: str, second: str) -> bool:
    import pandas as pd

    return bool(pd.Timestamp(first) <= pd.Timestamp(second))


def _version_changes(old: list[JsonDict], new: list[JsonDict]) -> set[int]:
    """Ids added, removed, or at another version: the only items that can differ."""
    was = {item["id"]: item.get("version") for item in old}
    now = {item["id"]: item.get("version") for item in new}
    return {key for key in was.keys() | now.keys() if was.get(key, -1) != now.get(key, -1)}


def _subset(items: list[JsonDict], ids: set[int]) -> list[JsonDict]:
    return [item for item in items if item["id"] in ids]


def _ids(items: list[JsonDict]) -> set[int]:
    return {item["id"] for item in items}


def _located(items: list[JsonDict]) -> list[JsonDict]:
    # A baseline item's place is its baselineLocation; the frame reads `location`.
    return [
        {**item, "location": item["baselineLocation"]}
        if "location" not in item and isinstance(item.get("baselineLocation"), Mapping)
        else item
        for item in items
    ]


def _active_since(items: list[JsonDict], baseline: JsonDict) -> set[int]:
    """Ids of items with activity (a relationship written, say) after the baseline was taken."""
    import pandas as pd

    taken = pd.Timestamp(baseline.get("createdDate") or 0, tz="UTC")
    return {
        item["id"]
        for item in items
        if item.get("lastActivityDate") and pd.Timestamp(item["lastActivityDate"]) > taken
    }


def _read_relationships(
    client: JamaClient,
    wanted: list[tuple[BaselineSnapshot, set[int]]],
    progress: Progress | None,
) -> list[BaselineSnapshot]:
    """The snapshots with the versioned relationships of the wanted items (read if not kept)."""
    todo = [(snap, key) for snap, ids in wanted for key in sorted(ids - snap.relationships.keys())]
    url = "/baselines/{}/versioneditems/{}/versionedrelationships"
    data = get_many(
        client, [(url.format(s.id, key), None, True) for s, key in todo], progress=progress
    )
    found: dict[int, dict[int, list[JsonDict]]] = {}
    for (snap, key), rows in zip(todo, data, strict=True):
        found.setdefault(snap.id, {})[key] = list(rows or [])
    return [with_relationships(snap, found.get(snap.id, {})) for snap, _ in wanted]


def _touching(snap: BaselineSnapshot, ids: set[int]) -> list[JsonDict]:
    return [rel for key in sorted(ids) for rel in snap.relationships.get(key, [])]


def _ends(rel: JsonDict) -> set[int | None]:
    return {ref(rel.get("fromItem")), ref(rel.get("toItem"))}


def _relationship_changes(
    client: JamaClient, before: list[JsonDict], after: list[JsonDict], items: list[JsonDict]
) -> list[Any]:
    keys = {item["id"]: item.get("documentKey") for item in items}
    changes = compare_relationships(before, after, keys=keys, type_names={})
    if not changes:
        return []
    names = relationship_type_names(client)
    return compare_relationships(before, after, keys=keys, type_names=names)


def _keep(mirror: BaselineStore | None, *snaps: BaselineSnapshot) -> None:
    if mirror is not None:
        for snap in snaps:
            mirror.save_baseline(snap)


def _name(snap: BaselineSnapshot) -> str:
    name = snap.baseline.get("name")
    return f"baseline {snap.id} ({name})" if name else f"baseline {snap.id}"
