"""The sandbox's deterministic dataset, built without a server.

``generate(items=None, seed=0)`` returns a :class:`Dataset` of wire-format
dicts (exactly what the REST API returns in ``data``), so benchmarks and tests
can get 100,000 realistic items cheaply::

    from jama_magic.sandbox.dataset import generate
    ds = generate(items=100_000)
    rows = list(ds.items.values())     # item dicts, as GET /items returns them

The same seed always gives the same data. ``items`` counts the objects served by
``/items`` across all projects (sets and folders included); test plans, cycles,
runs and attachments come on top. Project 20 holds most of them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields

from jama_magic.sandbox.dataset import collab, quirks
from jama_magic.sandbox.dataset import extras as extras_gen
from jama_magic.sandbox.dataset import history as history_gen
from jama_magic.sandbox.dataset import items as items_gen
from jama_magic.sandbox.dataset import schema as schema_gen
from jama_magic.sandbox.dataset import testing as testing_gen
from jama_magic.sandbox.dataset.context import ItemContext
from jama_magic.sandbox.dataset.extras import Extras
from jama_magic.sandbox.dataset.itemtypes import build_itemtypes
from jama_magic.sandbox.wire import JsonDict, TimestampMaker, gc_paused

DEFAULT_ITEMS = 500
MIN_ITEMS = 30
MAX_ITEMS = 1_000_000


@dataclass(kw_only=True)
class Dataset(Extras):
    """All objects of one sandbox, keyed by id; the running server updates these tables.

    Besides the fields below it has every table of :class:`Extras` (``relationships``,
    ``testplans``, ``testcycles``, ``testruns``, ``baselines``, ``activities``, ...).
    """

    seed: int
    large_project_id: int
    current_user_id: int
    projects: dict[int, JsonDict]
    users: dict[int, JsonDict]
    itemtypes: dict[int, JsonDict]
    picklists: dict[int, JsonDict]
    picklistoptions: dict[int, JsonDict]
    picklist_option_ids: dict[int, list[int]]
    relationshiptypes: dict[int, JsonDict]
    releases: dict[int, JsonDict]
    tags: dict[int, JsonDict]
    items: dict[int, JsonDict]
    next_id: int = 1
    doc_counters: dict[tuple[int, str], int] = field(default_factory=dict)

    @property
    def project_ids(self) -> list[int]:
        """Ids of all projects, the large one first."""
        return list(self.projects)

    @property
    def small_project_ids(self) -> list[int]:
        """Ids of the projects other than the large one."""
        return [pid for pid in self.projects if pid != self.large_project_id]

    @property
    def item_list(self) -> list[JsonDict]:
        """The item dicts in id order (a new list each time)."""
        return list(self.items.values())


def project_budgets(items: int, project_ids: list[int]) -> dict[int, int]:
    """How many items each project gets: a few percent per small project, the rest to 20."""
    small = max(3, round(items * 0.03))
    large = items - small * (len(project_ids) - 1)
    return {pid: large if index == 0 else small for index, pid in enumerate(project_ids)}


def generate(items: int | None = None, seed: int = 0, *, username: str = "sandbox") -> Dataset:
    """Build the dataset for ``seed`` with ``items`` items (default 500, at least 30)."""
    count = DEFAULT_ITEMS if items is None else items
    if not MIN_ITEMS <= count <= MAX_ITEMS:
        raise ValueError(f"items must be between {MIN_ITEMS} and {MAX_ITEMS:,}, got {count}")
    with gc_paused():
        return _generate(count, seed, username)


def _generate(count: int, seed: int, username: str) -> Dataset:
    rng = random.Random(seed)
    clock = TimestampMaker()
    lists, options, option_ids = schema_gen.build_picklists()
    projects = schema_gen.build_projects(clock, option_ids[schema_gen.PROJECT_STATUS])
    project_ids = list(projects)
    releases = schema_gen.build_releases(clock, project_ids)
    tags = schema_gen.build_tags(project_ids)
    ctx = ItemContext(
        rng=rng,
        clock=clock,
        itemtypes=build_itemtypes(),
        options=option_ids,
        releases=_releases_by_project(releases),
        project_keys={pid: p["projectKey"] for pid, p in projects.items()},
    )
    _build_items(ctx, count, project_ids)
    extras = _build_extras(ctx, project_ids, tags)
    collab.build_collab(ctx, seed, extras)
    quirks.apply_quirks(ctx.items, projects, option_ids[schema_gen.PROJECT_GROUP], seed)
    return Dataset(
        seed=seed,
        large_project_id=schema_gen.LARGE_PROJECT_ID,
        current_user_id=schema_gen.CURRENT_USER_ID,
        projects=projects,
        users=schema_gen.build_users(username),
        itemtypes=ctx.itemtypes,
        picklists=lists,
        picklistoptions=options,
        picklist_option_ids=option_ids,
        relationshiptypes=schema_gen.build_relationship_types(),
        releases=releases,
        tags=tags,
        items=ctx.items,
        next_id=ctx.next_id,
        doc_counters=ctx.doc_counters,
        **{spec.name: getattr(extras, spec.name) for spec in fields(Extras)},
    )


def _releases_by_project(releases: dict[int, JsonDict]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for release in releases.values():
        result.setdefault(release["project"], []).append(release["id"])
    return result


def _build_items(ctx: ItemContext, count: int, project_ids: list[int]) -> None:
    for pid, budget in project_budgets(count, project_ids).items():
        large = pid == schema_gen.LARGE_PROJECT_ID
        sections = items_gen.LARGE_SECTIONS if large else items_gen.SMALL_SECTIONS
        items_gen.build_project(ctx, pid, budget, sections)


def _build_extras(ctx: ItemContext, project_ids: list[int], tags: dict[int, JsonDict]) -> Extras:
    extras = Extras()
    extras_gen.build_relationships(ctx, project_ids, extras)
    extras_gen.build_item_tags(ctx, tags, extras)
    testing_gen.build_testing(ctx, project_ids, extras)
    history_gen.build_baselines(ctx, project_ids, extras)
    history_gen.build_activities(ctx, project_ids, extras)
    history_gen.build_filters(ctx, extras)
    history_gen.build_attachments(ctx, extras)
    return extras
