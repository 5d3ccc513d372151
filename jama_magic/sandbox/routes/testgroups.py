"""Test groups (edit, delete, their test cases), a cycle's view of a group, and
bringing a test run up to date with its test case."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import testing_writes as tw
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.responses import (
    ApiError,
    created_response,
    endpoint,
    not_found,
    object_response,
    ok_response,
    store_of,
)
from jama_magic.sandbox.routes.writes import body_of, deleted_response
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict

_GROUP = "/testplans/{id:int}/testgroups/{groupId:int}"


def _group_of_plan(store: Store, plan_id: int, group_id: int) -> JsonDict:
    tw.get_object(store, "testplans", plan_id)
    if store.ds.group_plan.get(group_id) != plan_id:
        raise not_found(f"test group of plan {plan_id}", group_id)
    group: JsonDict = store.ds.testgroups[group_id]
    return group


@endpoint
async def put_group(request: Request) -> Response:
    """``PUT /testplans/{id}/testgroups/{groupId} {"name", "assignedTo"?}``."""
    store = store_of(request)
    body = v.require_object(await body_of(request))
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise ApiError(400, "name is required and must be a non-empty string.")
    assigned = body.get("assignedTo")
    if assigned is not None and assigned not in store.ds.users:
        raise ApiError(400, f"assignedTo {assigned!r} is not a user id.")
    with store.writing():
        group = _group_of_plan(store, request.path_params["id"], request.path_params["groupId"])
        new = {**group, "name": body["name"], "description": str(body.get("description", ""))}
        if assigned is not None:
            new["assignedTo"] = assigned
        new["type"] = new.pop("type")
        store.ds.testgroups[group["id"]] = new
    return ok_response()


@endpoint
async def delete_group(request: Request) -> Response:
    """``DELETE /testplans/{id}/testgroups/{groupId}`` (its runs stay, as in Jama)."""
    store = store_of(request)
    with store.writing():
        group = _group_of_plan(store, request.path_params["id"], request.path_params["groupId"])
        if len(tw.plan_groups(store, request.path_params["id"])) == 1:
            raise ApiError(400, "A test plan keeps at least one test group.")
        for table in (store.ds.testgroups, store.ds.group_plan, store.ds.group_cases):
            table.pop(group["id"], None)
    return deleted_response(request)


def _case_in_group(request: Request) -> tuple[Store, int, int]:
    store = store_of(request)
    group = _group_of_plan(store, request.path_params["id"], request.path_params["groupId"])
    case_id = request.path_params["testCaseId"]
    if case_id not in store.ds.group_cases.get(group["id"], []):
        raise not_found(f"test case in group {group['id']}", case_id)
    return store, group["id"], case_id


@endpoint
async def group_case(request: Request) -> Response:
    """``GET …/testgroups/{groupId}/testcases/{testCaseId}``."""
    store, _, case_id = _case_in_group(request)
    return object_response(request, store.ds.items[case_id])


@endpoint
async def delete_group_case(request: Request) -> Response:
    """``DELETE …/testgroups/{groupId}/testcases/{testCaseId}``."""
    store = store_of(request)
    with store.writing():
        _, group_id, case_id = _case_in_group(request)
        store.ds.group_cases[group_id].remove(case_id)
    return deleted_response(request)


@endpoint
async def cycle_group(request: Request) -> Response:
    """``GET /testcycles/{id}/testgroup/{groupId}``: a group as the cycle ran it."""
    store = store_of(request)
    cycle = tw.get_object(store, "testcycles", request.path_params["id"])
    group_id = request.path_params["groupId"]
    group = store.ds.testgroups.get(group_id)
    if group is None or store.ds.group_plan.get(group_id) != cycle["fields"].get("testPlan"):
        raise not_found(f"test group of cycle {cycle['id']}", group_id)
    body: JsonDict = {"testGroup": group_id, "name": group["name"]}
    if "assignedTo" in group:
        body["assignedTo"] = group["assignedTo"]
    body.update({"testCycle": cycle["id"], "type": "testcycletestgroups"})
    return object_response(request, body)


@endpoint
async def updated_test_case(request: Request) -> Response:
    """``POST /testruns/{id}/updatedtestcase``: the run takes its test case's current steps."""
    store = store_of(request)
    with store.writing():
        run = tw.get_object(store, "testruns", request.path_params["id"])
        case = store.ds.items.get(run["fields"]["testCase"])
        if case is None:
            raise ApiError(400, f"The test case of run {run['id']} no longer exists.")
        steps = [
            {**step, "status": "NOT_RUN", "result": ""}
            for step in case["fields"].get("testCaseSteps", [])
        ]
        version = store.history.current_version(case["id"])
        fields = {**run["fields"], "testRunSteps": steps}
        store.ds.testruns[run["id"]] = {
            **run,
            "fields": fields,
            "testCaseVersionNumber": version,
            "testCaseCurrentVersionNumber": version,
        }
    return created_response(request, "testruns", run["id"])


ROUTES = [
    Route(_GROUP, put_group, methods=["PUT"]),
    Route(_GROUP, delete_group, methods=["DELETE"]),
    Route(_GROUP + "/testcases/{testCaseId:int}", group_case, methods=["GET"]),
    Route(_GROUP + "/testcases/{testCaseId:int}", delete_group_case, methods=["DELETE"]),
    Route("/testcycles/{id:int}/testgroup/{groupId:int}", cycle_group, methods=["GET"]),
    Route("/testruns/{id:int}/updatedtestcase", updated_test_case, methods=["POST"]),
]
