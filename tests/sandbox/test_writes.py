"""Writes and their errors."""

from __future__ import annotations

from typing import Any

import httpx

from jama_magic.sandbox import Sandbox

SPEC_BODY: dict[str, Any] = {
    "project": 20,
    "itemType": 33,
    "childItemType": 0,
    "location": {"parent": {"project": 20}},
    "fields": {"name": "x"},
}


def _create(c: httpx.Client, **fields: Any) -> int:
    response = c.post("/items", json={**SPEC_BODY, "fields": {"name": "x", **fields}})
    assert response.status_code == 201, response.text
    return int(response.json()["meta"]["id"])


def test_spec_post_is_201_meta_only(fresh_client: httpx.Client, fresh: Sandbox) -> None:
    """The SPEC's POST body gives 201 with meta.id/meta.location and no data."""
    response = fresh_client.post("/items", json=SPEC_BODY)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"meta"}
    assert body["meta"]["status"] == "Created"
    assert body["meta"]["location"] == f"{fresh.url}/rest/latest/items/{body['meta']['id']}"
    item = fresh_client.get(f"/items/{body['meta']['id']}").json()["data"]
    assert item["fields"]["name"] == "x"
    assert item["location"]["parent"] == {"project": 20}
    assert item["documentKey"].startswith("DEMO-REQ-")


def test_put_is_a_full_replace(fresh_client: httpx.Client) -> None:
    """Fields left out of a PUT are cleared."""
    item_id = _create(fresh_client, priority=306)
    response = fresh_client.put(f"/items/{item_id}", json={**SPEC_BODY, "fields": {"name": "y"}})
    assert response.status_code == 200
    assert set(response.json()) == {"meta"}
    fields = fresh_client.get(f"/items/{item_id}").json()["data"]["fields"]
    assert fields["name"] == "y"
    assert "priority" not in fields


def test_patch_operations(fresh_client: httpx.Client) -> None:
    """PATCH applies replace/add/remove to fields and keeps the rest."""
    item_id = _create(fresh_client, priority=306)
    response = fresh_client.patch(
        f"/items/{item_id}",
        json=[
            {"op": "replace", "path": "/fields/name", "value": "New"},
            {"op": "add", "path": "/fields/effort$33", "value": 5},
            {"op": "remove", "path": "/fields/priority"},
        ],
    )
    assert response.status_code == 200
    fields = fresh_client.get(f"/items/{item_id}").json()["data"]["fields"]
    assert (fields["name"], fields["effort$33"]) == ("New", 5)
    assert "priority" not in fields


def test_delete_then_404_and_restore(fresh_client: httpx.Client) -> None:
    """DELETE answers 200 meta-only; the item is gone until its activity is restored."""
    item_id = _create(fresh_client)
    response = fresh_client.delete(f"/items/{item_id}")
    assert response.status_code == 200
    assert fresh_client.get(f"/items/{item_id}").status_code == 404
    events = fresh_client.get("/activities", params={"project": 20, "eventType": "DELETE"})
    activity = next(a for a in events.json()["data"] if a["item"] == item_id)
    assert fresh_client.post(f"/activities/{activity['id']}/restore").status_code == 200
    assert fresh_client.get(f"/items/{item_id}").status_code == 200


def test_delete_status_204() -> None:
    """delete_status=204 answers DELETE with an empty 204."""
    with (
        Sandbox(items=40, delete_status=204) as sb,
        httpx.Client(base_url=f"{sb.url}/rest/latest", auth=(sb.username, sb.password)) as c,
    ):
        item_id = _create(c)
        response = c.delete(f"/items/{item_id}")
        assert (response.status_code, response.content) == (204, b"")


def test_invalid_bodies_are_400_with_message(fresh_client: httpx.Client) -> None:
    """Malformed JSON, unknown type, missing name and wrong field types are 400s."""
    cases = [
        (b"{not json", "Malformed JSON"),
        (b"[1, 2]", "JSON object"),
        ({**SPEC_BODY, "itemType": 999}, "Item type 999"),
        ({**SPEC_BODY, "fields": {}}, "Required field 'name'"),
        ({**SPEC_BODY, "fields": {"name": "x", "effort$33": "lots"}}, "integer"),
        ({**SPEC_BODY, "fields": {"name": "x", "status": 999999}}, "option id"),
        ({**SPEC_BODY, "fields": {"name": "x", "due_date$33": "31/12/2024"}}, "yyyy-MM-dd"),
        ({**SPEC_BODY, "fields": {"name": "x", "bogus": 1}}, "does not exist"),
        ({**SPEC_BODY, "project": 999}, "Project 999"),
        ({**SPEC_BODY, "location": {}}, "location.parent"),
    ]
    for body, needle in cases:
        if isinstance(body, bytes):
            response = fresh_client.post(
                "/items", content=body, headers={"Content-Type": "application/json"}
            )
        else:
            response = fresh_client.post("/items", json=body)
        assert response.status_code == 400, body
        assert needle in response.json()["meta"]["message"], (needle, response.text)


def test_write_errors_on_unknown_ids_and_methods(fresh_client: httpx.Client) -> None:
    """Unknown ids are 404; unsupported methods 405; bad PATCH bodies 400."""
    assert fresh_client.put("/items/999999", json=SPEC_BODY).status_code == 404
    assert fresh_client.delete("/items/999999").status_code == 404
    assert fresh_client.delete("/projects").status_code == 405
    assert fresh_client.patch("/items/1003", json={"op": "replace"}).status_code == 400
    assert (
        fresh_client.patch("/items/1003", json=[{"op": "move", "path": "/fields/name"}]).status_code
        == 400
    )


def test_lock_blocks_others_and_unlock(fresh_client: httpx.Client, fresh: Sandbox) -> None:
    """Locking sets lockedBy; an item locked by a colleague refuses edits with 409."""
    assert fresh_client.put("/items/1003/lock", json={"locked": True}).status_code == 200
    lock = fresh_client.get("/items/1003/lock").json()["data"]
    assert (lock["locked"], lock["lockedBy"]) == (True, 51)
    assert fresh_client.put("/items/1003/lock", json={"locked": False}).status_code == 200
    assert fresh_client.put("/items/1003/lock", json={"locked": "yes"}).status_code == 400
    colleague = next(i for i in fresh.dataset.items.values() if i["lock"].get("locked"))
    response = fresh_client.patch(
        f"/items/{colleague['id']}", json=[{"op": "replace", "path": "/fields/name", "value": "z"}]
    )
    assert response.status_code == 409


def test_item_tags_and_relationship_writes(fresh_client: httpx.Client) -> None:
    """Tags can be added/removed; relationships created, fetched, updated, deleted."""
    item_id = _create(fresh_client)
    tag = fresh_client.get("/tags", params={"project": 20}).json()["data"][0]["id"]
    assert fresh_client.post(f"/items/{item_id}/tags", json={"tag": tag}).status_code == 201
    again = fresh_client.post(f"/items/{item_id}/tags", json={"tag": tag})
    assert "already exists" in again.json()["meta"]["message"]
    assert [t["id"] for t in fresh_client.get(f"/items/{item_id}/tags").json()["data"]] == [tag]
    assert fresh_client.delete(f"/items/{item_id}/tags/{tag}").status_code == 200
    created = fresh_client.post("/relationships", json={"fromItem": item_id, "toItem": 1003})
    rel_id = created.json()["meta"]["id"]
    assert fresh_client.get(f"/relationships/{rel_id}").json()["data"]["relationshipType"] == 1
    assert (
        fresh_client.put(
            f"/relationships/{rel_id}",
            json={"fromItem": item_id, "toItem": 1003, "relationshipType": 2},
        ).status_code
        == 200
    )
    assert (
        fresh_client.get(f"/items/{item_id}/downstreamrelationships").json()["data"][0][
            "relationshipType"
        ]
        == 2
    )
    assert fresh_client.delete(f"/relationships/{rel_id}").status_code == 200
    assert fresh_client.get(f"/relationships/{rel_id}").status_code == 404


def test_move_item_with_location(fresh_client: httpx.Client) -> None:
    """PUT /items/{id}/location re-parents the item."""
    item_id = _create(fresh_client)
    response = fresh_client.put(f"/items/{item_id}/location", json={"parent": {"item": 1001}})
    assert response.status_code == 200
    moved = fresh_client.get(f"/items/{item_id}").json()["data"]
    assert moved["location"]["parent"] == {"item": 1001}
    assert (
        fresh_client.put(
            f"/items/{item_id}/location", json={"parent": {"item": item_id}}
        ).status_code
        == 400
    )


def test_test_run_result_recording(fresh_client: httpx.Client) -> None:
    """PUT of step statuses computes testRunStatus and executionDate."""
    run = fresh_client.get("/testruns", params={"maxResults": 1}).json()["data"][0]
    steps = [{**s, "status": "FAILED"} for s in run["fields"]["testRunSteps"]] or [
        {"action": "a", "expectedResult": "b", "notes": "", "status": "FAILED"}
    ]
    response = fresh_client.put(
        f"/testruns/{run['id']}",
        json={"fields": {"name": run["fields"]["name"], "testRunSteps": steps}},
    )
    assert response.status_code == 200, response.text
    fields = fresh_client.get(f"/testruns/{run['id']}").json()["data"]["fields"]
    assert fields["testRunStatus"] == "FAILED"
    assert fields["executionDate"]


def test_create_plan_cycle_generates_runs(fresh_client: httpx.Client) -> None:
    """A new plan with a grouped test case and a cycle gets one run per case."""
    plan = fresh_client.post("/testplans", json={"project": 21, "fields": {"name": "P"}})
    plan_id = plan.json()["meta"]["id"]
    group = fresh_client.get(f"/testplans/{plan_id}/testgroups").json()["data"][0]["id"]
    case = fresh_client.get("/abstractitems", params={"project": 21, "itemType": 35}).json()[
        "data"
    ][0]["id"]
    assert (
        fresh_client.post(
            f"/testplans/{plan_id}/testgroups/{group}/testcases", json={"testCase": case}
        ).status_code
        == 201
    )
    cycle = fresh_client.post(
        f"/testplans/{plan_id}/testcycles",
        json={"fields": {"name": "C1", "startDate": "2024-01-01", "endDate": "2024-01-14"}},
    )
    runs = fresh_client.get(f"/testcycles/{cycle.json()['meta']['id']}/testruns").json()
    assert [r["fields"]["testCase"] for r in runs["data"]] == [case]


def _case_status(c: httpx.Client, case_id: int) -> str:
    return str(c.get(f"/items/{case_id}").json()["data"]["fields"]["testCaseStatus"])


def test_test_case_status_follows_run_writes(fresh_client: httpx.Client) -> None:
    """Recording a result, adding a cycle and deleting it update the case's status."""
    c = fresh_client
    run = c.get("/testruns", params={"maxResults": 1}).json()["data"][0]
    case, cycle = run["fields"]["testCase"], run["fields"]["testCycle"]
    steps = [{**s, "status": "FAILED"} for s in run["fields"]["testRunSteps"]]
    body = {"fields": {"name": run["fields"]["name"], "testRunSteps": steps}}
    assert c.put(f"/testruns/{run['id']}", json=body).status_code == 200
    assert _case_status(c, case) == "FAILED"
    plan = c.get(f"/testcycles/{cycle}").json()["data"]["fields"]["testPlan"]
    created = c.post(f"/testplans/{plan}/testcycles", json={"fields": {"name": "Again"}})
    assert created.status_code == 201, created.text
    assert _case_status(c, case) == "NOT_RUN"
    assert c.delete(f"/testcycles/{created.json()['meta']['id']}").status_code == 200
    assert _case_status(c, case) == "FAILED"


def test_new_test_case_is_not_run(fresh_client: httpx.Client) -> None:
    """A test case created through POST /items starts as NOT_RUN, whatever is sent."""
    body = {**SPEC_BODY, "itemType": 35, "fields": {"name": "t", "testCaseStatus": "PASSED"}}
    response = fresh_client.post("/items", json=body)
    assert response.status_code == 201, response.text
    assert _case_status(fresh_client, response.json()["meta"]["id"]) == "NOT_RUN"
