"""df.jama.plan(): only changed cells, names back to ids per item type, guards before sending."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pandas as pd
import pytest

import jama_magic as jm
from jama_magic.sandbox import Sandbox
from jama_magic.writeback import NoOriginError, PlanError, build_plan, origin_of

from .conftest import read_frame


@pytest.fixture(scope="module")
def wsb() -> Iterator[Sandbox]:
    """One sandbox for this module: planning never writes."""
    with Sandbox() as sb:
        yield sb


@pytest.fixture(scope="module")
def read_once(wsb: Sandbox) -> pd.DataFrame:
    """Project 20 read once for the module (planning needs no request)."""
    jm.connect("w", url=wsb.url, username=wsb.username, password=wsb.password, default=True)
    return read_frame()


@pytest.fixture
def frame(read_once: pd.DataFrame, wconn: object) -> pd.DataFrame:
    """A fresh copy of the module's frame (list cells copied too), same origin."""
    fresh: pd.DataFrame = read_once.copy()
    for column in fresh.columns[fresh.dtypes == "object"]:
        fresh[column] = [list(v) if isinstance(v, list) else v for v in fresh[column]]
    return fresh


def _option(pick_list: int, name: str) -> int:
    options = jm.request("GET", f"/picklists/{pick_list}/options", all_pages=True).data
    return int(next(o["id"] for o in options if o["name"] == name))


def _ops(plan: jm.writeback.ChangePlan) -> dict[int, list[dict[str, object]]]:
    return {item.id: item.body() for item in plan.items}


def test_unedited_frame_plans_nothing(frame: pd.DataFrame) -> None:
    """A frame as read has an empty plan."""
    plan = build_plan(frame)
    assert len(plan) == 0 and plan.field_count == 0


def test_one_replace_per_changed_field_with_raw_keys(frame: pd.DataFrame) -> None:
    """Changed cells become one PATCH per item with one replace per field, raw key in the path."""
    frame.loc[1003, "priority"] = "High"
    frame.at[1004, "verification_method"] = ["Test", "Analysis"]  # type: ignore[assignment]
    ops = _ops(build_plan(frame))
    assert set(ops) == {1003, 1004}
    high, test, analysis = _option(82, "High"), _option(83, "Test"), _option(83, "Analysis")
    assert ops[1003] == [{"op": "replace", "path": "/fields/priority", "value": high}]
    assert ops[1004] == [
        {"op": "replace", "path": "/fields/verification_method$33", "value": [test, analysis]}
    ]


def test_names_map_per_item_type(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """`status` maps to the pick list of each row's item type (Requirement vs Defect)."""
    options = {o["id"]: o for o in jm.request("GET", "/picklists/85/options", all_pages=True).data}
    defect = int(frame.index[frame.itemType == "Defect"][0])
    requirement = 1003
    defect_name = next(o["name"] for o in options.values() if o["name"] != frame.status[defect])
    frame.loc[defect, "status"] = defect_name
    frame.loc[requirement, "status"] = "Approved"
    ops = _ops(build_plan(frame))
    assert ops[defect][0]["value"] in options
    assert ops[requirement][0]["value"] not in options


def test_name_valid_for_one_type_is_an_error_for_another(frame: pd.DataFrame) -> None:
    """A Requirement status set on a Defect row is refused, listing the Defect options."""
    defect = int(frame.index[frame.itemType == "Defect"][0])
    frame.loc[defect, "status"] = "Approved"
    with pytest.raises(
        PlanError, match=r"'Approved' is not a valid Status of Defect items; valid: "
    ):
        build_plan(frame)


def test_unknown_name_lists_valid_ones(frame: pd.DataFrame) -> None:
    """An unknown pick-list name is one line listing the valid names."""
    frame.loc[1003, "priority"] = "Urgent"
    with pytest.raises(PlanError) as info:
        build_plan(frame)
    message = str(info.value)
    assert "'Urgent' is not a valid Priority of Requirement items" in message
    assert "High" in message and "Low" in message and "\n" not in message


def test_ids_are_accepted_as_well_as_names(frame: pd.DataFrame) -> None:
    """An id in a resolved column is written as it is: as text ("306") or in an object column."""
    high, low = _option(82, "High"), _option(82, "Low")
    frame.loc[1003, "priority"] = str(high)  # the column holds text: an id goes in as text
    frame.loc[1004, "priority"] = f" {low} "
    ops = _ops(build_plan(frame))
    assert ops[1003][0]["value"] == high and ops[1004][0]["value"] == low
    frame["priority"] = frame["priority"].astype(object)
    frame.loc[1003, "priority"] = high
    assert _ops(build_plan(frame))[1003][0]["value"] == high


def test_an_int_in_a_resolved_text_column_is_pandas_own_error(frame: pd.DataFrame) -> None:
    """pandas refuses an int in a resolved (string) column before plan() runs: use "306"."""
    with pytest.raises(TypeError, match="Invalid value '306' for dtype"):
        frame.loc[1003, "priority"] = 306


def test_option_id_of_another_pick_list_is_refused(frame: pd.DataFrame) -> None:
    """An option id that is not of the field's pick list is refused, listing names with ids."""
    other = _option(83, "Test")  # a verification method, not a priority
    frame.loc[1003, "priority"] = str(other)
    with pytest.raises(PlanError) as info:
        build_plan(frame)
    message = str(info.value)
    assert f"{other} is not the id of a valid Priority of Requirement items; valid: " in message
    assert f"High ({_option(82, 'High')})" in message and "\n" not in message


def test_users_and_releases_map_back(frame: pd.DataFrame) -> None:
    """A user's display name and a release name (of the item's project) become ids."""
    frame.loc[1004, "assignedTo"] = "Grace Kim"
    frame.loc[1005, "release"] = "R1.5"
    ops = _ops(build_plan(frame))
    users = {u["id"]: u for u in jm.request("GET", "/users", all_pages=True).data}
    releases = {r["id"]: r for r in jm.request("GET", "/releases", query={"project": 20}).data}
    assert users[ops[1004][0]["value"]]["lastName"] == "Kim"
    assert releases[ops[1005][0]["value"]]["name"] == "R1.5"


def test_dates_numbers_and_missing_values(frame: pd.DataFrame) -> None:
    """Timestamps become yyyy-MM-dd, whole floats ints, NA a removal of the field."""
    frame.loc[1003, "due_date"] = pd.Timestamp("2025-02-03", tz="UTC")
    frame.loc[1004, "effort"] = 12
    frame.loc[1005, "priority"] = pd.NA
    ops = _ops(build_plan(frame))
    assert ops[1003] == [{"op": "replace", "path": "/fields/due_date$33", "value": "2025-02-03"}]
    assert ops[1004] == [{"op": "replace", "path": "/fields/effort$33", "value": 12}]
    assert ops[1005] == [{"op": "remove", "path": "/fields/priority"}]


def test_setting_the_same_value_is_no_change(frame: pd.DataFrame) -> None:
    """Writing back a cell's own value (by name) plans nothing."""
    frame.loc[1003, "status"] = str(frame.status[1003])
    frame.loc[1003, "name"] = str(frame.name[1003])
    assert len(build_plan(frame)) == 0


@pytest.mark.parametrize("column", ["documentKey", "modifiedDate", "createdBy", "itemType"])
def test_system_columns_are_refused(frame: pd.DataFrame, column: str) -> None:
    """A changed system column is refused before anything is sent."""
    frame[column] = frame[column].astype(object)
    frame.loc[1003, column] = "x"
    with pytest.raises(PlanError, match=f"column '{column}' is a system column"):
        build_plan(frame)


def test_read_only_fields_are_refused(frame: pd.DataFrame) -> None:
    """A field the item type declares read-only (a rollup) is refused."""
    hazard = int(frame.index[frame.itemType == "Hazard"][0])
    frame.loc[hazard, "coverage"] = "99%"
    with pytest.raises(PlanError, match="'coverage\\$43' is read-only on Hazard items"):
        build_plan(frame)


def test_field_missing_on_the_rows_type_is_refused(frame: pd.DataFrame) -> None:
    """A Requirement-only field set on a Defect row is refused."""
    defect = int(frame.index[frame.itemType == "Defect"][0])
    frame.loc[defect, "effort"] = 3
    with pytest.raises(PlanError, match="Defect items have no field 'effort\\$33'"):
        build_plan(frame)


def test_bad_value_type_is_refused(frame: pd.DataFrame) -> None:
    """Text in an integer field is one line naming the field and what it takes."""
    frame["effort"] = frame["effort"].astype(object)
    frame.loc[1003, "effort"] = "lots"
    with pytest.raises(PlanError, match="Effort \\(points\\) of Requirement items takes a whole"):
        build_plan(frame)


def test_several_problems_are_counted_in_one_line(frame: pd.DataFrame) -> None:
    """Many bad cells give one line with a count."""
    frame.loc[[1003, 1004, 1005, 1006], "priority"] = "Urgent"
    with pytest.raises(PlanError, match=r"^4 cells cannot be written: .*\(1 more\)$"):
        build_plan(frame)


def test_added_and_dropped_rows_are_reported_not_planned(frame: pd.DataFrame) -> None:
    """Rows added or dropped are counted in the summary, never turned into creates/deletes."""
    edited = frame.drop(index=[1001, 1002])
    edited.loc[999999] = edited.loc[1003]
    edited.loc[1003, "priority"] = "High"
    plan = build_plan(edited)
    assert plan.added == (999999,) and plan.dropped == 2
    assert [item.id for item in plan.items] == [1003]
    assert "1 rows not read from Jama are ignored" in plan.summary()
    assert "2 rows read are not in the frame" in plan.summary()


def test_user_columns_are_ignored_and_reported(frame: pd.DataFrame) -> None:
    """A column the user added is not written and is named in the summary."""
    frame["note"] = "mine"
    plan = build_plan(frame)
    assert len(plan) == 0 and plan.ignored_columns == ("note",)


def test_origin_survives_loc_copy_filter_and_deepcopy(frame: pd.DataFrame) -> None:
    """`.loc` edits, copy(), boolean filtering and deepcopy keep the same origin."""
    origin = origin_of(frame)
    frame.loc[1003, "priority"] = "High"
    kept = [frame.copy(), frame[frame.itemType == "Requirement"], copy.deepcopy(frame)]
    for other in kept:
        assert origin_of(other) is origin
        assert [i.id for i in build_plan(other).items] == [1003]


def test_plan_is_not_fooled_by_an_in_place_list_edit(frame: pd.DataFrame) -> None:
    """Appending to a list cell in place is still seen as a change."""
    cell: list[str] = frame.at[1003, "verification_method"]  # type: ignore[assignment]
    cell.append("Test")
    assert _ops(build_plan(frame))[1003][0]["path"] == "/fields/verification_method$33"


def test_frame_without_origin_is_a_clear_error() -> None:
    """A frame built by hand has no origin: plan() is one line saying where to start."""
    with pytest.raises(NoOriginError, match="no Jama origin"):
        build_plan(pd.DataFrame({"status": ["Draft"]}, index=[1]))


def test_planning_sends_no_request(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """Building a plan with names to map sends nothing to the server."""
    wsb.reset_stats()
    frame.loc[frame.status == "Draft", "status"] = "Approved"
    frame.loc[1004, "assignedTo"] = "Grace Kim"
    assert len(build_plan(frame.loc[frame.itemType == "Requirement"])) > 0
    assert wsb.stats.requests == 0


def test_frame_of_another_project_reads_its_releases(wconn: object) -> None:
    """Release names map within the item's own project."""
    other = read_frame(21)
    row = int(other.index[other.itemType == "Requirement"][0])
    releases = jm.request("GET", "/releases", query={"project": 21}).data
    target = next(r for r in releases if r["name"] != other.release[row])
    other.loc[row, "release"] = target["name"]
    assert _ops(build_plan(other))[row][0]["value"] == target["id"]


def test_unresolved_frame_plans_ids_reading_definitions_once(wconn: object, wsb: Sandbox) -> None:
    """r.df (ids, no names): plan() reads the item types and the pick list once a session."""
    high = _option(82, "High")
    jm.client_for("w").names.clear()  # as in a fresh session
    frame = jm.request("GET", "/items", query={"project": 20, "maxResults": 5}).df
    frame.loc[1003, "priority"] = high
    wsb.reset_stats()
    assert _ops(build_plan(frame))[1003] == [
        {"op": "replace", "path": "/fields/priority", "value": high}
    ]
    routes = dict(wsb.stats.by_route)
    assert set(routes) == {
        "GET /itemtypes",
        "GET /picklistoptions/{id}",
        "GET /picklists/{id}/options",
    }
    assert routes["GET /picklistoptions/{id}"] == 1 and routes["GET /picklists/{id}/options"] == 1
    wsb.reset_stats()
    build_plan(frame)
    assert wsb.stats.requests == 0  # kept for the session


def test_unresolved_frame_refuses_an_option_of_another_list(wconn: object) -> None:
    """In r.df too, an option id from another pick list is refused with the valid ones."""
    frame = jm.request("GET", "/items", query={"project": 20, "maxResults": 5}).df
    frame.loc[1003, "priority"] = _option(83, "Test")
    with pytest.raises(PlanError, match=r"is not the id of a valid Priority of Requirement items"):
        build_plan(frame)


def test_frame_of_a_dropped_connection_says_how_to_read_it(wsb: Sandbox) -> None:
    """r.df whose connection is gone cannot learn its fields: one line saying to read again."""
    jm.connect("gone", url=wsb.url, username=wsb.username, password=wsb.password)
    frame = jm.request(
        "GET", "/items", query={"project": 20, "maxResults": 5}, connection="gone"
    ).df
    jm.disconnect("gone")
    frame.loc[1003, "priority"] = 306
    with pytest.raises(PlanError, match=r"connection 'gone' is gone or changed\): read it again"):
        build_plan(frame)


def test_unresolved_frame_with_linked_item_types_plans_ids(wconn: object) -> None:
    """A frame whose response linked its item types plans ids without resolving names."""
    r = jm.request(
        "GET", "/items", query={"project": 20, "maxResults": 5, "include": "data.itemType"}
    )
    frame = r.df
    frame.loc[1003, "priority"] = 306
    assert build_plan(frame).items[0].body()[0]["value"] == 306
