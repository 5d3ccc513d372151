"""Point-in-time history: versions of every abstract item, relationship lifetimes,
deletions, and the baselines computed from them.

Generated objects carry their history implicitly. One whose ``modifiedDate``
equals its ``createdDate`` has one version; others have ``2 + id % 2``: the
first at ``createdDate``, the last at ``modifiedDate``, a middle one half-way.
The last version is the generated object itself; earlier ones are it as it was
(status one or two workflow steps back, a "TBD" note in the description, the
version's date in ``modifiedDate``). The first write to an object materialises
that history and appends a version holding the object as written, so
``versioneditem`` is always the object as it was at that version.

Every write takes a stamp from :meth:`History.now`, which never repeats, so
"at or before time D" is exact: a baseline dated D holds the items of its
project that existed at D, each at the last version made at or before D, and
later writes cannot change it. Relationships live from their creation (for
generated ones: the later ``createdDate`` of their two items) to their deletion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from jama_magic.sandbox.dataset import Dataset
from jama_magic.sandbox.wire import JsonDict, format_timestamp, now_timestamp

_ABSTRACT = ("items", "testplans", "testcycles", "testruns", "attachments")
Span = list[str | None]


def _parse(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp)


def _midpoint(first: str, last: str) -> str:
    start = _parse(first)
    return format_timestamp(start + (_parse(last) - start) / 2)


def generated_dates(obj: JsonDict) -> list[str]:
    """Dates of a generated object's versions (see the module docstring)."""
    created = obj["createdDate"]
    modified = obj.get("modifiedDate") or created
    if modified == created:
        return [created]
    if obj["id"] % 2:
        return [created, _midpoint(created, modified), modified]
    return [created, modified]


class History:
    """Versions, snapshots, deletions and relationship lifetimes of one sandbox."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.origin: dict[int, JsonDict] = {}
        for table in _ABSTRACT:
            self.origin.update(getattr(ds, table))
        self.origin_rels: dict[int, JsonDict] = dict(ds.relationships)
        self.records: dict[int, list[JsonDict]] = {}
        self.snapshots: dict[tuple[int, int], JsonDict] = {}
        self.created_ids: list[int] = []
        self.deleted_spans: dict[int, list[Span]] = {}
        self.rel_born: dict[int, str] = {}
        self.rel_gone: dict[int, str] = {}
        self.removed_rels: dict[int, JsonDict] = {}
        self.baseline_members: dict[int, list[tuple[int, int]]] = {}
        self._last = ""

    # -- the clock -----------------------------------------------------------------------

    def now(self) -> str:
        """The current time in Jama's format, strictly later than any earlier stamp."""
        stamp = now_timestamp()
        if stamp <= self._last:
            stamp = format_timestamp(_parse(self._last) + dt.timedelta(milliseconds=1))
        self._last = stamp
        return stamp

    # -- versions ------------------------------------------------------------------------

    def versions(self, obj_id: int) -> list[JsonDict]:
        """Version records of an object, oldest first (empty for an unknown id)."""
        found = self.records.get(obj_id)
        if found is not None:
            return list(found)
        origin = self.origin.get(obj_id)
        return self._generated_records(origin) if origin is not None else []

    def _generated_records(self, obj: JsonDict) -> list[JsonDict]:
        dates = generated_dates(obj)
        last_user: int = obj.get("modifiedBy") or obj["createdBy"]
        return [
            _record(
                obj["id"],
                number,
                "Item created" if number == 1 else "Fields updated",
                obj["createdBy"] if number == 1 else last_user,
                when,
            )
            for number, when in enumerate(dates, start=1)
        ]

    def record(self, new: JsonDict, change: str, user: int, when: str, comment: str = "") -> None:
        """Append a version holding ``new`` as written at ``when``."""
        history = self.records.get(new["id"])
        if history is None:
            history = self.versions(new["id"])
            self.records[new["id"]] = history
            if not history:
                self.created_ids.append(new["id"])
        history.append(_record(new["id"], len(history) + 1, change, user, when, comment))
        self.snapshots[(new["id"], len(history))] = new

    def current_version(self, obj_id: int) -> int:
        """The number of the latest version (0 for an unknown id)."""
        return len(self.records.get(obj_id) or self.versions(obj_id))

    def snapshot(self, obj_id: int, number: int) -> JsonDict | None:
        """The object as it was at version ``number``, or None."""
        found = self.snapshots.get((obj_id, number))
        if found is not None:
            return found
        origin = self.origin.get(obj_id)
        if origin is None:
            return None
        dates = generated_dates(origin)
        if not 1 <= number <= len(dates):
            return None
        if number == len(dates):
            return origin
        return self._earlier(origin, number, dates[number - 1])

    def _earlier(self, obj: JsonDict, number: int, when: str) -> JsonDict:
        fields = dict(obj["fields"])
        options = self._status_options(obj)
        if options and "status" in fields:
            fields["status"] = options[min(number - 1, len(options) - 1)]
        if number == 1 and isinstance(fields.get("description"), str):
            fields["description"] += "<p>TBD: acceptance criteria to be agreed.</p>\n"
        earlier = {**obj, "modifiedDate": when, "fields": fields}
        if "lastActivityDate" in obj:
            earlier["lastActivityDate"] = when
        if number == 1 and "modifiedBy" in obj:
            earlier["modifiedBy"] = obj["createdBy"]
        return earlier

    def _status_options(self, obj: JsonDict) -> list[int]:
        itemtype = self.ds.itemtypes.get(obj.get("itemType", 0), {})
        for spec in itemtype.get("fields", []):
            if spec["name"] == "status" and "pickList" in spec:
                return self.ds.picklist_option_ids.get(spec["pickList"], [])
        return []

    def version_at(self, obj_id: int, when: str) -> int:
        """The last version made at or before ``when`` (0: the object did not exist)."""
        return sum(1 for record in self.versions(obj_id) if record["createdDate"] <= when)

    # -- deletions -----------------------------------------------------------------------

    def deleted(self, obj_id: int, when: str) -> None:
        """Note that an object was deleted at ``when``."""
        self.deleted_spans.setdefault(obj_id, []).append([when, None])

    def restored(self, obj_id: int, when: str) -> None:
        """Note that a deleted object came back at ``when``."""
        spans = self.deleted_spans.get(obj_id)
        if spans and spans[-1][1] is None:
            spans[-1][1] = when

    def alive_at(self, obj_id: int, when: str) -> bool:
        """Whether the object was not in the deleted state at ``when``."""
        for start, end in self.deleted_spans.get(obj_id, []):
            if start is not None and start <= when and (end is None or when < end):
                return False
        return True

    # -- relationships -------------------------------------------------------------------

    def relationship_created(self, rel_id: int, when: str) -> None:
        """Note a relationship created through the API."""
        self.rel_born[rel_id] = when

    def relationship_deleted(self, rel: JsonDict, when: str) -> None:
        """Note a relationship deleted through the API (kept for point-in-time reads)."""
        self.rel_gone[rel["id"]] = when
        self.removed_rels[rel["id"]] = rel

    def _born(self, rel: JsonDict) -> str:
        born = self.rel_born.get(rel["id"])
        if born is not None:
            return born
        ends = (self.origin.get(rel["fromItem"]), self.origin.get(rel["toItem"]))
        return max((end["createdDate"] for end in ends if end is not None), default="")

    def relationships_at(self, live: Iterable[JsonDict], item_id: int, when: str) -> list[JsonDict]:
        """Relationships of ``item_id`` that existed at ``when``, by id.

        ``live`` are the item's current relationships; deleted ones come from here.
        """
        removed = (r for r in self.removed_rels.values() if item_id in (r["fromItem"], r["toItem"]))
        found = {rel["id"]: rel for rel in (*live, *removed)}
        return [
            rel
            for rid, rel in sorted(found.items())
            if self._born(rel) <= when and not (self.rel_gone.get(rid, "~") <= when)
        ]

    # -- baselines -----------------------------------------------------------------------

    def members(self, baseline: JsonDict) -> list[tuple[int, int]]:
        """``(item id, version)`` of a baseline's items, computed once (they never change)."""
        found = self.baseline_members.get(baseline["id"])
        if found is None:
            found = list(self._members(baseline["project"], baseline["createdDate"]))
            self.baseline_members[baseline["id"]] = found
        return found

    def _members(self, project: int, when: str) -> Iterator[tuple[int, int]]:
        for obj_id in (*self.origin, *self.created_ids):
            origin = self.origin.get(obj_id)
            if origin is not None and (
                origin["type"] != "items"
                or origin["project"] != project
                or origin["createdDate"] > when
            ):
                continue
            number = self.version_at(obj_id, when)
            snap = self.snapshot(obj_id, number) if number else None
            if snap is None or snap["type"] != "items" or snap["project"] != project:
                continue
            if self.alive_at(obj_id, when):
                yield obj_id, number


def _record(
    obj_id: int, number: int, change: str, user: int, when: str, comment: str = ""
) -> JsonDict:
    return {
        "item": obj_id,
        "versionNumber": number,
        "changeDetails": change,
        "comment": comment,
        "createdBy": user,
        "createdDate": when,
        "type": "versions",
    }
