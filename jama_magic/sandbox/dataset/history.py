"""Generates baselines, activities, filters and attachments."""

from __future__ import annotations

from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.dataset.context import ItemContext
from jama_magic.sandbox.dataset.extras import Extras, abstract_object
from jama_magic.sandbox.wire import JsonDict

_ACTIVITIES_PER_PROJECT = 150


_BASELINES = (
    ("Requirements Review", 300),
    ("Release 1.0", 360),
)
_EARLY_BASELINE = ("Concept Review", 150)


def build_baselines(ctx: ItemContext, project_ids: list[int], out: Extras) -> None:
    """Three baselines per project, at days 150, 300 and 360 of its timeline.

    Only the records are generated: the server derives what each holds from the
    items' version history (see ``jama_magic.sandbox.history``), so a baseline
    holds exactly the items that existed at its date, as they were then. The
    two later ones keep the ids 91-100 they always had; the early ones follow.
    """
    for project in project_ids:
        for name, day in _BASELINES:
            _baseline(ctx, out, project, name, day)
    for project in project_ids:
        _baseline(ctx, out, project, *_EARLY_BASELINE)


def _baseline(ctx: ItemContext, out: Extras, project: int, name: str, day: int) -> None:
    baseline_id = 91 + len(out.baselines)
    out.baselines[baseline_id] = {
        "id": baseline_id,
        "name": f"{name} Baseline",
        "description": f"Snapshot taken for the {name.lower()}",
        "createdDate": ctx.clock.stamp(day * 1440),
        "createdBy": 54,
        "project": project,
        "origin": {"project": project},
        "type": "baselines",
    }


def build_activities(ctx: ItemContext, project_ids: list[int], out: Extras) -> None:
    """Create and update events for the most recent items of each project."""
    events: list[tuple[str, int, JsonDict]] = []
    by_project: dict[int, list[JsonDict]] = {project: [] for project in project_ids}
    for item in ctx.items.values():
        by_project[item["project"]].append(item)
    for project, members in by_project.items():
        for item in members[-_ACTIVITIES_PER_PROJECT:]:
            events.append((item["createdDate"], project, _event(item, "CREATE")))
            if item["modifiedDate"] != item["createdDate"]:
                events.append((item["modifiedDate"], project, _event(item, "UPDATE")))
    events.sort(key=lambda event: (event[0], event[2]["item"]))
    for number, (_, project, event) in enumerate(events, start=1):
        out.activities[number] = {"id": number, **event}
        out.activity_project[number] = project


def _event(item: JsonDict, event_type: str) -> JsonDict:
    created = event_type == "CREATE"
    return {
        "date": item["createdDate"] if created else item["modifiedDate"],
        "details": f"{item['documentKey']} {item['fields']['name'][:60]}",
        "action": "Created" if created else "Updated",
        "user": item["createdBy"] if created else item["modifiedBy"],
        "userComment": "",
        "item": item["id"],
        "eventType": event_type,
        "objectType": "ITEM",
        "type": "activities",
    }


def build_filters(ctx: ItemContext, out: Extras) -> None:
    """Three saved filters, evaluated by the server from ``filter_rules``."""
    high = ctx.options[s.PRIORITY][0]
    specs = (
        (71, "All requirements", s.LARGE_PROJECT_ID, {"itemType": [s.REQUIREMENT]}),
        (72, "High priority items", None, {"fields": {"priority": high}}),
        (73, "Test cases", s.LARGE_PROJECT_ID, {"itemType": [s.TEST_CASE]}),
    )
    for filter_id, name, project, rule in specs:
        body: JsonDict = {
            "id": filter_id,
            "name": name,
            "author": 52,
            "projectScope": "SPECIFIED" if project else "ALL",
            "public": True,
        }
        if project:
            body["specifiedProject"] = project
        body["type"] = "filters"
        out.filters[filter_id] = body
        out.filter_rules[filter_id] = {"project": project, **rule}


_FILES = (
    ("architecture.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 56),
    ("test-report.pdf", "application/pdf", b"%PDF-1.4\n% sandbox test report\n%%EOF\n"),
    ("interface-spec.txt", "text/plain", b"Interface specification\n=======================\n"),
)


def build_attachments(ctx: ItemContext, out: Extras) -> None:
    """A few attachments in the large project, linked to its first requirements."""
    project = s.LARGE_PROJECT_ID
    reqs = ctx.by_type.get((project, s.REQUIREMENT), [])
    for number, (name, mime, content) in enumerate(_FILES):
        fields = {"name": name.rsplit(".", 1)[0], "description": f"Attached {name}"}
        body = abstract_object(ctx, project, s.ATTACHMENT, "attachments", 150 * 1440, fields)
        kind = body.pop("type")
        body.update({"fileName": name, "mimeType": mime, "fileSize": len(content), "type": kind})
        out.attachments[body["id"]] = body
        out.attachment_files[body["id"]] = content
        if number < len(reqs):
            out.item_attachments.setdefault(reqs[number], []).append(body["id"])
