"""Paging and the read endpoints of every family."""

from __future__ import annotations

from typing import Any

import httpx

from jama_magic.sandbox import Sandbox


def _all(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        page = client.get(path, params={**params, "startAt": len(rows), "maxResults": 50}).json()
        rows.extend(page["data"])
        info = page["meta"]["pageInfo"]
        if not page["data"] or info["startIndex"] + info["resultCount"] >= info["totalResults"]:
            return rows


def test_default_page_is_20_and_max_is_clamped_to_50(client: httpx.Client) -> None:
    """maxResults defaults to 20 and values above 50 give 50."""
    default = client.get("/items", params={"project": 20}).json()
    clamped = client.get("/items", params={"project": 20, "maxResults": 500}).json()
    assert default["meta"]["pageInfo"]["resultCount"] == 20
    assert clamped["meta"]["pageInfo"]["resultCount"] == 50


def test_clamp_switch_answers_400() -> None:
    """With clamp_page_size=False, maxResults above 50 is a 400."""
    with (
        Sandbox(items=40, clamp_page_size=False) as sb,
        httpx.Client(auth=(sb.username, sb.password)) as c,
    ):
        response = c.get(f"{sb.url}/rest/latest/projects", params={"maxResults": 51})
        assert response.status_code == 400


def test_paging_walks_every_item_once(client: httpx.Client, shared: Sandbox) -> None:
    """Following startAt through project 20 yields each of its items exactly once."""
    rows = _all(client, "/items", project=20)
    expected = [i["id"] for i in shared.dataset.items.values() if i["project"] == 20]
    assert [r["id"] for r in rows] == expected


def test_bad_paging_parameters_are_400(client: httpx.Client) -> None:
    """Non-numeric or negative startAt/maxResults give 400 with a message."""
    for params in ({"startAt": "x"}, {"startAt": -1}, {"maxResults": 0}):
        response = client.get("/projects", params=params)
        assert response.status_code == 400
        assert (
            "startAt" in response.json()["meta"]["message"]
            or "maxResults" in response.json()["meta"]["message"]
        )


def test_root_only_lists_root_items(client: httpx.Client) -> None:
    """rootOnly=true returns only items whose parent is the project."""
    rows = _all(client, "/items", project=20, rootOnly="true")
    assert rows
    assert all(r["location"]["parent"] == {"project": 20} for r in rows)


def test_children_and_parent_agree(client: httpx.Client) -> None:
    """Each child of an item names it as parent, and /parent returns it."""
    children = client.get("/items/1001/children").json()["data"]
    assert children
    for child in children:
        assert child["location"]["parent"] == {"item": 1001}
    assert client.get(f"/items/{children[0]['id']}/parent").json()["data"]["id"] == 1001
    assert client.get("/items/1001/parent").status_code == 404


def test_hierarchy_has_sets_folders_and_sequences(shared: Sandbox) -> None:
    """Sets/folders carry childItemType and sequences are dotted outlines."""
    items = list(shared.dataset.items.values())
    containers = [i for i in items if i["itemType"] in (31, 32)]
    assert containers and all("childItemType" in i for i in containers)
    assert any(i["location"]["sequence"].count(".") >= 2 for i in items)


def test_item_sub_resources(client: httpx.Client) -> None:
    """lock, location, versions and tags of an item are served."""
    assert "locked" in client.get("/items/1003/lock").json()["data"]
    assert "sequence" in client.get("/items/1003/location").json()["data"]
    versions = client.get("/items/1003/versions").json()["data"]
    assert versions[0]["versionNumber"] == 1
    assert client.get("/items/1003/versions/1/versioneditem").json()["data"]["id"] == 1003
    assert client.get("/items/1003/versions/99").status_code == 404
    assert client.get("/items/1003/comments").json()["data"] == []


def test_relationships_of_an_item(client: httpx.Client, shared: Sandbox) -> None:
    """Up/downstream relationships and related items match the dataset."""
    rel = next(iter(shared.dataset.relationships.values()))
    down = client.get(f"/items/{rel['fromItem']}/downstreamrelationships").json()["data"]
    up = client.get(f"/items/{rel['toItem']}/upstreamrelated").json()["data"]
    assert rel["id"] in [r["id"] for r in down]
    assert rel["fromItem"] in [i["id"] for i in up]


def test_traceability_is_uneven(shared: Sandbox) -> None:
    """Some requirements in project 20 have test cases and some have none."""
    reqs = {
        i["id"] for i in shared.dataset.items.values() if i["project"] == 20 and i["itemType"] == 33
    }
    covered = {
        r["fromItem"]
        for r in shared.dataset.relationships.values()
        if r["relationshipType"] == 2 and r["fromItem"] in reqs
    }
    assert 0 < len(covered) < len(reqs)


def test_relationships_keyset_paging_covers_all(client: httpx.Client) -> None:
    """lastId paging returns ascending ids and ends with an empty page."""
    seen: list[int] = []
    last = 0
    while True:
        page = client.get(
            "/relationships", params={"project": 20, "lastId": last, "maxResults": 50}
        ).json()
        if not page["data"]:
            break
        seen.extend(r["id"] for r in page["data"])
        last = seen[-1]
    assert seen == sorted(seen)
    assert len(seen) == page["meta"]["pageInfo"]["totalResults"]


def test_relationships_require_last_id_switch() -> None:
    """With require_last_id, project without lastId gets Jama's 400 message."""
    with (
        Sandbox(items=40, require_last_id=True) as sb,
        httpx.Client(auth=(sb.username, sb.password)) as c,
    ):
        response = c.get(f"{sb.url}/rest/v1/relationships", params={"project": 20})
        assert response.status_code == 400
        assert "lastId parameter is now required" in response.json()["meta"]["message"]


def test_metadata_families(client: httpx.Client) -> None:
    """Item types, pick lists/options, users, relationship types, releases, tags answer."""
    assert client.get("/itemtypes/33").json()["data"]["display"] == "Requirement"
    options = client.get("/picklists/81/options").json()["data"]
    assert client.get(f"/picklistoptions/{options[0]['id']}").json()["data"]["pickList"] == 81
    assert client.get("/users/current").json()["data"]["id"] == 51
    assert client.get("/users", params={"username": "alice"}).json()["data"][0]["id"] == 52
    assert len(client.get("/users", params={"includeInactive": "true"}).json()["data"]) > len(
        client.get("/users").json()["data"]
    )
    assert client.get("/relationshiptypes").json()["data"][0]["isDefault"] is True
    assert client.get("/releases", params={"project": 20}).json()["data"]
    tags = client.get("/tags", params={"project": 20}).json()["data"]
    assert client.get(f"/tags/{tags[0]['id']}/items").status_code == 200
    assert client.get("/projects/20/tags").json()["data"] == tags


def test_release_by_id(client: httpx.Client) -> None:
    """GET /releases/{id} answers the release in the envelope; an unknown id is a 404."""
    listed = client.get("/releases", params={"project": 21}).json()["data"][0]
    body = client.get(f"/releases/{listed['id']}").json()
    assert body["data"] == listed
    assert body["meta"]["status"] == "OK"
    assert body["links"]["data.project"]["type"] == "projects"
    missing = client.get("/releases/99999")
    assert missing.status_code == 404
    assert missing.json()["meta"]["message"] == "No release with id 99999 exists."


def test_abstractitems_filters(client: httpx.Client, shared: Sandbox) -> None:
    """project/itemType/documentKey/contains/date filters narrow the search."""
    reqs = client.get("/abstractitems", params={"project": 20, "itemType": 33}).json()
    assert all(r["itemType"] == 33 for r in reqs["data"])
    one = client.get("/abstractitems", params={"documentKey": "DEMO-REQ-1"}).json()["data"]
    assert [r["documentKey"] for r in one] == ["DEMO-REQ-1"]
    words = client.get("/abstractitems", params={"contains": "battery"}).json()["data"]
    assert words and all(
        "battery" in (w["fields"]["name"] + w["fields"]["description"] + w["documentKey"]).lower()
        for w in words
    )
    late = client.get(
        "/abstractitems",
        params={"createdDate": "2023-12-01T00:00:00.000+0000", "sortBy": "createdDate.asc"},
    ).json()["data"]
    assert late and late[0]["createdDate"] >= "2023-12-01"
    assert client.get("/abstractitems", params={"createdDate": "soon"}).status_code == 400


def test_test_management_reads(client: httpx.Client) -> None:
    """Plans, cycles, runs and groups link up, with results spread over dates."""
    plan = client.get("/testplans", params={"project": 20}).json()["data"][0]
    cycles = client.get(f"/testplans/{plan['id']}/testcycles").json()["data"]
    runs = client.get(f"/testcycles/{cycles[0]['id']}/testruns", params={"maxResults": 50}).json()[
        "data"
    ]
    assert {r["fields"]["testCycle"] for r in runs} == {cycles[0]["id"]}
    statuses = {r["fields"]["testRunStatus"] for r in runs}
    assert {"PASSED", "FAILED"} <= statuses
    dates = {r["fields"].get("executionDate") for r in runs} - {None}
    assert len(dates) > 3
    by_case = client.get("/testruns", params={"testCase": runs[0]["fields"]["testCase"]})
    assert by_case.json()["data"]
    assert client.get(f"/testplans/{plan['id']}/testgroups").json()["data"]


def test_baselines_activities_filters_attachments(client: httpx.Client, shared: Sandbox) -> None:
    """Baselines with versioned items, activities, filter results and attachment files."""
    baseline = client.get("/baselines", params={"project": 20}).json()["data"][0]
    item = client.get(f"/baselines/{baseline['id']}/versioneditems").json()["data"][0]
    assert item["baseline"] == baseline["id"]
    assert client.get("/activities", params={"project": 20}).json()["data"]
    assert client.get("/activities").status_code == 400
    results = client.get("/filters/71/results").json()["data"]
    assert results and {r["itemType"] for r in results} == {33}
    attachment_id = next(iter(shared.dataset.attachments))
    file = client.get(f"/attachments/{attachment_id}/file")
    assert file.status_code == 200 and file.content
