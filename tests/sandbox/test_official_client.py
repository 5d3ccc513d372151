"""Jama's own py-jama-rest-client, unchanged, against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jama_magic.sandbox import Sandbox

client_module = pytest.importorskip("py_jama_rest_client.client")
JamaClient = client_module.JamaClient


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A lenient sandbox of its own (these tests write): py-jama-rest-client 1.17.1
    pages ``/relationships`` with ``startAt``, which Jama refuses since about 9.6."""
    with Sandbox(lenient=True) as sandbox:
        yield sandbox


@pytest.fixture(params=["basic", "oauth"])
def jama(request: pytest.FixtureRequest, sb: Sandbox) -> object:
    """The official client with Basic auth and with OAuth client credentials."""
    if request.param == "oauth":
        return JamaClient(sb.url, credentials=(sb.client_id, sb.client_secret), oauth=True)
    return JamaClient(sb.url, credentials=(sb.username, sb.password))


def test_reads(jama: object, sb: Sandbox) -> None:
    """Projects, items, children, types, pick lists, users, tags and search read fully."""
    c: object = jama
    projects = c.get_projects()  # type: ignore[attr-defined]
    assert {p["id"] for p in projects} == set(sb.dataset.project_ids)
    items = c.get_items(21)  # type: ignore[attr-defined]
    assert len(items) == sum(1 for i in sb.dataset.items.values() if i["project"] == 21)
    assert c.get_item(1003)["id"] == 1003  # type: ignore[attr-defined]
    assert c.get_item_children(1001)  # type: ignore[attr-defined]
    assert len(c.get_item_types()) == len(sb.dataset.itemtypes)  # type: ignore[attr-defined]
    assert c.get_item_type(33)["display"] == "Requirement"  # type: ignore[attr-defined]
    assert c.get_pick_lists()  # type: ignore[attr-defined]
    assert c.get_pick_list_options(81)[0]["pickList"] == 81  # type: ignore[attr-defined]
    assert c.get_pick_list_option(301)["id"] == 301  # type: ignore[attr-defined]
    assert c.get_users()  # type: ignore[attr-defined]
    assert c.get_current_user()["username"] == sb.username  # type: ignore[attr-defined]
    assert c.get_tags(20)  # type: ignore[attr-defined]
    assert c.get_relationship_types()  # type: ignore[attr-defined]
    assert "items" in c.get_available_endpoints()  # type: ignore[attr-defined]
    found = c.get_abstract_items(project=[20], item_type=[33], contains=["shall"])  # type: ignore[attr-defined]
    assert found and all(f["itemType"] == 33 for f in found)
    by_key = c.get_abstract_items_from_doc_key(["DEMO-REQ-1"])  # type: ignore[attr-defined]
    assert [i["documentKey"] for i in by_key] == ["DEMO-REQ-1"]


def test_relationships_of_an_item(jama: object, sb: Sandbox) -> None:
    """Relationship reads of an item and of a project work with its paging."""
    rel = next(iter(sb.dataset.relationships.values()))
    c: object = jama
    down = c.get_items_downstream_relationships(rel["fromItem"])  # type: ignore[attr-defined]
    assert rel["id"] in [r["id"] for r in down]
    up = c.get_items_upstream_related(rel["toItem"])  # type: ignore[attr-defined]
    assert rel["fromItem"] in [i["id"] for i in up]
    assert len(c.get_relationships(21)) == len(  # type: ignore[attr-defined]
        [
            r
            for r in sb.dataset.relationships.values()
            if sb.dataset.items[r["fromItem"]]["project"] == 21
        ]
    )


def test_writes(jama: object) -> None:
    """post/put/patch/delete item, tags and relationships go through."""
    c: object = jama
    new_id = c.post_item(20, 33, 0, {"project": 20}, {"name": "from py-jama"})  # type: ignore[attr-defined]
    assert c.get_item(new_id)["fields"]["name"] == "from py-jama"  # type: ignore[attr-defined]
    c.put_item(20, new_id, 33, 0, {"project": 20}, {"name": "put"})  # type: ignore[attr-defined]
    c.patch_item(new_id, [{"op": "replace", "path": "/fields/name", "value": "patched"}])  # type: ignore[attr-defined]
    assert c.get_item(new_id)["fields"]["name"] == "patched"  # type: ignore[attr-defined]
    c.put_item_lock(new_id, True)  # type: ignore[attr-defined]
    assert c.get_item_lock(new_id)["locked"] is True  # type: ignore[attr-defined]
    c.put_item_lock(new_id, False)  # type: ignore[attr-defined]
    tag_id = c.post_tag(f"tag-{new_id}", 20)  # type: ignore[attr-defined]
    c.post_item_tag(new_id, tag_id)  # type: ignore[attr-defined]
    assert [t["id"] for t in c.get_item_tags(new_id)] == [tag_id]  # type: ignore[attr-defined]
    rel_id = c.post_relationship(new_id, 1003)  # type: ignore[attr-defined]
    assert c.get_relationship(rel_id)["toItem"] == 1003  # type: ignore[attr-defined]
    c.delete_relationships(rel_id)  # type: ignore[attr-defined]
    assert c.delete_item(new_id) == 200  # type: ignore[attr-defined]
    with pytest.raises(client_module.ResourceNotFoundException):
        c.get_item(new_id)  # type: ignore[attr-defined]


def test_errors_map_to_the_clients_exceptions(jama: object) -> None:
    """A duplicate tag is AlreadyExists and a bad item type a client error."""
    c: object = jama
    name = f"dup-tag-{id(c)}"
    c.post_tag(name, 22)  # type: ignore[attr-defined]
    with pytest.raises(client_module.AlreadyExistsException):
        c.post_tag(name, 22)  # type: ignore[attr-defined]
    with pytest.raises(client_module.APIClientException):
        c.post_item(20, 999, 0, {"project": 20}, {"name": "x"})  # type: ignore[attr-defined]


def test_every_read_method(jama: object, sb: Sandbox) -> None:
    """Each read method of the client returns the sandbox's data."""
    c: Any = jama
    ds = sb.dataset
    baseline = c.get_baselines(20)[0]
    assert c.get_baseline(baseline["id"])["name"] == baseline["name"]
    assert all(
        row["baseline"] == baseline["id"] for row in c.get_baselines_versioneditems(baseline["id"])
    )
    assert c.get_filter_results(71, project_id=20)
    assert c.get_item_lock(1003)["locked"] is False
    tagged = next(iter(ds.item_tags))
    assert [t["id"] for t in c.get_item_tags(tagged)] == ds.item_tags[tagged]
    assert c.get_attachment(next(iter(ds.attachments)))["type"] == "attachments"
    assert c.get_relationship_rule_sets()[0]["id"] == 1
    assert c.get_relationship_rule_set(1)["rules"]
    assert {p["id"] for p in c.get_relationship_rule_set_projects(1)} >= {20}
    assert c.get_relationship_type(2)["name"] == "Verified by"
    synced = _synced_pair(sb)
    assert synced[1] in [i["id"] for i in c.get_items_synceditems(synced[0])]
    assert "inSync" in c.get_items_synceditems_status(*synced)
    versions = c.get_item_versions(1003)
    assert c.get_item_version(1003, 1)["versionNumber"] == 1
    assert c.get_versioned_item(1003, len(versions))["id"] == 1003
    assert c.get_abstract_item(1003)["id"] == 1003
    assert c.get_abstract_item_versions(1003)
    assert c.get_abtract_item_version(1003, 1)["item"] == 1003
    assert c.get_abstract_versioned_item(1003, 1)["version"] == 1
    assert c.get_pick_list(81)["name"] == "Status"
    rel = next(iter(ds.relationships.values()))
    assert c.get_relationship(rel["id"])["fromItem"] == rel["fromItem"]
    assert c.get_items_downstream_related(rel["fromItem"])
    assert c.get_items_upstream_relationships(rel["toItem"])
    assert c.get_item_workflow_transitions(1003)
    assert c.get_tagged_items(ds.item_tags[tagged][0])
    assert c.get_user(52)["username"] == "alice"
    cycle = next(iter(ds.testcycles))
    assert c.get_test_cycle(cycle)["id"] == cycle
    assert c.get_testruns(cycle)
    since = c.get_abstract_items(
        project=[20], last_activity_date=["2023-01-01T00:00:00.000+0000"], sort_by=["id.asc"]
    )
    assert since and [i["id"] for i in since] == sorted(i["id"] for i in since)


def _synced_pair(sb: Sandbox) -> tuple[int, int]:
    seen: dict[str, int] = {}
    for item in sb.dataset.items.values():
        if item["globalId"] in seen:
            return seen[item["globalId"]], item["id"]
        seen[item["globalId"]] = item["id"]
    raise AssertionError("no synced items in the dataset")


def test_every_write_method(jama: object, sb: Sandbox, tmp_path: Path) -> None:
    """Each write method of the client goes through and is visible afterwards."""
    c: Any = jama
    ds = sb.dataset
    suffix = str(len(ds.users))
    user_id = c.post_user(f"u{suffix}", "pw-123456", "Una", "User", f"u{suffix}@x.com", "NAMED")
    c.put_user(user_id, f"u{suffix}", "pw-123456", "Una", "Renamed", f"u{suffix}@x.com")
    c.put_user_active(user_id, False)
    assert c.get_user(user_id)["lastName"] == "Renamed"
    plan = next(iter(ds.testplans))
    cycle = c.post_testplans_testcycles(plan, "Cycle from py-jama", "2024-02-01", "2024-02-20")
    run = c.get_testruns(cycle)[0]
    steps = [{**step, "status": "PASSED"} for step in run["fields"]["testRunSteps"]]
    c.put_test_run(run["id"], json.dumps({"fields": {"testRunSteps": steps}}))
    assert c.get_testruns(cycle)[0]["fields"]["testRunStatus"] == "PASSED"
    item = c.post_item(20, 33, 0, {"item": 1002}, {"name": "synced copy"})
    assert c.post_item_sync(item, 1003) == item
    assert item in [i["id"] for i in c.get_items_synceditems(1003)]
    attachment = c.post_project_attachment(20, "spec", "a spec")
    upload = tmp_path / "spec.txt"
    upload.write_bytes(b"spec text")
    assert c.put_attachments_file(attachment, str(upload)) == 200
    c.post_item_attachment(item, attachment)
    rel = c.post_relationship(item, 1004)
    c.put_relationship(rel, item, 1005)
    assert c.get_relationship(rel)["toItem"] == 1005
