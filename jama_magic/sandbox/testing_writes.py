"""State changes for test plans, cycles, runs and groups.

A test run's ``testRunStatus`` and ``executionDate`` are computed from the
step statuses sent in a PUT, as in Jama's "record a result" flow, and every
change to runs recomputes their test cases' ``testCaseStatus`` (see
:mod:`case_status`).
"""

from __future__ import annotations

from typing import Any

from jama_magic.sandbox import case_status
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.dataset.context import RESOURCES
from jama_magic.sandbox.responses import ApiError, not_found
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict, today

KEPT = ("documentKey", "globalId", "testPlan", "testCase", "testCycle")
TABLES = {"testplans": s.TEST_PLAN, "testcycles": s.TEST_CYCLE, "testruns": s.TEST_RUN}


def get_object(store: Store, kind: str, object_id: int) -> JsonDict:
    """A test plan/cycle/run by id, or 404."""
    found: JsonDict | None = getattr(store.ds, kind).get(object_id)
    if found is None:
        raise not_found(kind.removesuffix("s").replace("test", "test "), object_id)
    return found


def new_object(store: Store, project: int, type_id: int, kind: str, fields: JsonDict) -> JsonDict:
    object_id = store.next_id()
    type_key = store.ds.itemtypes[type_id]["typeKey"]
    doc_key = store.next_document_key(project, type_key)
    global_id = f"GID-{type_key}-{object_id}"
    now, me = store.now(), store.ds.current_user_id
    return {
        "id": object_id,
        "documentKey": doc_key,
        "globalId": global_id,
        "project": project,
        "itemType": type_id,
        "createdDate": now,
        "modifiedDate": now,
        "lastActivityDate": now,
        "createdBy": me,
        "modifiedBy": me,
        "fields": {"documentKey": doc_key, "globalId": global_id, **fields},
        "resources": RESOURCES,
        "lock": {"locked": False},
        "type": kind,
    }


def create_plan(store: Store, body: Any) -> int:
    """``POST /testplans {"project", "fields": {"name", ...}}``."""
    body = v.require_object(body)
    project = v.require_int(body, "project")
    if project not in store.ds.projects:
        raise ApiError(400, f"Project {project} does not exist.")
    fields = v.clean_fields(store, s.TEST_PLAN, body.get("fields"))
    with store.writing():
        plan = new_object(store, project, s.TEST_PLAN, "testplans", fields)
        plan["archived"] = False
        plan["type"] = plan.pop("type")
        store.ds.testplans[plan["id"]] = plan
        add_group(store, plan["id"], {"name": "Default"})
        _created(store, plan)
    return int(plan["id"])


def create_cycle(store: Store, plan_id: int, body: Any) -> int:
    """``POST /testplans/{id}/testcycles``: runs for the plan's (selected) groups."""
    body = v.require_object(body)
    plan = get_object(store, "testplans", plan_id)
    fields = v.clean_fields(store, s.TEST_CYCLE, body.get("fields"))
    config = body.get("testRunGenerationConfig") or {}
    wanted = config.get("testGroupsToInclude") if isinstance(config, dict) else None
    with store.writing():
        cycle = new_object(
            store, plan["project"], s.TEST_CYCLE, "testcycles", {**fields, "testPlan": plan_id}
        )
        store.ds.testcycles[cycle["id"]] = cycle
        cases: set[int] = set()
        for group_id in plan_groups(store, plan_id):
            if wanted and group_id not in wanted:
                continue
            for order, case_id in enumerate(store.ds.group_cases.get(group_id, [])):
                _new_run(store, cycle, (plan_id, group_id), case_id, order)
                cases.add(case_id)
        refresh_cases(store, cases)
        _created(store, cycle)
    return int(cycle["id"])


def _new_run(
    store: Store, cycle: JsonDict, group: tuple[int, int], case_id: int, order: int
) -> None:
    case = store.ds.items.get(case_id)
    if case is None:
        return
    steps = [
        {**step, "status": "NOT_RUN", "result": ""}
        for step in case["fields"].get("testCaseSteps", [])
    ]
    fields = {
        "name": case["fields"]["name"],
        "description": "",
        "testRunStatus": "NOT_RUN",
        "testRunSteps": steps,
        "testCase": case_id,
        "testCycle": cycle["id"],
        "actualResults": "",
    }
    run = new_object(store, cycle["project"], s.TEST_RUN, "testruns", fields)
    kind = run.pop("type")
    run.update(
        {
            "testCaseVersionNumber": 1,
            "testCaseCurrentVersionNumber": 1,
            "sortOrderFromTestGroup": order,
            "testGroup": list(group),
            "type": kind,
        }
    )
    store.ds.testruns[run["id"]] = run
    store.history.record(run, "Item created", run["createdBy"], run["createdDate"])


def _created(store: Store, obj: JsonDict) -> None:
    store.history.record(obj, "Item created", obj["createdBy"], obj["createdDate"])
    store.activity(obj, "CREATE", "Created", when=obj["createdDate"])


def plan_groups(store: Store, plan_id: int) -> list[int]:
    """Ids of a plan's test groups."""
    return [gid for gid, pid in store.ds.group_plan.items() if pid == plan_id]


def add_group(store: Store, plan_id: int, body: Any) -> int:
    """``POST /testplans/{id}/testgroups {"name"}``."""
    body = v.require_object(body)
    if not isinstance(body.get("name"), str) or not body["name"]:
        raise ApiError(400, "name is required and must be a non-empty string.")
    get_object(store, "testplans", plan_id)
    with store.writing():
        group_id = max(store.ds.testgroups, default=0) + 1
        store.ds.testgroups[group_id] = {
            "id": group_id,
            "name": body["name"],
            "description": str(body.get("description", "")),
            "type": "testgroups",
        }
        store.ds.group_plan[group_id] = plan_id
        store.ds.group_cases[group_id] = []
    return group_id


def add_group_case(store: Store, plan_id: int, group_id: int, body: Any) -> int:
    """``POST /testplans/{id}/testgroups/{g}/testcases {"testCase": id}``."""
    case_id = v.require_int(v.require_object(body), "testCase")
    if store.ds.group_plan.get(group_id) != plan_id:
        raise not_found(f"test group of plan {plan_id}", group_id)
    case = store.ds.items.get(case_id)
    if case is None or case["itemType"] != s.TEST_CASE:
        raise ApiError(400, f"Item {case_id} is not a test case.")
    with store.writing():
        members = store.ds.group_cases[group_id]
        if case_id in members:
            raise ApiError(400, f"Test case {case_id} already exists in group {group_id}.")
        members.append(case_id)
    return case_id


def replace_fields(store: Store, kind: str, object_id: int, fields: JsonDict) -> None:
    """Full replace of a plan/cycle/run's writable fields (run status recomputed)."""
    with store.writing():
        old = get_object(store, kind, object_id)
        keep = {k: old["fields"][k] for k in KEPT if k in old["fields"]}
        new_fields = {**keep, **fields}
        if kind == "testruns":
            new_fields.update(_run_result(old, fields))
        now = store.now()
        new = {
            **old,
            "fields": new_fields,
            "modifiedDate": now,
            "lastActivityDate": now,
            "modifiedBy": store.ds.current_user_id,
        }
        getattr(store.ds, kind)[object_id] = new
        if kind == "testruns":
            refresh_cases(store, {new_fields["testCase"]})
        store.history.record(new, "Fields updated", new["modifiedBy"], now)
        store.activity(new, "UPDATE", "Updated", when=now)


def _run_result(old: JsonDict, fields: JsonDict) -> JsonDict:
    steps = fields.get("testRunSteps")
    if not steps:
        return {
            k: old["fields"][k] for k in ("testRunStatus", "executionDate") if k in old["fields"]
        }
    statuses = {str(step.get("status", "NOT_RUN")) for step in steps}
    status = (
        "FAILED"
        if "FAILED" in statuses
        else "BLOCKED"
        if "BLOCKED" in statuses
        else "PASSED"
        if statuses == {"PASSED"}
        else "NOT_RUN"
        if statuses == {"NOT_RUN"}
        else "INPROGRESS"
    )
    result: JsonDict = {"testRunStatus": status}
    if status != "NOT_RUN":
        result["executionDate"] = today()
    return result


def delete_object(store: Store, kind: str, object_id: int) -> None:
    """Delete a plan (with its cycles and runs), a cycle (with its runs) or a run."""
    with store.writing():
        obj = get_object(store, kind, object_id)
        doomed = {object_id}
        if kind == "testplans":
            doomed |= {
                c
                for c, cyc in store.ds.testcycles.items()
                if cyc["fields"].get("testPlan") == object_id
            }
        if kind in ("testplans", "testcycles"):
            doomed |= {
                r
                for r, run in store.ds.testruns.items()
                if run["fields"].get("testCycle") in doomed
            }
        runs = store.ds.testruns
        cases = {runs[key]["fields"]["testCase"] for key in doomed & runs.keys()}
        for table in (store.ds.testplans, store.ds.testcycles, store.ds.testruns):
            for key in doomed & table.keys():
                del table[key]
        refresh_cases(store, cases)
        when = store.now()
        for doomed_id in doomed:
            store.history.deleted(doomed_id, when)
        store.activity(obj, "DELETE", "Deleted", when=when)


def refresh_cases(store: Store, cases: set[int]) -> None:
    """Recompute the ``testCaseStatus`` of ``cases`` after their runs changed."""
    if cases:
        case_status.refresh(store.ds.items, store.ds.testruns.values(), cases)


def set_flag(store: Store, kind: str, object_id: int, key: str, value: Any) -> None:
    """Set ``archived`` on a plan or ``lock`` on a run."""
    with store.writing():
        old = get_object(store, kind, object_id)
        getattr(store.ds, kind)[object_id] = {**old, key: value}
