"""Fixed defects, data quirks, and the sub-resources that used to be empty."""

from __future__ import annotations

from typing import Any

import httpx

from jama_magic.sandbox import Sandbox
from jama_magic.sandbox.dataset import generate


def _data(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_patch_cycles_and_runs(fresh: Sandbox, fresh_client: httpx.Client) -> None:
    """PATCH on a test cycle and on a test run answers 200 and applies the change."""
    cycle = next(iter(fresh.dataset.testcycles))
    run = next(iter(fresh.dataset.testruns.values()))
    name = [{"op": "replace", "path": "/fields/name", "value": "Cycle renamed"}]
    assert fresh_client.patch(f"/testcycles/{cycle}", json=name).status_code == 200
    assert _data(fresh_client, f"/testcycles/{cycle}")["fields"]["name"] == "Cycle renamed"
    steps = [{**s, "status": "PASSED"} for s in run["fields"]["testRunSteps"]]
    result = [{"op": "replace", "path": "/fields/testRunSteps", "value": steps}]
    assert fresh_client.patch(f"/testruns/{run['id']}", json=result).status_code == 200
    assert _data(fresh_client, f"/testruns/{run['id']}")["fields"]["testRunStatus"] == "PASSED"


def test_put_run_with_fields_read_back(fresh: Sandbox, fresh_client: httpx.Client) -> None:
    """PUT of a run's fields as GET returned them (testCase, testCycle included) succeeds."""
    run_id = next(iter(fresh.dataset.testruns))
    fields = _data(fresh_client, f"/testruns/{run_id}")["fields"]
    fields["actualResults"] = "<p>ok</p>"
    assert fresh_client.put(f"/testruns/{run_id}", json={"fields": fields}).status_code == 200


def test_deleted_test_case_leaves_its_group_until_restored(
    fresh: Sandbox, fresh_client: httpx.Client
) -> None:
    """A deleted test case is not listed in its group (counts agree); restore puts it back."""
    group = next(g for g, cases in fresh.dataset.group_cases.items() if cases)
    plan = fresh.dataset.group_plan[group]
    case = fresh.dataset.group_cases[group][0]
    path = f"/testplans/{plan}/testgroups/{group}/testcases"
    before = fresh_client.get(path, params={"maxResults": 1}).json()["meta"]["pageInfo"]
    assert fresh_client.delete(f"/items/{case}").status_code == 200
    after = fresh_client.get(path, params={"maxResults": 50}).json()
    assert after["meta"]["pageInfo"]["totalResults"] == before["totalResults"] - 1
    assert case not in {row["id"] for row in after["data"]}
    event = _data(fresh_client, "/activities", project=20, eventType="DELETE")[-1]
    assert fresh_client.post(f"/activities/{event['id']}/restore").status_code == 200
    restored = _data(fresh_client, path, maxResults=50)
    assert restored[0]["id"] == case


def test_restore_brings_tags_back(fresh: Sandbox, fresh_client: httpx.Client) -> None:
    """Tags of a deleted item are on it again after restore."""
    item_id, tags = next(iter(fresh.dataset.item_tags.items()))
    tags = list(tags)
    assert fresh_client.delete(f"/items/{item_id}").status_code == 200
    event = _data(fresh_client, "/activities", project=20, eventType="DELETE")[-1]
    fresh_client.post(f"/activities/{event['id']}/restore")
    assert [t["id"] for t in _data(fresh_client, f"/items/{item_id}/tags")] == tags
    assert item_id in {i["id"] for i in _data(fresh_client, f"/tags/{tags[0]}/items")}


def test_root_lists_only_served_collections(client: httpx.Client) -> None:
    """Every name GET / advertises answers something other than 404."""
    names = _data(client, "/")
    assert {"items", "usergroups", "comments", "relationshiprulesets"} <= set(names)
    for name in names:
        assert client.get(f"/{name}").status_code != 404, name


def test_quirks_are_deterministic_and_present() -> None:
    """Optional keys missing, repeated document keys, SECTION folders, project fields."""
    one, two = generate(seed=5), generate(seed=5)
    assert one.items == two.items and one.projects == two.projects
    items = list(one.items.values())
    assert any("lastActivityDate" not in i for i in items)
    assert any("modifiedBy" not in i for i in items)
    keys = [i["documentKey"] for i in items]
    assert len(set(keys)) < len(keys)
    assert all("lastActivityDate" in i for i in items if i["project"] == 20 and i["id"] < 1101)
    assert one.itemtypes[31]["category"] == "SECTION"
    assert {"user1", "text1", "date1", "projectGroup"} <= set(one.projects[20]["fields"])


def test_item_type_images_are_absolute(client: httpx.Client, shared: Sandbox) -> None:
    """Item types name their image by an absolute URL on the server, as Jama does."""
    image = _data(client, "/itemtypes/33")["image"]
    assert image.startswith(shared.url + "/img/")


def test_comments_links_and_synced_items_hold_data(client: httpx.Client, shared: Sandbox) -> None:
    """Comments (with replies), URL links and synced items are served from the dataset."""
    ds = shared.dataset
    comment = next(c for c in ds.comments.values() if "inReplyTo" in c)
    item = comment["location"]["item"]
    assert comment["id"] in {c["id"] for c in _data(client, f"/items/{item}/comments")}
    roots = _data(client, f"/items/{item}/comments", rootCommentsOnly="true")
    assert all("inReplyTo" not in c for c in roots)
    assert _data(client, f"/comments/{comment['inReplyTo']}/replies")
    linked, links = next(iter(ds.item_links.items()))
    assert [x["id"] for x in _data(client, f"/items/{linked}/links")] == links
    by_global: dict[str, list[int]] = {}
    for row in ds.items.values():
        by_global.setdefault(row["globalId"], []).append(row["id"])
    first, second = next(ids for ids in by_global.values() if len(ids) > 1)[:2]
    assert second in {i["id"] for i in _data(client, f"/items/{first}/synceditems")}
    status = _data(client, f"/items/{first}/synceditems/{second}/syncstatus")
    assert isinstance(status["inSync"], bool)


def test_workflow_transition_changes_status(fresh_client: httpx.Client) -> None:
    """A transition offered for the item's status sets the new status as a new version."""
    options = _data(fresh_client, "/items/1003/workflowtransitionoptions")
    assert options
    chosen = options[0]
    body = {"transitionId": chosen["id"], "comment": "looks good"}
    assert fresh_client.post("/items/1003/workflowtransitions", json=body).status_code == 201
    assert _data(fresh_client, "/items/1003")["fields"]["status"] == chosen["newStatus"]
    last = _data(fresh_client, "/items/1003/versions")[-1]
    assert last["comment"] == "looks good" and chosen["action"] in last["changeDetails"]
    wrong = fresh_client.post("/items/1003/workflowtransitions", json={"transitionId": "1-2"})
    assert wrong.status_code == 400 and "workflowtransitionoptions" in wrong.text


def test_usergroups_round_trip(fresh_client: httpx.Client) -> None:
    """Create a user group, add and remove a member, delete it."""
    created = fresh_client.post("/usergroups", json={"name": "Auditors"}).json()["meta"]["id"]
    assert fresh_client.post(f"/usergroups/{created}/users", json={"user": 53}).is_success
    assert [u["id"] for u in _data(fresh_client, f"/usergroups/{created}/users")] == [53]
    assert fresh_client.delete(f"/usergroups/{created}/users/53").status_code == 200
    assert fresh_client.delete(f"/usergroups/{created}").status_code == 200
    assert fresh_client.get(f"/usergroups/{created}").status_code == 404


def test_files_by_url(client: httpx.Client, shared: Sandbox) -> None:
    """GET /files?url= returns an attachment's bytes; an unknown URL is a 404."""
    attachment_id, content = next(iter(shared.dataset.attachment_files.items()))
    url = f"{shared.url}/attachment/{attachment_id}/file.bin"
    assert client.get("/files", params={"url": url}).content == content
    assert client.get("/files", params={"url": "https://x/y"}).status_code == 404
    assert client.get("/files").status_code == 400


def test_controls_over_http(fresh: Sandbox, fresh_client: httpx.Client) -> None:
    """/rest/sandbox/... takes baselines, edits and locks as a colleague, with auth."""
    root = f"{fresh.url}/rest/sandbox"
    auth = (fresh.username, fresh.password)
    taken = httpx.post(f"{root}/baselines", json={"project": 21, "name": "B"}, auth=auth)
    assert taken.status_code == 201
    assert _data(fresh_client, f"/baselines/{taken.json()['meta']['id']}")["name"] == "B"
    edit = {"fields": {"name": "By bob"}, "user": 53}
    assert httpx.post(f"{root}/items/1003/edits", json=edit, auth=auth).status_code == 200
    assert _data(fresh_client, "/items/1003")["modifiedBy"] == 53
    assert httpx.put(f"{root}/items/1003/lock", json={"user": 53}, auth=auth).is_success
    assert _data(fresh_client, "/items/1003/lock")["lockedBy"] == 53
    assert httpx.post(f"{root}/baselines", json={"project": 21, "name": "B"}).status_code == 401
    assert fresh_client.post("/__sandbox/baselines", json={}).status_code == 404
