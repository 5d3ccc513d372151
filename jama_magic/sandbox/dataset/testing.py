"""Generates test plans, groups, cycles and runs with results spread over time."""

from __future__ import annotations

from jama_magic.sandbox import case_status
from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.dataset.context import ItemContext
from jama_magic.sandbox.dataset.extras import Extras, abstract_object
from jama_magic.sandbox.wire import JsonDict

_PLAN_NAMES = ("System Verification", "Regression", "Acceptance")
_DAY = 1440


def build_testing(ctx: ItemContext, project_ids: list[int], out: Extras) -> None:
    """Plans with groups and cycles (a run per planned test case), then test case statuses."""
    all_cases: set[int] = set()
    for project in project_ids:
        cases = ctx.by_type.get((project, s.TEST_CASE), [])
        all_cases.update(cases)
        plans = 3 if project == s.LARGE_PROJECT_ID else 1
        for number in range(plans):
            _plan(ctx, project, number, cases, out)
    case_status.refresh(ctx.items, out.testruns.values(), all_cases)


def _plan(ctx: ItemContext, project: int, number: int, cases: list[int], out: Extras) -> None:
    start_day = 200 + number * 30
    fields = {
        "name": f"{_PLAN_NAMES[number]} Plan",
        "description": "<p>Plan scope.</p>\n",
        "startDate": ctx.clock.day(start_day),
        "endDate": ctx.clock.day(start_day + 120),
    }
    plan = abstract_object(ctx, project, s.TEST_PLAN, "testplans", start_day * _DAY, fields)
    plan["archived"] = False
    plan["type"] = plan.pop("type")
    out.testplans[plan["id"]] = plan
    chosen = _choose_cases(ctx, cases, limit=150 if number == 0 else 60)
    groups = _groups(plan["id"], chosen, out)
    cycles = 4 if number == 0 else 3
    for cycle_number in range(cycles):
        _cycle(ctx, plan, cycle_number, cycles, groups, out)


def _choose_cases(ctx: ItemContext, cases: list[int], *, limit: int) -> list[int]:
    if len(cases) <= limit:
        return list(cases)
    return sorted(ctx.rng.sample(cases, limit))


def _groups(plan_id: int, cases: list[int], out: Extras) -> list[tuple[int, list[int]]]:
    half = len(cases) // 3
    result = []
    for name, members in (("Default", cases[half:]), ("Smoke Tests", cases[:half])):
        group_id = len(out.testgroups) + 1
        out.testgroups[group_id] = {
            "id": group_id,
            "name": name,
            "description": "",
            "assignedTo": 58,
            "type": "testgroups",
        }
        out.group_plan[group_id] = plan_id
        out.group_cases[group_id] = list(members)
        result.append((group_id, list(members)))
    return result


def _cycle(
    ctx: ItemContext,
    plan: JsonDict,
    number: int,
    total: int,
    groups: list[tuple[int, list[int]]],
    out: Extras,
) -> None:
    start = 200 + number * 21 + (plan["id"] % 7)
    fields = {
        "name": f"Cycle {number + 1}",
        "description": "",
        "startDate": ctx.clock.day(start),
        "endDate": ctx.clock.day(start + 14),
        "testPlan": plan["id"],
    }
    cycle = abstract_object(ctx, plan["project"], s.TEST_CYCLE, "testcycles", start * _DAY, fields)
    out.testcycles[cycle["id"]] = cycle
    progress = number / max(total - 1, 1)
    order = 0
    for group_id, members in groups:
        for case in members:
            run = _run(ctx, cycle, (plan["id"], group_id), case, start, progress)
            run["sortOrderFromTestGroup"] = order
            order += 1
            out.testruns[run["id"]] = run


def _status(ctx: ItemContext, progress: float) -> str:
    roll = ctx.rng.random()
    passed = 0.4 + 0.45 * progress
    if roll < passed:
        return "PASSED"
    if roll < passed + 0.25 * (1 - progress) + 0.03:
        return "FAILED"
    if roll < passed + 0.3 * (1 - progress) + 0.05:
        return "BLOCKED"
    return "NOT_RUN" if roll < 0.97 else "INPROGRESS"


def _run(
    ctx: ItemContext,
    cycle: JsonDict,
    group: tuple[int, int],
    case_id: int,
    start: int,
    progress: float,
) -> JsonDict:
    case = ctx.items[case_id]
    status = _status(ctx, progress)
    steps = [
        {**step, "status": _step_status(status), "result": ""}
        for step in case["fields"].get("testCaseSteps", [])
    ]
    fields: JsonDict = {
        "name": case["fields"]["name"],
        "description": "",
        "testRunStatus": status,
        "testRunSteps": steps,
        "testCase": case_id,
        "testCycle": cycle["id"],
        "assignedTo": ctx.user(),
        "actualResults": "" if status != "FAILED" else "<p>Value out of range</p>",
    }
    day = start + int(ctx.rng.random() * 14)
    if status not in ("NOT_RUN",):
        fields["executionDate"] = ctx.clock.day(day)
    run = abstract_object(ctx, cycle["project"], s.TEST_RUN, "testruns", day * _DAY, fields)
    kind = run.pop("type")
    run.update(
        {
            "testCaseVersionNumber": 1,
            "testCaseCurrentVersionNumber": 1,
            "sortOrderFromTestGroup": 0,
            "testGroup": list(group),
            "type": kind,
        }
    )
    return run


def _step_status(run_status: str) -> str:
    return {"INPROGRESS": "PASSED"}.get(run_status, run_status)
