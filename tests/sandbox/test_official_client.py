"""Jama's own py-jama-rest-client, unchanged, against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

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
