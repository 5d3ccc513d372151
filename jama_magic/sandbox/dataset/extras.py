"""Generates what hangs off the items: relationships, tags on items, test plans,
cycles and runs, baselines, activities, filters and attachments.

The traceability is deliberately uneven: about a quarter of the requirements
have no test case, and later test cycles pass more often than earlier ones,
so coverage and results-over-time analyses have something to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.dataset.context import RESOURCES, UNLOCKED, ItemContext
from jama_magic.sandbox.wire import JsonDict

RUN_STATUSES = ("PASSED", "FAILED", "BLOCKED", "NOT_RUN", "INPROGRESS")


@dataclass
class Extras:
    """Everything generated after the items."""

    relationships: dict[int, JsonDict] = field(default_factory=dict)
    item_tags: dict[int, list[int]] = field(default_factory=dict)
    testplans: dict[int, JsonDict] = field(default_factory=dict)
    testgroups: dict[int, JsonDict] = field(default_factory=dict)
    group_plan: dict[int, int] = field(default_factory=dict)
    group_cases: dict[int, list[int]] = field(default_factory=dict)
    testcycles: dict[int, JsonDict] = field(default_factory=dict)
    testruns: dict[int, JsonDict] = field(default_factory=dict)
    baselines: dict[int, JsonDict] = field(default_factory=dict)
    activities: dict[int, JsonDict] = field(default_factory=dict)
    activity_project: dict[int, int] = field(default_factory=dict)
    filters: dict[int, JsonDict] = field(default_factory=dict)
    filter_rules: dict[int, JsonDict] = field(default_factory=dict)
    attachments: dict[int, JsonDict] = field(default_factory=dict)
    attachment_files: dict[int, bytes] = field(default_factory=dict)
    item_attachments: dict[int, list[int]] = field(default_factory=dict)
    comments: dict[int, JsonDict] = field(default_factory=dict)
    links: dict[int, JsonDict] = field(default_factory=dict)
    item_links: dict[int, list[int]] = field(default_factory=dict)
    usergroups: dict[int, JsonDict] = field(default_factory=dict)
    usergroup_users: dict[int, list[int]] = field(default_factory=dict)
    relationshiprulesets: dict[int, JsonDict] = field(default_factory=dict)
    ruleset_projects: dict[int, list[int]] = field(default_factory=dict)
    cors_domains: list[str] = field(default_factory=list)


def build_relationships(ctx: ItemContext, project_ids: list[int], out: Extras) -> None:
    """Requirement→test case "Verified by" links and a few other kinds."""
    next_id = 1
    seen: set[tuple[int, int]] = set()

    def link(source: int, target: int, rel_type: int) -> None:
        nonlocal next_id
        if (source, target) in seen or source == target:
            return
        seen.add((source, target))
        out.relationships[next_id] = {
            "id": next_id,
            "fromItem": source,
            "toItem": target,
            "relationshipType": rel_type,
            "suspect": ctx.rng.random() < 0.04,
            "type": "relationships",
        }
        next_id += 1

    for project in project_ids:
        _project_links(ctx, project, link)


def _project_links(ctx: ItemContext, project: int, link: Callable[[int, int, int], None]) -> None:
    rng = ctx.rng
    reqs = ctx.by_type.get((project, s.REQUIREMENT), [])
    covered = [req for req in reqs if rng.random() < 0.75]
    for index, case in enumerate(ctx.by_type.get((project, s.TEST_CASE), [])):
        if covered:
            link(covered[index % len(covered)], case, s.VERIFIED_BY)
            if rng.random() < 0.25:
                link(covered[int(rng.random() * len(covered))], case, s.VERIFIED_BY)
    for story in ctx.by_type.get((project, s.STORY), []):
        if reqs and rng.random() < 0.6:
            link(reqs[int(rng.random() * len(reqs))], story, s.DERIVED_FROM)
    for hazard in ctx.by_type.get((project, s.HAZARD), []):
        for _ in range(1 + int(rng.random() * 3)):
            if reqs:
                link(hazard, reqs[int(rng.random() * len(reqs))], s.MITIGATED_BY)
    cases = ctx.by_type.get((project, s.TEST_CASE), [])
    for defect in ctx.by_type.get((project, s.DEFECT), []):
        if cases and rng.random() < 0.7:
            link(cases[int(rng.random() * len(cases))], defect, s.RELATED)


def build_item_tags(ctx: ItemContext, tags: dict[int, JsonDict], out: Extras) -> None:
    """About one item in eight carries one or two of its project's tags."""
    by_project: dict[int, list[int]] = {}
    for tag in tags.values():
        by_project.setdefault(tag["project"], []).append(tag["id"])
    for item in ctx.items.values():
        if item["itemType"] in (s.SET, s.FOLDER) or ctx.rng.random() >= 0.12:
            continue
        choices = by_project[item["project"]]
        picked = {choices[int(ctx.rng.random() * len(choices))] for _ in range(2)}
        out.item_tags[item["id"]] = sorted(picked)


def abstract_object(
    ctx: ItemContext, project: int, type_id: int, kind: str, minutes: int, fields: JsonDict
) -> JsonDict:
    """A test plan/cycle/run or attachment, sharing the item id space."""
    object_id = ctx.next_id
    ctx.next_id += 1
    type_key = ctx.itemtypes[type_id]["typeKey"]
    counter = (project, type_key)
    ctx.doc_counters[counter] = ctx.doc_counters.get(counter, 0) + 1
    doc_key = f"{ctx.project_keys[project]}-{type_key}-{ctx.doc_counters[counter]}"
    global_id = f"GID-{type_key}-{object_id}"
    author = ctx.user()
    return {
        "id": object_id,
        "documentKey": doc_key,
        "globalId": global_id,
        "project": project,
        "itemType": type_id,
        "createdDate": ctx.clock.stamp(minutes, object_id),
        "modifiedDate": ctx.clock.stamp(minutes + 600, object_id),
        "lastActivityDate": ctx.clock.stamp(minutes + 600, object_id),
        "createdBy": author,
        "modifiedBy": author,
        "fields": {"documentKey": doc_key, "globalId": global_id, **fields},
        "resources": RESOURCES,
        "lock": UNLOCKED,
        "type": kind,
    }
