"""Generates the item hierarchy: sets and folders holding requirements, stories,
hazards, test cases, defects and text items, in Jama's wire format.

Items are created in pre-order, so ascending ids follow the document outline
(``location.sequence``) within a project. Nothing here is shared mutable state
that the server edits in place: the server replaces whole item dicts on write,
which is why constant sub-objects (``resources``, an empty ``lock``) can be shared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.dataset import textpool as tp
from jama_magic.sandbox.dataset.context import RESOURCES, TIMELINE_MINUTES, UNLOCKED, ItemContext
from jama_magic.sandbox.dataset.fields import FIELD_BUILDERS
from jama_magic.sandbox.wire import JsonDict


@dataclass(frozen=True)
class Section:
    """A root container of a project and the kind of items it holds."""

    name: str
    container: int
    child_type: int
    weight: float
    nest: bool = False


LARGE_SECTIONS = (
    Section("Stakeholder Needs", s.SET, s.REQUIREMENT, 0.10),
    Section("System Requirements", s.SET, s.REQUIREMENT, 0.28, nest=True),
    Section("User Stories", s.SET, s.STORY, 0.10),
    Section("Hazard Analysis", s.SET, s.HAZARD, 0.05),
    Section("Verification", s.FOLDER, s.TEST_CASE, 0.30),
    Section("Defects", s.SET, s.DEFECT, 0.10),
    Section("Design Notes", s.FOLDER, s.TEXT, 0.07),
)
SMALL_SECTIONS = (
    Section("Requirements", s.SET, s.REQUIREMENT, 0.5, nest=True),
    Section("Test Cases", s.FOLDER, s.TEST_CASE, 0.4),
    Section("Notes", s.FOLDER, s.TEXT, 0.1),
)


def split(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal non-negative sizes."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def section_budgets(total: int, sections: tuple[Section, ...]) -> list[int]:
    """Items per section: by weight, at least one (the container) each."""
    budgets = [max(1, int(total * section.weight)) for section in sections]
    budgets[int(max(range(len(sections)), key=lambda i: sections[i].weight))] += total - sum(
        budgets
    )
    return budgets


def build_project(
    ctx: ItemContext, project: int, budget: int, sections: tuple[Section, ...]
) -> None:
    """Create exactly ``budget`` items in ``project``."""
    ctx.gso = 1000
    ctx.budget = budget
    for index, (section, size) in enumerate(
        zip(sections, section_budgets(budget, sections), strict=True)
    ):
        _build_section(ctx, project, index, section, size)


def _build_section(ctx: ItemContext, project: int, index: int, section: Section, size: int) -> None:
    root = _container(
        ctx,
        project,
        ("project", project),
        section.container,
        section.name,
        section.child_type,
        str(index + 1),
    )
    remaining = size - 1
    if remaining <= 30:
        _leaves(ctx, project, root, section, remaining)
        return
    folders = math.ceil(remaining / 26)
    for number, leaves in enumerate(split(remaining - folders, folders)):
        topic = tp.TOPICS[number % len(tp.TOPICS)]
        suffix = "" if number < len(tp.TOPICS) else f" {number // len(tp.TOPICS) + 1}"
        seq = f"{root['location']['sequence']}.{number + 1}"
        folder = _container(
            ctx, project, ("item", root["id"]), s.FOLDER, topic + suffix, section.child_type, seq
        )
        _leaves(ctx, project, folder, section, leaves)


def _container(
    ctx: ItemContext,
    project: int,
    parent: tuple[str, int],
    type_id: int,
    name: str,
    child_type: int,
    sequence: str,
) -> JsonDict:
    fields: JsonDict = {"name": name, "description": ""}
    if type_id == s.SET:
        fields["setKey"] = ctx.itemtypes[child_type]["typeKey"]
    item = make_item(ctx, project, type_id, parent, sequence, fields)
    item["childItemType"] = child_type
    item["type"] = item.pop("type")  # keep "type" last, as Jama does
    return item


def _leaves(ctx: ItemContext, project: int, folder: JsonDict, section: Section, count: int) -> None:
    builder = FIELD_BUILDERS[section.child_type]
    last_top: JsonDict | None = None
    for _ in range(count):
        nested = section.nest and last_top is not None and ctx.rng.random() < 0.25
        parent = last_top if nested and last_top is not None else folder
        seq = f"{parent['location']['sequence']}.{_next_child(ctx, parent['id'])}"
        item = make_item(
            ctx, project, section.child_type, ("item", parent["id"]), seq, builder(ctx, project)
        )
        if not nested:
            last_top = item


def _next_child(ctx: ItemContext, parent_id: int) -> int:
    key = ("item", parent_id)
    ctx.child_counts[key] = ctx.child_counts.get(key, 0) + 1
    return ctx.child_counts[key]


def make_item(
    ctx: ItemContext,
    project: int,
    type_id: int,
    parent: tuple[str, int],
    sequence: str,
    fields: JsonDict,
) -> JsonDict:
    """One item dict in wire format; registers it in ``ctx``."""
    item_id = ctx.next_id
    ctx.next_id += 1
    type_key = ctx.itemtypes[type_id]["typeKey"]
    counter_key = (project, type_key)
    ctx.doc_counters[counter_key] = ctx.doc_counters.get(counter_key, 0) + 1
    doc_key = f"{ctx.project_keys[project]}-{type_key}-{ctx.doc_counters[counter_key]}"
    global_id = f"GID-{type_key}-{item_id}"
    created = int(ctx.position * TIMELINE_MINUTES + ctx.rng.random() * 2880)
    modified = created + int(ctx.rng.random() ** 3 * 120 * 1440)
    author = ctx.user()
    changed = ctx.clock.stamp(modified, item_id * 7)
    sort_order = int(sequence.rsplit(".", 1)[-1]) - 1 if "." in sequence else int(sequence) - 1
    ctx.gso += 1
    item: JsonDict = {
        "id": item_id,
        "documentKey": doc_key,
        "globalId": global_id,
        "itemType": type_id,
        "project": project,
        "createdDate": ctx.clock.stamp(created, item_id),
        "modifiedDate": changed,
        "lastActivityDate": changed,
        "createdBy": author,
        "modifiedBy": author if ctx.rng.random() < 0.6 else ctx.user(),
        "fields": {"documentKey": doc_key, "globalId": global_id, **fields},
        "resources": RESOURCES,
        "location": {
            "sortOrder": sort_order,
            "globalSortOrder": ctx.gso,
            "sequence": sequence,
            "parent": {parent[0]: parent[1]},
        },
        "lock": _lock(ctx, project, modified),
        "type": "items",
    }
    ctx.items[item_id] = item
    ctx.by_type.setdefault((project, type_id), []).append(item_id)
    return item


def _lock(ctx: ItemContext, project: int, modified: int) -> JsonDict:
    roll = ctx.rng.random()
    # A few items are locked by colleagues, but none near the top of the large
    # project, where other people's tests and examples tend to write.
    safe = project == s.LARGE_PROJECT_ID and ctx.gso < 1100
    if roll < 0.01 and not safe:
        return {
            "locked": True,
            "lastLockedDate": ctx.clock.stamp(modified + 30),
            "lockedBy": ctx.user(),
        }
    if roll < 0.3:
        return {"locked": False, "lastLockedDate": ctx.clock.stamp(modified)}
    return UNLOCKED
