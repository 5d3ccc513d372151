"""Workflows and synced items.

Items whose type has a ``status`` pick-list field follow a workflow: each
status offers the transitions below (unknown statuses offer none), and a
transition sets the status as a new version with the transition's comment.
A transition's ``id`` is ``"<from option id>-<to option id>"``.

Synced items share a ``globalId`` (Jama's "global id pool"); two are in sync
when their fields other than ``documentKey``/``globalId`` are equal.
"""

from __future__ import annotations

from jama_magic.sandbox.dataset import Dataset
from jama_magic.sandbox.wire import JsonDict

_FLOW: dict[str, tuple[tuple[str, str], ...]] = {
    "Draft": (("Submit for review", "In Review"),),
    "In Review": (("Approve", "Approved"), ("Reject", "Rejected")),
    "Approved": (("Complete", "Completed"), ("Reopen", "Draft")),
    "Rejected": (("Rework", "Draft"),),
    "Completed": (("Reopen", "Draft"),),
    "Open": (("Start work", "In Progress"), ("Won't fix", "Won't Fix")),
    "In Progress": (("Resolve", "Resolved"),),
    "Resolved": (("Close", "Closed"), ("Reopen", "Open")),
    "Closed": (("Reopen", "Open"),),
    "Won't Fix": (("Reopen", "Open"),),
}
_KEYS = ("documentKey", "globalId")


def options(ds: Dataset, item: JsonDict) -> list[JsonDict]:
    """The workflow transitions available from the item's current status."""
    status = item["fields"].get("status")
    choices = _status_options(ds, item)
    if status not in choices:
        return []
    by_name = {ds.picklistoptions[o]["name"]: o for o in choices}
    return [
        {
            "id": f"{status}-{by_name[target]}",
            "action": action,
            "newStatus": by_name[target],
            "type": "workflowtransitions",
        }
        for action, target in _FLOW.get(ds.picklistoptions[status]["name"], ())
        if target in by_name
    ]


def _status_options(ds: Dataset, item: JsonDict) -> list[int]:
    for spec in ds.itemtypes[item["itemType"]]["fields"]:
        if spec["name"] == "status" and "pickList" in spec:
            return ds.picklist_option_ids.get(spec["pickList"], [])
    return []


def in_sync(one: JsonDict, other: JsonDict) -> bool:
    """Whether two synced items hold the same field values."""

    def content(item: JsonDict) -> JsonDict:
        return {k: v for k, v in item["fields"].items() if k not in _KEYS}

    return content(one) == content(other)
