"""Diffs against the real sandbox: seeded changes found exactly, requests counted."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

import jama_magic as jm
from jama_magic.changes import BaselineSnapshot, Diff, diff_baselines, diff_versions
from jama_magic.errors import JamaUsageError
from jama_magic.sandbox import Sandbox

PROJECT = 20
BASELINE_A = 91  # a baseline of project 20 in the generated data
LOOKUP_ROUTES = {
    "GET /itemtypes",
    "GET /users",
    "GET /projects",
    "GET /picklistoptions/{id}",
    "GET /picklists/{id}/options",
    "GET /releases/{id}",
    "GET /releases",
}


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A sandbox of this module's own (the tests write to it)."""
    with Sandbox(seed=5) as sandbox:
        yield sandbox


@pytest.fixture
def conn(sb: Sandbox) -> jm.Connection:
    """The default connection to the module sandbox, counters zeroed."""
    connection = jm.connect("sb", url=sb.url, username=sb.username, password=sb.password)
    sb.reset_stats()
    return connection


def patch(item: int, **fields: Any) -> None:
    body = [{"op": "replace", "path": f"/fields/{k}", "value": v} for k, v in fields.items()]
    jm.request("PATCH", f"/items/{item}", body=body)


def labels_of(item: int) -> dict[str, str]:
    """Field name → label, read independently from the item's type."""
    type_id = jm.request("GET", f"/items/{item}").data["itemType"]
    fields = jm.request("GET", f"/itemtypes/{type_id}").data["fields"]
    return {f["name"]: f["label"] for f in fields}


def other_option(item: int, field: str) -> tuple[int, str, str]:
    """Another option of the item's pick list field: (id, current name, new name)."""
    data = jm.request("GET", f"/items/{item}").data
    spec = next(f for f in jm.request("GET", f"/itemtypes/{data['itemType']}").data["fields"]
                if f["name"] == field)  # fmt: skip
    options = jm.request("GET", f"/picklists/{spec['pickList']}/options", all_pages=True).data
    now = data["fields"].get(field)
    names = {o["id"]: o["name"] for o in options}
    new = next(o for o in names if o != now)
    return new, names.get(now), names[new]


def found(d: Diff) -> set[tuple[Any, ...]]:
    return {(r.id, r.change, r.field) for r in d.changes.itertuples()}


def precision_recall(
    seeded: set[tuple[Any, ...]], reported: set[tuple[Any, ...]]
) -> tuple[float, float]:
    hits = len(seeded & reported)
    return hits / max(len(reported), 1), hits / max(len(seeded), 1)


def latest_version(item: int) -> int:
    return max(
        v["versionNumber"]
        for v in jm.request("GET", f"/items/{item}/versions", all_pages=True).data
    )


def test_versions_find_exactly_the_seeded_changes(conn: jm.Connection, sb: Sandbox) -> None:
    """Fields patched between two versions: precision and recall 100%, names resolved."""
    item = 1004
    labels = labels_of(item)
    start = latest_version(item)
    option, was, now = other_option(item, "status")
    patch(item, name="A sharper requirement", description="<p>The pump <b>shall</b> stop.</p>")
    patch(item, status=option)
    sb.reset_stats()
    d = diff_versions(item, start)
    seeded = {(item, "changed", labels[f]) for f in ("name", "description", "status")}
    assert precision_recall(seeded, found(d)) == (1.0, 1.0)
    status = d.changes[d.changes["field"] == labels["status"]].iloc[0]
    assert (status.before, status.after) == (was, now)
    routes = Counter(sb.stats.by_route)
    assert routes.pop("GET /items/{id}/versions") == 1
    assert routes.pop("GET /items/{id}/versions/{id}/versioneditem") == 2
    assert set(routes) <= LOOKUP_ROUTES


def test_markup_only_edit_between_versions(conn: jm.Connection) -> None:
    """An edit that only changes rich-text markup is reported as a markup change."""
    item = 1005
    patch(item, description="<p>Keep the <b>flow</b> steady.</p>")
    patch(item, description="<p>Keep the flow steady.</p>")
    d = diff_versions(item)
    assert d.changes[["change", "field"]].values.tolist() == [
        ["markup", labels_of(item)["description"]]
    ]
    assert "markup-only" in d.summary


def test_versions_by_document_key(conn: jm.Connection) -> None:
    """An item can be named by its document key; the title names the versions compared."""
    item = 1006
    key = jm.request("GET", f"/items/{item}").data["documentKey"]
    patch(item, name="Named by key")
    d = diff_versions(key)
    last = latest_version(item)
    assert d.title == f"{key}: version {last - 1} → {last}"
    assert found(d) == {(item, "changed", labels_of(item)["name"])}


def test_unknown_version_and_key_are_one_line_errors(conn: jm.Connection) -> None:
    """A version the item lacks, or a key no item has, is a one-line error."""
    with pytest.raises(JamaUsageError, match=r"item 1007 has no version 99; its versions are"):
        diff_versions(1007, 99)
    with pytest.raises(JamaUsageError, match="no item has the document key 'NOPE-1'"):
        diff_versions("NOPE-1")


def pages(n: int) -> int:
    return math.ceil(n / 50)


@pytest.fixture
def untouched() -> Iterator[Sandbox]:
    """A sandbox no other test wrote to, as the default connection."""
    with Sandbox(seed=5) as sandbox:
        jm.connect("own", url=sandbox.url, username=sandbox.username, password=sandbox.password)
        yield sandbox


def test_equal_baselines_cost_only_bulk_reads(untouched: Sandbox) -> None:
    """Two baselines with nothing between them: no change, and no per-item request."""
    a = untouched.take_baseline(PROJECT, "Monday")
    b = untouched.take_baseline(PROJECT, "Tuesday")
    size = len(jm.request("GET", f"/baselines/{a}/versioneditems", all_pages=True).data)
    untouched.reset_stats()
    d = diff_baselines(a, b)
    assert d.summary == "no changes"
    assert d.title == f"baseline {a} (Monday) → baseline {b} (Tuesday)"
    assert dict(untouched.stats.by_route) == {
        "GET /baselines/{id}": 2,
        "GET /baselines/{id}/versioneditems": 2 * pages(size),
        "GET /activities": 2,  # relationships written, items deleted: none
    }


class DictStore:
    """Keeps baseline snapshots in a dict: the BaselineStore seam a mirror fills."""

    def __init__(self) -> None:
        self.kept: dict[int, BaselineSnapshot] = {}

    def load_baseline(self, baseline_id: int) -> BaselineSnapshot | None:
        return self.kept.get(baseline_id)

    def save_baseline(self, snapshot: BaselineSnapshot) -> None:
        self.kept[snapshot.id] = snapshot


def related(item: int) -> set[tuple[int, int]]:
    """(from, to) of every relationship of an item, read independently."""
    found = set()
    for way in ("upstreamrelationships", "downstreamrelationships"):
        for rel in jm.request("GET", f"/items/{item}/{way}", all_pages=True).data:
            found.add((rel["fromItem"], rel["toItem"]))
    return found


def seed_changes(sb: Sandbox) -> tuple[set[Any], set[Any], set[int]]:
    """Edits, a created and a deleted item, a relationship added and one removed.

    Returns the seeded item changes, the seeded relationship changes and the items concerned.
    """
    items = jm.request("GET", "/items", query={"project": PROJECT}, all_pages=True).data
    reqs = [i for i in items if i["documentKey"].split("-")[1] == "REQ"]
    edited, gone, quiet = reqs[20:23], reqs[-1], reqs[30:32]
    for number, item in enumerate(edited):
        patch(item["id"], name=f"Edited since the baseline {number}")
    rels = jm.request("GET", "/relationships", query={"project": PROJECT}, all_pages=True).data
    ids = {i["id"] for i in edited} | {gone["id"]} | {i["id"] for i in quiet}
    dropped = next(r for r in rels if not {r["fromItem"], r["toItem"]} & ids)
    seeded_rels = {(dropped["fromItem"], dropped["toItem"], "removed")}
    seeded_rels |= {(a, b, "removed") for a, b in related(gone["id"])}
    jm.request("DELETE", f"/relationships/{dropped['id']}")
    jm.request("DELETE", f"/items/{gone['id']}")
    body = {"fromItem": quiet[0]["id"], "toItem": quiet[1]["id"]}
    jm.request("POST", "/relationships", body=body)
    seeded_rels.add((quiet[0]["id"], quiet[1]["id"], "added"))
    created = jm.request("POST", "/items", body={
        "project": PROJECT, "itemType": gone["itemType"],
        "location": {"parent": gone["location"]["parent"]}, "fields": {"name": "Brand new"},
    }).created_id  # fmt: skip
    seeded = {(i["id"], "changed", labels_of(i["id"])["name"]) for i in edited}
    seeded |= {(created, "added", None), (gone["id"], "removed", None)}
    concerned = ids | {created} | {e for r in seeded_rels for e in r[:2]}
    return seeded, seeded_rels, concerned


def item_rows(d: Diff) -> set[tuple[Any, ...]]:
    return {row for row in found(d) if row[2] != "relationship"}


def relationship_rows(d: Diff) -> set[tuple[Any, ...]]:
    return {(r.fromItem, r.toItem, r.change) for r in d.relationships.itertuples()}


def test_two_baselines_find_exactly_the_seeded_changes(untouched: Sandbox) -> None:
    """Items and relationships changed between two baselines: precision and recall 100%."""
    a = untouched.take_baseline(PROJECT, "Review")
    seeded, seeded_rels, concerned = seed_changes(untouched)
    b = untouched.take_baseline(PROJECT, "Release")
    untouched.reset_stats()
    d = diff_baselines(a, b)
    assert precision_recall(seeded, item_rows(d)) == (1.0, 1.0)
    assert precision_recall(seeded_rels, relationship_rows(d)) == (1.0, 1.0)
    routes = Counter(untouched.stats.by_route)
    per_item = routes.pop("GET /baselines/{id}/versioneditems/{id}/versionedrelationships")
    assert per_item <= 2 * len(concerned)
    assert routes.pop("GET /baselines/{id}") == 2
    assert routes.pop("GET /activities") == 2
    assert routes.pop("GET /activities/{id}/affecteditems") == 2  # one per relationship written
    assert routes.pop("GET /relationshiptypes") == 1
    assert set(routes) <= LOOKUP_ROUTES | {"GET /baselines/{id}/versioneditems"}


def test_kept_baselines_cost_no_request(untouched: Sandbox) -> None:
    """With a store, the second diff of two baselines sends no request at all."""
    a = untouched.take_baseline(PROJECT, "Review")
    seed_changes(untouched)
    b = untouched.take_baseline(PROJECT, "Release")
    store = DictStore()
    first = diff_baselines(a, b, mirror=store)
    assert set(store.kept) == {a, b}
    untouched.reset_stats()
    second = diff_baselines(a, b, mirror=store)
    assert untouched.stats.requests == 0
    assert second.changes.equals(first.changes) and second.summary == first.summary


def test_unknown_baseline_is_a_one_line_error(conn: jm.Connection) -> None:
    """A baseline id that does not exist is one line with a hint."""
    with pytest.raises(JamaUsageError, match=r"there is no baseline 4242: list a project's"):
        diff_baselines(BASELINE_A, 4242)


def test_baseline_against_now_finds_exactly_the_seeded_changes(untouched: Sandbox) -> None:
    """Items and relationships changed since a baseline: precision and recall 100%."""
    a = untouched.take_baseline(PROJECT, "Review")
    seeded, seeded_rels, _ = seed_changes(untouched)
    d = diff_baselines(a)
    assert precision_recall(seeded, item_rows(d)) == (1.0, 1.0)
    assert precision_recall(seeded_rels, relationship_rows(d)) == (1.0, 1.0)
    assert d.summary.startswith("3 items changed (3 fields), 1 added, 1 removed; ")


def baseline_links(baseline: int, ids: set[int]) -> set[tuple[int, int, int]]:
    """(from, to, type) of the relationships of ``ids`` in a baseline, read item by item."""
    found = set()
    members = {i["id"] for i in jm.request(
        "GET", f"/baselines/{baseline}/versioneditems", all_pages=True
    ).data}  # fmt: skip
    for item in sorted(ids & members):
        url = f"/baselines/{baseline}/versioneditems/{item}/versionedrelationships"
        for rel in jm.request("GET", url, all_pages=True).data:
            found.add((rel["fromItem"], rel["toItem"], rel["relationshipType"]))
    return found


def generated_relationship_changes(sb: Sandbox, a: int, b: int) -> set[tuple[int, int, str]]:
    """Relationships added between two generated baselines, from the dataset itself.

    A generated relationship exists from the moment its later item was created, and
    none is deleted: it is added between two baselines when that moment lies between them.
    """
    ds = sb.dataset
    taken = [ds.baselines[n]["createdDate"] for n in (a, b)]
    project = ds.baselines[a]["project"]
    found = set()
    for rel in ds.relationships.values():
        ends = [ds.items.get(rel["fromItem"]), ds.items.get(rel["toItem"])]
        if not any(end and end["project"] == project for end in ends):
            continue  # a baseline holds its own project's items
        born = max(end["createdDate"] for end in ends if end is not None)
        if taken[0] < born <= taken[1]:
            found.add((rel["fromItem"], rel["toItem"], "added"))
    return found


def test_generated_baselines_read_relationships_of_few_items(untouched: Sandbox) -> None:
    """91 → 92 of the generated data: relationships exact, read only for added or removed items."""
    truth = generated_relationship_changes(untouched, 91, 92)
    members = [
        {i["id"] for i in jm.request("GET", f"/baselines/{n}/versioneditems", all_pages=True).data}
        for n in (91, 92)
    ]
    untouched.reset_stats()
    d = diff_baselines(91, 92)
    assert truth and precision_recall(truth, relationship_rows(d)) == (1.0, 1.0)
    routes = Counter(untouched.stats.by_route)
    per_item = routes["GET /baselines/{id}/versioneditems/{id}/versionedrelationships"]
    assert per_item <= 2 * len(members[0] ^ members[1])
    assert routes["GET /activities"] == 2 and "GET /abstractitems" not in routes


def test_changed_relationship_falls_back_and_stays_exact(untouched: Sandbox) -> None:
    """A relationship moved to other items (its old ends are not logged): the wide read, exact."""
    a = untouched.take_baseline(PROJECT, "Before")
    rels = jm.request("GET", "/relationships", query={"project": PROJECT}, all_pages=True).data
    rel = rels[5]
    ends = {rel["fromItem"], rel["toItem"]}
    other = next(r for r in rels if not {r["fromItem"], r["toItem"]} & ends)
    jm.request("PUT", f"/relationships/{rel['id']}", body={**rel, "toItem": other["toItem"]})
    b = untouched.take_baseline(PROJECT, "After")
    untouched.reset_stats()
    d = diff_baselines(a, b)
    assert untouched.stats.by_route["GET /abstractitems"] == 1  # the wide fallback
    concerned = ends | {other["toItem"]}
    was, now = baseline_links(a, concerned), baseline_links(b, concerned)
    truth = {(f, t, "added") for f, t, _ in now - was} | {
        (f, t, "removed") for f, t, _ in was - now
    }
    assert relationship_rows(d) == truth  # the sandbox keeps no history of a PUT: empty


def test_relationship_of_items_deleted_later_is_found(untouched: Sandbox) -> None:
    """Both items of a new relationship deleted after the second baseline: still found."""
    items = jm.request("GET", "/items", query={"project": PROJECT}, all_pages=True).data
    kids: dict[int, list[int]] = {}
    for item in items:
        kids.setdefault(item["location"]["parent"].get("item") or 0, []).append(item["id"])
    parent, (first, second, *_) = next((p, k) for p, k in kids.items() if p and len(k) > 2)
    a = untouched.take_baseline(PROJECT, "Before")
    jm.request("POST", "/relationships", body={"fromItem": first, "toItem": second})
    b = untouched.take_baseline(PROJECT, "After")
    jm.request("DELETE", f"/items/{parent}")  # both ends go with their parent, unlogged
    d = diff_baselines(a, b)
    assert relationship_rows(d) == {(first, second, "added")}
    assert item_rows(d) == set()
