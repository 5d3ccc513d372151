"""plan.apply() and result.undo() against the sandbox: exact writes, conflicts, guards, audit."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import jama_magic as jm
from jama_magic.errors import ReadOnlyError, WriteNotConfirmedError
from jama_magic.sandbox import Sandbox
from jama_magic.writeback import build_plan

from .conftest import read_frame

_BOOKKEEPING = ("modifiedDate", "lastActivityDate", "modifiedBy")


def _items(project: int = 20) -> dict[int, dict[str, Any]]:
    data = jm.request("GET", "/items", query={"project": project}, all_pages=True).data
    return {item["id"]: item for item in data}


def _edit(frame: pd.DataFrame) -> pd.DataFrame:
    """Draft requirements approved, one priority raised, one owner filled."""
    edited: pd.DataFrame = frame[frame.itemType == "Requirement"].copy()
    edited.loc[edited.status == "Draft", "status"] = "Approved"
    edited.loc[1003, "priority"] = "High"
    edited.loc[1004, "assignedTo"] = "Grace Kim"
    return edited


def _patches(sb: Sandbox) -> int:
    return sb.stats.by_route["PATCH /items/{id}"]


def _audit(folder: Path) -> list[dict[str, Any]]:
    path = folder / "writeback-audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_apply_writes_each_item_once_and_nothing_else(
    frame: pd.DataFrame, wsb: Sandbox, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One PATCH per planned item; every other field of every item stays as it was; an
    apply that is not interrupted prints nothing (the result is its own display)."""
    before = _items()
    plan = build_plan(_edit(frame))
    wsb.reset_stats()
    result = plan.apply(progress=False)
    assert result.written == len(plan) > 40
    assert _patches(wsb) == len(plan)
    assert wsb.stats.requests - _patches(wsb) <= 4  # the check and the read-back, a page each
    assert capsys.readouterr().out == ""
    after = _items()
    planned = {item.id: {c.field: c.new for c in item.fields} for item in plan.items}
    for item_id, old in before.items():
        new = after[item_id]
        expected = {**old["fields"], **planned.get(item_id, {})}
        assert new["fields"] == expected, item_id
        same = {k: v for k, v in old.items() if k not in (*_BOOKKEEPING, "fields")}
        assert {k: new[k] for k in same} == same
        assert (new["modifiedDate"] != old["modifiedDate"]) == (item_id in planned)


def test_result_table_and_audit_log_match_the_writes(
    frame: pd.DataFrame, wsb: Sandbox, data_dir: Path
) -> None:
    """The result has one row per item; the audit log has one line per written field."""
    plan = build_plan(_edit(frame))
    wsb.reset_stats()
    result = plan.apply(progress=False)
    table = result.df
    assert list(table.index) == [item.id for item in plan.items]
    assert set(table.outcome) == {"written"}
    lines = _audit(data_dir)
    assert len(lines) == plan.field_count
    assert len({line["item"] for line in lines}) == _patches(wsb)
    first = next(line for line in lines if line["item"] == 1003 and line["field"] == "priority")
    assert first["connection"] == "w" and first["outcome"] == "written"
    assert first["before"] == frame.attrs["jama_origin"].items[1003].fields["priority"]


def test_conflict_is_reported_and_not_written(
    frame: pd.DataFrame, wsb: Sandbox, data_dir: Path
) -> None:
    """An item changed by someone else after the read is a conflict; the rest is written."""
    jm.request(
        "PATCH", "/items/1003", body=[{"op": "replace", "path": "/fields/name", "value": "X"}]
    )
    plan = build_plan(_edit(frame))
    wsb.reset_stats()
    result = plan.apply(progress=False)
    assert result.df.outcome[1003] == "conflict"
    assert "changed in Jama since the frame was read" in result.df.message[1003]
    assert wsb.stats.by_path["PATCH /items/1003"] == 0
    assert result.written == len(plan) - 1 == _patches(wsb)
    assert _items()[1003]["fields"]["name"] == "X"
    assert {line["outcome"] for line in _audit(data_dir) if line["item"] == 1003} == {"conflict"}


def test_undo_restores_every_field(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """undo() puts back exactly the values read, with one PATCH per written item."""
    before = _items()
    result = build_plan(_edit(frame)).apply(progress=False)
    wsb.reset_stats()
    undone = result.undo(progress=False)
    assert undone.written == result.written == _patches(wsb)
    after = _items()
    assert {i: it["fields"] for i, it in after.items()} == {
        i: it["fields"] for i, it in before.items()
    }


def test_undo_skips_items_changed_after_the_apply(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """An item edited by someone else after the apply is a conflict for undo, not overwritten."""
    result = build_plan(_edit(frame)).apply(progress=False)
    jm.request(
        "PATCH", "/items/1004", body=[{"op": "replace", "path": "/fields/name", "value": "Y"}]
    )
    undone = result.undo(progress=False)
    assert undone.df.outcome[1004] == "conflict"
    assert undone.written == result.written - 1
    assert _items()[1004]["fields"]["name"] == "Y"


def test_lock_true_locks_around_each_write(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """lock=True: lock, re-read, PATCH, unlock per item; nothing is left locked."""
    edited = frame.copy()
    edited.loc[[1003, 1004], "priority"] = "Low"
    plan = build_plan(edited)
    wsb.reset_stats()
    result = plan.apply(lock=True, progress=False)
    assert result.written == 2 == _patches(wsb)
    assert wsb.stats.by_route["PUT /items/{id}/lock"] == 4
    assert wsb.stats.by_route["GET /items/{id}"] == 2
    assert not any(_items()[i]["lock"]["locked"] for i in (1003, 1004))


def test_read_only_connection_sends_nothing(wsb: Sandbox, wconn: object) -> None:
    """A plan on a read-only connection is refused before any request."""
    jm.connect("ro", url=wsb.url, username=wsb.username, password=wsb.password, read_only=True)
    frame = read_frame(connection="ro")
    frame.loc[1003, "priority"] = "High"
    wsb.reset_stats()
    with pytest.raises(ReadOnlyError, match="'ro' is read-only"):
        build_plan(frame).apply(progress=False)
    assert wsb.stats.requests == 0


def test_confirm_writes_asks_once_for_the_whole_plan(wsb: Sandbox, wconn: object) -> None:
    """A confirm_writes connection asks one question for the plan; no answer sends nothing."""
    jm.connect(
        "ask", url=wsb.url, username=wsb.username, password=wsb.password, confirm_writes=True
    )
    frame = read_frame(connection="ask")
    frame.loc[[1003, 1004, 1005], "priority"] = "Low"
    plan = build_plan(frame)
    questions: list[str] = []

    def answer(reply: bool) -> Callable[[str], bool]:
        def ask(question: str) -> bool:
            questions.append(question)
            return reply

        return ask

    wsb.reset_stats()
    with pytest.raises(WriteNotConfirmedError):
        plan.apply(confirm=answer(False), progress=False)
    assert wsb.stats.requests == 0 and len(questions) == 1
    assert "3 items, 3 fields to change on 'ask'" in questions[0]
    result = plan.apply(confirm=answer(True), progress=False)
    assert result.written == 3 and len(questions) == 2


def test_failed_patch_is_reported_and_never_resent(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """A PATCH answered 503 is a failure in the result, sent once (writes retry only on 429)."""
    edited = frame.copy()
    edited.loc[[1003, 1004], "priority"] = "Low"
    plan = build_plan(edited)
    wsb.reset_stats()
    wsb.schedule_faults(["503"], method="PATCH", path_prefix="/items")
    result = plan.apply(progress=False)
    wsb.clear_faults()
    assert sorted(result.df.outcome) == ["failed", "written"]
    assert _patches(wsb) == 2
    assert "503" in str(result.df.message[result.df.outcome == "failed"].iloc[0])


def test_429_is_retried_and_written_once(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """A 429 on a PATCH is retried (the server did nothing); the item is written once."""
    edited = frame.copy()
    edited.loc[1003, "priority"] = "Low"
    plan = build_plan(edited)
    wsb.schedule_faults(["429:0"], method="PATCH", path_prefix="/items")
    result = plan.apply(progress=False)
    wsb.clear_faults()
    assert result.written == 1
    assert _items()[1003]["fields"]["priority"] == plan.items[0].fields[0].new


def test_ctrl_c_stops_new_writes_and_reports_what_was_written(
    frame: pd.DataFrame, wsb: Sandbox, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C mid-apply: in-flight writes finish, the rest is 'not sent', counts are exact,
    and the outcome is printed as one line."""
    edited = frame.copy()
    edited.loc[edited.itemType == "Requirement", "name"] = "renamed"
    with pytest.warns(UserWarning, match="locked by someone else"):  # DEMO-REQ-123
        plan = build_plan(edited)
    jm.settings.rate_limit = 20
    wsb.reset_stats()
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    result = plan.apply(progress=False)
    timer.join()
    assert result.interrupted
    written = result.count("written")
    assert 0 < written < len(plan)
    assert written + result.count("not sent") == len(plan)
    assert _patches(wsb) == written
    renamed = sum(item["fields"]["name"] == "renamed" for item in _items().values())
    assert renamed == written
    assert len([line for line in _audit(data_dir) if line["outcome"] == "written"]) == written
    assert capsys.readouterr().out == f"ApplyResult: {result.summary()}\n"
    assert "(interrupted: the rest was not sent)" in result.summary()


def test_empty_plan_sends_nothing(frame: pd.DataFrame, wsb: Sandbox) -> None:
    """Applying a plan with no changes sends no request."""
    wsb.reset_stats()
    assert build_plan(frame).apply(progress=False).written == 0
    assert wsb.stats.requests == 0


def test_undo_without_writes_is_a_clear_error(frame: pd.DataFrame) -> None:
    """undo() of a result that wrote nothing says so in one line."""
    result = build_plan(frame).apply(progress=False)
    with pytest.raises(jm.JamaUsageError, match="nothing was written"):
        result.undo()


def test_progress_bar_says_writing(
    frame: pd.DataFrame, wsb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a terminal, apply() shows a text bar labelled "Writing", not "Fetching"."""
    import io
    import sys

    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    result = build_plan(_edit(frame)).apply(progress=True)
    assert result.written > 1
    assert "Writing:" in err.getvalue() and "Fetching" not in err.getvalue()


@pytest.mark.parametrize("lock", [False, True])
def test_item_locked_by_someone_else_names_the_user(
    frame: pd.DataFrame, wsb: Sandbox, lock: bool
) -> None:
    """An item locked by another user fails with a message naming them, not only their id."""
    locked = {i: item for i, item in _items().items() if item["lock"]["locked"]}
    item_id, item = next(iter(locked.items()))
    user = jm.request("GET", f"/users/{item['lock']['lockedBy']}").data
    name = f"{user['firstName']} {user['lastName']}"
    edited = frame.copy()
    edited.loc[item_id, "name"] = "renamed while locked"
    result = build_plan(edited).apply(lock=lock, progress=False)
    outcome = result.df.loc[item_id]
    assert outcome.outcome == "failed" and outcome.status == 409
    assert f"{name} (user {item['lock']['lockedBy']})" in outcome.message
