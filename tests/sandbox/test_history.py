"""Point-in-time history: versions, baselines, activities and incremental sync."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from jama_magic.sandbox import Sandbox


def _data(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _all(client: httpx.Client, path: str, **params: Any) -> list[Any]:
    rows: list[Any] = []
    while True:
        body = client.get(path, params={**params, "startAt": len(rows), "maxResults": 50}).json()
        rows += body["data"]
        if not body["data"] or len(rows) >= body["meta"]["pageInfo"]["totalResults"]:
            return rows


def _rename(client: httpx.Client, item_id: int, name: str) -> None:
    patch = [{"op": "replace", "path": "/fields/name", "value": name}]
    assert client.patch(f"/items/{item_id}", json=patch).status_code == 200


def _server_now(client: httpx.Client) -> str:
    stamp: str = client.get("/users/current").json()["meta"]["timestamp"]
    return stamp


def test_versioned_item_is_the_item_as_it_was(fresh_client: httpx.Client) -> None:
    """After two PATCHes each version's versioneditem holds the name it had then."""
    before = _data(fresh_client, "/items/1003")
    _rename(fresh_client, 1003, "First rename")
    _rename(fresh_client, 1003, "Second rename")
    versions = _data(fresh_client, "/items/1003/versions")
    last = versions[-1]["versionNumber"]
    names = [
        _data(fresh_client, f"/items/1003/versions/{n}/versioneditem")["fields"]["name"]
        for n in (last - 2, last - 1, last)
    ]
    assert names == [before["fields"]["name"], "First rename", "Second rename"]
    snapshot = _data(fresh_client, f"/items/1003/versions/{last - 1}/versioneditem")
    assert snapshot["version"] == last - 1 and snapshot["currentVersion"] == last
    assert snapshot["modifiedDate"] == versions[-2]["createdDate"]


def test_generated_versions_differ_and_are_dated(client: httpx.Client, shared: Sandbox) -> None:
    """A generated item with several versions shows an earlier state at version 1."""
    item = next(
        i
        for i in shared.dataset.items.values()
        if i["itemType"] == 33 and i["modifiedDate"] != i["createdDate"]
    )
    versions = _data(client, f"/items/{item['id']}/versions")
    assert versions[0]["createdDate"] == item["createdDate"]
    assert versions[-1]["createdDate"] == item["modifiedDate"]
    first = _data(client, f"/items/{item['id']}/versions/1/versioneditem")
    assert first["fields"] != item["fields"]
    assert first["modifiedDate"] == item["createdDate"]
    latest = _data(client, f"/items/{item['id']}/versions/{len(versions)}/versioneditem")
    assert latest["fields"] == item["fields"]


def test_generated_baselines_hold_what_existed_then(client: httpx.Client) -> None:
    """Each baseline holds only items created by its date, at versions made by then."""
    baselines = _data(client, "/baselines", project=21)
    assert len(baselines) >= 3
    sizes = []
    for baseline in baselines:
        rows = _all(client, f"/baselines/{baseline['id']}/versioneditems")
        sizes.append(len(rows))
        for row in rows:
            assert row["createdDate"] <= baseline["createdDate"]
            assert row["modifiedDate"] <= baseline["createdDate"]
            assert row["version"] <= row["currentVersion"]
            assert row["project"] == 21
        row = rows[-1]
        same = _data(client, f"/items/{row['id']}/versions/{row['version']}/versioneditem")
        assert same["fields"] == row["fields"]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_take_baseline_is_frozen(fresh: Sandbox, fresh_client: httpx.Client) -> None:
    """A baseline taken now keeps the items as they were, whatever happens afterwards."""
    _rename(fresh_client, 1003, "At baseline time")
    doomed = fresh.dataset.items[1004]["id"]
    baseline_id = fresh.take_baseline(20, "Sprint 7")
    _rename(fresh_client, 1003, "After the baseline")
    assert fresh_client.delete(f"/items/{doomed}").status_code == 200
    body = {
        "project": 20,
        "itemType": 33,
        "location": {"parent": {"item": 1002}},
        "fields": {"name": "Born later"},
    }
    born = fresh_client.post("/items", json=body).json()["meta"]["id"]
    member = _data(fresh_client, f"/baselines/{baseline_id}/versioneditems/1003")
    assert member["fields"]["name"] == "At baseline time"
    assert member["version"] < member["currentVersion"]
    assert _data(fresh_client, f"/baselines/{baseline_id}/versioneditems/{doomed}")
    assert fresh_client.get(f"/baselines/{baseline_id}/versioneditems/{born}").status_code == 404
    listed = _data(fresh_client, "/baselines", project=20)
    assert listed[-1]["id"] == baseline_id and listed[-1]["name"] == "Sprint 7"


def test_take_baseline_refuses_unknown_project(fresh: Sandbox) -> None:
    """An unknown project is a ValueError naming it."""
    with pytest.raises(ValueError, match="Project 99"):
        fresh.take_baseline(99, "x")


def test_baseline_relationships_are_point_in_time(
    fresh: Sandbox, fresh_client: httpx.Client
) -> None:
    """A relationship deleted after a baseline stays in it; one created after is absent."""
    rel = next(iter(fresh.dataset.relationships.values()))
    source = rel["fromItem"]
    baseline_id = fresh.take_baseline(20, "Before relationship changes")
    assert fresh_client.delete(f"/relationships/{rel['id']}").status_code == 200
    created = fresh_client.post("/relationships", json={"fromItem": source, "toItem": 1003})
    new_id = created.json()["meta"]["id"]
    path = f"/baselines/{baseline_id}/versioneditems/{source}/versionedrelationships"
    ids = {r["id"] for r in _data(fresh_client, path)}
    assert rel["id"] in ids and new_id not in ids
    now = _server_now(fresh_client)
    current = _data(fresh_client, f"/abstractitems/{source}/versionedrelationships", timestamp=now)
    assert new_id in {r["id"] for r in current} and rel["id"] not in {r["id"] for r in current}


def test_last_activity_date_returns_exactly_what_changed(fresh_client: httpx.Client) -> None:
    """lastActivityDate=T finds the patched item and both ends of a new relationship."""
    since = _server_now(fresh_client)
    _rename(fresh_client, 1005, "Changed")
    assert fresh_client.post("/relationships", json={"fromItem": 1006, "toItem": 1007}).is_success
    changed = _data(fresh_client, "/abstractitems", project=20, lastActivityDate=since)
    assert {i["id"] for i in changed} == {1005, 1006, 1007}
    until = _server_now(fresh_client)
    time.sleep(0.005)  # stamps have millisecond resolution: a write in the same ms is "until"
    _rename(fresh_client, 1008, "Later")
    ranged = fresh_client.get(
        "/abstractitems",
        params=[("project", 20), ("lastActivityDate", since), ("lastActivityDate", until)],
    ).json()["data"]
    assert {i["id"] for i in ranged} == {1005, 1006, 1007}


def test_raw_plus_in_a_date_is_refused_unless_lenient(client: httpx.Client) -> None:
    """A + that arrives as a space is a 400 naming %2B; lenient=True accepts it."""
    raw = "/abstractitems?project=20&lastActivityDate=2024-01-01T00:00:00.000+0000"
    refused = client.get(raw)
    assert refused.status_code == 400 and "%2B" in refused.json()["meta"]["message"]
    encoded = raw.replace("+", "%2B")
    assert client.get(encoded).status_code == 200
    with (
        Sandbox(items=40, lenient=True) as sb,
        httpx.Client(base_url=f"{sb.url}/rest/latest", auth=(sb.username, sb.password)) as lenient,
    ):
        assert lenient.get(raw).status_code == 200


def test_relationships_need_last_id_unless_lenient(client: httpx.Client) -> None:
    """GET /relationships without lastId is Jama's 400; lenient=True serves it."""
    refused = client.get("/relationships", params={"project": 20})
    assert refused.status_code == 400 and "lastId" in refused.json()["meta"]["message"]
    with (
        Sandbox(items=40, lenient=True) as sb,
        httpx.Client(base_url=f"{sb.url}/rest/latest", auth=(sb.username, sb.password)) as lenient,
    ):
        assert lenient.get("/relationships", params={"project": 20}).status_code == 200


def test_activities_record_relationship_writes_and_filter(fresh_client: httpx.Client) -> None:
    """Relationship create/delete and item delete are activities; filters narrow them."""
    since = _server_now(fresh_client)
    rel_id = fresh_client.post("/relationships", json={"fromItem": 1006, "toItem": 1007}).json()[
        "meta"
    ]["id"]
    assert fresh_client.delete(f"/relationships/{rel_id}").status_code == 200
    assert fresh_client.delete("/items/1009").status_code == 200
    recent = _data(fresh_client, "/activities", project=20, date=since)
    kinds = [(a["eventType"], a["objectType"], a["item"]) for a in recent]
    assert kinds == [
        ("CREATE", "RELATIONSHIP", rel_id),
        ("DELETE", "RELATIONSHIP", rel_id),
        ("DELETE", "ITEM", 1009),
    ]
    rels = _data(fresh_client, "/activities", project=20, date=since, objectType="RELATIONSHIP")
    assert len(rels) == 2
    deletes = _data(fresh_client, "/activities", project=20, date=since, deleteEvents="true")
    assert [a["item"] for a in deletes] == [rel_id, 1009]
    assert not _data(fresh_client, "/activities", project=20, date=[since, since])
    on_item = _data(fresh_client, "/items/1006/activities")
    assert {a["objectType"] for a in on_item} >= {"RELATIONSHIP"}


def test_writes_get_distinct_increasing_timestamps(fresh_client: httpx.Client) -> None:
    """Back-to-back writes never share a modifiedDate, so conflict checks can rely on it."""
    stamps = []
    for n in range(5):
        _rename(fresh_client, 1003, f"n{n}")
        stamps.append(_data(fresh_client, "/items/1003")["modifiedDate"])
    assert stamps == sorted(set(stamps))


def test_edit_as_and_lock_as_simulate_a_colleague(
    fresh: Sandbox, fresh_client: httpx.Client
) -> None:
    """edit_as makes a new version by user 52; lock_as makes our edits fail with 409."""
    before = _data(fresh_client, "/items/1003")
    fresh.edit_as(1003, {"name": "Edited in the UI"}, comment="from alice")
    after = _data(fresh_client, "/items/1003")
    assert after["modifiedBy"] == 52 and after["modifiedDate"] > before["modifiedDate"]
    assert _data(fresh_client, "/items/1003/versions")[-1]["comment"] == "from alice"
    fresh.lock_as(1003)
    patch = [{"op": "replace", "path": "/fields/name", "value": "mine"}]
    assert fresh_client.patch("/items/1003", json=patch).status_code == 409
    fresh.lock_as(1003, None)
    assert fresh_client.patch("/items/1003", json=patch).status_code == 200


def test_version_counts_the_writes_applied(fresh: Sandbox, fresh_client: httpx.Client) -> None:
    """version() is the number of /versions: a PATCH and an edit_as add one each, a PATCH
    refused (a lock's 409, a rate limit's 429 at the door) none; 0 for an unknown id."""
    start = fresh.version(1003)
    assert start == len(_all(fresh_client, "/items/1003/versions")) >= 1
    _rename(fresh_client, 1003, "once")
    fresh.edit_as(1003, {"name": "twice"})
    assert fresh.version(1003) == start + 2
    fresh.lock_as(1003)
    patch = [{"op": "replace", "path": "/fields/name", "value": "refused"}]
    assert fresh_client.patch("/items/1003", json=patch).status_code == 409
    fresh.lock_as(1003, None)
    fresh.set_rate_limit(0.001)
    try:
        refused = [fresh_client.patch("/items/1003", json=patch).status_code for _ in range(3)]
    finally:
        fresh.set_rate_limit(None)
    assert 429 in refused
    assert fresh.version(1003) == start + 2 + refused.count(200)
    assert fresh.version(1003) == len(_all(fresh_client, "/items/1003/versions"))
    assert fresh.version(999_999) == 0
