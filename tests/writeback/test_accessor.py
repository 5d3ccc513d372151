"""df.jama: registered lazily, naive dates, a workbook that opens, plan through the accessor."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from jama_magic.errors import JamaUsageError
from jama_magic.writeback.hook import register_accessor


@pytest.fixture(autouse=True)
def _registered() -> None:
    register_accessor()


def test_import_registers_accessor_without_importing_pandas() -> None:
    """`import jama_magic` leaves pandas unloaded, and `df.jama` exists once pandas loads."""
    code = textwrap.dedent(
        """
        import sys
        import jama_magic
        assert "pandas" not in sys.modules, "jama_magic imported pandas"
        import pandas as pd
        print(type(pd.DataFrame().jama).__name__)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "JamaAccessor"


def test_accessor_plan_matches_build_plan(frame: pd.DataFrame) -> None:
    """df.jama.plan() is the plan of the frame's edits."""
    frame.loc[1003, "priority"] = "High"
    plan = frame.jama.plan()
    assert [(i.id, [c.column for c in i.fields]) for i in plan.items] == [(1003, ["priority"])]
    assert "1003" in repr(plan) and "Medium → High" in repr(plan)
    assert "<del>Medium</del> → <ins>High</ins>" in plan._repr_html_()


def test_naive_drops_timezones_and_keeps_days(frame: pd.DataFrame) -> None:
    """naive(tz) converts timestamps to tz but leaves Jama dates on their day."""
    naive = frame.jama.naive("America/New_York")
    assert getattr(naive["modifiedDate"].dtype, "tz", None) is None
    assert naive.due_date[1003] == pd.Timestamp(frame.due_date[1003].date())
    shifted = frame.modifiedDate[1003].tz_convert("America/New_York").tz_localize(None)
    assert naive.modifiedDate[1003] == shifted


def test_plan_of_a_naive_frame_sees_only_real_edits(frame: pd.DataFrame) -> None:
    """A naive copy plans nothing until edited; a naive date edit is written as that day."""
    naive = frame.jama.naive("Europe/Berlin")
    assert len(naive.jama.plan()) == 0
    naive.loc[1003, "due_date"] = pd.Timestamp("2025-07-01")
    ops = naive.jama.plan().items[0].body()
    assert ops == [{"op": "replace", "path": "/fields/due_date$33", "value": "2025-07-01"}]


def test_to_excel_writes_a_workbook_that_opens(frame: pd.DataFrame, tmp_path: Path) -> None:
    """The workbook opens with openpyxl: names, naive dates, plain-text rich text, lists as text."""
    import openpyxl

    path = frame.jama.to_excel(tmp_path / "items.xlsx")
    sheet = openpyxl.load_workbook(path)["items"]
    header = [cell.value for cell in sheet[1]]
    cells = sheet[2 + list(frame.index).index(1004)]
    row = {h: c.value for h, c in zip(header, cells, strict=True)}
    assert row["id"] == 1004 and row["status"] == frame.status[1004]
    assert row["verification_method"] == ", ".join(frame.verification_method[1004])
    assert "<p>" not in str(row["description"]) and row["description"]
    assert row["createdDate"].tzinfo is None


def test_to_excel_without_openpyxl_names_the_extra(
    frame: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without openpyxl, to_excel is one line naming the extra to install."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(JamaUsageError, match=r'pip install "jama-magic\[excel\]"'):
        frame.jama.to_excel(tmp_path / "x.xlsx")


def test_hand_made_frame_has_no_origin() -> None:
    """df.jama.plan() on a frame built by hand is a one-line error."""
    with pytest.raises(JamaUsageError, match="no Jama origin"):
        pd.DataFrame({"a": [1]}).jama.plan()
