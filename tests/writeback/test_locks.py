"""df.jama.plan() warns about items someone else holds locked (Jama refuses them with 409)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import jama_magic as jm
from jama_magic.connection import Connection
from jama_magic.sandbox import Sandbox
from jama_magic.writeback.locks import LockedItem, lock_warning

from .conftest import read_frame


def colleague_locked(sb: Sandbox, frame: pd.DataFrame) -> list[int]:
    """Rows of ``frame`` whose item a user other than the sandbox's own holds locked."""
    me = sb.dataset.current_user_id
    return [
        int(i)
        for i in frame.index
        if sb.dataset.items[int(i)]["lock"].get("locked")
        and sb.dataset.items[int(i)]["lock"].get("lockedBy") != me
    ]


def user_name(sb: Sandbox, user: int) -> str:
    obj = sb.dataset.users[user]
    return f"{obj['firstName']} {obj['lastName']}"


def rename(frame: pd.DataFrame, rows: list[int]) -> pd.DataFrame:
    for row in rows:
        frame.loc[row, "name"] = f"{frame.loc[row, 'name']} (edited)"
    return frame


def test_locked_rows_are_planned_with_a_warning(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """Editing an item a colleague holds locked warns, naming item and holder; it stays planned."""
    locked = colleague_locked(wsb, frame)
    assert locked, "the sandbox's project 20 has items locked by colleagues"
    row = locked[0]
    holder = user_name(wsb, wsb.dataset.items[row]["lock"]["lockedBy"])
    key = frame.loc[row, "documentKey"]
    with pytest.warns(
        UserWarning, match=rf"1 item is locked by someone else: {key} \(by {holder}\)"
    ):
        plan = rename(frame, [row, 1003]).jama.plan()
    assert {item.id for item in plan.items} == {row, 1003}
    assert [item.id for item in plan.locked] == [row]
    assert "1 locked by someone else" in plan.summary()


def test_the_warning_comes_true_on_apply(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """Applying the plan anyway: the locked item is refused with 409, the others are written."""
    row = colleague_locked(wsb, frame)[0]
    with pytest.warns(UserWarning, match="locked by someone else"):
        plan = rename(frame, [row, 1003]).jama.plan()
    result = plan.apply(progress=False)
    outcomes = result.df
    assert outcomes.loc[row, "status"] == 409
    assert outcomes.loc[1003, "outcome"] == "written"


def test_unlocked_rows_plan_without_a_warning(frame: pd.DataFrame) -> None:
    """Edits to unlocked items give no warning and an empty plan.locked."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = rename(frame, [1003, 1004]).jama.plan()
    assert plan.locked == () and "locked" not in plan.summary()


def test_an_item_locked_by_the_connections_user_is_not_reported(
    wconn: Connection, wsb: Sandbox
) -> None:
    """The user's own lock does not stop their write, so it is not warned about."""
    jm.request("PUT", "/items/1003/lock", body={"locked": True})
    frame = read_frame()
    assert frame.loc[1003, "locked"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = rename(frame, [1003]).jama.plan()
    assert plan.locked == ()
    assert plan.apply(progress=False).df.loc[1003, "outcome"] == "written"


def test_holder_unknown_to_the_frame_is_shown_by_id(wconn: Connection, wsb: Sandbox) -> None:
    """A frame read without names (item types linked only) names the holder by user id."""
    wsb.lock_as(1003, 52)
    r = jm.request(
        "GET", "/items", query={"project": 20, "maxResults": 5, "include": "data.itemType"}
    )
    frame = r.df
    frame.loc[1003, "name"] = "renamed"
    with pytest.warns(UserWarning, match=r"locked by someone else: .* \(by user 52\)"):
        plan = frame.jama.plan()
    assert [item.id for item in plan.locked] == [1003]


def test_warning_lists_three_and_counts_the_rest() -> None:
    """Many locked items: the line names three and says how many more."""
    locked = tuple(LockedItem(id=i, document_key=f"K-{i}", holder="Ann") for i in range(5))
    line = lock_warning(locked)
    assert line.startswith("5 items are locked by someone else: K-0 (by Ann), K-1 (by Ann)")
    assert "and 2 more" in line and "409" in line and "\n" not in line
