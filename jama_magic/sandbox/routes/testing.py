"""Test management: ``/testplans`` (with groups and cycles), ``/testcycles``
and ``/testruns``, reads and writes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import query
from jama_magic.sandbox import testing_writes as tw
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.responses import (
    ApiError,
    created_response,
    endpoint,
    not_found,
    object_response,
    ok_response,
    page_response,
    store_of,
)
from jama_magic.sandbox.routes.writes import body_of, deleted_response
from jama_magic.sandbox.search import sort_rows
from jama_magic.sandbox.wire import JsonDict


def _kind(request: Request) -> str:
    return request.url.path.strip("/").split("/")[0]


@endpoint
async def list_plans(request: Request) -> Response:
    """``GET /testplans?project=``."""
    store = store_of(request)
    project = query.one_int(request, "project", required=True)
    rows = [p for p in store.ds.testplans.values() if p["project"] == project]
    return page_response(request, rows)


@endpoint
async def get_one(request: Request) -> Response:
    """``GET /testplans/{id}``, ``/testcycles/{id}``, ``/testruns/{id}``."""
    store = store_of(request)
    return object_response(request, tw.get_object(store, _kind(request), request.path_params["id"]))


@endpoint
async def put_one(request: Request) -> Response:
    """PUT a plan/cycle/run: full replace of its fields."""
    store = store_of(request)
    kind, object_id = _kind(request), request.path_params["id"]
    existing = tw.get_object(store, kind, object_id)
    body = v.require_object(await body_of(request))
    sent = v.require_object(body.get("fields"), "fields member")
    fields = v.clean_fields(
        store, existing["itemType"], _writable(sent), partial=kind == "testruns"
    )
    tw.replace_fields(store, kind, object_id, fields)
    return ok_response()


def _writable(fields: JsonDict) -> JsonDict:
    """Fields without the keys the server keeps itself (a GET's fields can be sent back)."""
    return {k: val for k, val in fields.items() if k not in tw.KEPT}


@endpoint
async def patch_one(request: Request) -> Response:
    """PATCH a plan/cycle/run with ``/fields/<name>`` operations."""
    store = store_of(request)
    kind, object_id = _kind(request), request.path_params["id"]
    existing = tw.get_object(store, kind, object_id)
    fields = _writable(existing["fields"])
    for operation in v.patch_operations(await body_of(request)):
        name = v.pointer_name(operation["path"])
        if operation["op"] == "remove":
            fields.pop(name, None)
        else:
            fields[name] = operation["value"]
    cleaned = v.clean_fields(store, existing["itemType"], fields, partial=kind == "testruns")
    tw.replace_fields(store, kind, object_id, cleaned)
    return ok_response()


@endpoint
async def delete_one(request: Request) -> Response:
    """DELETE a plan/cycle/run."""
    tw.delete_object(store_of(request), _kind(request), request.path_params["id"])
    return deleted_response(request)


@endpoint
async def post_plan(request: Request) -> Response:
    """``POST /testplans``."""
    return created_response(
        request, "testplans", tw.create_plan(store_of(request), await body_of(request))
    )


@endpoint
async def archive(request: Request) -> Response:
    """``PUT /testplans/{id}/archived {"archived": bool}``."""
    body = v.require_object(await body_of(request))
    if not isinstance(body.get("archived"), bool):
        raise ApiError(400, 'The body must be {"archived": true} or {"archived": false}.')
    tw.set_flag(
        store_of(request), "testplans", request.path_params["id"], "archived", body["archived"]
    )
    return ok_response()


@endpoint
async def plan_cycles(request: Request) -> Response:
    """``GET /testplans/{id}/testcycles``."""
    store = store_of(request)
    plan_id = tw.get_object(store, "testplans", request.path_params["id"])["id"]
    rows = [c for c in store.ds.testcycles.values() if c["fields"].get("testPlan") == plan_id]
    return page_response(request, rows)


@endpoint
async def post_cycle(request: Request) -> Response:
    """``POST /testplans/{id}/testcycles``."""
    new_id = tw.create_cycle(store_of(request), request.path_params["id"], await body_of(request))
    return created_response(request, "testcycles", new_id)


@endpoint
async def plan_groups(request: Request) -> Response:
    """``GET /testplans/{id}/testgroups``."""
    store = store_of(request)
    plan_id = tw.get_object(store, "testplans", request.path_params["id"])["id"]
    return page_response(request, tw.plan_groups(store, plan_id), store.ds.testgroups.get)


def _group(request: Request) -> JsonDict:
    store = store_of(request)
    plan_id = tw.get_object(store, "testplans", request.path_params["id"])["id"]
    group_id = request.path_params["groupId"]
    if store.ds.group_plan.get(group_id) != plan_id:
        raise not_found(f"test group of plan {plan_id}", group_id)
    group: JsonDict = store.ds.testgroups[group_id]
    return group


@endpoint
async def plan_group(request: Request) -> Response:
    """``GET /testplans/{id}/testgroups/{groupId}``."""
    return object_response(request, _group(request))


@endpoint
async def post_group(request: Request) -> Response:
    """``POST /testplans/{id}/testgroups {"name"}``."""
    plan_id = request.path_params["id"]
    group_id = tw.add_group(store_of(request), plan_id, await body_of(request))
    return created_response(request, f"testplans/{plan_id}/testgroups", group_id)


@endpoint
async def group_cases(request: Request) -> Response:
    """``GET /testplans/{id}/testgroups/{groupId}/testcases``."""
    store = store_of(request)
    ids = store.ds.group_cases.get(_group(request)["id"], [])
    return page_response(request, ids, store.ds.items.get)


@endpoint
async def post_group_case(request: Request) -> Response:
    """``POST /testplans/{id}/testgroups/{groupId}/testcases {"testCase": id}``."""
    plan_id, group_id = request.path_params["id"], request.path_params["groupId"]
    case_id = tw.add_group_case(store_of(request), plan_id, group_id, await body_of(request))
    return created_response(
        request, f"testplans/{plan_id}/testgroups/{group_id}/testcases", case_id
    )


@endpoint
async def cycle_runs(request: Request) -> Response:
    """``GET /testcycles/{id}/testruns``."""
    store = store_of(request)
    cycle_id = tw.get_object(store, "testcycles", request.path_params["id"])["id"]
    rows = [r for r in store.ds.testruns.values() if r["fields"]["testCycle"] == cycle_id]
    return page_response(request, rows)


def _run_matches(
    store_plans: dict[int, int],
    run: JsonDict,
    cycles: list[int],
    cases: list[int],
    plans: list[int],
) -> bool:
    fields = run["fields"]
    return (
        (not cycles or fields["testCycle"] in cycles)
        and (not cases or fields["testCase"] in cases)
        and (not plans or store_plans.get(fields["testCycle"]) in plans)
    )


@endpoint
async def list_runs(request: Request) -> Response:
    """``GET /testruns?testCycle=&testCase=&testPlan=&sortBy=`` (all repeatable)."""
    store = store_of(request)
    cycles, cases = query.ints(request, "testCycle"), query.ints(request, "testCase")
    plans = query.ints(request, "testPlan")
    plan_of = {cid: c["fields"].get("testPlan") for cid, c in store.ds.testcycles.items()}
    rows = [r for r in store.ds.testruns.values() if _run_matches(plan_of, r, cycles, cases, plans)]
    return page_response(request, sort_rows(rows, request.query_params.getlist("sortBy")))


_ONE = "{id:int}"
ROUTES = [
    Route("/testplans", list_plans, methods=["GET"]),
    Route("/testplans", post_plan, methods=["POST"]),
    Route("/testruns", list_runs, methods=["GET"]),
    *[
        Route(f"/{kind}/{_ONE}", handler, methods=[method])
        for kind in ("testplans", "testcycles", "testruns")
        for method, handler in (
            ("GET", get_one),
            ("PUT", put_one),
            ("PATCH", patch_one),
            ("DELETE", delete_one),
        )
    ],
    Route(f"/testplans/{_ONE}/archived", archive, methods=["PUT"]),
    Route(f"/testplans/{_ONE}/testcycles", plan_cycles, methods=["GET"]),
    Route(f"/testplans/{_ONE}/testcycles", post_cycle, methods=["POST"]),
    Route(f"/testplans/{_ONE}/testgroups", plan_groups, methods=["GET"]),
    Route(f"/testplans/{_ONE}/testgroups", post_group, methods=["POST"]),
    Route(f"/testplans/{_ONE}/testgroups/{{groupId:int}}", plan_group, methods=["GET"]),
    Route(f"/testplans/{_ONE}/testgroups/{{groupId:int}}/testcases", group_cases, methods=["GET"]),
    Route(
        f"/testplans/{_ONE}/testgroups/{{groupId:int}}/testcases", post_group_case, methods=["POST"]
    ),
    Route(f"/testcycles/{_ONE}/testruns", cycle_runs, methods=["GET"]),
]
